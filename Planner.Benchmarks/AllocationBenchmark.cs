using System.Globalization;

namespace Planner.Benchmarks;

/// <summary>What one <c>allocation</c> run measured, for the report.</summary>
public sealed record BenchmarkRuns(
    string Command,
    ZhejiangRun? Zhejiang,
    IReadOnlyList<SolverRun> Solvers,
    IReadOnlyList<StressRun> Stress,
    IReadOnlyList<NationalRun> National,
    IReadOnlyList<string> Failures,
    IReadOnlyDictionary<string, double> ChildPeakMb,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> SolverLogs
);

/// <summary>
/// The allocation benchmark of issue 3: the Zhejiang sample (build, solve, memory), the LP solvers on it, a 60 % stress
/// scenario under every policy, and the national synthetic instance. Each instance runs in its own child process so
/// peak memory is its own.
/// </summary>
public static class AllocationBenchmark
{
    public const string Usage = """
        usage: dotnet run -c Release --project Planner.Benchmarks -- allocation [options]
          --write FILE                replace (or add) the "## Allocation (issue 3)" section of FILE with the report
          --repeat N                  warm Zhejiang solves after the first (default 3)
          --solvers A,B,...           solvers to compare on Zhejiang (default FLOW,CLP,GLOP,HIGHS_LP,PDLP); FLOW is
                                      the default (network flows, CLP for the LP's stages), any other name an LP
                                      solver alone
          --solver-stage-limit S      stage time limit for the comparison, seconds (default 60)
          --national LIST             auto (default: default settings, then lean if that misses 60 s), none, or a
                                      list of default|lean[@SOLVER] (SOLVER as in --solvers, default FLOW);
                                      lean = MeasureFairnessCost and MinimizeTransfers off
          --national-stage-limit S    stage time limit of national runs, seconds (default 120)
          --national-timeout S        stop a national run after S seconds (default 1800)
          --seed N                    seed of the national instance (default 20200210)
          --stress-solver NAME        LP solver of the stress scenarios (default CLP, the model's default)
          --no-stress                 skip the stress scenarios
        """;

    private const double NationalTargetSeconds = 60;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var chosen = new Choices();
        var unknownOption = new Options(Usage)
            .Text("--write", v => chosen.Write = v)
            .Int("--repeat", v => chosen.Repeat = v)
            .Text("--solvers", v =>
                chosen.Solvers = v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            )
            .Double("--solver-stage-limit", v => chosen.SolverLimit = v)
            .Text("--national", v => chosen.National = v)
            .Double("--national-stage-limit", v => chosen.NationalLimit = v)
            .Double("--national-timeout", v => chosen.NationalTimeout = v)
            .Int("--seed", v => chosen.Seed = v)
            .Flag("--no-stress", () => chosen.Stress = false)
            .Text("--stress-solver", v => chosen.StressSolver = v)
            .Parse(args);
        if (unknownOption is not null)
        {
            await log.WriteLineAsync($"Unknown option {unknownOption}.\n{Usage}");
            return 2;
        }
        var variants = chosen.NationalVariants();
        if (variants.FirstOrDefault(v => v.Split('@')[0] is not ("default" or "lean")) is { } unknown)
        {
            await log.WriteLineAsync(
                $"Unknown national run {unknown}: use default or lean, optionally @SOLVER.\n{Usage}"
            );
            return 2;
        }

