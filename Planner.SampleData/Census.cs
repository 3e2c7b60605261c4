using static Planner.SampleData.Sampling;

namespace Planner.SampleData;

/// <summary>One day of a line (a city, or the prison): cases confirmed and taken off the count that day, and the
/// confirmed patients in hospital, of them severe (critical excluded) and critical.</summary>
internal readonly record struct LineDay(int New, int Removed, int InHospital, int Severe, int Critical)
{
    public int SevereAndCritical => Severe + Critical;
}

/// <summary>
/// The daily census of each city, derived from the real series (see data/README.md, "capacity.csv"): severe and
/// critical patients adding up to the province's bulletin and to each city's list where one was published, and the
/// patients in hospital, cumulative − discharged − deaths, with the province's discharges shared out among the cities.
/// The prison line (cases in no city's figures) is a line of its own.
/// </summary>
internal sealed class Census
{
    public const string Prison = "prison";

    // Patients stay at least this many days before they count as ready to be discharged.
    private const int DaysBeforeDischarge = 10;

    // Cases taken off a city's count on a day (EPIDEMIC-SOURCES.md): Hangzhou's 12 reassigned to other provinces,
    // Quzhou's 7 moved to the prison line. Every other fall of a city's cumulative is an error in the data.
    private static readonly (string City, DateOnly Day, int Cases)[] Removals =
    [
        ("330100", new DateOnly(2020, 2, 9), 12),
        ("330800", new DateOnly(2020, 2, 20), 7),
    ];

    /// <summary>The lines: the cities in code order, then the prison.</summary>
    public required IReadOnlyList<string> Lines { get; init; }

    public required IReadOnlyDictionary<string, LineDay[]> Days { get; init; }

    /// <summary>Each line's cumulative cases the day before the replay.</summary>
    public required IReadOnlyDictionary<string, int> Before { get; init; }

    public static Census Build(History h, IReadOnlyList<string> cities)
    {
        var lines = cities.Append(Prison).ToList();
        var cumulative = Cumulative(h, cities);
        var (target, critical) = ProvinceSevere(h);
        var prisonSevere = PrisonSevere(h, cities, target);
        var citySevere = cities.ToDictionary(c => c, c => CityAnchors(h, c), StringComparer.Ordinal);
        var days = lines.ToDictionary(l => l, _ => new LineDay[h.Days.Count], StringComparer.Ordinal);
        var active = lines.ToDictionary(l => l, l => cumulative[l][0], StringComparer.Ordinal);
        var news = lines.ToDictionary(l => l, l => new List<int> { cumulative[l][0] }, StringComparer.Ordinal);
        for (var i = 0; i < h.Days.Count; i++)
        {
            var day = h.Days[i];
            foreach (var l in lines)
            {
                var removed = Removals.Where(r => r.City == l && r.Day == day).Sum(r => r.Cases);
                var added = cumulative[l][i + 1] - cumulative[l][i] + removed;
                if (added < 0 || active[l] + added - removed < 0)
                    throw new InvalidDataException(
                        $"{l} falls by {-added} cases on {Date(day)}, not a known revision."
                    );
                news[l].Add(added);
                active[l] += added - removed;
                days[l][i] = new LineDay(added, removed, 0, 0, 0);
            }

            var prison = (int)Math.Min(prisonSevere[i], active[Prison]);
            var sick = CitySevere(h, cities, citySevere, i, target[i] - prison);
            sick[Prison] = prison;
            var crit = CityCritical(lines, sick, critical[i]);
            foreach (var l in lines)
                days[l][i] = days[l][i] with { Severe = sick[l] - crit[l], Critical = crit[l] };
            Discharge(h, i, lines, days, active, news);
        }

        return new Census
        {
            Lines = lines,
            Days = days,
            Before = lines.ToDictionary(l => l, l => cumulative[l][0], StringComparer.Ordinal),
        };
    }

    /// <summary>Cumulative cases per line from the day before the replay to its last day; the prison's is the
    /// province's minus the cities'.</summary>
    private static Dictionary<string, int[]> Cumulative(History h, IReadOnlyList<string> cities)
    {
        var days = h.Days.Prepend(h.First.AddDays(-1)).ToList();
        var result = cities.ToDictionary(
            c => c,
            c => days.Select(d => h.CityCumulative[(c, d)]).ToArray(),
            StringComparer.Ordinal
        );
        result[Prison] = days.Select((d, i) => h.Province[d].Cumulative - cities.Sum(c => result[c][i])).ToArray();
        if (result[Prison].Any(n => n < 0))
            throw new InvalidDataException("The cities' cumulative cases add up to more than the province's.");
        var before = h.Province[days[0]];
        if (before.Discharged != 0 || before.Deaths != 0)
            throw new InvalidDataException("The replay starts after the first discharge: set where patients went.");
        return result;
    }

