using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Planner.Api.Uploads;

/// <summary>Limits on what an upload may be (Planner:Uploads:*).</summary>
public sealed record UploadLimits
{
    /// <summary>The largest file accepted, in bytes (default 10 MB).</summary>
    public long MaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>The most data rows read from a sheet (default 20,000).</summary>
    public int MaxRows { get; init; } = 20_000;

    /// <summary>The most bytes all the parts of the workbook may hold once unpacked (default 100 MB).</summary>
    public long MaxUncompressedBytes { get; init; } = 100 * 1024 * 1024;

    /// <summary>The largest unpacked-to-packed ratio of one part (default 100; parts under 1 MB unpacked are not held to it).</summary>
    public double MaxRatio { get; init; } = 100;

    public static UploadLimits From(IConfiguration configuration)
    {
        var d = new UploadLimits();
        return new UploadLimits
        {
            MaxBytes = configuration.GetValue("Planner:Uploads:MaxBytes", d.MaxBytes),
            MaxRows = configuration.GetValue("Planner:Uploads:MaxRows", d.MaxRows),
            MaxUncompressedBytes = configuration.GetValue("Planner:Uploads:MaxUncompressedBytes", d.MaxUncompressedBytes),
            MaxRatio = configuration.GetValue("Planner:Uploads:MaxRatio", d.MaxRatio),
        };
    }
}

/// <summary>
/// Looks at an uploaded file before any spreadsheet library does. ClosedXML 0.95.4 unpacks whatever it is given,
/// with no limit, and reads numbers as empty cells in a workbook without a styles part; so the file is checked as
/// a zip first (size, what each part declares and what it really unpacks to, the ratio, no macros, no DTDs in the
/// XML) and copied, part by part and within those limits, into a fresh package that gets a minimal styles part if
/// it had none. Only that copy is handed to ClosedXML.
/// </summary>
public static class UploadGuard
{
    private const string WorkbookType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";
    private const long RatioFloor = 1024 * 1024;

