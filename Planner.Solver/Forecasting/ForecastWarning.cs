namespace Planner.Solver.Forecasting;

/// <summary>
/// Something about the input a forecast had to work around, as data for the plan's report: a code from
/// <see cref="ForecastWarnings"/>, the series, the days concerned, the numbers the warning is about and an English
/// sentence naming them (for logs and machine files: a reader's sentence is made from the data, in their language,
/// where the plan is shown).
/// </summary>
public sealed record ForecastWarning(string Code, string Series, DateOnly From, DateOnly To, string Message)
{
    /// <summary>The value before: the higher cumulative count of a <see cref="ForecastWarnings.NegativeRevision"/>
    /// (on <see cref="From"/>).</summary>
    public double Before { get; init; }

    /// <summary>The value after: the lower cumulative count of a <see cref="ForecastWarnings.NegativeRevision"/>
    /// (on <see cref="To"/>).</summary>
    public double After { get; init; }

    /// <summary>How many values: the negative values read as zero of a
    /// <see cref="ForecastWarnings.NegativeValue"/>.</summary>
    public int Count { get; init; }

    /// <summary>The value a <see cref="ForecastWarnings.NoHistory"/> forecast starts from.</summary>
    public double Fallback { get; init; }
}

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
        )
        {
            Fallback = fallback,
        };

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
        )
        {
            Before = before.Value,
            After = after.Value,
        };

    internal static ForecastWarning Negative(string series, DateOnly from, DateOnly to, int count) =>
        new(
            NegativeValue,
            series,
            from,
            to,
            $"Series '{series}' has {count} negative value(s) between {from:yyyy-MM-dd} and {to:yyyy-MM-dd}; "
                + "read as 0."
        )
        {
            Count = count,
        };

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