    /// <summary>The province's severe + critical patients and critical patients every day: the bulletin's figures,
    /// linear between them; critical from the critical share, linear between the days it was published.</summary>
    private static (int[] SevereAndCritical, int[] Critical) ProvinceSevere(History h)
    {
        var known = h.Days.Where(d => h.Province[d].SevereAndCritical is not null).ToList();
        var total = Interpolate(
                h.First,
                h.Last,
                known.Select(d => (d, (double)h.Province[d].SevereAndCritical!)).ToList()
            )
            .Select(v => (int)Round(v))
            .ToArray();
        var split = h.Days.Where(d => h.Province[d].Critical is not null).ToList();
        var share = Interpolate(
            h.First,
            h.Last,
            split.Select(d => (d, (double)h.Province[d].Critical! / h.Province[d].SevereAndCritical!.Value)).ToList()
        );
        var critical = h.Days.Select((d, i) => h.Province[d].Critical ?? (int)Round(total[i] * share[i])).ToArray();
        return (total, critical);
    }

    /// <summary>The prison line's severe patients: what the province counts beyond the cities' lists on the days
    /// every city was listed, linear between those days.</summary>
    private static double[] PrisonSevere(History h, IReadOnlyList<string> cities, int[] target)
    {
        var complete = h
            .Days.Where(d => cities.All(c => h.CitySevere.ContainsKey((c, d))))
            .Select(d => (d, (double)(target[h.IndexOf(d)] - cities.Sum(c => h.CitySevere[(c, d)]))))
            .ToList();
        if (complete.Any(c => c.Item2 < 0))
            throw new InvalidDataException("A day's city lists of severe cases add up to more than the province's.");
        return Interpolate(h.First, h.Last, complete);
    }

    private static double[] CityAnchors(History h, string city) =>
        Interpolate(
            h.First,
            h.Last,
            h.Days.Where(d => h.CitySevere.ContainsKey((city, d)))
                .Select(d => (d, (double)h.CitySevere[(city, d)]))
                .ToList()
        );

    /// <summary>Each city's severe patients (critical included) on day <paramref name="i"/>: the published figure
    /// where there is one; the rest of the target shared among the other cities by their interpolated
    /// figures.</summary>
    private static Dictionary<string, int> CitySevere(
        History h,
        IReadOnlyList<string> cities,
        Dictionary<string, double[]> anchors,
        int i,
        int target
    )
    {
        var day = h.Days[i];
        var result = cities
            .Where(c => h.CitySevere.ContainsKey((c, day)))
            .ToDictionary(c => c, c => h.CitySevere[(c, day)], StringComparer.Ordinal);
        var free = target - result.Values.Sum();
        var open = cities.Where(c => !result.ContainsKey(c)).ToList();
        if (free < 0 || (open.Count == 0 && free != 0))
            throw new InvalidDataException($"The cities' severe cases on {Date(day)} do not add up to {target}.");
        var weights = open.Select(c => Round(anchors[c][i] * 1000)).ToList();
        if (weights.Sum() == 0)
            weights = open.Select(c => (long)h.CityCumulative[(c, day)]).ToList();
        var split = Split(free, weights);
        for (var k = 0; k < open.Count; k++)
            result[open[k]] = (int)split[k];
        return result;
    }

    /// <summary>The province's critical patients shared among the lines in proportion to their severe patients (no
    /// city figure for critical was published).</summary>
    private static Dictionary<string, int> CityCritical(List<string> lines, Dictionary<string, int> sick, int critical)
    {
        var split = CappedSplit(
            critical,
            lines.Select(l => (double)sick[l]).ToList(),
            lines.Select(l => (long)sick[l]).ToList()
        );
        return lines.Select((l, k) => (l, (int)split[k])).ToDictionary(p => p.l, p => p.Item2, StringComparer.Ordinal);
    }

    /// <summary>The day's deaths and discharges: deaths in the line with the most severe and critical patients;
    /// discharges shared among the lines in proportion to patients in hospital for at least
    /// <see cref="DaysBeforeDischarge"/> days, never discharging a severe or critical patient.</summary>
    private static void Discharge(
        History h,
        int i,
        List<string> lines,
        Dictionary<string, LineDay[]> days,
        Dictionary<string, int> active,
        Dictionary<string, List<int>> news
    )
    {
        var (today, yesterday) = (h.Province[h.Days[i]], h.Province[h.Days[i].AddDays(-1)]);
        var deaths = lines.ToDictionary(l => l, _ => 0, StringComparer.Ordinal);
        var dying = lines.MaxBy(l => days[l][i].SevereAndCritical)!;
        deaths[dying] = today.Deaths - yesterday.Deaths;
        var caps = lines.Select(l => (long)(active[l] - deaths[l] - days[l][i].SevereAndCritical)).ToList();
        if (caps.Any(c => c < 0))
            throw new InvalidDataException($"More severe patients than patients in hospital on {Date(h.Days[i])}.");
        var ready = lines
            .Select(l => (double)Math.Max(0, active[l] - news[l].TakeLast(DaysBeforeDischarge).Sum()))
            .ToList();
        var discharged = CappedSplit(today.Discharged - yesterday.Discharged, ready, caps);
        for (var k = 0; k < lines.Count; k++)
        {
            var l = lines[k];
            active[l] -= (int)discharged[k] + deaths[l];
            days[l][i] = days[l][i] with { InHospital = active[l] };
        }
    }
}