    /// <summary>A checked copy of <paramref name="content"/>, safe to open; or a <see cref="UploadRejected"/> saying why not.</summary>
    public static MemoryStream Open(ReadOnlySpan<byte> content, UploadLimits limits)
    {
        if (content.Length > limits.MaxBytes)
        {
            throw new UploadRejected($"The file is {Megabytes(content.Length)}; the limit is {Megabytes(limits.MaxBytes)}.", StatusCodes.Status413PayloadTooLarge);
        }
        if (content.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0]))
        {
            throw new UploadRejected("The file is an old-style .xls workbook or a password-protected one; save it as an Excel workbook (.xlsx) without a password.");
        }
        if (!content.StartsWith("PK\u0003\u0004"u8))
        {
            throw new UploadRejected("The file is not an Excel workbook (.xlsx): use the capacity template and save it as .xlsx.");
        }

        var copy = new MemoryStream();
        try
        {
            using (var source = new ZipArchive(new MemoryStream(content.ToArray(), writable: false), ZipArchiveMode.Read))
            using (var target = new ZipArchive(copy, ZipArchiveMode.Create, leaveOpen: true))
            {
                Check(source, limits);
                foreach (var entry in source.Entries)
                {
                    var part = target.CreateEntry(entry.FullName, CompressionLevel.Fastest);
                    using var input = entry.Open();
                    using var output = part.Open();
                    var unpacked = Copy(input, output, entry.Length);
                    if (unpacked != entry.Length)
                    {
                        throw new UploadRejected($"The part {entry.FullName} unpacks to more or less than it declares; the file is damaged or crafted.");
                    }
                }
            }
            using (var scan = new ZipArchive(new MemoryStream(copy.ToArray(), writable: false), ZipArchiveMode.Read))
            {
                CheckContentTypes(scan);
                foreach (var entry in scan.Entries.Where(e => e.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || e.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase)))
                {
                    using var stream = entry.Open();
                    RefuseDtd(stream, entry.FullName);
                }
            }
            AddStylesIfMissing(copy);
        }
        catch (InvalidDataException e)
        {
            throw new UploadRejected($"The file is not a readable Excel workbook (.xlsx): {e.Message}");
        }
        copy.Position = 0;
        return copy;
    }

    private static void Check(ZipArchive zip, UploadLimits limits)
    {
        if (zip.Entries.Count > 10_000) throw new UploadRejected($"The workbook has {zip.Entries.Count:N0} parts; a capacity report has a few dozen.");
        if (zip.GetEntry("[Content_Types].xml") is null) throw new UploadRejected("The file is a zip archive but not an Excel workbook (.xlsx): it has no [Content_Types].xml.");
        if (zip.Entries.Any(e => e.FullName.EndsWith("vbaProject.bin", StringComparison.OrdinalIgnoreCase)))
        {
            throw new UploadRejected("The workbook contains macros (a VBA project); save it as an Excel workbook (.xlsx) without macros.");
        }
        long total = 0;
        foreach (var entry in zip.Entries)
        {
            total += entry.Length;
            if (entry.Length > RatioFloor && entry.CompressedLength > 0 && (double)entry.Length / entry.CompressedLength > limits.MaxRatio)
            {
                throw new UploadRejected($"The part {entry.FullName} unpacks {entry.Length / (double)entry.CompressedLength:0}-fold; more than {limits.MaxRatio:0} is refused as a zip bomb.");
            }
        }
        if (total > limits.MaxUncompressedBytes)
        {
            throw new UploadRejected($"The workbook unpacks to {Megabytes(total)}; the limit is {Megabytes(limits.MaxUncompressedBytes)}.");
        }
    }

    /// <summary>What the package says it is (read from the checked copy): a workbook, and not a macro-enabled one.</summary>
    private static void CheckContentTypes(ZipArchive copy)
    {
        using var reader = new StreamReader(copy.GetEntry("[Content_Types].xml")!.Open(), Encoding.UTF8);
        var declared = reader.ReadToEnd();
        if (declared.Contains("macroEnabled", StringComparison.OrdinalIgnoreCase))
        {
            throw new UploadRejected("The workbook is macro-enabled (.xlsm); save it as an Excel workbook (.xlsx) without macros.");
        }
        if (!declared.Contains(WorkbookType, StringComparison.Ordinal))
        {
            throw new UploadRejected("The file is not an Excel workbook (.xlsx) (a template, add-in or other document type); save it as .xlsx.");
        }
    }

    /// <summary>Copies at most <paramref name="declared"/> + 1 bytes, so a part that lies about its size is caught without unpacking it all.</summary>
    private static long Copy(Stream input, Stream output, long declared)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += read;
            if (total > declared) return total;
            output.Write(buffer, 0, read);
        }
        return total;
    }

    /// <summary>Document type definitions have no place in a workbook and are how entity-expansion and external-entity attacks start.</summary>
    private static void RefuseDtd(Stream xml, string part)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true };
        try
        {
            using var reader = XmlReader.Create(xml, settings);
            while (reader.Read())
            {
                // Only the prologue can hold a DTD: stop at the root element.
                if (reader.NodeType == XmlNodeType.Element) return;
            }
        }
        catch (XmlException e) when (e.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            throw new UploadRejected($"The part {part} declares a document type (DTD), which workbooks never need; the file is refused.");
        }
        catch (XmlException e)
        {
            throw new UploadRejected($"The part {part} is not well-formed XML: {e.Message}");
        }
    }

    /// <summary>Workbooks written by some tools have no styles part; ClosedXML then reads every number as empty, so one is added.</summary>
    private static void AddStylesIfMissing(MemoryStream package)
    {
        package.Position = 0;
        using var document = SpreadsheetDocument.Open(package, isEditable: true);
        var workbook = document.WorkbookPart ?? throw new UploadRejected("The file is not an Excel workbook (.xlsx): it has no workbook part.");
        if (workbook.WorkbookStylesPart is not null) return;
        var styles = workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = new Stylesheet(
            new Fonts(new Font()) { Count = 1 },
            new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
            new Borders(new Border()) { Count = 1 },
            new CellStyleFormats(new CellFormat()) { Count = 1 },
            new CellFormats(new CellFormat()) { Count = 1 });
        styles.Stylesheet.Save();
    }

    private static string Megabytes(long bytes) => $"{bytes / 1024.0 / 1024.0:0.#} MB";
}

/// <summary>An upload refused as a whole (what it is, not what its rows say), with the HTTP status to answer with.</summary>
public sealed class UploadRejected(string message, int status = StatusCodes.Status400BadRequest) : PlannerException(message)
{
    public int Status { get; } = status;
}
