using System.Diagnostics;
using System.Globalization;
using Planner.Solver.Allocation;

namespace Planner.Benchmarks;

/// <summary>The Zhejiang problem built and solved with the default settings: one cold solve, then warm
/// repeats.</summary>
public sealed record ZhejiangRun(
    BuildTimes Build,
    int Depots,
    int Destinations,
    int Lanes,
    int Days,
    int Products,
    int Demands,
    int Supplies,
    ModelSize LargestModel,
    SolveOutcome First,
    IReadOnlyList<double> RepeatSeconds,
    IReadOnlyList<TierAmount> Supply,
    double PeakMb
)
{
    /// <summary>Stage times of one more warm solve, timed through the stage callback.</summary>
    public IReadOnlyList<StageTime> Stages { get; init; } = [];

    /// <summary>Warm solves with MeasureFairnessCost and MinimizeTransfers off.</summary>
    public IReadOnlyList<double> LeanRepeatSeconds { get; init; } = [];

    public double StagedSolveSeconds { get; init; }

    public double AfterLastStageSeconds { get; init; }
}

/// <summary>The Zhejiang problem solved with one LP solver: a first solve (loading the solver) and, if that took under
/// 20 s, a second one that <see cref="Outcome"/> describes.</summary>
public sealed record SolverRun(
    string Solver,
    double FirstSeconds,
    string FirstStatus,
    SolveOutcome Outcome,
    double PeakMb
);

/// <summary>The national instance solved with one group of settings.</summary>
public sealed record NationalRun(
    string Variant,
    string Solver,
    bool MeasureFairnessCost,
    bool MinimizeTransfers,
    double StageLimitSeconds,
    int Seed,
    NationalShape Shape,
    double BuildSeconds,
    ModelSize LargestModel,
    SolveOutcome Outcome,
    IReadOnlyList<StageTime> Stages,
    double AfterLastStageSeconds,
    double PeakMb
)
{
    /// <summary>Stages whose solve failed (product/stage), from the stage callback: a failed result lists no
    /// allocations.</summary>
    public IReadOnlyList<string> FailedStages { get; init; } = [];
}

/// <summary>The jobs a child process runs; each writes one result line (see <see cref="Measure.Emit{T}"/>).</summary>
public static class ChildJobs
{
    public static async Task<int> RunAsync(string job, IReadOnlyList<string> args)
    {
        var log = Console.Error;
        switch (job)
        {
            case "zhejiang":
                return await ZhejiangAsync(args, log);
            case "solver":
                return await SolverAsync(args, log);
            case "stress":
                return await StressAsync(args, log);
            case "national":
                return await NationalAsync(args, log);
            default:
                await log.WriteLineAsync($"Unknown child job {job}.");
                return 2;
        }
    }

    private static async Task<int> ZhejiangAsync(IReadOnlyList<string> args, TextWriter log)
    {
        var (problem, times) = await ZhejiangInstance.BuildAsync();
        await log.WriteLineAsync(FormattableString.Invariant($"built in {times.Total:0.00} s; solving"));
        var watch = Stopwatch.StartNew();
        var result = AllocationModel.Solve(problem);
        var first = SolveOutcome.From(problem, result, watch.Elapsed);
        var repeats = new List<double>();
        for (var i = 0; i < int.Parse(args[1], CultureInfo.InvariantCulture); i++)
        {
            watch.Restart();
            AllocationModel.Solve(problem);
            repeats.Add(watch.Elapsed.TotalSeconds);
        }
        // Lean settings (no fairness-cost probes, no transfers stage), as an option for the owner.
        var lean = new AllocationSettings { MeasureFairnessCost = false, MinimizeTransfers = false };
        var leanRepeats = new List<double>();
        for (var i = 0; i < int.Parse(args[1], CultureInfo.InvariantCulture); i++)
        {
            watch.Restart();
            AllocationModel.Solve(problem, lean);
            leanRepeats.Add(watch.Elapsed.TotalSeconds);
        }
        // One more solve, with the stage clock, for where the time goes.
        var clock = new StageClock(new AllocationSettings().Parallelism);
        clock.Start();
        AllocationModel.Solve(problem, new AllocationSettings { OnStage = clock.Record });
        clock.Stop();
        var peak = Measure.PeakMegabytes();
        ZhejiangInstance.Save(problem, args[0]);
        Measure.Emit(
            new ZhejiangRun(
                times,
                problem.Depots.Count,
                problem.Destinations.Count,
                problem.Lanes.Count,
                problem.Days,
                problem.Products.Count,
                problem.Demands.Count,
                problem.Supplies.Count,
                Largest(problem),
                first,
                repeats,
                SolveOutcome.Sum(problem.Supplies.Select(s => (s.Product, 0, s.Quantity))),
                peak
            )
            {
                Stages = clock.ByStage(),
                LeanRepeatSeconds = leanRepeats,
                StagedSolveSeconds = clock.Elapsed.TotalSeconds,
                AfterLastStageSeconds = clock.AfterLastStage,
            }
        );
        return 0;
    }

