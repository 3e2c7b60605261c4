using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Planner.Api.Planning;
using Planner.Solver.Allocation;
using Planner.Solver.Forecasting;
using Planner.Solver.Risk;

namespace Planner.Benchmarks;

/// <summary>
/// Plans that hedge (issue 22): on the replay of February 2020 and on a stress scenario, the hedged plan against the
/// plan made on the median and the policies, all measured on the same held-out forecast paths
/// (<see cref="RiskEvaluation"/>); how many paths the estimates need; and the hedged step's time and memory, with how
/// it grows with paths and counties.
/// </summary>
public static class RiskBenchmark
{
    public const string Heading = "## Plans that hedge (issue 22)";

    public const string Usage = """
        usage: dotnet run -c Release --project Planner.Benchmarks -- risk [options]
          --as-of DAYS     the replay's as-of days, comma-separated (default 2020-02-09,2020-02-16,2020-02-23)
          --held-out N     held-out paths every plan is measured on (default 1000)
          --sample-paths N plan paths of the hedged plan sized by sample (default 100)
          --seeds N        seeds per path count in the settling tables (default 5)
          --repeat N       timed runs of the whole hedged step (default 3)
          --quick          only the policies (no settling, no timing)
          --write FILE     replace (or add) the "## Plans that hedge (issue 22)" section of FILE
        """;

    /// <summary>The bound on the hedged step with 100 paths on Zhejiang, and on its memory.</summary>
    internal const double SecondsLimit = 30;

    internal const double MegabytesLimit = 4096;

    /// <summary>The held-out path counts of the settling table and the plan path counts of the sample
    /// method.</summary>
    internal static readonly int[] HeldOutCounts = [50, 100, 200, 500, 1000, 2000, 5000];

    internal static readonly int[] PlanCounts = [50, 100, 200, 500, 1000];

    internal static readonly int[] ScalingPaths = [100, 500, 1000, 5000];

    internal static readonly int[] ScalingCounties = [1, 2, 4];

    /// <summary>The held-out paths of the settling reference and of the sample method's table.</summary>
    internal const int ReferencePaths = 5000;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var o = new RiskOptions();
        new Options(Usage)
            .Text("--as-of", v =>
                o.AsOf = [.. v.Split(',').Select(d => DateOnly.Parse(d, CultureInfo.InvariantCulture))]
            )
            .Int("--held-out", v => o.HeldOut = v)
            .Int("--sample-paths", v => o.SamplePaths = v)
            .Int("--seeds", v => o.Seeds = v)
            .Int("--repeat", v => o.Repeat = v)
            .Flag("--quick", () => o.Quick = true)
            .Text("--write", v => o.Write = v)
            .ParseOrThrow(args);
        var (cases, risk) = await RiskCases.ReplayAsync(o.AsOf, log);
        var settings = Node.Create().Get<IOptions<SolverOptions>>().Value.ToSettings();
        var results = new RiskResults(risk, settings, o);
        if (!o.Quick)
        {
            results.Timing = RiskTiming.Whole(cases[0], risk, settings, o.Repeat, log);
        }
        foreach (var c in cases.Append(RiskCases.Stress(cases[0])))
            results.Policies.Add((c, RiskPolicies.Run(c, risk, settings, o.HeldOut, o.SamplePaths, log)));
        if (!o.Quick)
        {
            var hedged = RiskPolicies.Hedged(cases[0], risk, settings);
            results.Settling = RiskSettling.HeldOut(cases[0], hedged, risk, o.Seeds, log);
            results.Methods = RiskSettling.Methods(cases[0], risk, settings, o.Seeds, log);
            results.Scaling = RiskTiming.Scaling(cases[0], risk, settings, log);
        }
        var (md, met) = RiskMarkdown.Section(args, results);
        Section.Publish(md, Heading, o.Write, output);
        return met ? 0 : 1;
    }

    /// <summary>The command line's choices.</summary>
    internal sealed class RiskOptions
    {
        public IReadOnlyList<DateOnly> AsOf { get; set; } = [new(2020, 2, 9), new(2020, 2, 16), new(2020, 2, 23)];
        public int HeldOut { get; set; } = 1000;
        public int SamplePaths { get; set; } = 100;
        public int Seeds { get; set; } = 5;
        public int Repeat { get; set; } = 3;
        public bool Quick { get; set; }
        public string? Write { get; set; }
    }

    /// <summary>Everything the section reports.</summary>
    internal sealed class RiskResults(RiskSettings risk, AllocationSettings settings, RiskOptions options)
    {
        public RiskSettings Risk { get; } = risk;
        public AllocationSettings Settings { get; } = settings;
        public RiskOptions Options { get; } = options;
        public List<(RiskCase Case, List<PlanRisk> Plans)> Policies { get; } = [];
        public List<RiskTiming.Step> Timing { get; set; } = [];
        public List<RiskSettling.HeldOutRow> Settling { get; set; } = [];
        public List<RiskSettling.MethodRow> Methods { get; set; } = [];
        public List<RiskTiming.ScaleRow> Scaling { get; set; } = [];
    }

    /// <summary>Paths of <paramref name="c"/>'s series, correlated within a city as a run draws them.</summary>
    internal static ScenarioPaths Draw(RiskCase c, int count, int seed) =>
        ScenarioPaths.Draw(c.Series, count, seed, Aggregate.CountyCorrelation);

    /// <summary>Runs <paramref name="work"/> and returns its result with the seconds it took.</summary>
    internal static (T Result, double Seconds) Timed<T>(Func<T> work)
    {
        var watch = Stopwatch.StartNew();
        var result = work();
        return (result, watch.Elapsed.TotalSeconds);
    }
}
