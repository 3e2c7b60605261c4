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
        string? write = null;
        var repeat = 3;
        var solvers = new[] { "FLOW", "CLP", "GLOP", "HIGHS_LP", "PDLP" };
        var solverLimit = 60.0;
        var national = "auto";
        var nationalLimit = 120.0;
        var nationalTimeout = 1800.0;
        var seed = 20200210;
        var stress = true;
        var stressSolver = "CLP";
        var unknownOption = new Options(Usage)
            .Text("--write", v => write = v)
            .Int("--repeat", v => repeat = v)
            .Text("--solvers", v =>
                solvers = v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            )
            .Double("--solver-stage-limit", v => solverLimit = v)
            .Text("--national", v => national = v)
            .Double("--national-stage-limit", v => nationalLimit = v)
            .Double("--national-timeout", v => nationalTimeout = v)
            .Int("--seed", v => seed = v)
            .Flag("--no-stress", () => stress = false)
            .Text("--stress-solver", v => stressSolver = v)
            .Parse(args);
        if (unknownOption is not null)
        {
            await log.WriteLineAsync($"Unknown option {unknownOption}.\n{Usage}");
            return 2;
        }

        List<string> variants = national switch
        {
            "none" => [],
            "auto" => ["default@FLOW"],
            _ => national.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
        };
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
            await log.WriteLineAsync("Zhejiang sample: building and solving");
            var zhejiang = await children.RunAsync<ZhejiangRun>(
                "zhejiang",
                [problemPath, Text(repeat)],
                TimeSpan.FromMinutes(10)
            );
            var solverRuns = new List<SolverRun>();
            var stressRuns = new List<StressRun>();
            if (zhejiang is not null)
            {
                solverRuns = await SolversAsync(children, problemPath, solvers, solverLimit, log);
                if (stress)
                {
                    await log.WriteLineAsync("Stress scenarios");
                    stressRuns.AddRange(
                        await children.RunAsync<List<StressRun>>(
                            "stress",
                            [problemPath, stressSolver],
                            TimeSpan.FromMinutes(30)
                        ) ?? []
                    );
                }
            }
            var nationalRuns = await NationalAsync(
                children,
                variants,
                national == "auto",
                [Text(seed), Text(nationalLimit)],
                TimeSpan.FromSeconds(nationalTimeout),
                log
            );
            var runs = new BenchmarkRuns(
                Section.Command("allocation", args),
                zhejiang,
                solverRuns,
                stressRuns,
                nationalRuns,
                children.Failures,
                children.Peaks,
                children.SolverLogs
            );
            var markdown = Report.Markdown(runs);
            await output.WriteAsync(markdown);
            if (write is not null)
            {
                Report.WriteSection(write, markdown);
                await log.WriteLineAsync($"Wrote the section to {Path.GetFullPath(write)}");
            }
            return children.Failures.Count == 0 ? 0 : 1;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
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
