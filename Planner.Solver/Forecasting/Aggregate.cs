namespace Planner.Solver.Forecasting;

/// <summary>
/// The forecast of a sum made from its parts' forecasts. The medians add up. Each side of the band is
/// √((1 − ρ) Σ dᵢ² + ρ (Σ dᵢ)²), where dᵢ is a part's distance from its median to its P10 (or P90) and ρ is the
/// correlation between the parts' errors. With ρ = 1 the percentiles simply add up: the parts all go wrong the same way
/// at once. With ρ = 0 the spreads add in quadrature: the parts are independent. Between the two, the band lies inside
/// the sum of the parts' bands and so keeps 0 ≤ P10 ≤ P50 ≤ P90.
/// </summary>
public static class Aggregate
{
    /// <summary>
    /// The correlation between counties' errors, used when a city's or the province's census or observation is made
    /// from its counties. It was chosen by the regional-bands backtest (docs/benchmarks.md, "Forecast plans"):
    /// adding the percentiles (ρ = 1) covered 99 % of the province's outcomes, and independent counties (ρ = 0)
    /// covered 41–72 %. ρ = 0.5 keeps every pooled coverage within 77–87 %.
    /// </summary>
    public const double CountyCorrelation = 0.5;

    /// <summary>Day by day, the forecast of the sum of <paramref name="paths"/>, to one decimal.</summary>
    public static List<ForecastDay> Sum(IEnumerable<IReadOnlyList<ForecastDay>> paths, double correlation = 1)
    {
        var all = paths.ToList();
        return all[0]
            .Select(
                (day, i) =>
                {
                    var (p10, p50, p90) = Sum(all.Select(p => (p[i].P10, p[i].P50, p[i].P90)).ToList(), correlation);
                    return day with { P10 = Math.Round(p10, 1), P50 = Math.Round(p50, 1), P90 = Math.Round(p90, 1) };
                }
            )
            .ToList();
    }

    /// <summary>The P10, P50 and P90 of the sum of parts whose errors have <paramref name="correlation"/> with one
    /// another.</summary>
    public static (double P10, double P50, double P90) Sum(
        IReadOnlyCollection<(double P10, double P50, double P90)> parts,
        double correlation
    )
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(correlation, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(correlation, 1);
        var median = parts.Sum(p => p.P50);
        double Spread(Func<(double P10, double P50, double P90), double> side)
        {
            var (sum, squares) = (parts.Sum(side), parts.Sum(p => side(p) * side(p)));
            return Math.Sqrt(Math.Max(0, (1 - correlation) * squares + correlation * sum * sum));
        }
        // Never outside the sum of the parts' bands, which rounding could otherwise cross by a hair.
        return (
            Math.Max(parts.Sum(p => p.P10), median - Spread(p => p.P50 - p.P10)),
            median,
            Math.Min(parts.Sum(p => p.P90), median + Spread(p => p.P90 - p.P50))
        );
    }
}
