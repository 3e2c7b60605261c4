namespace Planner.Solver.Forecasting;

/// <summary>
/// One forecast day: <see cref="Horizon"/> days after the as-of date, the 10th, 50th and 90th percentiles
/// (0 ≤ P10 ≤ P50 ≤ P90).
/// </summary>
public sealed record ForecastDay(DateOnly Date, int Horizon, double P10, double P50, double P90);

/// <summary>
/// A series' forecast made on <see cref="AsOf"/> by <see cref="Method"/>: one day for each horizon 1 … n, and the
/// warnings about its input.
/// </summary>
public sealed record Forecast(
    string Series,
    DateOnly AsOf,
    string Method,
    IReadOnlyList<ForecastDay> Days,
    IReadOnlyList<ForecastWarning> Warnings
)
{
    /// <summary>The day <paramref name="horizon"/> days after the as-of date (1-based).</summary>
    public ForecastDay Day(int horizon) => Days[horizon - 1];

    /// <summary>The same forecast in whole units (counts of patients, people, checkpoints): each percentile rounded
    /// to the nearest integer, which keeps their order.</summary>
    public Forecast Rounded() =>
        this with
        {
            Days = Days.Select(d =>
                    d with
                    {
                        P10 = Math.Round(d.P10, MidpointRounding.AwayFromZero),
                        P50 = Math.Round(d.P50, MidpointRounding.AwayFromZero),
                        P90 = Math.Round(d.P90, MidpointRounding.AwayFromZero),
                    }
                )
                .ToList(),
        };

    /// <summary>A forecast without uncertainty (P10 = P50 = P90): a plan or a pledge rather than a guess.</summary>
    public static Forecast Exact(
        string series,
        DateOnly asOf,
        string method,
        IEnumerable<double> values,
        IReadOnlyList<ForecastWarning>? warnings = null
    ) =>
        new(
            series,
            asOf,
            method,
            values.Select((v, i) => new ForecastDay(asOf.AddDays(i + 1), i + 1, v, v, v)).ToList(),
            warnings ?? []
        );
}