    private static async Task<int> SolverAsync(IReadOnlyList<string> args, TextWriter log)
    {
        // A first solve loads the solver; a second one, timed, unless the first took long (PDLP can take
        // minutes).
        var problem = ZhejiangInstance.Load(args[0]);
        var settings = Settings(args[1]) with
        {
            StageTimeLimit = TimeSpan.FromSeconds(double.Parse(args[2], CultureInfo.InvariantCulture)),
        };
        var watch = Stopwatch.StartNew();
        var result = AllocationModel.Solve(problem, settings);
        var first = watch.Elapsed;
        var firstStatus = result.Status.ToString();
        var outcome = SolveOutcome.From(problem, result, first);
        if (first < TimeSpan.FromSeconds(20))
        {
            watch.Restart();
            result = AllocationModel.Solve(problem, settings);
            outcome = SolveOutcome.From(problem, result, watch.Elapsed);
        }
        await log.WriteLineAsync(
            FormattableString.Invariant($"{args[1]}: {result.Status} in {outcome.Seconds:0.00} s")
        );
        Measure.Emit(new SolverRun(args[1], first.TotalSeconds, firstStatus, outcome, Measure.PeakMegabytes()));
        return 0;
    }

    private static async Task<int> StressAsync(IReadOnlyList<string> args, TextWriter log)
    {
        var problem = ZhejiangInstance.Load(args[0]);
        var solver = args[1];
        string[] others = ["CLP", "GLOP", "HIGHS_LP"];
        var runs = new List<StressRun>
        {
            StressScenario.Run(
                "stress-60",
                "every product's supply (and the provincial reserve floor) scaled to 60 % of its demand over "
                    + "the horizon",
                problem,
                0.60,
                solver,
                others,
                log
            ),
            StressScenario.Run(
                "stress-60-no-provincial-stock",
                "supply scaled as in stress-60, then the provincial depot's supply handed to the city depots "
                    + "beforehand (day by day, in proportion to each city's own supply of the product) and no "
                    + "reserve floor",
                problem,
                0.60,
                solver,
                [],
                log,
                moveReserve: true
            ),
            StressScenario.Run(
                "stress-60-epicentre",
                "as stress-60-no-provincial-stock, then an outbreak concentrated in Wenzhou (330300), the "
                    + "province's epicentre in February 2020: its counties' tier-1 demand raised to 1.5 × the "
                    + "supply its depot receives, so that Wenzhou cannot cover its own critical care (supply "
                    + "then covers a little under 60 % of demand)",
                problem,
                0.60,
                solver,
                [],
                log,
                moveReserve: true,
                after: p => StressScenario.Epicentre(p, "330300", 1.5)
            ),
        };
        Measure.Emit(runs);
        return 0;
    }

    private static async Task<int> NationalAsync(IReadOnlyList<string> args, TextWriter log)
    {
        var (variant, solver) = (args[0], args[1]);
        var seed = int.Parse(args[2], CultureInfo.InvariantCulture);
        var limit = double.Parse(args[3], CultureInfo.InvariantCulture);
        var lean = variant == "lean";
        var watch = Stopwatch.StartNew();
        var (problem, shape) = NationalInstance.Build(seed);
        var build = watch.Elapsed.TotalSeconds;
        await log.WriteLineAsync(
            string.Create(
                CultureInfo.InvariantCulture,
                $"built in {build:0.0} s: {shape.Counties} counties, {shape.Lanes} lanes, {shape.Demands} "
                    + $"demand rows; largest product model {Largest(problem).Variables:N0} variables; solving "
                    + $"({variant}, {solver})"
            )
        );
        var clock = new StageClock(new AllocationSettings().Parallelism, log);
        var settings = Settings(solver) with
        {
            StageTimeLimit = TimeSpan.FromSeconds(limit),
            MeasureFairnessCost = !lean,
            MinimizeTransfers = !lean,
            OnStage = clock.Record,
        };
        clock.Start();
        var result = AllocationModel.Solve(problem, settings);
        clock.Stop();
        var outcome = SolveOutcome.From(problem, result, clock.Elapsed);
        Measure.Emit(
            new NationalRun(
                variant,
                solver,
                settings.MeasureFairnessCost,
                settings.MinimizeTransfers,
                limit,
                seed,
                shape,
                build,
                Largest(problem),
                outcome,
                clock.ByStage(),
                clock.AfterLastStage,
                Measure.PeakMegabytes()
            )
            {
                FailedStages = clock.Failed(),
            }
        );
        return 0;
    }

    /// <summary>FLOW: the model's defaults (network flows, CLP for what is not one); any other name: that LP solver for
    /// every stage.</summary>
    private static AllocationSettings Settings(string solver) =>
        solver == "FLOW" ? new AllocationSettings() : new AllocationSettings { Solver = solver, NetworkFlow = false };

    private static ModelSize Largest(AllocationProblem problem) =>
        problem.Products.Select(p => ModelSize.Of(problem, p)).MaxBy(m => m.Variables) ?? new ModelSize(0, 0, 0, 0, 0);
}
