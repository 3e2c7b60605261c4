using Planner.Api.Planning;
using Planner.Solver.Allocation;
using Planner.Solver.Risk;

namespace Planner.Benchmarks;

/// <summary>
/// A tier's county lines (county × product with a need in the tier) on the held-out paths: how many; how many have a
/// stockout probability at or under the target; among the lines where supply allows the target, how many are over it
/// and over it by more than two standard errors, and the highest probability; the lines where supply does not allow
/// it (the reference hedged plan could not position their median need and buffer).
/// </summary>
public sealed record TierLines(
    int Lines,
    int AtTarget,
    int OverTarget,
    int OverBeyondError,
    double MaxAllowed,
    int SupplyShort
);

/// <summary>One plan measured on the held-out paths: the tier-1 and tier-2 shortfall (expected: summed over the
/// products, units; P95: each product's 95th percentile, summed), the county lines, the transport cost, what the
/// lower tiers (3–5) get, the buffers and the seconds the solve took.</summary>
public sealed record PlanRisk(
    string Plan,
    string Status,
    double Transport,
    double BufferT1,
    double BufferT2,
    double Positioned,
    double T1Expected,
    double T1P95,
    double T2Expected,
    double T2P95,
    TierLines Tier1,
    TierLines Tier2,
    double LowerFill,
    double LowerServed,
    double Seconds
)
{
    /// <summary>Per product and tier, the report's totals.</summary>
    public IReadOnlyList<TierRisk> Tiers { get; init; } = [];
}

/// <summary>How a plan's <see cref="RiskReport"/> becomes the benchmark's figures.</summary>
internal static class RiskMeasures
{
    /// <summary>The lines where supply allows the target: the reference plan positions their whole need and
    /// buffer.</summary>
    public static HashSet<(string, string, int)> Allowed(RiskReport reference) =>
        reference.Destinations.Where(d => d.Unpositioned <= 0).Select(Key).ToHashSet();

    public static PlanRisk Of(
        string plan,
        AllocationResult result,
        IReadOnlyList<Demand> buffers,
        RiskReport report,
        RiskCase c,
        HashSet<(string, string, int)> allowed,
        double seconds
    )
    {
        double Sum(int tier, Func<TierRisk, double> of) => report.Tiers.Where(t => t.Tier == tier).Sum(of);
        var lower = report.Tiers.Where(t => t.Tier >= 3).ToList();
        var need = lower.Sum(t => t.ExpectedNeed);
        return new PlanRisk(
            plan,
            result.Status.ToString(),
            result.Objective,
            buffers.Where(b => b.Tier == 1).Sum(b => b.Quantity),
            buffers.Where(b => b.Tier == 2).Sum(b => b.Quantity),
            result.Buffers.Sum(b => b.Served),
            Sum(1, t => t.ExpectedShortfall),
            Sum(1, t => t.P95Shortfall),
            Sum(2, t => t.ExpectedShortfall),
            Sum(2, t => t.P95Shortfall),
            Lines(report, c, allowed, 1),
            Lines(report, c, allowed, 2),
            need > 0 ? lower.Sum(t => t.ExpectedFill * t.ExpectedNeed) / need : 1,
            result.Allocations.Where(a => a.Tier >= 3).Sum(a => a.Served),
            seconds
        )
        {
            Tiers = report.Tiers,
        };
    }

    public static TierLines Lines(RiskReport report, RiskCase c, HashSet<(string, string, int)> allowed, int tier)
    {
        var lines = report
            .Destinations.Where(d => d.Tier == tier && d.ExpectedNeed > 0 && c.Counties.Contains(d.Destination))
            .ToList();
        var able = lines.Where(d => allowed.Contains(Key(d))).ToList();
        return new TierLines(
            lines.Count,
            lines.Count(d => d.StockoutProbability <= report.Target),
            able.Count(d => d.StockoutProbability > report.Target),
            able.Count(d => d.StockoutProbability > report.Target + 2 * d.StandardError),
            able.Select(d => d.StockoutProbability).DefaultIfEmpty(0).Max(),
            lines.Count - able.Count
        );
    }

    /// <summary>Tier-1 stockout probabilities of the county lines where supply allows the target.</summary>
    public static Dictionary<(string, string, int), double> TierOne(
        RiskReport report,
        RiskCase c,
        HashSet<(string, string, int)> allowed
    ) =>
        report
            .Destinations.Where(d =>
                d.Tier == 1 && d.ExpectedNeed > 0 && c.Counties.Contains(d.Destination) && allowed.Contains(Key(d))
            )
            .ToDictionary(Key, d => d.StockoutProbability);

    public static RiskReport Evaluate(RiskCase c, AllocationResult plan, ScenarioPaths heldOut, double target) =>
        RiskEvaluation.Evaluate(c.Problem, plan, heldOut, c.Production, RiskPlanning.ProtectedTiers, target);

    private static (string, string, int) Key(DestinationRisk d) => (d.Destination, d.Product, d.Tier);
}
