using System.Text.RegularExpressions;
using ClosedXML.Excel;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Planner.Api.Workbooks;

/// <summary>
/// Saves workbooks so that a sheet's header rows print on every page. ClosedXML 0.95 writes the rows to repeat as
/// <c>今日调拨!1:4</c>: relative, and the sheet's name unquoted (its issue 1287). LibreOffice then prints a long list's
/// header on its first page only, and Excel misreads names that need quoting. Each is rewritten as
/// <c>'今日调拨'!$1:$4</c>.
/// </summary>
public static partial class PrintTitles
{
    /// <summary>The package of <paramref name="workbook"/>, its print titles made absolute.</summary>
    public static byte[] Bytes(XLWorkbook workbook)
    {
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        using (var document = SpreadsheetDocument.Open(stream, true))
            Fix(document);
        return stream.ToArray();
    }

    /// <summary>Rewrites the print titles of the open <paramref name="document"/> and saves its workbook
    /// part.</summary>
    internal static void Fix(SpreadsheetDocument document)
    {
        var workbook = document.WorkbookPart!.Workbook;
        var sheets = workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().ToList();
        var titles = workbook.DefinedNames?.Elements<DefinedName>().Where(n => n.Name == "_xlnm.Print_Titles") ?? [];
        foreach (var title in titles)
        {
            if (title.LocalSheetId?.Value is not { } index || Rows().Match(title.Text) is not { Success: true } rows)
                continue;
            var sheet = sheets[(int)index].Name!.Value!.Replace("'", "''", StringComparison.Ordinal);
            title.Text = $"'{sheet}'!${rows.Groups[1].Value}:${rows.Groups[2].Value}";
        }
        workbook.Save();
    }

    [GeneratedRegex(@"!\$?(\d+):\$?(\d+)$")]
    private static partial Regex Rows();
}
