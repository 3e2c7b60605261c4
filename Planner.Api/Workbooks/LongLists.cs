using System.Text;
using System.Xml;
using ClosedXML.Excel;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Planner.Api.Workbooks;

/// <summary>
/// Lists too long for ClosedXML's cells (a city's villages by day: tens of thousands of rows). ClosedXML writes the
/// sheet with its header and first row, so the sheet has its table, styles, widths, frozen header and print set-up
/// like every other; once the workbook is saved, <see cref="Save"/> streams the other rows into it in the first row's
/// styles and stretches the table over them. ClosedXML holds every cell in memory and spent most of a city
/// workbook's time on these rows (14 s for the 11 city workbooks of one language, against 2.4 s before the
/// lists by day).
/// </summary>
public sealed class LongLists
{
    private readonly List<(string Sheet, int Top, List<object[]> Rows)> _rest = [];

    /// <summary>Writes the first of <paramref name="rows"/> (if any) on row <paramref name="top"/> of
    /// <paramref name="ws"/>, the list's first below its header, and keeps the others for <see cref="Save"/>; style
    /// that row's cells and make the table end on it. A row's values are text (written as text, never read as a
    /// number), whole or real numbers, or dates.</summary>
    public void Start(IXLWorksheet ws, List<object[]> rows, int top = 2)
    {
        if (rows.Count > 0)
            ws.Cell(top, 1).InsertData(rows.Take(1));
        if (rows.Count > 1)
            _rest.Add((ws.Name, top, rows[1..]));
    }

    /// <summary>Saves <paramref name="workbook"/> at <paramref name="path"/>, then, in one opening of the package,
    /// adds the kept rows and makes the print titles absolute (<see cref="PrintTitles"/>).</summary>
    public void Save(XLWorkbook workbook, string path)
    {
        workbook.SaveAs(path);
        using var document = SpreadsheetDocument.Open(path, true, new OpenSettings { AutoSave = false });
        PrintTitles.Fix(document);
        var part = document.WorkbookPart!;
        foreach (var (name, top, rows) in _rest)
        {
            var sheet = part
                .Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>()
                .Single(s => s.Name == name);
            Append((WorksheetPart)part.GetPartById(sheet.Id!), top, rows);
        }
    }

    /// <summary>Rewrites the sheet's part with <paramref name="rows"/> after row <paramref name="top"/> (its last),
    /// in that row's styles, then extends its dimension and its table to them.</summary>
    private static void Append(WorksheetPart part, int top, List<object[]> rows)
    {
        // The sheet as ClosedXML saved it is small (header and one row): read it whole, then write it anew. The
        // document does not save what it read (AutoSave off), so the part keeps what is written here.
        var children = part.Worksheet.ChildElements.Select(c => c.CloneNode(true)).ToList();
        var data = children.OfType<SheetData>().Single();
        var first = data.Elements<Row>().Single(r => r.RowIndex?.Value == top);
        // By column: ClosedXML leaves out an empty cell with no style of its own, so the first row may have gaps.
        var styles = first
            .Elements<Cell>()
            .ToDictionary(c => ColumnNumber(c.CellReference!.Value!), c => c.StyleIndex?.Value);
        var columns = Math.Max(rows.Max(r => r.Length), styles.Keys.DefaultIfEmpty(0).Max());
        var end = $"{Column(columns)}{rows.Count + top}";
        foreach (var dimension in children.OfType<SheetDimension>())
            dimension.Reference = "A1:" + end;

        using (var stream = part.GetStream(FileMode.Create))
        using (var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            xml.WriteStartElement("worksheet", Main);
            xml.WriteAttributeString("xmlns", "r", null, Relationships);
            foreach (var child in children)
            {
                if (child is not SheetData)
                {
                    xml.WriteRaw(child.OuterXml);
                    continue;
                }
                xml.WriteStartElement("sheetData", Main);
                foreach (var row in data.Elements<Row>())
                    xml.WriteRaw(row.OuterXml);
                for (var i = 0; i < rows.Count; i++)
                    WriteRow(xml, top + 1 + i, rows[i], styles);
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        foreach (var table in part.TableDefinitionParts.Select(t => t.Table))
        {
            var range = table.Reference!.Value!.Split(':')[0] + ":" + end;
            table.Reference = range;
            if (table.AutoFilter is { } filter)
                filter.Reference = range;
            table.Save();
        }
    }

    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    private static void WriteRow(XmlWriter xml, int index, object[] values, Dictionary<int, uint?> styles)
    {
        var number = index.ToString(CultureInfo.InvariantCulture);
        xml.WriteStartElement("row", Main);
        xml.WriteAttributeString("r", number);
        for (var c = 0; c < values.Length; c++)
        {
            xml.WriteStartElement("c", Main);
            xml.WriteAttributeString("r", Letters[c] + number);
            if (styles.GetValueOrDefault(c + 1) is { } style)
                xml.WriteAttributeString("s", style.ToString(CultureInfo.InvariantCulture));
            if (values[c] is string text)
            {
                xml.WriteAttributeString("t", "inlineStr");
                xml.WriteStartElement("is", Main);
                xml.WriteElementString("t", Main, text);
                xml.WriteEndElement();
            }
            else
                xml.WriteElementString("v", Main, Number(values[c]));
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    /// <summary>The column of a cell reference (A1: 1, AB7: 28).</summary>
    private static int ColumnNumber(string reference) =>
        reference.TakeWhile(char.IsAsciiLetter).Aggregate(0, (n, c) => n * 26 + char.ToUpperInvariant(c) - 'A' + 1);

    /// <summary>The letters of the first columns (A, B, … AZ).</summary>
    private static readonly string[] Letters = [.. Enumerable.Range(1, 52).Select(Column)];

    private static string Number(object value) =>
        value switch
        {
            DateTime date => date.ToOADate().ToString(CultureInfo.InvariantCulture),
            long whole => whole.ToString(CultureInfo.InvariantCulture),
            int whole => whole.ToString(CultureInfo.InvariantCulture),
            double real => real.ToString("R", CultureInfo.InvariantCulture),
            _ => throw new ArgumentException($"A list cell holds text, a number or a date, not {value.GetType()}."),
        };

    /// <summary>The letters of column <paramref name="number"/> (1: A, 27: AA).</summary>
    private static string Column(int number)
    {
        var letters = "";
        for (; number > 0; number = (number - 1) / 26)
            letters = (char)('A' + (number - 1) % 26) + letters;
        return letters;
    }
}
