using System.IO.Compression;
using System.Xml;
using static Planner.Api.Uploads.UploadGuard;

namespace Planner.Api.Uploads;

/// <summary>How a cell's number format shows a number: a number, a date, a time of day, or text (format @).</summary>
internal enum NumberShown
{
    Number,
    Date,
    Time,
    Text,
}

/// <summary>
/// A package <see cref="UploadGuard"/> has checked: its sheets in workbook order, how each cell style shows
/// numbers, the shared strings (counted against the limits as they were read), and the one data sheet, read row
/// by row through <see cref="OpenSheet"/>. Nothing here goes through System.IO.Packaging or a spreadsheet
/// library: those read whole packages and whole sheets into memory.
/// </summary>
public sealed class UploadPackage : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _parts;
    private readonly DeclaredTypes _types;
    private readonly Dictionary<string, Relationship> _sheetRelationships;
    private readonly UploadLimits _limits;

    private UploadPackage(
        byte[] content,
        ZipArchive zip,
        Dictionary<string, ZipArchiveEntry> parts,
        DeclaredTypes types,
        Dictionary<string, Relationship> sheetRelationships,
        UploadLimits limits
    )
    {
        (Content, _zip, _parts, _types) = (content, zip, parts, types);
        (_sheetRelationships, _limits) = (sheetRelationships, limits);
    }

    /// <summary>The bytes uploaded.</summary>
    public byte[] Content { get; }

    /// <summary>The sheets' names in workbook order.</summary>
    public IReadOnlyList<string> Sheets { get; private set; } = [];

    /// <summary>Whether dates count from 1904 (an old Mac setting) rather than 1900.</summary>
    internal bool Date1904 { get; private set; }

    internal IReadOnlyList<NumberShown> Styles { get; private set; } = [];

    internal IReadOnlyList<string> SharedStrings { get; private set; } = [];

    /// <summary>Characters read so far, against <see cref="UploadLimits.MaxCharacters"/>.</summary>
    internal long Characters { get; private set; }

    internal static UploadPackage Read(
        byte[] content,
        ZipArchive zip,
        Dictionary<string, ZipArchiveEntry> parts,
        DeclaredTypes types,
        Dictionary<string, IReadOnlyList<Relationship>> relationships,
        string workbook,
        UploadLimits limits
    )
    {
        var related = relationships.GetValueOrDefault(workbook) ?? [];
        var (sheets, date1904) = SafeXml.Reading(workbook, () => ReadWorkbook(parts[workbook], workbook));
        var byId = related
            .GroupBy(r => r.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var sheetRelationships = sheets
            .Where(s => byId.ContainsKey(s.Id))
            .GroupBy(s => s.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => byId[g.First().Id], StringComparer.Ordinal);
        var package = new UploadPackage(content, zip, parts, types, sheetRelationships, limits)
        {
            Sheets = sheets.Select(s => s.Name).ToList(),
            Date1904 = date1904,
        };
        // Styles say which numbers are dates, and shared strings hold the text of most cells: both are needed, so
        // a broken relationship to either refuses the file (a missing part is fine: numbers are then plain numbers).
        if (package.Needed(related, "styles", workbook) is { } styles)
        {
            package.Styles = SafeXml.Reading(styles, () => ReadStyles(parts[styles], styles));
        }
        if (package.Needed(related, "sharedStrings", workbook) is { } shared)
        {
            package.SharedStrings = SafeXml.Reading(shared, () => package.ReadSharedStrings(parts[shared], shared));
        }
        return package;
    }

    /// <summary>The part of the relationship of <paramref name="type"/>, refused when broken; null when none.</summary>
    private string? Needed(IReadOnlyList<Relationship> relationships, string type, string source)
    {
        var r = relationships.FirstOrDefault(r => LastSegment(r.Type) == type);
        if (r is null)
            return null;
        if (r.External || r.Part is null || !_parts.ContainsKey(r.Part))
        {
            throw new UploadRejected(UploadText.Get("BrokenRelationship", r.Id, type, r.Target, source));
        }
        return r.Part;
    }

    /// <summary>Reads the sheet <paramref name="name"/> row by row; a broken way to it refuses the file.</summary>
    internal SheetReader OpenSheet(string name)
    {
        var r = _sheetRelationships.GetValueOrDefault(name)
            ?? throw new UploadRejected(UploadText.Get("SheetNoRelationship", name));
        if (r.External || r.Part is null || !_parts.TryGetValue(r.Part, out var entry))
        {
            throw new UploadRejected(UploadText.Get("SheetRelationshipBroken", r.Id, name, r.Target));
        }
        var type = _types.Of(r.Part)!;
        if (
            LastSegment(r.Type) != "worksheet"
            || !string.Equals(MediaType(type), WorksheetType, StringComparison.OrdinalIgnoreCase)
        )
        {
            throw new UploadRejected(UploadText.Get("NotWorksheet", name, r.Part, type));
        }
        return new SheetReader(entry, r.Part, name, this, _limits);
    }

    /// <summary>Counts characters read, refusing the file at the limit.</summary>
    internal void Count(long characters)
    {
        Characters += characters;
        if (Characters > _limits.MaxCharacters)
        {
            throw new UploadRejected(
                UploadText.Get("TooManyCharacters", _limits.MaxCharacters, UploadLimits.Section),
                StatusCodes.Status413PayloadTooLarge
            );
        }
    }

    /// <summary>
    /// Reads the sheet through once before anything reads its values, only to count its rows, cells and
    /// characters against the limits (<see cref="SheetReader"/> stops at the first one crossed).
    /// </summary>
    internal void Measure(string sheet)
    {
        if (!Sheets.Contains(sheet))
            return;
        var characters = Characters;
        using (var reader = OpenSheet(sheet))
        {
            while (reader.Next() is not null)
            {
                // Each row is counted as it is read; its values are read again once the file has passed.
            }
        }
        Characters = characters;
    }

    private static (List<(string Name, string Id)> Sheets, bool Date1904) ReadWorkbook(
        ZipArchiveEntry entry,
        string part
    )
    {
        var sheets = new List<(string, string)>();
        var date1904 = false;
        using var reader = SafeXml.Open(entry, part);
        while (SafeXml.Read(reader, part))
        {
            if (reader.NodeType != XmlNodeType.Element)
                continue;
            if (reader is { LocalName: "workbookPr", Depth: 1 })
            {
                date1904 = reader.GetAttribute("date1904") is "1" or "true";
            }
            else if (reader is { LocalName: "sheet", Depth: 2 })
            {
                sheets.Add((reader.GetAttribute("name") ?? "", RelationshipId(reader)));
                if (sheets.Count > 1000)
                {
                    throw new UploadRejected(UploadText.Get("TooManySheets", part));
                }
            }
        }
        return (sheets, date1904);
    }

    /// <summary>The r:id attribute, whichever relationships namespace (transitional or strict) it is in.</summary>
    private static string RelationshipId(XmlReader reader)
    {
        var id = "";
        for (var more = reader.MoveToFirstAttribute(); more && id.Length == 0; more = reader.MoveToNextAttribute())
        {
            if (reader.LocalName == "id" && reader.NamespaceURI.Contains("relationships", StringComparison.Ordinal))
            {
                id = reader.Value;
            }
        }
        reader.MoveToElement();
        return id;
    }

    /// <summary>How each cell style (cellXfs, by index) shows numbers.</summary>
    private static List<NumberShown> ReadStyles(ZipArchiveEntry entry, string part)
    {
        var formats = new Dictionary<int, string>();
        var xfs = new List<int>();
        using (var reader = SafeXml.Open(entry, part))
        {
            // numFmt and xf elements are read in their lists only: xf's elsewhere (cellStyleXfs) are no cell styles.
            string? list = null;
            while (SafeXml.Read(reader, part))
            {
                if (reader.NodeType != XmlNodeType.Element)
                    continue;
                if (reader.Depth == 1)
                    list = reader.LocalName;
                if (reader.Depth != 2)
                    continue;
                var id = int.TryParse(reader.GetAttribute("numFmtId"), CultureInfo.InvariantCulture, out var n) ? n : 0;
                if (list == "numFmts" && reader.LocalName == "numFmt")
                {
                    formats[id] = reader.GetAttribute("formatCode") ?? "";
                }
                else if (list == "cellXfs" && reader.LocalName == "xf")
                    xfs.Add(id);
                if (formats.Count + xfs.Count > 130_000)
                {
                    throw new UploadRejected(UploadText.Get("TooManyFormats", part));
                }
            }
        }
        return xfs.Select(id => Shown(id, formats.GetValueOrDefault(id))).ToList();
    }

    /// <summary>
    /// How a number format shows numbers, as Excel's built-in formats are numbered (14–22 and 45–47 dates and
    /// times, 49 text) or as a custom format's first date/time or digit placeholder says.
    /// </summary>
    internal static NumberShown Shown(int id, string? code)
    {
        switch (id)
        {
            case 49:
                return NumberShown.Text;
            case >= 14 and <= 17 or 22:
                return NumberShown.Date;
            case >= 18 and <= 21 or >= 45 and <= 47:
                return NumberShown.Time;
        }
        if (string.IsNullOrEmpty(code))
            return NumberShown.Number;
        for (var i = 0; i < code.Length; i++)
        {
            switch (char.ToLowerInvariant(code[i]))
            {
                case '"':
                    var close = code.IndexOf('"', i + 1);
                    if (close < 0)
                        return NumberShown.Number;
                    i = close;
                    break;
                case '\\' or '_' or '*':
                    i++;
                    break;
                case '[':
                    var end = code.IndexOf(']', i + 1);
                    if (end < 0)
                        return NumberShown.Number;
                    // [h], [mm], [ss]: elapsed time; anything else in brackets is a colour or a condition.
                    var inside = code[(i + 1)..end].Trim().ToLowerInvariant();
                    if (inside.Length > 0 && inside.All(c => c is 'h' or 'm' or 's'))
                        return NumberShown.Time;
                    i = end;
                    break;
                case '0' or '#' or '?':
                    return NumberShown.Number;
                case '@':
                    return NumberShown.Text;
                case 'y' or 'd' or 'm':
                    return NumberShown.Date;
                case 'h' or 's':
                    return NumberShown.Time;
            }
        }
        return NumberShown.Number;
    }

    /// <summary>The shared strings (rich text joined, phonetic runs left out), counted against the limits.</summary>
    private List<string> ReadSharedStrings(ZipArchiveEntry entry, string part)
    {
        var strings = new List<string>();
        using var reader = SafeXml.Open(entry, part);
        // A string is one t element, or rich text runs each with their own t: joined only when there are several.
        string? text = null;
        System.Text.StringBuilder? runs = null;
        var inString = false;
        var phoneticDepth = -1;
        while (SafeXml.Read(reader, part))
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element when reader is { LocalName: "si", Depth: 1 }:
                    (text, runs, inString) = (null, null, true);
                    if (reader.IsEmptyElement)
                        Add();
                    break;
                case XmlNodeType.Element when inString && reader.LocalName == "rPh" && !reader.IsEmptyElement:
                    phoneticDepth = reader.Depth;
                    break;
                case XmlNodeType.Element when inString && phoneticDepth < 0 && reader.LocalName == "t":
                    var t = SafeXml.Text(reader, part);
                    Count(t.Length);
                    if (text is null)
                    {
                        text = t;
                    }
                    else
                    {
                        runs ??= new System.Text.StringBuilder(text);
                        runs.Append(t);
                    }
                    break;
                case XmlNodeType.EndElement when reader.Depth == phoneticDepth && reader.LocalName == "rPh":
                    phoneticDepth = -1;
                    break;
                case XmlNodeType.EndElement when inString && reader is { LocalName: "si", Depth: 1 }:
                    Add();
                    break;
            }
        }
        return strings;

        void Add()
        {
            inString = false;
            strings.Add(runs?.ToString() ?? text ?? "");
            if (strings.Count > _limits.MaxCells)
            {
                throw new UploadRejected(
                    UploadText.Get("TooManyStrings", part, _limits.MaxCells, UploadLimits.Section),
                    StatusCodes.Status413PayloadTooLarge
                );
            }
        }
    }

    public void Dispose() => _zip.Dispose();
}
