using Planner.Solver.Forecasting;

namespace Planner.Api.Planning;

/// <summary>
/// The forecast a plan is made on, as of its as-of day: per driver (e.g. <c>production</c>), region (a depot's code;
/// the province's is the sum) and product, the days observed up to the as-of day and the P10, P50 and P90 of each
/// planned day. A region's median is the sum of its lines' medians. Its P10–P90 band is made from theirs by
/// <see cref="Aggregate"/>: a city's or the province's census, observation and demand take counties whose errors are
/// partly correlated (<see cref="Aggregate.CountyCorrelation"/>); production adds up its lines' percentiles.
/// </summary>
public sealed record PlanForecast(DateOnly AsOf, IReadOnlyList<DriverForecast> Drivers)
{
    /// <summary>Days of observations shown before the as-of day.</summary>
    public const int ObservedDays = 14;
}

/// <summary>One driver's history and forecast in one region.</summary>
public sealed record DriverForecast(
    string Driver,
    string Region,
    string? Product,
    IReadOnlyList<ObservedDay> Observed,
    IReadOnlyList<ForecastDay> Days
);

/// <summary>A value observed (reported) on a day.</summary>
public sealed record ObservedDay(DateOnly Date, double Value);
