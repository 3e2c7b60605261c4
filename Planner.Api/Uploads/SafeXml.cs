using System.IO.Compression;
using System.Xml;

namespace Planner.Api.Uploads;

/// <summary>
/// Reading one part of an uploaded package as XML with the reader's memory bounded whatever the part holds: the
/// part unpacks to no more than it declares, no DTD, no run of more than <see cref="MaxRun"/> bytes without
/// markup (the reader would hold such a text node or start tag whole), at most <see cref="MaxNames"/> distinct
/// names (the reader keeps every name it meets) and elements nested at most <see cref="MaxDepth"/> deep.
/// </summary>
internal static class SafeXml
{
    /// <summary>Excel's longest cell text is 32,767 characters; escaped as XML that is under 200 KB.</summary>
    public const int MaxRun = 1024 * 1024;

    public const int MaxNames = 10_000;

    public const int MaxDepth = 64;

    public static XmlReader Open(ZipArchiveEntry entry, string part)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            NameTable = new CappedNameTable(part),
            CloseInput = true,
        };
        return XmlReader.Create(new PartStream(entry.Open(), entry.Length, part), settings);
    }

    /// <summary>Reads on, refusing elements nested deeper than a workbook ever nests them.</summary>
    public static bool Read(XmlReader reader, string part)
    {
        if (!reader.Read())
            return false;
        if (reader.Depth > MaxDepth)
        {
            throw new UploadRejected(UploadText.Get("TooDeep", part, MaxDepth));
        }
        return true;
    }

    /// <summary>The text of the element the reader is on (its descendants' text, for rich text).</summary>
    public static string Text(XmlReader reader, string part)
    {
        if (reader.IsEmptyElement)
            return "";
        var depth = reader.Depth;
        // Most elements hold one text node: its value is the text, with no copy made.
        string? first = null;
        System.Text.StringBuilder? more = null;
        while (Read(reader, part) && reader.Depth > depth)
        {
            if (
                reader.NodeType
                is not (
                    XmlNodeType.Text
                    or XmlNodeType.CDATA
                    or XmlNodeType.Whitespace
                    or XmlNodeType.SignificantWhitespace
                )
            )
            {
                continue;
            }
            if (first is null)
            {
                first = reader.Value;
            }
            else
            {
                more ??= new System.Text.StringBuilder(first);
                more.Append(reader.Value);
            }
        }
        return more?.ToString() ?? first ?? "";
    }

    /// <summary>Reads up to the root element only: a DTD, where entity tricks start, can only come before it.</summary>
    public static void CheckPrologue(ZipArchiveEntry entry, string part)
    {
        using var reader = Open(entry, part);
        while (Read(reader, part))
        {
            if (reader.NodeType == XmlNodeType.Element)
                return;
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> on <paramref name="part"/>, turning what a damaged or crafted part makes the
    /// zip or XML reader throw into a refusal that names the part.
    /// </summary>
    public static T Reading<T>(string part, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (XmlException e)
        {
            throw Refusal(e, part);
        }
        catch (Exception e) when (UploadGuard.IsReadFailure(e))
        {
            throw new UploadRejected(UploadText.Get("Unreadable", part, Storage.Database.FirstLine(e.Message)));
        }
    }

    public static void Reading(string part, Action read) => Reading(part, () =>
        {
            read();
            return true;
        });

    /// <summary>What an XML failure says, with the part it happened in.</summary>
    private static UploadRejected Refusal(XmlException e, string part) =>
        e.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
            ? new UploadRejected(UploadText.Get("Dtd", part))
            : new UploadRejected(UploadText.Get("NotWellFormed", part, e.Message));

    /// <summary>
    /// The unpacked bytes of a part: refused past the size it declares (a part lying about its size is caught
    /// without unpacking it all) and at a run of <see cref="MaxRun"/> bytes with neither '&lt;' nor '&gt;'.
    /// </summary>
    private sealed class PartStream(Stream inner, long declared, string part) : Stream
    {
        private long _read;
        private long _run;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            _read += n;
            if (_read > declared || (n == 0 && buffer.Length > 0 && _read < declared))
            {
                throw new UploadRejected(
                    UploadText.Get(_read > declared ? "UnpacksMore" : "UnpacksLess", part, declared)
                );
            }
            var chunk = buffer[..n];
            var last = chunk.LastIndexOfAny((byte)'<', (byte)'>');
            if (last < 0)
            {
                _run += n;
            }
            else
            {
                var first = chunk.IndexOfAny((byte)'<', (byte)'>');
                if (_run + first > MaxRun)
                    throw LongRun();
                _run = n - last - 1;
                // A long run inside one chunk, between two markup bytes, is checked only when it could be long.
                if (n > MaxRun && LongestRun(chunk) > MaxRun)
                    throw LongRun();
            }
            if (_run > MaxRun)
                throw LongRun();
            return n;
        }

        private static int LongestRun(ReadOnlySpan<byte> chunk)
        {
            var longest = 0;
            while (chunk.IndexOfAny((byte)'<', (byte)'>') is var i && i >= 0)
            {
                longest = Math.Max(longest, i);
                chunk = chunk[(i + 1)..];
            }
            return Math.Max(longest, chunk.Length);
        }

        private UploadRejected LongRun() => new(UploadText.Get("LongRun", part, MaxRun / 1024 / 1024));

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>The reader's table of names, refused past <see cref="MaxNames"/> distinct ones.</summary>
    private sealed class CappedNameTable(string part) : XmlNameTable
    {
        private readonly NameTable _names = new();
        private int _count;

        public override string Add(char[] array, int offset, int length) =>
            _names.Get(array, offset, length) ?? Counted(_names.Add(array, offset, length));

        public override string Add(string array) => _names.Get(array) ?? Counted(_names.Add(array));

        public override string? Get(char[] array, int offset, int length) => _names.Get(array, offset, length);

        public override string? Get(string array) => _names.Get(array);

        private string Counted(string name)
        {
            if (++_count > MaxNames)
            {
                throw new UploadRejected(UploadText.Get("TooManyNames", part, MaxNames));
            }
            return name;
        }
    }
}
