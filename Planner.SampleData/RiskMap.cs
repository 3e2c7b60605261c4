using static Planner.SampleData.Sampling;

namespace Planner.SampleData;

/// <summary>
/// The county five-colour map (risk-map.csv), a level for every county on each map date: the province's real counts
/// per colour and the counties the press named; the other counties fill the colours left from red down, ranked by their
/// level on the previous map, then by their cumulative cases plus those of the last 14 days (recent cases count twice),
/// then recent cases, then population.
/// </summary>
internal static class RiskMap
{
    // What the sources say in words (EPIDEMIC-SOURCES.md) rather than in the county file. 12 Feb: Pingyang "moved from
    // orange to yellow", so it was orange on 9 Feb. 27 Feb: the eight counties whose colour changed since 24 Feb and
    // their colour before; every other county was green on 27 Feb and unchanged, so green on 24 Feb too.
    private static readonly DateOnly FirstMap = new(2020, 2, 9);
    private static readonly DateOnly Before27Feb = new(2020, 2, 24);

    private static readonly (DateOnly Day, string County, string Colour)[] InWords =
    [
        (FirstMap, "平阳县", "orange"),
        (Before27Feb, "桐庐县", "yellow"),
        (Before27Feb, "海曙区", "yellow"),
        (Before27Feb, "西湖区", "blue"),
        (Before27Feb, "江干区", "blue"),
        (Before27Feb, "鹿城区", "blue"),
        (Before27Feb, "瓯海区", "blue"),
        (Before27Feb, "乐清市", "blue"),
        (Before27Feb, "瑞安市", "blue"),
    ];

    // Maps between 12 and 24 February (none found): counts linear between those two maps.
    private static readonly DateOnly[] Between = [new(2020, 2, 16), new(2020, 2, 20)];

    /// <summary>Every county named on a date, with its level: the county file and <see cref="InWords"/>.</summary>
    public static List<(DateOnly Day, string Code, int Level)> Named(History h, IReadOnlyList<SampleCounty> counties)
    {
        var byName = counties.GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        string CodeOf(string name) =>
            byName.TryGetValue(name, out var list) && list.Count == 1
                ? list[0].Code
                : throw new InvalidDataException($"No single county is named {name}.");
        return h
            .NamedCounties.Select(n => (n.Day, CodeOf(n.County), n.Level))
            .Concat(InWords.Select(w => (w.Day, CodeOf(w.County), History.Levels[w.Colour])))
            .ToList();
    }

    /// <summary>How much more (or less) a county's cases weigh for being named: see <see cref="Cases"/>.</summary>
    public static Dictionary<string, double> Boost(History h, IReadOnlyList<SampleCounty> counties)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (day, code, level) in Named(h, counties).Where(n => n.Day < new DateOnly(2020, 2, 27)))
        {
            if (level > 1)
                result[code] = 3;
            else if (!result.ContainsKey(code))
                result[code] = 0.3;
        }

        return result;
    }

    /// <summary>The level of every county on every map date, by county then date.</summary>
    public static SortedDictionary<(string County, DateOnly Day), int> Build(
        History h,
        IReadOnlyList<SampleCounty> counties,
        Cases cases
    )
    {
        var named = Named(h, counties);
        var counts = h.MapCounts.ToDictionary(kv => kv.Key, kv => kv.Value);
        var on24 = named.Where(n => n.Day == Before27Feb).ToList();
        counts[Before27Feb] = Enumerable
            .Range(0, 6)
            .Select(l => on24.Count(n => n.Level == l) + (l == 1 ? counties.Count - on24.Count : 0))
            .ToArray();
        var (from, to) = (new DateOnly(2020, 2, 12), Before27Feb);
        foreach (var day in Between)
            counts[day] = Interpolated(
                counts[from],
                counts[to],
                (double)(day.DayNumber - from.DayNumber) / (to.DayNumber - from.DayNumber)
            );
        var result = new SortedDictionary<(string, DateOnly), int>(Comparer<(string, DateOnly)>.Create(Compare));
        var previous = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (day, levels) in counts.OrderBy(kv => kv.Key))
        {
            var fixedHere = named
                .Where(n => n.Day == day)
                .ToDictionary(n => n.Code, n => n.Level, StringComparer.Ordinal);
            var map = Fill(h.IndexOf(day), counties, cases, levels, fixedHere, previous).ToList();
            foreach (var (code, level) in map)
                result[(code, day)] = level;
            previous = map.ToDictionary(m => m.Code, m => m.Level, StringComparer.Ordinal);
        }

        return result;
    }

    /// <summary>Counts per level at <paramref name="t"/> between two maps, linear in the number of counties at or
    /// above each level.</summary>
    private static int[] Interpolated(int[] a, int[] b, double t)
    {
        int AtLeast(int[] c, int level) => c.Skip(level).Sum();
        var atLeast = Enumerable
            .Range(0, 7)
            .Select(l => l is 0 or 6 ? 0 : (int)Round(AtLeast(a, l) + (t * (AtLeast(b, l) - AtLeast(a, l)))))
            .ToArray();
        return Enumerable.Range(0, 6).Select(l => l == 0 ? 0 : atLeast[l] - atLeast[l + 1]).ToArray();
    }

    /// <summary>The named counties keep their level; the others take the levels left from red down, ranked by their
    /// level on the previous map (a map changes gradually: no county passes one that was above it), then by their
    /// cases.</summary>
    private static IEnumerable<(string Code, int Level)> Fill(
        int i,
        IReadOnlyList<SampleCounty> counties,
        Cases cases,
        int[] levels,
        Dictionary<string, int> named,
        Dictionary<string, int> previous
    )
    {
        var left = levels.ToArray();
        foreach (var level in named.Values)
        {
            if (--left[level] < 0)
                throw new InvalidDataException($"More counties named at level {level} than the map counts.");
        }

        var ranked = counties
            .Where(c => !named.ContainsKey(c.Code))
            .OrderByDescending(c => previous.GetValueOrDefault(c.Code))
            .ThenByDescending(c => cases.Recent(c.Code, i) + cases.Cumulative[c.Code][i])
            .ThenByDescending(c => cases.Recent(c.Code, i))
            .ThenByDescending(c => c.Population)
            .ThenBy(c => c.Code, StringComparer.Ordinal)
            .ToList();
        if (ranked.Count != left.Sum())
            throw new InvalidDataException(
                $"The map counts {left.Sum() + named.Count} counties, not {counties.Count}."
            );
        var next = 5;
        foreach (var c in ranked)
        {
            while (left[next] == 0)
                next--;
            left[next]--;
            yield return (c.Code, next);
        }

        foreach (var (code, level) in named)
            yield return (code, level);
    }

    private static int Compare((string County, DateOnly Day) a, (string County, DateOnly Day) b)
    {
        var byCounty = string.CompareOrdinal(a.County, b.County);
        return byCounty != 0 ? byCounty : a.Day.CompareTo(b.Day);
    }

    public static IEnumerable<string> Rows(SortedDictionary<(string County, DateOnly Day), int> map) =>
        map.Select(kv => Row(kv.Key.County, Date(kv.Key.Day), kv.Value));
}
