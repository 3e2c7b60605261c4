using ClosedXML.Excel;
using DocumentFormat.OpenXml.Packaging;

namespace Planner.Tests.Infrastructure;

/// <summary>
/// Workbooks read back with ClosedXML. ClosedXML 0.95.4 loads pictures through System.Drawing, which throws on Linux,
/// so the province workbook (with its map on the Summary) is read without its drawings; the picture itself is checked
/// with the OpenXML SDK (<c>PublishedWorkbookTests.ProvinceSummary_CarriesTheCountyMap</c>).
/// </summary>
public static class Xlsx
{
    public static XLWorkbook Open(string? path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        return Open(file);
    }

    public static XLWorkbook Open(Stream stream)
    {
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        using (var document = SpreadsheetDocument.Open(copy, isEditable: true))
        {
            foreach (var sheet in document.WorkbookPart!.WorksheetParts)
            {
                if (sheet.DrawingsPart is not { } drawings)
                    continue;
                sheet.Worksheet.RemoveAllChildren<DocumentFormat.OpenXml.Spreadsheet.Drawing>();
                sheet.Worksheet.Save();
                sheet.DeletePart(drawings);
            }
        }
        copy.Position = 0;
        return new XLWorkbook(copy);
    }
}
