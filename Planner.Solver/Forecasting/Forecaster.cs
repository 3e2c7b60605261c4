namespace Planner.Solver.Forecasting;

/// <summary>How a <see cref="Forecaster"/> turns a method's point path into a range, and what it does with thin
/// data.</summary>
public sealed record ForecastSettings
{
    /// <summary>Past out-of-sample errors needed at a horizon before their quantiles give the range; with fewer, the
    /// range is ± 1.28 σ √h in log(x + 1) (the normal 10th and 90th percentiles of a random walk).</summary>
    public int MinErrors { get; init; } = 5;

    /// <summary>σ of the fallback range: the spread of log(x + 1) after one day (0.2: P90 / P10 about 1.7 on day one,
    /// 2.6 after a week). Chosen by backtest on the 2020 series, where the census is reported every few days and the
    /// fallback is often what gives the range.</summary>
    public double FallbackSigma { get; init; } = 0.2;

    /// <summary>How many days before the as-of date the past forecasts whose errors make the range are made: recent
    /// errors say more about the next days than those of an earlier phase (three weeks: on the 2020 series, four
    /// let the errors of the January growth widen February's ranges beyond what happened).</summary>
    public int ErrorWindowDays { get; init; } = 21;

    /// <summary>A last point older than this many days before the as-of date is reported (<see
    /// cref="ForecastWarnings.StaleHistory"/>).</summary>
    public int StaleDays { get; init; } = 3;

    /// <summary>The value forecast, with a <see cref="ForecastWarnings.NoHistory"/> warning, for a series with no
    /// point on or before the as-of date.</summary>
    public double Fallback { get; init; }
}

/// <summary>
/// Makes forecasts with a range from a point method. The range at horizon h comes from the method's own errors on
/// the series before the as-of date (a rolling origin: a forecast from each earlier day, compared with what was
/// later observed, up to the as-of date): the 10th and 90th percentiles of those errors in log(x + 1) are put around
/// the method's path. With too few past errors the range is a random walk's, ± 1.28 σ √h. The range never narrows
/// with the horizon (in log(x + 1), i.e. relative to the level), and the percentiles are never below zero.
/// Only points dated on or before the as-of date are read, of the series and of its driver.
/// </summary>
public sealed class Forecaster(IForecastMethod method, ForecastSettings? settings = null)
{
    private const double Z90 = 1.2815515655446004;

    /// <summary>The point method.</summary>
    public IForecastMethod Method { get; } = method;

    /// <summary>The range and fallback settings.</summary>
    public ForecastSettings Settings { get; } = settings ?? new ForecastSettings();

    /// <summary>
    /// The forecast of <paramref name="series"/> from <paramref name="asOf"/> for days 1 … <paramref name="horizon"/>
    /// after it; <paramref name="driver"/> is what the method reads besides the series (the new cases feeding a
    /// census).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOf"/> is outside the days of the series or
    /// the driver, or the horizon is not positive.</exception>
    public Forecast Forecast(DailySeries series, DateOnly asOf, int horizon, DailySeries? driver = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        var warnings = new List<ForecastWarning>();
        var points = Known(series.At(asOf), warnings);
        var driven = driver is null ? [] : Known(driver.At(asOf), warnings);
        if (points.Count == 0)
        {
            warnings.Add(ForecastWarnings.NoPoints(series.Name, asOf, Settings.Fallback));
            var flat = Enumerable.Repeat(Settings.Fallback, horizon);
            return Forecasting.Forecast.Exact(series.Name, asOf, Method.Name, flat, warnings);
        }
        if (points[^1].Date.AddDays(Settings.StaleDays) < asOf)
            warnings.Add(ForecastWarnings.Stale(series.Name, points[^1].Date, asOf));
        if (driver is not null && driven.Count == 0)
            warnings.Add(ForecastWarnings.NoPoints(driver.Name, asOf, points[^1].Value));
        var path = Method.Path(new ForecastInput(asOf, points, driven), horizon);
        var wrong = Enumerable.Range(1, horizon).Where(h => !(path[h - 1] >= 0)).ToList();
        if (wrong.Count > 0)
        {
            warnings.Add(ForecastWarnings.Clamped(series.Name, asOf.AddDays(wrong[0]), asOf.AddDays(wrong[^1])));
            path = path.Select(x => double.IsNaN(x) ? points[^1].Value : Math.Clamp(x, 0, double.MaxValue)).ToArray();
        }
        var band = Band(points, driven, asOf, horizon);
        var days = new List<ForecastDay>(horizon);
        for (var h = 1; h <= horizon; h++)
        {
            var (mid, centre) = (path[h - 1], LogFit.Log(path[h - 1]));
            var low = Math.Min(mid, Count(centre + band.Low[h - 1]));
            var high = Math.Max(mid, Count(centre + band.High[h - 1]));
            days.Add(new ForecastDay(asOf.AddDays(h), h, low, mid, high));
        }
        return new Forecast(series.Name, asOf, Method.Name, days, warnings);
    }

