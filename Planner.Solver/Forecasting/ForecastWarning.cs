namespace Planner.Solver.Forecasting;

/// <summary>
/// Something about the input a forecast had to work around, as data for the plan's report: a code from
/// <see cref="ForecastWarnings"/>, the series, the days concerned and a sentence naming them.
/// </summary>
public sealed record ForecastWarning(string Code, string Series, DateOnly From, DateOnly To, string Message);

/// <summary>The warning codes and the sentences that go with them.</summary>
public static class ForecastWarnings
{
    /// <summary>No point on or before the as-of date: the forecast starts from the stated fallback.</summary>
    public const string NoHistory = "no-history";

    /// <summary>The last point is older than the as-of date by more than a few days: the forecast starts from
    /// it.</summary>
    public const string StaleHistory = "stale-history";

    /// <summary>A cumulative count went down; the day's new count was clamped to 0.</summary>
    public const string NegativeRevision = "negative-revision";

    /// <summary>An observed value below zero was read as zero.</summary>
    public const string NegativeValue = "negative-value";

    /// <summary>A forecast went below zero and was clamped to zero.</summary>
    public const string ClampedNegative = "clamped-negative";

    internal static ForecastWarning NoPoints(string series, DateOnly asOf, double fallback) =>
        new(
            NoHistory,
            series,
            asOf,
            asOf,
            $"Series '{series}' has no data on or before {asOf:yyyy-MM-dd}; forecast from {Format(fallback)}."
        );

    internal static ForecastWarning Stale(string series, DateOnly last, DateOnly asOf) =>
        new(
            StaleHistory,
            series,
            last,
            asOf,
            $"Series '{series}' has no data from {last.AddDays(1):yyyy-MM-dd} to {asOf:yyyy-MM-dd}; "
                + $"forecast from {last:yyyy-MM-dd}."
        );

    internal static ForecastWarning Revision(string series, DailyPoint before, DailyPoint after) =>
        new(
            NegativeRevision,
            series,
            before.Date,
            after.Date,
            $"Series '{series}' went down from {Format(before.Value)} on {before.Date:yyyy-MM-dd} to "
                + $"{Format(after.Value)} on {after.Date:yyyy-MM-dd}; new count on {after.Date:yyyy-MM-dd} taken as 0."
        );

    internal static ForecastWarning Negative(string series, DateOnly from, DateOnly to, int count) =>
        new(
            NegativeValue,
            series,
            from,
            to,
            $"Series '{series}' has {count} negative value(s) between {from:yyyy-MM-dd} and {to:yyyy-MM-dd}; "
                + "read as 0."
        );

    internal static ForecastWarning Clamped(string series, DateOnly from, DateOnly to) =>
        new(
            ClampedNegative,
            series,
            from,
            to,
            $"Forecast of '{series}' went below 0 between {from:yyyy-MM-dd} and {to:yyyy-MM-dd}; clamped to 0."
        );

    private static string Format(double value) =>
        value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
