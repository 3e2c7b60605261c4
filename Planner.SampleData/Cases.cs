using static Planner.SampleData.Sampling;

namespace Planner.SampleData;

/// <summary>
/// Case bulletins by county (case-bulletins.csv): each city's real daily cases shared out among its counties, so that
/// the counties' cumulative adds up to the city's every day (the revisions that lowered a city's count stay visible in
/// one county), and the province's real count of people under medical observation shared out among all counties.
/// </summary>
internal sealed class Cases
{
    // A county's share of its city's cases follows its population times a factor drawn once, from e^-1.2 to e^1.2:
    // cases clustered in a few counties of each city.
    private const double Spread = 1.2;

    // Counties the press named in a colour other than green on 12 or 24 February had more cases than their population
    // says; those named green on 12 February fewer.
    private const double NamedHotSpot = 3;
    private const double NamedQuiet = 0.3;

    // People under observation were the close contacts of recent cases and travellers from Hubei: half of a day's
    // count goes by the county's share of the last 14 days' cases, half by population.
    private const int RecentDays = 14;

    public required IReadOnlyList<string> Counties { get; init; }

    /// <summary>Per county, per replay day.</summary>
    public required IReadOnlyDictionary<string, int[]> Cumulative { get; init; }

    public required IReadOnlyDictionary<string, int[]> New { get; init; }

    public required IReadOnlyDictionary<string, long[]> Observation { get; init; }

    /// <summary>New cases of the <see cref="RecentDays"/> days up to day <paramref name="i"/>.</summary>
    public int Recent(string county, int i)
    {
        var first = Math.Max(0, i - RecentDays + 1);
        return New[county].Skip(first).Take(i - first + 1).Sum();
    }

    public static Cases Build(
        Random rng,
        History h,
        Census census,
        IReadOnlyList<SampleCounty> counties,
        IReadOnlyDictionary<string, double> boost
    )
    {
        var weight = counties.ToDictionary(
            c => c.Code,
            c => c.Population * Math.Exp(Spread * ((2 * rng.NextDouble()) - 1)) * boost.GetValueOrDefault(c.Code, 1),
            StringComparer.Ordinal
        );
        var cumulative = counties.ToDictionary(c => c.Code, _ => new int[h.Days.Count], StringComparer.Ordinal);
        var fresh = counties.ToDictionary(c => c.Code, _ => new int[h.Days.Count], StringComparer.Ordinal);
        foreach (var city in counties.GroupBy(c => c.City).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var codes = city.Select(c => c.Code).ToArray();
            var weights = codes.Select(c => weight[c]).ToArray();
            var count = codes.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);
            for (var n = 0; n < census.Before[city.Key]; n++)
                count[Pick(rng, codes, weights)]++;
            for (var i = 0; i < h.Days.Count; i++)
            {
                var line = census.Days[city.Key][i];
                for (var n = 0; n < line.New; n++)
                {
                    var code = Pick(rng, codes, weights);
                    count[code]++;
                    fresh[code][i]++;
                }

                Remove(count, codes, line.Removed);
                foreach (var code in codes)
                    cumulative[code][i] = count[code];
            }
        }

        var cases = new Cases
        {
            Counties = counties.Select(c => c.Code).ToList(),
            Cumulative = cumulative,
            New = fresh,
            Observation = new Dictionary<string, long[]>(),
        };
        return cases.WithObservation(rng, h, counties);
    }

    /// <summary>Takes <paramref name="cases"/> off the county with the most cases (the next ones if it has too
    /// few): a revision shows in one county, as it did in one city.</summary>
    private static void Remove(Dictionary<string, int> count, string[] codes, int cases)
    {
        foreach (var code in codes.OrderByDescending(c => count[c]).ThenBy(c => c, StringComparer.Ordinal))
        {
            var taken = Math.Min(cases, count[code]);
            count[code] -= taken;
            cases -= taken;
        }
    }

    /// <summary>The province's people under observation each day, shared among the counties (see
    /// <see cref="RecentDays"/>) times a factor per county drawn once from 0.7 to 1.3.</summary>
    private Cases WithObservation(Random rng, History h, IReadOnlyList<SampleCounty> counties)
    {
        var factor = counties.Select(_ => 0.7 + (0.6 * rng.NextDouble())).ToArray();
        var population = (double)counties.Sum(c => c.Population);
        var observation = counties.ToDictionary(c => c.Code, _ => new long[h.Days.Count], StringComparer.Ordinal);
        for (var i = 0; i < h.Days.Count; i++)
        {
            var total = h.Province[h.Days[i]].Observation
                ?? throw new InvalidDataException($"No observation count on {Date(h.Days[i])}.");
            var recent = counties.Select(c => (double)Recent(c.Code, i)).ToArray();
            var recentTotal = recent.Sum();
            if (recentTotal == 0)
            {
                recent = counties.Select(c => (double)Cumulative[c.Code][i]).ToArray();
                recentTotal = Math.Max(1, recent.Sum());
            }

            var weights = counties
                .Select((c, k) => (c.Population / population) + (recent[k] / recentTotal))
                .Select((share, k) => Round(1e6 * factor[k] * share / 2))
                .ToList();
            var split = Split(total, weights);
            for (var k = 0; k < counties.Count; k++)
                observation[counties[k].Code][i] = split[k];
        }

        return new Cases
        {
            Counties = Counties,
            Cumulative = Cumulative,
            New = New,
            Observation = observation,
        };
    }

    /// <summary>case-bulletins.csv rows: every county, every day.</summary>
    public IEnumerable<string> Rows(History h) =>
        Counties.SelectMany(c =>
            h.Days.Select((d, i) => Row(c, Date(d), Cumulative[c][i], New[c][i], Observation[c][i]))
        );
}
