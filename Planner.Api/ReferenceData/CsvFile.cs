using Planner.Api.Localization;

namespace Planner.Api.ReferenceData;

/// <summary>
/// Reads the simple CSV files in <c>data/</c> (UTF-8, a header row, no quoted fields) and reports bad values
/// with the file, line and column, so a broken data file is fixed in one look.
/// </summary>
public sealed class CsvFile
{
    private readonly Dictionary<string, int> _columns;
    private readonly List<string[]> _rows;

    private CsvFile(string path, Dictionary<string, int> columns, List<string[]> rows)
    {
        Path = path;
        _columns = columns;
        _rows = rows;
    }

    public string Path { get; }

    /// <summary>The header's column names, in file order.</summary>
    public IReadOnlyList<string> Columns => _columns.OrderBy(c => c.Value).Select(c => c.Key).ToList();

    /// <summary>Throws the one-line error that names a missing data file.</summary>
    public static void EnsureExists(string path)
    {
        if (!File.Exists(path))
        {
            throw new PlannerException(Messages.Get("MissingDataFile", path));
        }
    }

    public static CsvFile Read(string path)
    {
        EnsureExists(path);
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0)
        {
            throw new PlannerException(Messages.Get("EmptyDataFile", path));
        }
        var header = lines[0].TrimStart('\uFEFF').Split(',');
        var columns = header.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i, StringComparer.Ordinal);
        var rows = new List<string[]>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
                continue;
            var fields = lines[i].Split(',');
            if (fields.Length != header.Length)
            {
                throw new PlannerException(
                    Messages.Get("FieldCount", path, i + 1, header.Length, string.Join(",", header), fields.Length)
                );
            }
            rows.Add(fields);
        }
        return new CsvFile(path, columns, rows);
    }

    /// <summary>The data rows; line numbers in messages count the header as line 1.</summary>
    public IEnumerable<CsvRow> Rows => _rows.Select((fields, i) => new CsvRow(this, fields, i + 2));

    internal int Column(string name) =>
        _columns.TryGetValue(name, out var i)
            ? i
            : throw new PlannerException(Messages.Get("MissingColumn", Path, name));
}

/// <summary>One row of a <see cref="CsvFile"/> with typed accessors that name the place of a bad value.</summary>
public readonly record struct CsvRow(CsvFile File, string[] Fields, int Line)
{
    public string Text(string column) => Fields[File.Column(column)];

    public string? OptionalText(string column) => Text(column) is { Length: > 0 } s ? s : null;

    public long WholeNumber(string column) =>
        long.TryParse(Text(column), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw Bad(column, "ExpectWholeNumber");

    public double Number(string column) =>
        double.TryParse(Text(column), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw Bad(column, "ExpectNumber");

    public double? OptionalNumber(string column) => OptionalText(column) is null ? null : Number(column);

    public DateOnly Date(string column) =>
        DateOnly.TryParseExact(Text(column), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var v)
            ? v
            : throw Bad(column, "ExpectDate");

    private PlannerException Bad(string column, string expected) =>
        new(Messages.Get("BadValue", File.Path, Line, column, Text(column), Messages.Get(expected)));
}
