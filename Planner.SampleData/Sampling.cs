using System.Globalization;
using System.Text;
using Planner.Api.ReferenceData;

namespace Planner.SampleData;

/// <summary>What the generator's parts share: seeded random streams, exact integer splits, interpolation between
/// dated anchors, and reading and writing the data files.</summary>
internal static class Sampling
{
    public static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The random stream of one part of the sample. Each part has its own, so that a change in one part
    /// leaves the figures of the others as they were.</summary>
    public static Random Stream(int seed, int part) => new(unchecked((seed * 7919) + part));

    /// <summary>Splits total proportionally to weights by largest remainder: exact integers summing to total (ties to
    /// the earlier part).</summary>
    public static long[] Split(long total, IReadOnlyList<long> weights)
    {
        var sum = weights.Sum();
        var result = new long[weights.Count];
        if (weights.Count == 0 || sum == 0)
        {
            return result;
        }

        var remainders = new Int128[weights.Count];
        for (var i = 0; i < weights.Count; i++)
        {
            result[i] = (long)((Int128)total * weights[i] / sum);
            remainders[i] = (Int128)total * weights[i] % sum;
        }

        var left = total - result.Sum();
        foreach (
            var i in Enumerable
                .Range(0, weights.Count)
                .OrderByDescending(i => remainders[i])
                .ThenBy(i => i)
                .Take((int)left)
        )
        {
            result[i]++;
        }

        return result;
    }

    /// <summary>Splits total in proportion to weights with no part above its cap: what a capped part cannot take goes
    /// to the others, and once no weighted part has room, to the parts with room in proportion to it.</summary>
    public static long[] CappedSplit(long total, IReadOnlyList<double> weights, IReadOnlyList<long> caps)
    {
        if (caps.Sum() < total)
        {
            throw new InvalidOperationException($"Cannot split {total} within caps that hold {caps.Sum()}.");
        }

        var result = new long[caps.Count];
        var left = total;
        while (left > 0)
        {
            var open = Enumerable.Range(0, caps.Count).Where(i => result[i] < caps[i]).ToList();
            var weighted = open.Where(i => weights[i] > 0).ToList();
            var share =
                weighted.Count > 0
                    ? Split(left, weighted.Select(i => Math.Max(1, Round(weights[i] * 1e6))).ToList())
                    : Split(left, open.Select(i => caps[i] - result[i]).ToList());
            var parts = weighted.Count > 0 ? weighted : open;
            for (var k = 0; k < parts.Count; k++)
            {
                var add = Math.Min(share[k], caps[parts[k]] - result[parts[k]]);
                result[parts[k]] += add;
                left -= add;
            }
        }

        return result;
    }

    /// <summary>A value for every day from first to last: linear between the anchors (log-linear when
    /// <paramref name="logLinear"/>), the first anchor's value before it and the last one's after it.</summary>
    public static double[] Interpolate(
        DateOnly first,
        DateOnly last,
        IReadOnlyList<(DateOnly Day, double Value)> anchors,
        bool logLinear = false
    )
    {
        if (anchors.Count == 0)
        {
            throw new InvalidOperationException("Nothing to interpolate between.");
        }

        var sorted = anchors.OrderBy(a => a.Day).ToList();
        double Map(double v) => logLinear ? Math.Log(v) : v;
        double Unmap(double v) => logLinear ? Math.Exp(v) : v;
        return Dates(first, last)
            .Select(day =>
            {
                var next = sorted.FindIndex(a => a.Day >= day);
                if (next < 0)
                    return sorted[^1].Value;
                if (next == 0 || sorted[next].Day == day)
                    return sorted[next].Value;
                var (a, b) = (sorted[next - 1], sorted[next]);
                var t = (double)(day.DayNumber - a.Day.DayNumber) / (b.Day.DayNumber - a.Day.DayNumber);
                return Unmap(Map(a.Value) + (t * (Map(b.Value) - Map(a.Value))));
            })
            .ToArray();
    }

    public static T Pick<T>(Random rng, T[] items, double[] weights)
    {
        var x = rng.NextDouble() * weights.Sum();
        for (var i = 0; i < items.Length - 1; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return items[i];
            }
        }

        return items[^1];
    }

    public static IEnumerable<DateOnly> Dates(DateOnly first, DateOnly last)
    {
        for (var d = first; d <= last; d = d.AddDays(1))
        {
            yield return d;
        }
    }

    public static long Round(double x) => (long)Math.Round(x, MidpointRounding.AwayFromZero);

    public static string Code(string prefix, int n, int digits) => prefix + n.ToString(Inv).PadLeft(digits, '0');

    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", Inv);

    public static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", Inv);

    public static string Row(params object[] fields) => string.Join(',', fields.Select(f => Convert.ToString(f, Inv)));

    public static string WriteCsv(string path, string header, IEnumerable<string> rows)
    {
        var text = new StringBuilder(header).Append('\n');
        foreach (var row in rows)
        {
            text.Append(row).Append('\n');
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    /// <summary>Header-keyed rows of a data file, read by the same reader (and with the same errors) as the
    /// importer.</summary>
    public static List<Dictionary<string, string>> ReadCsv(string path)
    {
        var file = CsvFile.Read(path);
        return file.Rows.Select(r => file.Columns.ToDictionary(c => c, r.Text, StringComparer.Ordinal)).ToList();
    }

    /// <summary>Header-keyed rows of a file whose fields may be quoted (a quoted field may hold commas and doubled
    /// quotes), as the supply milestones are.</summary>
    public static List<Dictionary<string, string>> ReadQuotedCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        var header = Fields(lines[0]);
        return lines
            .Skip(1)
            .Select(
                (line, i) =>
                {
                    var fields = Fields(line);
                    if (fields.Count != header.Count)
                        throw new InvalidDataException($"{path}:{i + 2}: expected {header.Count} fields.");
                    return header.Zip(fields).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
                }
            )
            .ToList();
    }

    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                field.Append(line[++i]);
            else if (c == '"')
                quoted = !quoted;
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
                field.Append(c);
        }

        fields.Add(field.ToString());
        return fields;
    }
}

/// <summary>The files written so far, in order.</summary>
internal sealed class CsvFiles(string outDir)
{
    public List<string> Written { get; } = [];

    public void Save(string name, string header, IEnumerable<string> rows) =>
        Written.Add(Sampling.WriteCsv(Path.Combine(outDir, name), header, rows));
}
