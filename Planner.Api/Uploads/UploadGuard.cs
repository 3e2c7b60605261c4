using System.IO.Compression;
using System.Xml;

namespace Planner.Api.Uploads;

/// <summary>
/// Looks at an uploaded file as a package before anything reads it as a spreadsheet, and reads it only as a
/// stream: size; OLE2 (old .xls, encrypted) and non-zip content; every part's declared size, the total and the
/// ratio from the zip directory; part names (two that differ only in case are one name in OPC); what each part
/// is, judged by what the package declares (its content type in [Content_Types].xml and the relationship types
/// pointing at it, never its name), so that macros, macro sheets, ActiveX and embedded objects are refused
/// whatever they are called; no DTD in any XML part. Then the parts the upload needs, and only those, are read
/// with every limit counted as they stream (<see cref="UploadPackage"/>): workbook, styles, shared strings, and
/// the one data sheet, whose rows, cells and characters are counted from its XML, forward only, stopping at the
/// first limit crossed, before anything reads its values. A relationship the upload does not need may be broken
/// (workbooks saved by other tools have external links with malformed addresses, or point at parts they left
/// out): it is not followed. Every zip or XML failure becomes an <see cref="UploadRejected"/> naming the part.
/// </summary>
public static class UploadGuard
{
    public const string WorkbookType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";
    public const string WorksheetType = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
    private const string ContentTypesPart = "/[Content_Types].xml";
    private const long RatioFloor = 1024 * 1024;
    private const int MaxParts = 10_000;

    /// <summary>What a part must never be (the key of its words in <see cref="UploadText"/>), by the last segment of a
    /// relationship type pointing at it.</summary>
    private static readonly Dictionary<string, string> ForbiddenRelationships = new(StringComparer.OrdinalIgnoreCase)
    {
        ["vbaProject"] = "ForbiddenVba",
        ["vbaProjectSignature"] = "ForbiddenVbaSignature",
        ["xlMacrosheet"] = "ForbiddenMacroSheet",
        ["xlIntlMacrosheet"] = "ForbiddenMacroSheet",
        ["dialogsheet"] = "ForbiddenDialogSheet",
        ["attachedToolbars"] = "ForbiddenToolbars",
        ["control"] = "ForbiddenActiveX",
        ["activeXControlBinary"] = "ForbiddenActiveX",
        ["oleObject"] = "ForbiddenOle",
        ["package"] = "ForbiddenPackage",
    };

    /// <summary>Programs a part could be declared as; a capacity report embeds none.</summary>
    private static readonly HashSet<string> Programs = new(StringComparer.Ordinal)
    {
        "application/x-msdownload",
        "application/x-msdos-program",
        "application/x-dosexec",
        "application/x-executable",
        "application/vnd.microsoft.portable-executable",
        "application/x-ms-installer",
        "application/x-msi",
        "application/java-archive",
        "application/x-sh",
        "application/hta",
    };

    /// <summary>What a part declared as <paramref name="contentType"/> is (the key of its words), when no upload may
    /// carry it.</summary>
    private static string? Forbidden(string contentType)
    {
        var t = MediaType(contentType).ToLowerInvariant();
        return t switch
        {
            _ when t.Contains("macroenabled", StringComparison.Ordinal) => MacroEnabled,
            _ when t.StartsWith("application/vnd.ms-office.vbaproject", StringComparison.Ordinal) => "ForbiddenVba",
            _ when t.Contains("macrosheet", StringComparison.Ordinal) => "ForbiddenMacroSheet",
            _ when t.EndsWith("dialogsheet+xml", StringComparison.Ordinal) => "ForbiddenDialogSheet",
            "application/vnd.ms-excel.attachedtoolbars" => "ForbiddenToolbars",
            _ when t.StartsWith("application/vnd.ms-office.activex", StringComparison.Ordinal) => "ForbiddenActiveX",
            "application/vnd.openxmlformats-officedocument.oleobject" => "ForbiddenOle",
            _ when Programs.Contains(t) => "ForbiddenProgram",
            _ => null,
        };
    }

    private const string MacroEnabled = "ForbiddenXlsm";

