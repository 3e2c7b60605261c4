using Planner.Api.Planning;
using Planner.Solver.Allocation;
using Planner.Solver.Risk;
using static System.FormattableString;

namespace Planner.Benchmarks;

/// <summary>
/// The hedged step's time (issue 22, item 3): as a run takes it (<c>PlanPipeline.SolveHedgedAsync</c>: the plan's and
/// the held-out paths, the buffers, the hedged solve, the evaluation), and how the parts grow with paths and counties.
/// </summary>
internal static class RiskTiming
{
    /// <summary>One hedged step: its paths and buffer method, the seconds of each part and the process's peak
    /// resident set during it (MiB).</summary>
    public sealed record Step(
        int Paths,
        BufferMethod Method,
        double Draw,
        double Buffers,
        double Solve,
        double Evaluate,
        double PeakMb
    )
    {
        public double Total => Draw + Buffers + Solve + Evaluate;
    }

    /// <summary>The step without the solve on a number of paths: drawing the plan's and the held-out paths, the
    /// buffers by quantile and (apart) by sample, the evaluation, and the peak resident set (MiB).</summary>
    public sealed record PathsStep(
        int Paths,
        double Draw,
        double Quantile,
        double Sample,
        double Evaluate,
        double PeakMb
    )
    {
        public double Total => Draw + Quantile + Evaluate;
    }

    /// <summary>The case with its counties copied <see cref="Times"/> times: its size, the hedged solve's seconds
    /// and, per path count, the step without the solve.</summary>
    public sealed record ScaleRow(
        int Times,
        int Counties,
        int Series,
        int DemandRows,
        double Solve,
        IReadOnlyList<PathsStep> Steps
    );

    private static readonly (int Paths, BufferMethod Method)[] Runs =
    [
        (100, BufferMethod.Quantile),
        (100, BufferMethod.Sample),
        (1000, BufferMethod.Quantile),
    ];

    /// <summary>The whole hedged step on <paramref name="c"/>, <paramref name="repeat"/> times for each of
    /// <see cref="Runs"/>.</summary>
    public static List<Step> Whole(
        RiskCase c,
        RiskSettings risk,
        AllocationSettings settings,
        int repeat,
        TextWriter log
    )
    {
        var steps = new List<Step>();
        foreach (var (paths, method) in Runs)
        {
            for (var r = 0; r < repeat; r++)
            {
                var step = Once(c, risk with { Paths = paths, Method = method }, settings);
                steps.Add(step);
                log.WriteLine(
                    Invariant(
                        $"risk: hedged step, {paths} paths, {method}: {step.Total:0.00} s (draw {step.Draw:0.00}, "
                    )
                        + Invariant(
                            $"buffers {step.Buffers:0.00}, solve {step.Solve:0.00}, evaluate {step.Evaluate:0.00})"
                        )
                );
            }
        }
        return steps;
    }

    /// <summary>The step as a run takes it (<see cref="RiskPlanning"/>).</summary>
    private static Step Once(RiskCase c, RiskSettings risk, AllocationSettings settings)
    {
        ResetPeak();
        var ((plan, heldOut), draw) = RiskBenchmark.Timed(() => RiskPlanning.Paths(c.Series, risk));
        var (buffers, sizing) = RiskBenchmark.Timed(() => RiskPlanning.Buffers(c.Problem, plan, risk));
        var (result, solve) = RiskBenchmark.Timed(() => HedgedAllocation.Solve(c.Problem, buffers, settings));
        var (_, evaluate) = RiskBenchmark.Timed(() => RiskMeasures.Evaluate(c, result, heldOut, risk.Target));
        return new Step(risk.Paths, risk.Method, draw, sizing, solve, evaluate, Measure.PeakMegabytes());
    }

    /// <summary>Per county multiple: the hedged solve once, then per path count the paths (plan and held-out),
    /// the buffers by quantile and by sample, and the evaluation.</summary>
    public static List<ScaleRow> Scaling(RiskCase c, RiskSettings risk, AllocationSettings settings, TextWriter log)
    {
        var rows = new List<ScaleRow>();
        foreach (var times in RiskBenchmark.ScalingCounties)
        {
            var copy = RiskCases.Replicated(c, times);
            var quantile = RiskPolicies.Buffers(
                copy,
                RiskBenchmark.Draw(copy, 1, risk.Seed),
                risk,
                BufferMethod.Quantile
            );
            var (result, solve) = RiskBenchmark.Timed(() => HedgedAllocation.Solve(copy.Problem, quantile, settings));
            var steps = new List<PathsStep>();
            foreach (var paths in RiskBenchmark.ScalingPaths)
            {
                ResetPeak();
                var r = risk with { Paths = paths };
                var ((plan, heldOut), draw) = RiskBenchmark.Timed(() => RiskPlanning.Paths(copy.Series, r));
                var (_, sizing) = RiskBenchmark.Timed(() => RiskPolicies.Buffers(copy, plan, r, BufferMethod.Quantile));
                var (_, sample) = RiskBenchmark.Timed(() => RiskPolicies.Buffers(copy, plan, r, BufferMethod.Sample));
                var (_, evaluate) = RiskBenchmark.Timed(() => RiskMeasures.Evaluate(copy, result, heldOut, r.Target));
                steps.Add(new PathsStep(paths, draw, sizing, sample, evaluate, Measure.PeakMegabytes()));
                log.WriteLine(
                    Invariant($"risk: counties × {times}, {paths} paths: draw {draw:0.00} s, buffers {sizing:0.00} s ")
                        + Invariant($"(sample {sample:0.00} s), evaluate {evaluate:0.00} s")
                );
            }
            rows.Add(
                new ScaleRow(times, copy.Counties.Count, copy.Series.Count, copy.Problem.Demands.Count, solve, steps)
            );
            log.WriteLine(Invariant($"risk: counties × {times}: hedged solve {solve:0.00} s ({result.Status})"));
        }
        return rows;
    }

    /// <summary>
    /// Collects the garbage and resets the process's peak resident set (Linux: "5" to /proc/self/clear_refs), so that
    /// <see cref="Measure.PeakMegabytes"/> then gives the peak of what follows (with what the process already holds);
    /// elsewhere it keeps the peak of the whole process.
    /// </summary>
    private static void ResetPeak()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or not allowed: the peak stays the process's.
        }
    }
}