        var children = new Children(log);
        var folder = Directory.CreateTempSubdirectory("planner-benchmark-");
        try
        {
            var problemPath = Path.Combine(folder.FullName, "zhejiang.json");
            var command = Section.Command("allocation", args);
            var runs = await MeasureAsync(children, chosen, variants, problemPath, command, log);
            Section.Publish(Report.Markdown(runs), Report.Heading, chosen.Write, output);
            if (chosen.Write is not null)
                await log.WriteLineAsync($"Wrote the section to {Path.GetFullPath(chosen.Write)}");
            return children.Failures.Count == 0 ? 0 : 1;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>What the command line chose (see <see cref="Usage"/>), the defaults until it does.</summary>
    private sealed class Choices
    {
        public string? Write { get; set; }
        public int Repeat { get; set; } = 3;
        public string[] Solvers { get; set; } = ["FLOW", "CLP", "GLOP", "HIGHS_LP", "PDLP"];
        public double SolverLimit { get; set; } = 60;
        public string National { get; set; } = "auto";
        public double NationalLimit { get; set; } = 120;
        public double NationalTimeout { get; set; } = 1800;
        public int Seed { get; set; } = 20200210;
        public bool Stress { get; set; } = true;
        public string StressSolver { get; set; } = "CLP";

        /// <summary>The national runs to start with, as VARIANT[@SOLVER].</summary>
        public List<string> NationalVariants() =>
            National switch
            {
                "none" => [],
                "auto" => ["default@FLOW"],
                _ => National
                    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .ToList(),
            };
    }

    /// <summary>Every child: the Zhejiang sample, then (if it was built) the solvers and the stress scenarios, then
    /// the national runs.</summary>
    private static async Task<BenchmarkRuns> MeasureAsync(
        Children children,
        Choices chosen,
        List<string> variants,
        string problemPath,
        string command,
        TextWriter log
    )
    {
        await log.WriteLineAsync("Zhejiang sample: building and solving");
        var zhejiang = await children.RunAsync<ZhejiangRun>(
            "zhejiang",
            [problemPath, Text(chosen.Repeat)],
            TimeSpan.FromMinutes(10)
        );
        var solverRuns = new List<SolverRun>();
        var stressRuns = new List<StressRun>();
        if (zhejiang is not null)
        {
            solverRuns = await SolversAsync(children, problemPath, chosen.Solvers, chosen.SolverLimit, log);
            if (chosen.Stress)
            {
                await log.WriteLineAsync("Stress scenarios");
                stressRuns.AddRange(
                    await children.RunAsync<List<StressRun>>(
                        "stress",
                        [problemPath, chosen.StressSolver],
                        TimeSpan.FromMinutes(30)
                    ) ?? []
                );
            }
        }
        var nationalRuns = await NationalAsync(
            children,
            variants,
            chosen.National == "auto",
            [Text(chosen.Seed), Text(chosen.NationalLimit)],
            TimeSpan.FromSeconds(chosen.NationalTimeout),
            log
        );
        return new BenchmarkRuns(
            command,
            zhejiang,
            solverRuns,
            stressRuns,
            nationalRuns,
            children.Failures,
            children.Peaks,
            children.SolverLogs
        );
    }

    /// <summary>Each solver on the Zhejiang problem, in a process of its own.</summary>
    private static async Task<List<SolverRun>> SolversAsync(
        Children children,
        string problemPath,
        string[] solvers,
        double solverLimit,
        TextWriter log
    )
    {
        var solverRuns = new List<SolverRun>();
        foreach (var solver in solvers)
        {
            await log.WriteLineAsync($"Solver comparison: {solver}");
            var run = await children.RunAsync<SolverRun>(
                "solver",
                [problemPath, solver, Text(solverLimit)],
                TimeSpan.FromMinutes(30),
                solver
            );
            if (run is not null)
                solverRuns.Add(run);
        }
        return solverRuns;
    }

    /// <summary>The national runs asked for; with <paramref name="auto"/>, lean settings too if the default
    /// settings miss the target.</summary>
    private static async Task<List<NationalRun>> NationalAsync(
        Children children,
        List<string> variants,
        bool auto,
        string[] seedAndLimit,
        TimeSpan timeout,
        TextWriter log
    )
    {
        var nationalRuns = new List<NationalRun>();
        for (var v = 0; v < variants.Count; v++)
        {
            var (variant, solver) = variants[v].Split('@') is [var name, var s] ? (name, s) : (variants[v], "FLOW");
            await log.WriteLineAsync($"National instance: {variant} settings, {solver}");
            var key = $"national {variant}@{solver}";
            var run = await children.RunAsync<NationalRun>(
                "national",
                [variant, solver, .. seedAndLimit],
                timeout,
                key
            );
            if (run is not null)
                nationalRuns.Add(run);
            var missed = run is null || run.Outcome.Status == "Failed" || run.Outcome.Seconds > NationalTargetSeconds;
            if (auto && variant == "default" && missed)
                variants.Add("lean@FLOW");
        }
        return nationalRuns;
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The child processes of one run: what each measured, its peak memory, its solver log, its
    /// failure.</summary>
    private sealed class Children(TextWriter log)
    {
        public List<string> Failures { get; } = [];

        public Dictionary<string, double> Peaks { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, IReadOnlyDictionary<string, int>> SolverLogs { get; } = new(StringComparer.Ordinal);

        public async Task<T?> RunAsync<T>(
            string job,
            IReadOnlyList<string> childArgs,
            TimeSpan timeout,
            string? label = null
        )
            where T : class
        {
            var outcome = await Measure.ChildAsync<T>(job, childArgs, timeout, log);
            var key = label ?? job;
            Peaks[key] = outcome.PolledPeakMb;
            if (outcome.SolverLog.Count > 0)
                SolverLogs[key] = outcome.SolverLog;
            if (outcome.Error is not null)
                Failures.Add(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{key}: {outcome.Error} (peak memory seen {outcome.PolledPeakMb:0} MiB)"
                    )
                );
            return outcome.Result;
        }
    }
}