    /// <summary>The checked package of a capacity upload, or an <see cref="UploadRejected"/>.</summary>
    public static UploadPackage Open(byte[] content, UploadLimits limits) =>
        Open(content, limits, sheets => CapacityTemplate.Sheets.DataIn(CapacityTemplate.Sheets.IsChinese(sheets)));

    /// <summary>
    /// The checked package of <paramref name="content"/>, or an <see cref="UploadRejected"/>; the data sheet, named
    /// by <paramref name="dataSheet"/> from the workbook's sheets, is measured against the limits.
    /// </summary>
    public static UploadPackage Open(byte[] content, UploadLimits limits, Func<IReadOnlyList<string>, string> dataSheet)
    {
        CheckFile(content, limits);
        var zip = SafeXml.Reading("the zip directory", () =>
            new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read)
        );
        try
        {
            var parts = SafeXml.Reading("the zip directory", () => Parts(zip, limits));
            var types = SafeXml.Reading(ContentTypesPart, () => ContentTypes(parts));
            CheckContentTypes(parts, types);
            var relationships = Relationships(parts);
            // Every XML part is looked at up to its root element; those the upload reads are read whole below.
            var xml = parts.Where(p => MediaType(types.Of(p.Key)!).EndsWith("xml", StringComparison.OrdinalIgnoreCase));
            foreach (var (name, entry) in xml)
            {
                SafeXml.Reading(name, () => SafeXml.CheckPrologue(entry, name));
            }

            var workbook = Workbook(relationships.GetValueOrDefault("/") ?? [], parts, types);
            var package = UploadPackage.Read(content, zip, parts, types, relationships, workbook, limits);
            package.Measure(dataSheet(package.Sheets));
            return package;
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    /// <summary>The file's size, and what its first bytes say it is: an old or encrypted workbook, or no zip at
    /// all, is refused.</summary>
    private static void CheckFile(byte[] content, UploadLimits limits)
    {
        limits.CheckFileSize(content.LongLength);
        if (content.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0]))
        {
            throw new UploadRejected(UploadText.Get("OldXls"));
        }
        if (!content.AsSpan().StartsWith("PK\u0003\u0004"u8))
        {
            throw new UploadRejected(UploadText.Get("NotXlsx"));
        }
    }

    /// <summary>Every part has a declared content type, and none is one no upload may carry.</summary>
    private static void CheckContentTypes(Dictionary<string, ZipArchiveEntry> parts, DeclaredTypes types)
    {
        foreach (var name in parts.Keys)
        {
            var type = types.Of(name) ?? throw new UploadRejected(UploadText.Get("NoContentType", name));
            if (Forbidden(type) is { } what)
            {
                throw new UploadRejected(
                    what == MacroEnabled
                        ? UploadText.Get("MacroEnabled", name, type)
                        : UploadText.Get("ContainsPart", UploadText.Get(what), name, type)
                );
            }
        }
    }

    /// <summary>The relationships of every part that has some, by the part they start from; a relationship type no
    /// upload may carry is refused.</summary>
    private static Dictionary<string, IReadOnlyList<Relationship>> Relationships(
        Dictionary<string, ZipArchiveEntry> parts
    )
    {
        var relationships = new Dictionary<string, IReadOnlyList<Relationship>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, entry) in parts.Where(p => IsRelationshipsPart(p.Key)))
        {
            var source = SourceOf(name);
            var read = SafeXml.Reading(name, () => ReadRelationships(entry, name, source));
            if (read.FirstOrDefault(r => ForbiddenRelationships.ContainsKey(LastSegment(r.Type))) is { } forbidden)
            {
                var what = ForbiddenRelationships[LastSegment(forbidden.Type)];
                throw new UploadRejected(
                    UploadText.Get(
                        "ContainsRelationship",
                        UploadText.Get(what),
                        name,
                        source == "/" ? UploadText.Get("ThePackage") : source,
                        forbidden.Target,
                        forbidden.Type
                    )
                );
            }
            relationships[source] = read;
        }
        return relationships;
    }

    /// <summary>What reading a zip or an XML part can throw on a damaged or crafted file (not our refusals).</summary>
    internal static bool IsReadFailure(Exception e) =>
        e
            is InvalidDataException
                or IOException
                or XmlException
                or NotSupportedException
                or ArgumentException
                or FormatException
                or OverflowException;

    /// <summary>The workbook part the package's relationships name as its main document, an Excel workbook's.</summary>
    private static string Workbook(
        IReadOnlyList<Relationship> root,
        Dictionary<string, ZipArchiveEntry> parts,
        DeclaredTypes types
    )
    {
        var officeDocument = root.FirstOrDefault(r => LastSegment(r.Type) == "officeDocument" && !r.External)
            ?? throw new UploadRejected(UploadText.Get("NoMainDocument"));
        if (officeDocument.Part is not { } workbook || !parts.ContainsKey(workbook))
        {
            throw new UploadRejected(UploadText.Get("MainDocumentMissing", officeDocument.Target));
        }
        var type = types.Of(workbook)!;
        if (!string.Equals(MediaType(type), WorkbookType, StringComparison.OrdinalIgnoreCase))
        {
            throw new UploadRejected(UploadText.Get("NotWorkbookType", type));
        }
        return workbook;
    }

    /// <summary>The parts by name (leading '/', compared ignoring case as OPC does), checked as listed.</summary>
    private static Dictionary<string, ZipArchiveEntry> Parts(ZipArchive zip, UploadLimits limits)
    {
        if (zip.Entries.Count > MaxParts)
        {
            throw new UploadRejected(UploadText.Get("TooManyParts", zip.Entries.Count, MaxParts));
        }
        var parts = new Dictionary<string, ZipArchiveEntry>(StringComparer.OrdinalIgnoreCase);
        long total = 0;
        foreach (var entry in zip.Entries)
        {
            // Folders are not parts; some zip tools list them anyway.
            if (entry.FullName.EndsWith('/') && entry.Length == 0)
                continue;
            var name = "/" + entry.FullName.Replace('\\', '/').TrimStart('/');
            if (parts.TryGetValue(name, out var other))
            {
                throw new UploadRejected(
                    string.Equals(other.FullName, entry.FullName, StringComparison.Ordinal)
                        ? UploadText.Get("PartTwice", name)
                        : UploadText.Get("PartsCase", other.FullName, entry.FullName)
                );
            }
            parts[name] = entry;
            total += entry.Length;
            var ratio = entry.CompressedLength > 0 ? (double)entry.Length / entry.CompressedLength : 0;
            if (entry.Length > RatioFloor && ratio > limits.MaxRatio)
            {
                throw new UploadRejected(
                    UploadText.Get("ZipBomb", name, ratio, limits.MaxRatio, UploadLimits.Section),
                    StatusCodes.Status413PayloadTooLarge
                );
            }
        }
        if (total > limits.MaxUncompressedBytes)
        {
            throw new UploadRejected(
                UploadText.Get(
                    "Unpacked",
                    UploadLimits.Megabytes(total),
                    UploadLimits.Megabytes(limits.MaxUncompressedBytes),
                    UploadLimits.Section
                ),
                StatusCodes.Status413PayloadTooLarge
            );
        }
        if (!parts.ContainsKey(ContentTypesPart))
        {
            throw new UploadRejected(UploadText.Get("NoContentTypes"));
        }
        return parts;
    }

    /// <summary>[Content_Types].xml: a type per extension (Default) and per part (Override).</summary>
    internal sealed class DeclaredTypes
    {
        public Dictionary<string, string> Defaults { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, string> Overrides { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>The declared type of a part; null when it has none.</summary>
        public string? Of(string part)
        {
            if (string.Equals(part, ContentTypesPart, StringComparison.OrdinalIgnoreCase))
                return "application/xml";
            if (Overrides.TryGetValue(part, out var type))
                return type;
            var slash = part.LastIndexOf('/');
            var dot = part.LastIndexOf('.');
            return dot > slash && Defaults.TryGetValue(part[(dot + 1)..], out type) ? type : null;
        }
    }

    private static DeclaredTypes ContentTypes(Dictionary<string, ZipArchiveEntry> parts)
    {
        var types = new DeclaredTypes();
        using var reader = SafeXml.Open(parts[ContentTypesPart], ContentTypesPart);
        while (SafeXml.Read(reader, ContentTypesPart))
        {
            if (
                reader is not { NodeType: XmlNodeType.Element, Depth: 1 }
                || reader.GetAttribute("ContentType") is not { } type
            )
            {
                continue;
            }
            if (reader.LocalName == "Default" && reader.GetAttribute("Extension") is { } extension)
            {
                types.Defaults[extension.TrimStart('.')] = type;
            }
            else if (reader.LocalName == "Override" && reader.GetAttribute("PartName") is { } name)
            {
                types.Overrides["/" + Uri.UnescapeDataString(name).TrimStart('/')] = type;
            }
            if (types.Defaults.Count + types.Overrides.Count > 2 * MaxParts)
            {
                throw new UploadRejected(UploadText.Get("TooManyTypes", ContentTypesPart));
            }
        }
        return types;
    }

    /// <summary>A relationship; <see cref="Part"/>: its target as a part, null when external or malformed.</summary>
    internal sealed record Relationship(string Id, string Type, string Target, bool External, string? Part);

    private static List<Relationship> ReadRelationships(ZipArchiveEntry entry, string name, string source)
    {
        var list = new List<Relationship>();
        using var reader = SafeXml.Open(entry, name);
        while (SafeXml.Read(reader, name))
        {
            if (reader is not { NodeType: XmlNodeType.Element, Depth: 1, LocalName: "Relationship" })
                continue;
            var external = "External".Equals(reader.GetAttribute("TargetMode"), StringComparison.OrdinalIgnoreCase);
            var target = reader.GetAttribute("Target") ?? "";
            list.Add(
                new Relationship(
                    reader.GetAttribute("Id") ?? "",
                    reader.GetAttribute("Type") ?? "",
                    target,
                    external,
                    external ? null : Resolve(source, target)
                )
            );
            if (list.Count > MaxParts)
            {
                throw new UploadRejected(UploadText.Get("TooManyRelationships", name, MaxParts));
            }
        }
        return list;
    }

    /// <summary>A relative or absolute part address resolved against its source part; null when it is none.</summary>
    internal static string? Resolve(string source, string target)
    {
        var path = target.Split('#', 2)[0].Replace('\\', '/');
        if (path.Length == 0 || path.Contains(':', StringComparison.Ordinal))
            return null;
        path = Uri.UnescapeDataString(path);
        var folder = path.StartsWith('/') ? "" : source[..source.LastIndexOf('/')];
        var segments = new List<string>();
        foreach (var segment in (folder + "/" + path).Split('/'))
        {
            if (segment is "" or ".")
                continue;
            if (segment != "..")
            {
                segments.Add(segment);
            }
            else if (segments.Count > 0)
            {
                segments.RemoveAt(segments.Count - 1);
            }
            else
            {
                return null;
            }
        }
        return segments.Count == 0 ? null : "/" + string.Join('/', segments);
    }

    private static bool IsRelationshipsPart(string name) =>
        name.EndsWith(".rels", StringComparison.OrdinalIgnoreCase)
        && name.Contains("/_rels/", StringComparison.OrdinalIgnoreCase);

    /// <summary>The part whose relationships these are: /xl/workbook.xml for /xl/_rels/workbook.xml.rels.</summary>
    private static string SourceOf(string relationshipsPart)
    {
        var i = relationshipsPart.LastIndexOf("/_rels/", StringComparison.OrdinalIgnoreCase);
        var file = relationshipsPart[(i + "/_rels/".Length)..^".rels".Length];
        return file.Length == 0 ? "/" : relationshipsPart[..i] + "/" + file;
    }

    internal static string LastSegment(string type) => type[(type.LastIndexOf('/') + 1)..];

    /// <summary>A content type without its parameters.</summary>
    internal static string MediaType(string contentType) => contentType.Split(';', 2)[0].Trim();
}

/// <summary>An upload refused as a whole (what it is, not what its rows say), with the HTTP status to answer.</summary>
public sealed class UploadRejected(string message, int status = StatusCodes.Status400BadRequest)
    : PlannerException(message)
{
    public int Status { get; } = status;
}
