using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Planner.Solver.Allocation;

namespace Planner.Benchmarks;

/// <summary>An amount per product and tier (demand, served or shortfall), summed over destinations and days.</summary>
public sealed record TierAmount(string Product, int Tier, double Amount);

/// <summary>How long one kind of LP stage took, summed over products (they run in parallel, so this is solver time, not
/// wall time).</summary>
public sealed record StageTime(string Stage, int Count, double TotalSeconds, double MaxSeconds, string Statuses);

/// <summary>The size of one product's LP as <c>ProductModel</c> builds it (counted from the problem, not read from the
/// solver).</summary>
public sealed record ModelSize(
    int ShipVariables,
    int ServedVariables,
    int StockVariables,
    int BelowFloorVariables,
    int BalanceRows
)
{
    public int Variables => ShipVariables + ServedVariables + StockVariables + BelowFloorVariables;

    /// <summary>Counts the variables and balance rows of one product's network, following
    /// <c>ProductModel.Build</c>.</summary>
    public static ModelSize Of(AllocationProblem problem, string product, Policy policy = Policy.Optimized)
    {
        var holding = problem
            .Lanes.Where(l => l.LeadDays > 0 || l.DailyCapacity is not null)
            .Select(l => l.To)
            .ToHashSet(StringComparer.Ordinal);
        // Same-day uncapped lanes that are the only way into a destination that holds and sends nothing are folded
        // into the sending depot's balance: no variable, no destination row (ProductModel.Folds).
        var inbound = problem.Lanes.GroupBy(l => l.To).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var senders = problem
            .Lanes.Select(l => l.From)
            .Concat(problem.Supplies.Select(s => s.Depot))
            .Concat(problem.Depots)
            .ToHashSet(StringComparer.Ordinal);
        var folded = problem.Previous is not null
            ? []
            : problem
                .Lanes.Where(l =>
                    l.LeadDays == 0
                    && l.DailyCapacity is null
                    && inbound[l.To] == 1
                    && !holding.Contains(l.To)
                    && !senders.Contains(l.To)
                )
                .ToHashSet();
        var ships = problem
            .Lanes.Where(l => (policy != Policy.NoSharing || l.Kind != LaneKind.Transfer) && !folded.Contains(l))
            .Sum(l => Math.Max(0, problem.Days - l.LeadDays));
        var served = problem
            .Demands.Where(d => d.Product == product)
            .Select(d => (d.Destination, d.Day, d.Tier))
            .Distinct()
            .Count();
        var stockNodes = problem.Depots.Count + problem.Destinations.Count(holding.Contains);
        var floors = problem.ReserveFloors.Count(f => f.Product == product && f.Floor > 0);
        var rows =
            (problem.Depots.Count + problem.Destinations.Count - folded.Select(l => l.To).Distinct().Count())
            * problem.Days;
        return new ModelSize(ships, served, stockNodes * problem.Days, floors * problem.Days, rows);
    }
}

/// <summary>What a finished solve served, shipped and cost, in a form the parent process can compare.</summary>
public sealed record SolveOutcome(
    string Status,
    double Seconds,
    int Stages,
    IReadOnlyList<string> NonOptimalStages,
    IReadOnlyList<TierAmount> Demand,
    IReadOnlyList<TierAmount> Served,
    IReadOnlyList<TierAmount> TransportCostByStage,
    double TransportCost,
    double ResultObjective,
    int Transfers,
    IReadOnlyList<TierAmount> StageServed
)
{
    /// <summary>
    /// Reads the result. The transport cost is recomputed from the shipments and the lanes' unit costs (independent
    /// of the stage values); <see cref="TransportCostByStage"/> holds each product's <c>transport_cost</c> stage
    /// optimum (as Amount, with tier 0).
    /// </summary>
    public static SolveOutcome From(AllocationProblem problem, AllocationResult result, TimeSpan elapsed)
    {
        var cost = problem.Lanes.ToDictionary(l => (l.From, l.To), l => l.CostPerUnit);
        return new SolveOutcome(
            result.Status.ToString(),
            elapsed.TotalSeconds,
            result.Stages.Count,
            result
                .Stages.Where(s => !s.SolverStatus.StartsWith("OPTIMAL", StringComparison.Ordinal))
                .Select(s => $"{s.Product}/{s.Stage}: {s.SolverStatus}")
                .ToList(),
            Sum(problem.Demands.Select(d => (d.Product, d.Tier, d.Quantity))),
            Sum(result.Allocations.Select(a => (a.Product, a.Tier, a.Served))),
            result
                .Stages.Where(s => s.Stage == "transport_cost")
                .Select(s => new TierAmount(s.Product, 0, s.Objective))
                .ToList(),
            result.Shipments.Sum(s => s.Quantity * cost[(s.From, s.To)]),
            result.Objective,
            result.Transfers,
            result
                .Stages.Where(s =>
                    s.Stage.StartsWith("tier", StringComparison.Ordinal)
                    && s.Stage.EndsWith("_served", StringComparison.Ordinal)
                    && int.TryParse(s.Stage["tier".Length..^"_served".Length], CultureInfo.InvariantCulture, out _)
                )
                .Select(s => new TierAmount(
                    s.Product,
                    int.Parse(s.Stage["tier".Length..^"_served".Length], CultureInfo.InvariantCulture),
                    s.Objective
                ))
                .ToList()
        );
    }

    /// <summary>
    /// A checker-style test of the plan read back: how far below its own <c>tierN_served</c> stage optimum (fixed for
    /// the later stages) a product's served total ends, as the largest relative gap; 0 when none is below or no plan.
    /// </summary>
    public double ServedBelowStageOptimum()
    {
        if (Status == "Failed")
            return 0;
        var served = Served.ToDictionary(s => (s.Product, s.Tier), s => s.Amount);
        return StageServed
            .Where(s => double.IsFinite(s.Amount))
            .Select(s => (s.Amount - served.GetValueOrDefault((s.Product, s.Tier))) / Math.Max(1, Math.Abs(s.Amount)))
            .DefaultIfEmpty(0)
            .Max();
    }

    public static IReadOnlyList<TierAmount> Sum(IEnumerable<(string Product, int Tier, double Amount)> rows) =>
        rows.GroupBy(r => (r.Product, r.Tier))
            .OrderBy(g => g.Key.Product, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Tier)
            .Select(g => new TierAmount(g.Key.Product, g.Key.Tier, g.Sum(r => r.Amount)))
            .ToList();

    public double DemandOf(int tier) => Demand.Where(d => d.Tier == tier).Sum(d => d.Amount);

    public double ServedOf(int tier) => Served.Where(d => d.Tier == tier).Sum(d => d.Amount);
}

