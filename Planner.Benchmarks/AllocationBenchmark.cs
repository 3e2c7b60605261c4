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
          --solvers A,B,...           solvers to compare on Zhejiang (default FLOW,CLP,GLOP,HIGHS_LP,PDLP); FLOW is the
                                      default (network flows, CLP for the LP's stages), any other name an LP solver
                                      alone
          --solver-stage-limit S      stage time limit for the comparison, seconds (default 60)
          --national LIST             auto (default: default settings, then lean if that misses 60 s), none, or a list
          of
                                      default|lean[@SOLVER] (SOLVER as in --solvers, default FLOW); lean =
                                      MeasureFairnessCost and MinimizeTransfers off
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
        for (var i = 0; i < args.Count; i++)
        {
            string Next() =>
                i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--write":
                    write = Next();
                    break;
                case "--repeat":
                    repeat = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--solvers":
                    solvers = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "--solver-stage-limit":
                    solverLimit = double.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--national":
                    national = Next();
                    break;
                case "--national-stage-limit":
                    nationalLimit = double.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--national-timeout":
                    nationalTimeout = double.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--seed":
                    seed = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--no-stress":
                    stress = false;
                    break;
                case "--stress-solver":
                    stressSolver = Next();
                    break;
                default:
                    await log.WriteLineAsync($"Unknown option {args[i]}.\n{Usage}");
                    return 2;
            }
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

        var failures = new List<string>();
        var peaks = new Dictionary<string, double>(StringComparer.Ordinal);
        var solverLogs = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        var folder = Directory.CreateTempSubdirectory("planner-benchmark-");
        try
        {
            var problemPath = Path.Combine(folder.FullName, "zhejiang.json");
            await log.WriteLineAsync("Zhejiang sample: building and solving");
            var zhejiang = await Child<ZhejiangRun>("zhejiang", [problemPath, Text(repeat)], TimeSpan.FromMinutes(10));

            var solverRuns = new List<SolverRun>();
            var stressRuns = new List<StressRun>();
            if (zhejiang is not null)
            {
                foreach (var solver in solvers)
                {
                    await log.WriteLineAsync($"Solver comparison: {solver}");
                    if (
                        await Child<SolverRun>(
                            "solver",
                            [problemPath, solver, Text(solverLimit)],
                            TimeSpan.FromMinutes(30),
                            solver
                        ) is
                        { } run
                    )
                        solverRuns.Add(run);
                }
                if (stress)
                {
                    await log.WriteLineAsync("Stress scenarios");
                    stressRuns.AddRange(
                        await Child<List<StressRun>>("stress", [problemPath, stressSolver], TimeSpan.FromMinutes(30))
                            ?? []
                    );
                }
            }

            var nationalRuns = new List<NationalRun>();
            for (var v = 0; v < variants.Count; v++)
            {
                var (variant, solver) = variants[v].Split('@') is [var name, var s] ? (name, s) : (variants[v], "FLOW");
                await log.WriteLineAsync($"National instance: {variant} settings, {solver}");
                var key = $"national {variant}@{solver}";
                var run = await Child<NationalRun>(
                    "national",
                    [variant, solver, Text(seed), Text(nationalLimit)],
                    TimeSpan.FromSeconds(nationalTimeout),
                    key
                );
                if (run is not null)
                    nationalRuns.Add(run);
                var missed =
                    run is null || run.Outcome.Status == "Failed" || run.Outcome.Seconds > NationalTargetSeconds;
                if (national == "auto" && variant == "default" && missed)
                    variants.Add("lean@FLOW");
            }

            var runs = new BenchmarkRuns(
                CommandLine(args),
                zhejiang,
                solverRuns,
                stressRuns,
                nationalRuns,
                failures,
                peaks,
                solverLogs
            );
            var markdown = Report.Markdown(runs);
            await output.WriteAsync(markdown);
            if (write is not null)
            {
                Report.WriteSection(write, markdown);
                await log.WriteLineAsync($"Wrote the section to {Path.GetFullPath(write)}");
            }
            return failures.Count == 0 ? 0 : 1;
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        async Task<T?> Child<T>(string job, IReadOnlyList<string> childArgs, TimeSpan timeout, string? label = null)
            where T : class
        {
            var outcome = await Measure.ChildAsync<T>(job, childArgs, timeout, log);
            var key = label ?? job;
            peaks[key] = outcome.PolledPeakMb;
            if (outcome.SolverLog.Count > 0)
                solverLogs[key] = outcome.SolverLog;
            if (outcome.Error is not null)
                failures.Add(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{key}: {outcome.Error} (peak memory seen {outcome.PolledPeakMb:0} MiB)"
                    )
                );
            return outcome.Result;
        }
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string CommandLine(IReadOnlyList<string> args) =>
        "dotnet run -c Release --project Planner.Benchmarks -- allocation" + string.Concat(args.Select(a => " " + a));
}