    private static double Count(double log) => Math.Max(0, LogFit.Count(log));

    /// <summary>The points of a series cut at its as-of date, negatives read as 0 and reported.</summary>
    private static List<DailyPoint> Known(DailySeries known, List<ForecastWarning> warnings)
    {
        var negative = known.Points.Where(p => p.Value < 0).ToList();
        if (negative.Count > 0)
            warnings.Add(ForecastWarnings.Negative(known.Name, negative[0].Date, negative[^1].Date, negative.Count));
        return known.Points.Select(p => p with { Value = Math.Max(0, p.Value) }).ToList();
    }

    /// <summary>Per horizon, the offsets (in log(x + 1)) of P10 and P90 from the method's path.</summary>
    private (double[] Low, double[] High) Band(
        List<DailyPoint> points,
        List<DailyPoint> driver,
        DateOnly asOf,
        int horizon
    )
    {
        var errors = PastErrors(points, driver, asOf, horizon);
        double[] low = new double[horizon],
            high = new double[horizon];
        for (var h = 1; h <= horizon; h++)
        {
            var e = errors[h - 1];
            if (e.Count >= Settings.MinErrors)
            {
                low[h - 1] = Math.Min(0, Quantile(e, 0.1));
                high[h - 1] = Math.Max(0, Quantile(e, 0.9));
            }
            else
            {
                low[h - 1] = -Z90 * Settings.FallbackSigma * Math.Sqrt(h);
                high[h - 1] = Z90 * Settings.FallbackSigma * Math.Sqrt(h);
            }
            if (h > 1)
            {
                low[h - 1] = Math.Min(low[h - 1], low[h - 2]);
                high[h - 1] = Math.Max(high[h - 1], high[h - 2]);
            }
        }
        return (low, high);
    }

    /// <summary>
    /// Per horizon, the method's errors in log(x + 1) (observed − forecast) from each earlier origin whose target
    /// day was observed on or before the as-of date: origins are the days from
    /// <see cref="ForecastSettings.ErrorWindowDays"/> before the as-of date, each seeing only the points up to itself.
    /// </summary>
    private List<double>[] PastErrors(List<DailyPoint> points, List<DailyPoint> driver, DateOnly asOf, int horizon)
    {
        var errors = Enumerable.Range(0, horizon).Select(_ => new List<double>()).ToArray();
        var observed = points.ToDictionary(p => p.Date, p => p.Value);
        for (var origin = asOf.AddDays(-Settings.ErrorWindowDays); origin < asOf; origin = origin.AddDays(1))
        {
            var seen = points.TakeWhile(p => p.Date <= origin).ToList();
            if (seen.Count == 0)
                continue;
            var reach = Math.Min(horizon, asOf.DayNumber - origin.DayNumber);
            var input = new ForecastInput(origin, seen, driver.TakeWhile(p => p.Date <= origin).ToList());
            var path = Method.Path(input, reach);
            for (var h = 1; h <= reach; h++)
                if (observed.TryGetValue(origin.AddDays(h), out var actual))
                    errors[h - 1].Add(LogFit.Log(actual) - LogFit.Log(Math.Max(0, path[h - 1])));
        }
        return errors;
    }

    /// <summary>The q-quantile of <paramref name="values"/>, interpolating between order statistics.</summary>
    internal static double Quantile(IReadOnlyList<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        var at = q * (sorted.Length - 1);
        var below = (int)Math.Floor(at);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
    }
}