/// <summary>
/// Times the LP stages through <see cref="AllocationSettings.OnStage"/>. A product is solved on one thread, so each
/// callback closes the interval that began at the previous callback on the same thread. A product's first stage also
/// holds building its model (and reading back the plan of the product the thread solved before); it is timed from the
/// start of the solve for the first products, and not at all when a product starts on a thread not seen before once
/// the first ones have started (the start is then unknown).
/// </summary>
public sealed class StageClock(int parallelism, TextWriter? progress = null)
{
    private readonly Lock _gate = new();
    private readonly Stopwatch _watch = new();
    private readonly Dictionary<int, double> _last = [];
    private readonly HashSet<string> _started = new(StringComparer.Ordinal);
    private readonly List<(string Product, string Stage, double Seconds, string Status)> _stages = [];
    private double _lastCallback;

    public TimeSpan Elapsed => _watch.Elapsed;

    /// <summary>Seconds from the last stage callback to the end of the solve: reading back and explaining the
    /// plan.</summary>
    public double AfterLastStage => _watch.Elapsed.TotalSeconds - _lastCallback;

    public void Start()
    {
        _last.Clear();
        _started.Clear();
        _stages.Clear();
        _watch.Restart();
    }

    public void Stop() => _watch.Stop();

    public void Record(StageModel stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        lock (_gate)
        {
            var now = _watch.Elapsed.TotalSeconds;
            var thread = Environment.CurrentManagedThreadId;
            var first = _started.Add(stage.Product);
            var known = _last.TryGetValue(thread, out var since) || _started.Count <= parallelism;
            var seconds = known ? now - since : double.NaN;
            _last[thread] = now;
            _lastCallback = Math.Max(_lastCallback, now);
            var name = first ? stage.Stage + " (+ model build)" : stage.Stage;
            var status = double.IsNaN(stage.Objective) ? "failed" : "ok";
            _stages.Add((stage.Product, name, seconds, status));
            progress?.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {now, 8:0.0} s  {stage.Product, -9} {stage.Stage, -28} {seconds, 7:0.00} s  objective "
                        + $"{stage.Objective:G8}"
                )
            );
        }
    }

    /// <summary>Stage times grouped by stage name over products, in first-seen order; unknown intervals are left out of
    /// the sums.</summary>
    public IReadOnlyList<StageTime> ByStage()
    {
        lock (_gate)
        {
            return _stages
                .GroupBy(s => s.Stage)
                .Select(g => new StageTime(
                    g.Key,
                    g.Count(),
                    g.Where(s => !double.IsNaN(s.Seconds)).Sum(s => s.Seconds),
                    g.Where(s => !double.IsNaN(s.Seconds)).Select(s => s.Seconds).DefaultIfEmpty(double.NaN).Max(),
                    string.Join(", ", g.GroupBy(s => s.Status).Select(x => $"{x.Count()} {x.Key}"))
                        + (
                            g.Any(s => double.IsNaN(s.Seconds))
                                ? $"; {g.Count(s => double.IsNaN(s.Seconds))} not timed (start unknown)"
                                : ""
                        )
                ))
                .ToList();
        }
    }

    /// <summary>The failed stages (objective NaN), as product/stage.</summary>
    public IReadOnlyList<string> Failed()
    {
        lock (_gate)
        {
            return _stages.Where(s => s.Status == "failed").Select(s => $"{s.Product}/{s.Stage}").ToList();
        }
    }
}

/// <summary>Peak resident memory of this process, and running a job in a child process.</summary>
public static class Measure
{
    private const string ResultMarker = "@@BENCHMARK-RESULT@@ ";

