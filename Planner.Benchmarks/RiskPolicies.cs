using Planner.Api.Planning;
using Planner.Solver.Allocation;
using Planner.Solver.Risk;
using static System.FormattableString;

namespace Planner.Benchmarks;

/// <summary>
/// Issue 22's comparison: on one problem, the plan made on the median (the point forecast), the hedged plan with
/// buffers sized on the forecast's quantile and on a sample of plan paths, and the policies of issue 3 (pro-rata,
/// population share, no sharing) on the median; every plan measured on the same held-out paths.
/// </summary>
internal static class RiskPolicies
{
    public const string Point = "point forecast (median)";
    public const string Quantile = "hedged, quantile";

    private static readonly Policy[] Others = [Policy.ProRata, Policy.PopulationShare, Policy.NoSharing];

    public static List<PlanRisk> Run(
        RiskCase c,
        RiskSettings risk,
        AllocationSettings settings,
        int heldOutCount,
        int samplePaths,
        TextWriter log
    )
    {
        var planPaths = RiskBenchmark.Draw(c, samplePaths, risk.Seed);
        var heldOut = RiskBenchmark.Draw(c, heldOutCount, risk.EvaluationSeed);
        var plans = new List<(string Name, AllocationResult Result, List<Demand> Buffers, double Seconds)>();
        void Add(string name, List<Demand> buffers, AllocationSettings s)
        {
            var (result, seconds) = RiskBenchmark.Timed(() => HedgedAllocation.Solve(c.Problem, buffers, s));
            plans.Add((name, result, buffers, seconds));
            log.WriteLine(Invariant($"risk: {c.Name}: {name}: {result.Status} in {seconds:0.00} s"));
        }
        Add(Point, [], settings);
        Add(Quantile, Buffers(c, planPaths, risk, BufferMethod.Quantile), settings);
        Add(Invariant($"hedged, sample of {samplePaths}"), Buffers(c, planPaths, risk, BufferMethod.Sample), settings);
        foreach (var policy in Others)
            Add(Policies.Name(policy), [], settings with { Policy = policy });
        var reports = plans.Select(p => RiskMeasures.Evaluate(c, p.Result, heldOut, risk.Target)).ToList();
        var allowed = RiskMeasures.Allowed(reports[1]);
        return plans
            .Select((p, i) => RiskMeasures.Of(p.Name, p.Result, p.Buffers, reports[i], c, allowed, p.Seconds))
            .ToList();
    }

    /// <summary>The hedged plan as a run makes it (buffers on the forecast's quantile).</summary>
    public static AllocationResult Hedged(RiskCase c, RiskSettings risk, AllocationSettings settings) =>
        HedgedAllocation.Solve(
            c.Problem,
            Buffers(c, RiskBenchmark.Draw(c, 1, risk.Seed), risk, BufferMethod.Quantile),
            settings
        );

    public static List<Demand> Buffers(RiskCase c, ScenarioPaths paths, RiskSettings risk, BufferMethod method) =>
        SafetyStock.Buffers(c.Problem.Demands, RiskPlanning.ProtectedTiers, paths, risk.Target, c.Problem.Days, method);
}
