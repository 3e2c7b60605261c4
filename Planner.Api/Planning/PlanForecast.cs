using Planner.Solver.Forecasting;

namespace Planner.Api.Planning;

/// <summary>
/// The forecast a plan is made on, as of its as-of day: per driver (e.g. <c>production</c>), region (a depot's code;
/// the province's is the sum) and product, the days observed up to the as-of day and the P10, P50 and P90 of each
/// planned day. A region's percentiles are the sums of its lines' percentiles: the median adds up, the P10–P90 band
/// is at least as wide as the total's would be.
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
