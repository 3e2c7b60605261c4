using System.IO.Compression;
using System.Security;
using System.Text;
using ClosedXML.Excel;

namespace Planner.Tests.Uploads;

/// <summary>Builds upload files: a filled template (edited with ClosedXML) or a workbook written by hand, as other tools write them.</summary>
internal static class UploadFiles
{
    /// <summary>The template with <paramref name="edit"/> applied to the workbook, saved again.</summary>
    public static byte[] Edit(byte[] template, Action<XLWorkbook> edit)
    {
        using var workbook = new XLWorkbook(new MemoryStream(template));
        edit(workbook);
        using var output = new MemoryStream();
        workbook.SaveAs(output);
        return output.ToArray();
    }

    /// <summary>Every row of the template reported for <paramref name="date"/> (the numbers it came with are the latest held ones).</summary>
    public static void Report(XLWorkbook workbook, DateTime date, int? rows = null)
    {
        var ws = workbook.Worksheet("Capacity");
        var last = ws.LastRowUsed()!.RowNumber();
        for (var row = 2; row <= (rows is { } n ? Math.Min(last, 1 + n) : last); row++)
        {
            ws.Cell(row, 4).SetValue(date);
        }
    }

    /// <summary>The column of a header in the template's first row.</summary>
    public static int Column(IXLWorksheet ws, string header) => ws.Row(1).CellsUsed().Single(c => c.GetString() == header).Address.ColumnNumber;

    /// <summary>
    /// A minimal workbook as some tools write it: one sheet, every string inline or in a shared-strings part, and
    /// optionally no styles part at all. Numbers are numbers; strings are strings.
    /// </summary>
    public static byte[] Raw(IReadOnlyList<IReadOnlyList<object?>> rows, bool inlineStrings, bool styles, string sheetName = "Capacity")
    {
        var shared = new List<string>();
        var sheet = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""");
        for (var r = 0; r < rows.Count; r++)
        {
            sheet.Append(System.Globalization.CultureInfo.InvariantCulture, $"""<row r="{r + 1}">""");
            for (var c = 0; c < rows[r].Count; c++)
            {
                var reference = XLHelper.GetColumnLetterFromNumber(c + 1) + (r + 1);
                switch (rows[r][c])
                {
                    case null:
                        break;
                    case string s when inlineStrings:
                        sheet.Append(System.Globalization.CultureInfo.InvariantCulture, $"""<c r="{reference}" t="inlineStr"><is><t>{SecurityElement.Escape(s)}</t></is></c>""");
                        break;
                    case string s:
                        shared.Add(s);
                        sheet.Append(System.Globalization.CultureInfo.InvariantCulture, $"""<c r="{reference}" t="s"><v>{shared.Count - 1}</v></c>""");
                        break;
                    case var n:
                        sheet.Append(System.Globalization.CultureInfo.InvariantCulture, $"""<c r="{reference}"><v>{Convert.ToString(n, System.Globalization.CultureInfo.InvariantCulture)}</v></c>""");
                        break;
                }
            }
            sheet.Append("</row>");
        }
        sheet.Append("</sheetData></worksheet>");

        var parts = new Dictionary<string, string>
        {
            ["[Content_Types].xml"] = $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{(shared.Count > 0 ? """<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>""" : "")}{(styles ? """<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>""" : "")}</Types>""",
            ["_rels/.rels"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""",
            ["xl/workbook.xml"] = $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{sheetName}" sheetId="1" r:id="rId1"/></sheets></workbook>""",
            ["xl/_rels/workbook.xml.rels"] = $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{(shared.Count > 0 ? """<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>""" : "")}{(styles ? """<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>""" : "")}</Relationships>""",
            ["xl/worksheets/sheet1.xml"] = sheet.ToString(),
        };
        if (shared.Count > 0)
        {
            parts["xl/sharedStrings.xml"] = $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{shared.Count}" uniqueCount="{shared.Count}">{string.Concat(shared.Select(s => $"<si><t>{SecurityElement.Escape(s)}</t></si>"))}</sst>""";
        }
        if (styles)
        {
            parts["xl/styles.xml"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf/></cellXfs></styleSheet>""";
        }
        return Zip(parts);
    }

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
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var reader = new StreamReader(e.Open());
            return reader.ReadToEnd();
        });
    }
}
