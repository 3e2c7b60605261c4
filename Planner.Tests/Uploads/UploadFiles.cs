using System.IO.Compression;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;
using ClosedXML.Excel;
using Planner.Api.Uploads;

namespace Planner.Tests.Uploads;

/// <summary>
/// Builds upload files: a filled template (edited with ClosedXML), a workbook written by hand as other tools write
/// them, and hostile ones written as a stream (many rows, a huge shared-strings part). Nothing is kept on disk.
/// </summary>
internal static class UploadFiles
{
    /// <summary>The sample's PPE products, the template's product columns.</summary>
    public static readonly string[] Products = ["COVERALL", "GLOVES", "GOGGLES", "N95", "SURGICAL"];

    /// <summary>The English template's header row, for a workbook written by hand (its sheet is "Capacity").</summary>
    public static List<object?> HeaderRow() =>
        CapacityTemplate.Columns(Products).Select(c => (object?)c.English).ToList();

    /// <summary>H-0001's report as a row of a workbook written by hand: its identity, <paramref name="date"/>, then
    /// its counts as numbers (ICU beds occupied at index 9); the template's later columns are left empty.</summary>
    public static object?[] H0001Row(string? date) =>
        ["H-0001", "Hospital", "County", date, 2483, 1889, 214, 82, 93, 41, 11, 3, 112, 22, 2, 0, 1696];

    /// <summary>The template with <paramref name="edit"/> applied to the workbook, saved again.</summary>
    public static byte[] Edit(byte[] template, Action<XLWorkbook> edit)
    {
        using var workbook = Xlsx.Open(new MemoryStream(template));
        edit(workbook);
        using var output = new MemoryStream();
        workbook.SaveAs(output);
        return output.ToArray();
    }

    /// <summary>Every row of the template reported for <paramref name="date"/> (the numbers it came with are the latest
    /// held ones).</summary>
    public static void Report(XLWorkbook workbook, DateTime date, int? rows = null)
    {
        var ws = workbook.Worksheet(1);
        var last = ws.LastRowUsed()!.RowNumber();
        for (var row = 2; row <= (rows is { } n ? Math.Min(last, 1 + n) : last); row++)
        {
            ws.Cell(row, 4).SetValue(date);
        }
    }

    /// <summary>The capacity template the API hands <paramref name="client"/> (for <paramref name="hospitals"/>, or
    /// every hospital it may report for).</summary>
    public static Task<byte[]> TemplateAsync(HttpClient client, string? hospitals = null) =>
        client.GetByteArrayAsync(
            new Uri(
                "/api/uploads/capacity/template" + (hospitals is null ? "" : $"?hospitals={hospitals}"),
                UriKind.Relative
            ),
            Ct
        );

    /// <summary>The template with every row reported for <paramref name="date"/>, as a person fills it in.</summary>
    public static byte[] Reported(byte[] template, DateTime date) => Edit(template, wb => Report(wb, date));

    /// <summary>The hospitals of a template's rows, in order.</summary>
    public static List<string> Hospitals(byte[] template)
    {
        using var book = Xlsx.Open(new MemoryStream(template));
        var sheet = book.Worksheet(1);
        return Enumerable
            .Range(2, sheet.LastRowUsed()!.RowNumber() - 1)
            .Select(r => sheet.Cell(r, 1).GetString())
            .ToList();
    }

    /// <summary>The column of a header in the template's first row.</summary>
    public static int Column(IXLWorksheet ws, string header) =>
        ws.Row(1).CellsUsed().Single(c => c.GetString() == header).Address.ColumnNumber;

    /// <summary>
    /// A minimal workbook as some tools write it: one sheet, every string inline or in a shared-strings part, and
    /// optionally no styles part at all. Numbers are numbers; strings are strings.
    /// </summary>
    public static byte[] Raw(
        IReadOnlyList<IReadOnlyList<object?>> rows,
        bool inlineStrings,
        bool styles,
        string sheetName = "Capacity"
    )
    {
        var shared = new List<string>();
        var parts = PackageParts(SheetXml(rows, inlineStrings, shared), sheetName, shared.Count > 0, styles);
        if (shared.Count > 0)
        {
            parts["xl/sharedStrings.xml"] =
                """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"""
                + """<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" """
                + $"""count="{shared.Count}" uniqueCount="{shared.Count}">"""
                + string.Concat(shared.Select(s => $"<si><t>{SecurityElement.Escape(s)}</t></si>"))
                + "</sst>";
        }
        if (styles)
        {
            parts["xl/styles.xml"] =
                """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"""
                + """<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"""
                + """<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1">"""
                + """<border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf/>"""
                + """</cellXfs></styleSheet>""";
        }
        return Zip(parts);
    }

