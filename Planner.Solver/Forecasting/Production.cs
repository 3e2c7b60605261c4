namespace Planner.Solver.Forecasting;

/// <summary>
/// A supplier's line for one product: its declared daily capacity, and the days between making and release
/// (<see cref="ReleaseLagDays"/>; <see cref="Production.EthyleneOxideLagDays"/> for coveralls and surgical masks,
/// which are sterilised with ethylene oxide and aired before use; 0 for products released as made).
/// </summary>
public sealed record ProductionLine(string Supplier, string Product, double DailyCapacity, int ReleaseLagDays = 0);

/// <summary>A line's forecast: what it makes each day, and what becomes available for the plan each day.</summary>
public sealed record ProductionForecast(Forecast Output, Forecast Available);

/// <summary>
/// Production follows the factories' restart: recent output, growing at its recent rate (a log-linear trend over
/// the last <see cref="RampWindowDays"/> days: Zhejiang's mask output rose 2.8-fold in the half month to 23 February
/// 2020), never above the declared daily capacity. Output made on day d is available on d + lag, so the first lag days
/// of available supply come from output already reported (known, P10 = P50 = P90) and only later days from the
/// forecast.
/// </summary>
public static class Production
{
    /// <summary>Days from making to release of a product sterilised with ethylene oxide.</summary>
    public const int EthyleneOxideLagDays = 7;

    /// <summary>The days of output whose trend is carried forward.</summary>
    public const int RampWindowDays = 7;

    /// <summary>
    /// What <paramref name="line"/> makes and releases on days 1 … <paramref name="horizon"/> after
    /// <paramref name="asOf"/>, from its reported daily <paramref name="output"/>. A day of made output that was not
    /// reported is taken as the last report before it, and as zero before the first report.
    /// </summary>
    public static ProductionForecast Forecast(
        ProductionLine line,
        DailySeries output,
        DateOnly asOf,
        int horizon,
        ForecastSettings? settings = null
    )
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(line.ReleaseLagDays);
        ArgumentOutOfRangeException.ThrowIfNegative(line.DailyCapacity);
        var trend = new Forecaster(new LogLinearTrend(RampWindowDays), settings);
        var made = Capped(trend.Forecast(output, asOf, horizon), line.DailyCapacity);
        var known = output.At(asOf);
        var days = new List<ForecastDay>(horizon);
        for (var h = 1; h <= horizon; h++)
        {
            var day = asOf.AddDays(h);
            if (h > line.ReleaseLagDays)
            {
                days.Add(made.Day(h - line.ReleaseLagDays) with { Date = day, Horizon = h });
                continue;
            }
            var reported = Math.Max(0, known.LastOnOrBefore(day.AddDays(-line.ReleaseLagDays))?.Value ?? 0);
            days.Add(new ForecastDay(day, h, reported, reported, reported));
        }
        var available = new Forecast($"{output.Name} available", asOf, made.Method, days, made.Warnings);
        return new ProductionForecast(made, available);
    }

    private static Forecast Capped(Forecast forecast, double capacity) =>
        forecast with
        {
            Days = forecast
                .Days.Select(d =>
                    d with
                    {
                        P10 = Math.Min(d.P10, capacity),
                        P50 = Math.Min(d.P50, capacity),
                        P90 = Math.Min(d.P90, capacity),
                    }
                )
                .ToList(),
        };
}