    /// <summary>Failed stages have NaN objectives, so named floating-point literals are allowed.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Peak resident set size (VmHWM in /proc/self/status) in MiB; falls back to the process's peak working
    /// set.</summary>
    public static double PeakMegabytes()
    {
        const string path = "/proc/self/status";
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = double.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kb / 1024;
                }
            }
        }
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64 / 1024.0 / 1024.0;
    }

    /// <summary>Writes a child's result where the parent looks for it: one marked JSON line on stdout.</summary>
    public static void Emit<T>(T result) =>
        Console.Out.WriteLine(ResultMarker + JsonSerializer.Serialize(result, Json));

    /// <summary>
    /// Runs <c>--child job args</c> in a new process of this program and returns its result (null if it failed or ran
    /// out of time), the peak memory the parent saw (polled, so a killed child still has a figure), and what OR-Tools
    /// logged: its native log lines (absl format, "E0000 … file.cc:123] message") are counted per message instead of
    /// being forwarded; the child's other stderr lines (progress) are forwarded to <paramref name="log"/>.
    /// </summary>
    public static async Task<ChildOutcome<T>> ChildAsync<T>(
        string job,
        IReadOnlyList<string> args,
        TimeSpan timeout,
        TextWriter log
    )
        where T : class
    {
        var host = Environment.ProcessPath
            ?? throw new InvalidOperationException("Cannot tell which program to re-launch.");
        // Run as "dotnet Planner.Benchmarks.dll": the child needs the assembly too.
        IEnumerable<string> self =
            Path.GetFileNameWithoutExtension(host) == "dotnet" ? [typeof(Measure).Assembly.Location] : [];
        var start = ApiProcess.Redirected(host, [.. self, "--child", job, .. args]);

        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {host}.");
        string? resultLine = null;
        var solverLog = new Dictionary<string, int>(StringComparer.Ordinal);
        var stdout = Task.Run(async () =>
        {
            while (await child.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith(ResultMarker, StringComparison.Ordinal))
                    resultLine = line[ResultMarker.Length..];
            }
        });
        var stderr = Task.Run(() => ReadErrorsAsync(child, job, solverLog, log));
        var (peak, timedOut) = await PollAsync(child, timeout);
        await child.WaitForExitAsync();
        await Task.WhenAll(stdout, stderr);
        string? error =
            timedOut ? string.Create(CultureInfo.InvariantCulture, $"stopped after {timeout.TotalSeconds:0} s")
            : child.ExitCode != 0 || resultLine is null
                ? string.Create(CultureInfo.InvariantCulture, $"exit code {child.ExitCode}")
            : null;
        var result = error is null ? JsonSerializer.Deserialize<T>(resultLine!, Json) : null;
        return new ChildOutcome<T>(result, peak, error, solverLog);
    }

    /// <summary>Counts the child's OR-Tools log lines per message; forwards its other lines to
    /// <paramref name="log"/>.</summary>
    private static async Task ReadErrorsAsync(
        Process child,
        string job,
        Dictionary<string, int> solverLog,
        TextWriter log
    )
    {
        while (await child.StandardError.ReadLineAsync() is { } line)
        {
            if (NativeLog.Match(line) is { Success: true } m)
            {
                var key = $"{m.Groups[1].Value} {m.Groups[2].Value}] {m.Groups[3].Value}";
                solverLog[key] = solverLog.GetValueOrDefault(key) + 1;
            }
            else if (
                !line.StartsWith("WARNING: All log messages before absl::InitializeLog()", StringComparison.Ordinal)
            )
            {
                await log.WriteLineAsync($"[{job}] {line}");
            }
        }
    }

    /// <summary>Polls the child's peak memory until it exits, or kills it at <paramref name="timeout"/>.</summary>
    private static async Task<(double Peak, bool TimedOut)> PollAsync(Process child, TimeSpan timeout)
    {
        var peak = 0.0;
        var deadline = Stopwatch.StartNew();
        var timedOut = false;
        while (!child.HasExited)
        {
            try
            {
                child.Refresh();
                peak = Math.Max(peak, child.PeakWorkingSet64 / 1024.0 / 1024.0);
            }
            catch (InvalidOperationException)
            {
                // Exited between the check and the read.
            }
            if (deadline.Elapsed > timeout)
            {
                timedOut = true;
                child.Kill(entireProcessTree: true);
                break;
            }
            await Task.Delay(250);
        }
        return (peak, timedOut);
    }

    /// <summary>An absl log line: severity letter, date and time, thread, then "file.cc:line] message".</summary>
    private static readonly Regex NativeLog = new(
        @"^([EWIF])\d{4} [\d:.]+\s+\d+ ([\w./-]+:\d+)\] (.*)$",
        RegexOptions.Compiled
    );
}

/// <summary>A child process's result, the peak memory seen, why it failed, and OR-Tools' log lines counted per
/// message.</summary>
public sealed record ChildOutcome<T>(
    T? Result,
    double PolledPeakMb,
    string? Error,
    IReadOnlyDictionary<string, int> SolverLog
);