    /// <summary>The sheet's XML, its strings inline or added to <paramref name="shared"/>.</summary>
    private static string SheetXml(IReadOnlyList<IReadOnlyList<object?>> rows, bool inlineStrings, List<string> shared)
    {
        var sheet = new StringBuilder(
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"""
                + """<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"""
        );
        for (var r = 0; r < rows.Count; r++)
        {
            sheet.Append(CultureInfo.InvariantCulture, $"""<row r="{r + 1}">""");
            for (var c = 0; c < rows[r].Count; c++)
            {
                var reference = XLHelper.GetColumnLetterFromNumber(c + 1) + (r + 1);
                sheet.Append(CellXml(reference, rows[r][c], inlineStrings, shared));
            }
            sheet.Append("</row>");
        }
        sheet.Append("</sheetData></worksheet>");
        return sheet.ToString();
    }

    /// <summary>A cell's XML: nothing for an empty cell, a string inline or shared, a number as a number.</summary>
    private static string CellXml(string reference, object? value, bool inlineStrings, List<string> shared)
    {
        switch (value)
        {
            case null:
                return "";
            case string s when inlineStrings:
                return $"""<c r="{reference}" t="inlineStr"><is><t>{SecurityElement.Escape(s)}</t></is></c>""";
            case string s:
                shared.Add(s);
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"""<c r="{reference}" t="s"><v>{shared.Count - 1}</v></c>"""
                );
            default:
                return $"""<c r="{reference}">"""
                    + $"""<v>{Convert.ToString(value, CultureInfo.InvariantCulture)}</v>"""
                    + $"""</c>""";
        }
    }

    /// <summary>The package around a sheet: content types, relationships and the workbook naming the sheet.</summary>
    private static Dictionary<string, string> PackageParts(string sheet, string sheetName, bool shared, bool styles) =>
        new()
        {
            ["[Content_Types].xml"] =
                """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"""
                + """<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"""
                + """<Default Extension="rels" """
                + """ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"""
                + """<Default Extension="xml" ContentType="application/xml"/>"""
                + """<Override PartName="/xl/workbook.xml" """
                + """ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"""
                + """<Override PartName="/xl/worksheets/sheet1.xml" """
                + """ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"""
                + (shared ? Override("/xl/sharedStrings.xml", "sharedStrings") : "")
                + (styles ? Override("/xl/styles.xml", "styles") : "")
                + "</Types>",
            ["_rels/.rels"] =
                """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"""
                + """<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"""
                + """<Relationship Id="rId1" """
                + """Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" """
                + """Target="xl/workbook.xml"/>"""
                + """</Relationships>""",
            ["xl/workbook.xml"] =
                """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"""
                + """<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" """
                + """xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"""
                + $"""<sheets><sheet name="{sheetName}" sheetId="1" r:id="rId1"/></sheets></workbook>""",
            ["xl/_rels/workbook.xml.rels"] =
                """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"""
                + """<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"""
                + """<Relationship Id="rId1" """
                + """Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" """
                + """Target="worksheets/sheet1.xml"/>"""
                + (shared ? Relationship("rId2", "sharedStrings", "sharedStrings.xml") : "")
                + (styles ? Relationship("rId3", "styles", "styles.xml") : "")
                + "</Relationships>",
            ["xl/worksheets/sheet1.xml"] = sheet,
        };

    private static string Override(string part, string type) =>
        $"""<Override PartName="{part}" ContentType="application/vnd.openxmlformats-officedocument."""
        + $"""spreadsheetml.{type}+xml"/>""";

    private static string Relationship(string id, string type, string target) =>
        $"""<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/"""
        + $"""{type}" Target="{target}"/>""";

    /// <summary>A zip of the given parts (name → text).</summary>
    public static byte[] Zip(IReadOnlyDictionary<string, string> parts)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in parts)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
                writer.Write(text);
            }
        }
        return output.ToArray();
    }

    /// <summary>The parts of an xlsx, to be changed and zipped again with <see cref="Zip"/>.</summary>
    public static Dictionary<string, string> Parts(byte[] xlsx)
    {
        using var zip = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read);
        return zip.Entries.ToDictionary(
            e => e.FullName,
            e =>
            {
                using var reader = new StreamReader(e.Open());
                return reader.ReadToEnd();
            }
        );
    }

    /// <summary>Adds <paramref name="xml"/> to a part of <paramref name="parts"/>, just before its
    /// <paramref name="closing"/> tag.</summary>
    public static void InsertBefore(Dictionary<string, string> parts, string part, string closing, string xml) =>
        parts[part] = parts[part].Replace(closing, xml + closing, StringComparison.Ordinal);

    /// <summary>The file with the XML of one cell of the Capacity sheet (sheet1.xml, as ClosedXML writes it).</summary>
    public static byte[] WithCell(byte[] xlsx, string reference, string cellXml)
    {
        var parts = Parts(xlsx);
        const string sheet = "xl/worksheets/sheet1.xml";
        var pattern = new Regex($"<x:c r=\"{reference}\"[^>]*?(/>|>.*?</x:c>)");
        Assert.Matches(pattern, parts[sheet]);
        parts[sheet] = pattern.Replace(parts[sheet], cellXml, 1);
        return Zip(parts);
    }

    /// <summary>
    /// A workbook whose Capacity sheet has a header and <paramref name="rows"/> rows of <paramref name="cells"/>
    /// numbers each (the hostile files of issue 17: 300,000 one-cell rows make 1.5 MB), written as a stream.
    /// </summary>
    public static byte[] ManyRows(int rows, int cells) =>
        Streamed(
            sheet =>
            {
                sheet.Write("""<row r="1"><c r="A1" t="inlineStr"><is><t>Hospital code</t></is></c></row>""");
                for (var r = 2; r <= rows + 1; r++)
                {
                    sheet.Write("<row r=\"");
                    sheet.Write(r.ToString(CultureInfo.InvariantCulture));
                    sheet.Write("\">");
                    for (var c = 1; c <= cells; c++)
                    {
                        var reference =
                            XLHelper.GetColumnLetterFromNumber(c) + r.ToString(CultureInfo.InvariantCulture);
                        var value = ((r * 7 + c) % 1000).ToString(CultureInfo.InvariantCulture);
                        sheet.Write($"<c r=\"{reference}\"><v>{value}</v></c>");
                    }
                    sheet.Write("</row>");
                }
            },
            sharedStrings: null
        );

    /// <summary>
    /// A workbook with a shared-strings part of about <paramref name="bytes"/> bytes unpacked, compressing about
    /// 20-fold (so that neither the size nor the ratio limit is what refuses it), and a one-row sheet.
    /// </summary>
    public static byte[] HugeSharedStrings(long bytes) =>
        Streamed(
            sheet => sheet.Write("""<row r="1"><c r="A1" t="s"><v>0</v></c></row>"""),
            sharedStrings =>
            {
                long written = 0;
                for (var i = 0; written < bytes; i++)
                {
                    var item = string.Create(
                        CultureInfo.InvariantCulture,
                        $"<si><t>note {i:00000000} ward bed oxygen supply short</t></si>"
                    );
                    sharedStrings.Write(item);
                    written += item.Length;
                }
            }
        );

    /// <summary>A one-sheet workbook (Capacity) whose rows and shared strings the given actions write.</summary>
    private static byte[] Streamed(Action<TextWriter> sheetData, Action<TextWriter>? sharedStrings)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            var parts = Raw([], inlineStrings: true, styles: true);
            foreach (var (name, text) in Parts(parts).Where(p => p.Key != "xl/worksheets/sheet1.xml"))
            {
                var content = sharedStrings is null ? text : DeclaringSharedStrings(name, text);
                Write(zip, name, w => w.Write(content));
            }
            Write(zip, "xl/worksheets/sheet1.xml", w =>
            {
                w.Write(
                    """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
                    """
                );
                sheetData(w);
                w.Write("</sheetData></worksheet>");
            });
            if (sharedStrings is not null)
            {
                Write(zip, "xl/sharedStrings.xml", w =>
                {
                    w.Write(
                        """
                        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                        <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
                        """
                    );

                    sharedStrings(w);
                    w.Write("</sst>");
                });
            }
        }
        return output.ToArray();
    }

    /// <summary>A part of the package with the shared-strings part declared in it (its content type, its
    /// relationship); any other part as it is.</summary>
    private static string DeclaringSharedStrings(string name, string text) =>
        name switch
        {
            "[Content_Types].xml" => text.Replace(
                "</Types>",
                """
                <Override PartName="/xl/sharedStrings.xml"
                  ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
                </Types>
                """,
                StringComparison.Ordinal
            ),
            "xl/_rels/workbook.xml.rels" => text.Replace(
                "</Relationships>",
                """
                <Relationship Id="rId2" Target="sharedStrings.xml"
                  Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>
                </Relationships>

                """,
                StringComparison.Ordinal
            ),
            _ => text,
        };

    /// <summary>Writes a part of the zip as a stream, in UTF-8 without a byte order mark.</summary>
    private static void Write(ZipArchive zip, string name, Action<TextWriter> write)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false), 1 << 16);
        write(writer);
    }
}
