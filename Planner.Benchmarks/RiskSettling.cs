using Planner.Api.Planning;
using Planner.Solver.Allocation;
using Planner.Solver.Risk;
using static System.FormattableString;

namespace Planner.Benchmarks;

/// <summary>
/// How many paths are enough (issue 22, item 1): the hedged plan's risk measured on more and more held-out paths,
/// several seeds each, against a reference measured on <see cref="RiskBenchmark.ReferencePaths"/> others; and the
/// buffers sized on a sample of 50 … 1,000 plan paths against those sized on the forecast's quantile, judged out of
/// sample.
/// </summary>
internal static class RiskSettling
{
    /// <summary>One count of held-out paths over its seeds: seconds per evaluation; the tier-1 expected shortfall
    /// (summed over products); the highest tier-1 stockout probability and the county lines over the target by more
    /// than two standard errors (where supply allows it); the root mean square distance of the lines' probabilities
    /// from the reference's.</summary>
    public sealed record HeldOutRow(
        int Paths,
        int Seeds,
        double Seconds,
        Spread Shortfall,
        Spread MaxProbability,
        Spread Over,
        Spread Rms
    );

    /// <summary>Buffers sized one way, over the plan seeds: tier-1 buffer units, and on the reference held-out paths
    /// the mean and highest tier-1 stockout probability of the county lines where supply allows the target, the
    /// lines over the target (at all, and by more than two standard errors) and the tier-1 expected
    /// shortfall.</summary>
    public sealed record MethodRow(
        string Method,
        int PlanPaths,
        int Seeds,
        Spread Buffer,
        Spread MeanProbability,
        Spread MaxProbability,
        Spread AboveTarget,
        Spread Over,
        Spread Shortfall
    );

    /// <summary>The mean, least and most of some values.</summary>
    public sealed record Spread(double Mean, double Min, double Max)
    {
        public static Spread Of(IEnumerable<double> values)
        {
            var list = values.ToList();
            return new Spread(list.Average(), list.Min(), list.Max());
        }
    }

    public static List<HeldOutRow> HeldOut(
        RiskCase c,
        AllocationResult hedged,
        RiskSettings risk,
        int seeds,
        TextWriter log
    )
    {
        var reference = RiskMeasures.Evaluate(
            c,
            hedged,
            RiskBenchmark.Draw(c, RiskBenchmark.ReferencePaths, ReferenceSeed(risk)),
            risk.Target
        );
        var allowed = RiskMeasures.Allowed(reference);
        var truth = RiskMeasures.TierOne(reference, c, allowed);
        var rows = new List<HeldOutRow>();
        foreach (var count in RiskBenchmark.HeldOutCounts)
        {
            var runs = Enumerable
                .Range(0, seeds)
                .Select(k =>
                    RiskBenchmark.Timed(() =>
                        RiskMeasures.Evaluate(
                            c,
                            hedged,
                            RiskBenchmark.Draw(c, count, HeldOutSeed(risk, k)),
                            risk.Target
                        )
                    )
                )
                .ToList();
            rows.Add(
                new HeldOutRow(
                    count,
                    seeds,
                    runs.Average(r => r.Seconds),
                    Spread.Of(runs.Select(r => TierOneShortfall(r.Result))),
                    Spread.Of(runs.Select(r => RiskMeasures.Lines(r.Result, c, allowed, 1).MaxAllowed)),
                    Spread.Of(runs.Select(r => (double)RiskMeasures.Lines(r.Result, c, allowed, 1).OverBeyondError)),
                    Spread.Of(runs.Select(r => Rms(RiskMeasures.TierOne(r.Result, c, allowed), truth)))
                )
            );
            log.WriteLine(Invariant($"risk: settling: {count} held-out paths × {seeds} seeds"));
        }
        return rows;
    }

    /// <summary>Quantile buffers, then sample buffers on each count of plan paths and <paramref name="seeds"/> plan
    /// seeds; every plan judged on the same <see cref="RiskBenchmark.ReferencePaths"/> held-out paths.</summary>
    public static List<MethodRow> Methods(
        RiskCase c,
        RiskSettings risk,
        AllocationSettings settings,
        int seeds,
        TextWriter log
    )
    {
        var heldOut = RiskBenchmark.Draw(c, RiskBenchmark.ReferencePaths, risk.EvaluationSeed);
        var quantile = Plan(c, risk, settings, RiskBenchmark.Draw(c, 1, risk.Seed), BufferMethod.Quantile, heldOut);
        var allowed = RiskMeasures.Allowed(quantile.Report);
        var rows = new List<MethodRow> { Row("quantile", 0, [quantile], c, allowed, risk) };
        foreach (var count in RiskBenchmark.PlanCounts)
        {
            var plans = Enumerable
                .Range(0, seeds)
                .Select(k =>
                    Plan(c, risk, settings, RiskBenchmark.Draw(c, count, risk.Seed - k), BufferMethod.Sample, heldOut)
                )
                .ToList();
            rows.Add(Row("sample", count, plans, c, allowed, risk));
            log.WriteLine(Invariant($"risk: sample buffers on {count} plan paths × {seeds} seeds"));
        }
        return rows;
    }

    private static (List<Demand> Buffers, RiskReport Report) Plan(
        RiskCase c,
        RiskSettings risk,
        AllocationSettings settings,
        ScenarioPaths paths,
        BufferMethod method,
        ScenarioPaths heldOut
    )
    {
        var buffers = RiskPolicies.Buffers(c, paths, risk, method);
        var result = HedgedAllocation.Solve(c.Problem, buffers, settings);
        return (buffers, RiskMeasures.Evaluate(c, result, heldOut, risk.Target));
    }

    private static MethodRow Row(
        string method,
        int count,
        List<(List<Demand> Buffers, RiskReport Report)> plans,
        RiskCase c,
        HashSet<(string, string, int)> allowed,
        RiskSettings risk
    )
    {
        var lines = plans.Select(p => RiskMeasures.TierOne(p.Report, c, allowed).Values.ToList()).ToList();
        return new MethodRow(
            method,
            count,
            plans.Count,
            Spread.Of(plans.Select(p => p.Buffers.Where(b => b.Tier == 1).Sum(b => b.Quantity))),
            Spread.Of(lines.Select(l => l.Average())),
            Spread.Of(lines.Select(l => l.Max())),
            Spread.Of(lines.Select(l => (double)l.Count(p => p > risk.Target))),
            Spread.Of(plans.Select(p => (double)RiskMeasures.Lines(p.Report, c, allowed, 1).OverBeyondError)),
            Spread.Of(plans.Select(p => TierOneShortfall(p.Report)))
        );
    }

    /// <summary>The held-out seeds of the settling table: never the plan's (<see cref="RiskSettings.Seed"/>) or a
    /// run's held-out one.</summary>
    private static int HeldOutSeed(RiskSettings risk, int k) => risk.EvaluationSeed + 100 + k;

    private static int ReferenceSeed(RiskSettings risk) => risk.EvaluationSeed + 99;

    private static double TierOneShortfall(RiskReport report) =>
        report.Tiers.Where(t => t.Tier == 1).Sum(t => t.ExpectedShortfall);

    private static double Rms(
        Dictionary<(string, string, int), double> lines,
        Dictionary<(string, string, int), double> truth
    ) => Math.Sqrt(truth.Average(t => Math.Pow(lines.GetValueOrDefault(t.Key) - t.Value, 2)));
}
