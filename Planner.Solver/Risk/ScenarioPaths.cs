using Planner.Solver.Forecasting;

namespace Planner.Solver.Risk;

/// <summary>A quantity forecast per planned day (day 0 first) as P10, P50 and P90, and the group whose members' errors
/// move together (a county's city; a depot's own production).</summary>
public sealed record UncertainSeries(string Key, string Group, IReadOnlyList<ForecastDay> Days);

/// <summary>
/// Paths of every series over the horizon drawn from their forecasts, seeded and reproducible. In a path each series
/// has one standard normal score z for all its days (a forecast that is wrong is wrong the same way all week: a
/// county's census or a supplier's output runs high or low for the horizon), and the scores of one group are
/// correlated: z = √ρ·G + √(1 − ρ)·ε, with G shared by the group (a city's counties) and ε the series' own. A day's
/// value is the P50 plus z times the distance to the P90 (z ≥ 0) or to the P10 (z &lt; 0) over 1.2816 (the normal
/// 90th percentile), never below zero: a split normal through the forecast's three percentiles. A series with no
/// spread (P10 = P50 = P90) has its median on every path.
/// </summary>
public sealed class ScenarioPaths
{
    /// <summary>The standard normal 90th percentile.</summary>
    public const double Z90 = 1.2815515655446004;

    private readonly Dictionary<string, int> _index;
    private readonly double[] _scores;
    private readonly IReadOnlyList<UncertainSeries> _series;

    private ScenarioPaths(IReadOnlyList<UncertainSeries> series, int count, double[] scores)
    {
        _series = series;
        _index = series.Select((s, i) => (s.Key, i)).ToDictionary(x => x.Key, x => x.i, StringComparer.Ordinal);
        Count = count;
        _scores = scores;
    }

    /// <summary>The number of paths.</summary>
    public int Count { get; }

    /// <summary>Whether <paramref name="key"/> is one of the series.</summary>
    public bool Has(string key) => _index.ContainsKey(key);

    /// <summary>The series' normal score on a path.</summary>
    public double Score(int path, string key) => _scores[path * _series.Count + _index[key]];

    /// <summary>The series' value on a path and planned day (0-based).</summary>
    public double Value(int path, string key, int day)
    {
        var i = _index[key];
        return Quantile(_series[i].Days[day], _scores[path * _series.Count + i]);
    }

    /// <summary>The value on a path over the median (1 where the median is zero: nothing to scale).</summary>
    public double Ratio(int path, string key, int day)
    {
        var i = _index[key];
        var forecast = _series[i].Days[day];
        return forecast.P50 > 0 ? Quantile(forecast, _scores[path * _series.Count + i]) / forecast.P50 : 1;
    }

    /// <summary>The series' value at normal score <paramref name="z"/> over its median (1 where the median is
    /// zero).</summary>
    public double RatioAt(string key, int day, double z)
    {
        var forecast = _series[_index[key]].Days[day];
        return forecast.P50 > 0 ? Quantile(forecast, z) / forecast.P50 : 1;
    }

    /// <summary>The split normal through a forecast day's P10, P50 and P90 at score z, at least zero.</summary>
    public static double Quantile(ForecastDay day, double z) =>
        Math.Max(0, day.P50 + z * (z >= 0 ? day.P90 - day.P50 : day.P50 - day.P10) / Z90);

    /// <summary>
    /// <paramref name="count"/> paths of <paramref name="series"/> from <paramref name="seed"/>; the series of a group
    /// have <paramref name="correlation"/> with one another. The same seed, series and count give the same paths.
    /// </summary>
    public static ScenarioPaths Draw(IReadOnlyList<UncertainSeries> series, int count, int seed, double correlation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(correlation);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(correlation, 1);
        var ordered = series.OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        var groups = ordered.Select(s => s.Group).Distinct().Order(StringComparer.Ordinal).ToList();
        var groupIndex = groups.Select((g, i) => (g, i)).ToDictionary(x => x.g, x => x.i, StringComparer.Ordinal);
        var member = ordered.Select(s => groupIndex[s.Group]).ToArray();
        var random = new Random(seed);
        var scores = new double[count * ordered.Count];
        var shared = new double[groups.Count];
        var (common, own) = (Math.Sqrt(correlation), Math.Sqrt(1 - correlation));
        for (var path = 0; path < count; path++)
        {
            for (var g = 0; g < shared.Length; g++)
                shared[g] = Normal(random);
            for (var s = 0; s < ordered.Count; s++)
                scores[path * ordered.Count + s] = common * shared[member[s]] + own * Normal(random);
        }
        return new ScenarioPaths(ordered, count, scores);
    }

    /// <summary>A standard normal draw (Box–Muller, one of the pair).</summary>
    private static double Normal(Random random)
    {
        var u = 1 - random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
