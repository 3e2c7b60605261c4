namespace Planner.Solver.Forecasting;

/// <summary>
/// What a method may see when it forecasts from <see cref="AsOf"/>: the series' points and its driver's (for a
/// census, the new cases that feed it), both only those dated on or before <see cref="AsOf"/>, in date order, values
/// not below zero. <see cref="Forecaster"/> makes it, so a method cannot look ahead.
/// </summary>
public sealed record ForecastInput(DateOnly AsOf, IReadOnlyList<DailyPoint> Points, IReadOnlyList<DailyPoint> Driver);

/// <summary>A point forecast rule. <see cref="Forecaster"/> adds the range, so every method is judged with the same
/// kind of interval.</summary>
public interface IForecastMethod
{
    /// <summary>A short name for reports (backtest tables, the forecast's <see cref="Forecast.Method"/>).</summary>
    string Name { get; }

    /// <summary>The expected values on days 1 … <paramref name="horizon"/> after the as-of date, from
    /// <paramref name="input"/> (at least one point).</summary>
    double[] Path(ForecastInput input, int horizon);
}

/// <summary>The baseline, what the plan did before forecasts: the last observed value, held.</summary>
public sealed record HoldLast : IForecastMethod
{
    /// <inheritdoc/>
    public string Name => "hold-last";

    /// <inheritdoc/>
    public double[] Path(ForecastInput input, int horizon) =>
        Enumerable.Repeat(input.Points[^1].Value, horizon).ToArray();
}

/// <summary>
/// A straight line through log(x + 1) over the last <see cref="WindowDays"/> days (ordinary least squares),
/// extended: growth or decay at the recent constant rate. With fewer than two points in the window it holds the last
/// value.
/// </summary>
public sealed record LogLinearTrend(int WindowDays = 14) : IForecastMethod
{
    /// <inheritdoc/>
    public string Name => "log-linear";

    /// <inheritdoc/>
    public double[] Path(ForecastInput input, int horizon)
    {
        var (level, slope) = LogFit.Line(input, WindowDays, 1.0);
        return Enumerable.Range(1, horizon).Select(h => LogFit.Count(level + slope * h)).ToArray();
    }
}

/// <summary>
/// A damped local trend in log(x + 1): level and slope at the as-of date from a weighted least-squares line over
/// the last <see cref="WindowDays"/> days, a point d days old weighing <see cref="Weight"/>^d so that the latest
/// reports count most; the slope then fades by <see cref="Damping"/> a day, so the forecast on day h is
/// level + slope × (φ + φ² + … + φ^h), which levels off at level + slope × φ / (1 − φ). Damping keeps a fall or rise
/// from being carried on at full speed for two weeks, which an epidemic that turns does not do. With fewer than two
/// points in the window it holds the last value.
/// </summary>
public sealed record DampedLogTrend(int WindowDays = 7, double Weight = 0.85, double Damping = 0.8) : IForecastMethod
{
    /// <inheritdoc/>
    public string Name => "damped-trend";

    /// <inheritdoc/>
    public double[] Path(ForecastInput input, int horizon)
    {
        var (level, slope) = LogFit.Line(input, WindowDays, Weight);
        var path = new double[horizon];
        double step = 1,
            sum = 0;
        for (var h = 1; h <= horizon; h++)
        {
            step *= Damping;
            sum += step;
            path[h - 1] = LogFit.Count(level + slope * sum);
        }
        return path;
    }
}

/// <summary>Weighted least-squares lines through the recent points of a series, in log(x + 1).</summary>
internal static class LogFit
{
    public static double Log(double value) => Math.Log(value + 1);

    /// <summary>The count whose log(x + 1) is <paramref name="log"/> (−1 … ∞; below 0 is clamped by the
    /// forecaster).</summary>
    public static double Count(double log) => Math.Exp(log) - 1;

    /// <summary>
    /// The line through log(x + 1) of the points of the last <paramref name="windowDays"/> days before the as-of
    /// date, a point d days old weighing <paramref name="weight"/>^d: its value at the as-of date and its slope per
    /// day. With fewer than two points in the window: the last point's value, no slope.
    /// </summary>
    public static (double Level, double Slope) Line(ForecastInput input, int windowDays, double weight)
    {
        var points = input
            .Points.Select(p => (Day: (double)(p.Date.DayNumber - input.AsOf.DayNumber), Log: Log(p.Value)))
            .Where(p => p.Day > -windowDays)
            .ToList();
        if (points.Count < 2)
            return (Log(input.Points[^1].Value), 0);
        var weights = points.Select(p => Math.Pow(weight, -p.Day)).ToList();
        var sw = weights.Sum();
        var mx = points.Select((p, i) => weights[i] * p.Day).Sum() / sw;
        var my = points.Select((p, i) => weights[i] * p.Log).Sum() / sw;
        var sxx = points.Select((p, i) => weights[i] * (p.Day - mx) * (p.Day - mx)).Sum();
        var sxy = points.Select((p, i) => weights[i] * (p.Day - mx) * (p.Log - my)).Sum();
        var slope = sxy / sxx;
        return (my - slope * mx, slope);
    }
}
