using System.Diagnostics;
using Microsoft.Extensions.Localization;
using Planner.Api.Localization;
using Planner.Api.Planning;
using Planner.Api.Sources;
using Planner.Api.Workbooks;
using Planner.Solver.Allocation;
using Planner.Solver.Care;
using Planner.Solver.Risk;

namespace Planner.Api.Runs;

/// <summary>What a finished run produced; the paths are null when the request named no output folder (the files are in
/// the database).</summary>
public sealed record PlanOutcome(
    string RunId,
    PlanStatus Status,
    string? WorkbookPath,
    string? SummaryPath,
    PlanSummary Summary,
    AllocationProblem Problem,
    AllocationResult Result,
    CareOutcome Care
)
{
    /// <summary>The run request the run was made for (null when it ran without one).</summary>
    public string? RequestId { get; init; }

    /// <summary>Freshness warnings the run was published with.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The city workbooks written to the output folder, in city code order (none without an output
    /// folder).</summary>
    public IReadOnlyList<string> CityWorkbookPaths { get; init; } = [];

    /// <summary>What the workbooks were written from (for re-publishing and benchmarks).</summary>
    public (PlanRunInfo Info, PlanSnapshot Snapshot, PlanReport Report)? Published { get; init; }
}

/// <summary>
/// A plan, end to end, as the data flow goes: pull the feeds → check their freshness → read the inputs → build the
/// problem → plan care → solve → write the files → record the run with its results (fenced by the job's claim) →
/// place the files in the output folder. The CLI and the Hangfire jobs run the same steps.
/// </summary>
public sealed class PlanPipeline(
    Database planner,
    SourcePulls pulls,
    RunStore store,
    PlanPublisher publisher,
    IOptions<FreshnessOptions> freshness,
    IOptions<SolverOptions> solver,
    IOptions<TeamOptions> teams,
    IOptions<StorageOptions> storage,
    IOptions<PlanningOptions> planning,
    TimeProvider clock
)
{
    /// <summary>What it tells people as it goes, in the run's language.</summary>
    private static readonly IStringLocalizer Text = Texts.For<PlanPipeline>();

    /// <summary>
    /// Runs the plan. With a <paramref name="fence"/> (a queued run a worker holds), the run is published only while
    /// the fence holds, in the same transaction as its results; files go to the request's output folder, if any,
    /// only after that transaction commits.
    /// </summary>
    public async Task<PlanOutcome> RunAsync(
        PlanRequest request,
        Action<string> progress,
        IRunFence? fence = null,
        CancellationToken ct = default
    )
    {
        var output = request.OutputDirectory is { } folder ? PrepareOutput(folder) : null;
        await pulls.PullAsync(null, progress, ct);
        var watch = Stopwatch.StartNew();
        var (lineage, warnings, inputs) = await ReadAsync(request, progress, ct);
        var risk = RiskSettings.Of(inputs);
        var snapshot = ProblemBuilder.Build(inputs);
        var care = await PlanCareAsync(request, snapshot, progress);
        var problem = await WithPreviousPlanAsync(request, snapshot.WithCare(care), snapshot);
        progress(Described(problem, snapshot));
        ct.ThrowIfCancellationRequested();

        var exporter = request.ExportModelDirectory is { } exportTo ? new ModelExporter(PrepareOutput(exportTo)) : null;
        var settings = Settings(request, inputs, exporter, ct);
        var digest = RunStore.InputDigest(problem, settings, request.Scenario);
        // The run's folder exists before the run is recorded as running, so a worker killed at any point after that
        // leaves a folder the next worker can find and remove.
        var work = WorkFolders.CreateRunFolder(storage.Value.WorkDirectory);
        try
        {
            var id = await store.StartAsync(inputs, settings, digest, lineage, fence, ct);
            var seconds = watch.Elapsed.TotalSeconds;
            IReadOnlyList<string> all = [.. warnings, .. snapshot.Warnings];
            var run = new Run(id, request, snapshot, care, problem, settings, digest, lineage, all, seconds, risk);
            return await FailedWhenThrowsAsync(id, () =>
                SolveAndPublishAsync(run, exporter, work.FullName, output, fence, progress, ct)
            );
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string Described(AllocationProblem problem, PlanSnapshot snapshot) =>
        Text[
            "Built",
            problem.Destinations.Count,
            problem.Depots.Count,
            problem.Products.Count,
            problem.Days,
            snapshot.PlanStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        ];

    /// <summary>Runs the rest of a started run; one that fails or is cancelled is recorded as failed, with the
    /// reason.</summary>
    private async Task<PlanOutcome> FailedWhenThrowsAsync(string runId, Func<Task<PlanOutcome>> rest)
    {
        try
        {
            return await rest();
        }
        catch (Exception e)
        {
            await store.FailAsync(
                runId,
                e is OperationCanceledException or AggregateException { InnerException: OperationCanceledException }
                    ? "cancelled"
                    : Database.FirstLine(e.Message)
            );
            if (e is AggregateException { InnerException: OperationCanceledException cancelled })
                throw cancelled;
            throw;
        }
    }

    /// <summary>A started run: its id, what it plans and what it was made from.</summary>
    private sealed record Run(
        string Id,
        PlanRequest Request,
        PlanSnapshot Snapshot,
        CareOutcome Care,
        AllocationProblem Problem,
        AllocationSettings Settings,
        string Digest,
        IReadOnlyList<PullRun> Lineage,
        IReadOnlyList<string> Warnings,
        double SnapshotSeconds,
        RiskSettings Risk
    );

    /// <summary>Solve, write the files into <paramref name="work"/>, record the run (fenced), then place the
    /// files.</summary>
    private async Task<PlanOutcome> SolveAndPublishAsync(
        Run run,
        ModelExporter? exporter,
        string work,
        string? output,
        IRunFence? fence,
        Action<string> progress,
        CancellationToken ct
    )
    {
        var watch = Stopwatch.StartNew();
        var (result, risk) = await SolveHedgedAsync(run, exporter, progress, ct);
        var solveSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var report = PlanReport.From(run.Snapshot, result, run.Problem, run.Care) with { Risk = risk };
        var info = Info(run, result);
        var (summary, files) = await publisher.WriteAsync(
            work,
            info,
            run.Snapshot,
            report,
            result,
            run.Care,
            run.Lineage,
            run.Warnings,
            progress,
            ct
        );
        ct.ThrowIfCancellationRequested();
        await store.RecordAsync(
            run.Id,
            info,
            result,
            report,
            run.Care,
            files,
            new RunTimings(run.SnapshotSeconds, solveSeconds, watch.Elapsed.TotalSeconds),
            run.Warnings,
            fence,
            ct
        );
        var placed = Place(files, output, run.Id, progress);
        var mine = Mine(files, placed);
        return new PlanOutcome(
            run.Id,
            result.Status,
            mine.FirstOrDefault(),
            placed.LastOrDefault(),
            summary,
            run.Problem,
            result,
            run.Care
        )
        {
            RequestId = fence?.RequestId,
            Warnings = run.Warnings,
            CityWorkbookPaths = mine.Skip(1).ToList(),
            Published = (info, run.Snapshot, report),
        };
    }

    /// <summary>The placed workbooks in the caller's language (English where none is set): the paths it
    /// reads.</summary>
    private static List<string> Mine(IReadOnlyList<PublishedFile> files, List<string> placed)
    {
        var language = LocalizationSetup.Known(CultureInfo.CurrentUICulture.Name) ?? LocalizationSetup.English;
        return placed.Where((_, i) => files[i].Language == language).ToList();
    }

    /// <summary>What the run record, the workbooks and <c>summary.json</c> say about the run.</summary>
    private static PlanRunInfo Info(Run run, AllocationResult result) =>
        new(
            run.Id,
            run.Request.Scenario,
            run.Snapshot.PlanStart,
            run.Snapshot.HorizonDays,
            Policies.Name(result.Policy),
            run.Settings.Solver,
            result.Status.ToString(),
            Math.Round(result.Objective, 3),
            result.Transfers,
            run.Digest,
            SourceFreshness.Lineage(run.Lineage)
        )
        {
            Pulls = run.Lineage,
        };

    /// <summary>The freshness gates (when the feeds were pulled; the days their reports are about) and lineage, then
    /// the inputs, on one connection.</summary>
    private async Task<(IReadOnlyList<PullRun> Lineage, IReadOnlyList<string> Warnings, PlanInputs Inputs)> ReadAsync(
        PlanRequest request,
        Action<string> progress,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        var (lineage, warnings) = await SourceFreshness.GateAsync(db, freshness.Value, clock.GetUtcNow(), progress);
        var scenario = await InputsReader.ScenarioAsync(db, request.Scenario);
        var days = planning.Value.Dated(scenario.Overrides.Dated(request));
        var inputs = await InputsReader.ReadAsync(db, scenario, days, request.HorizonDays);
        var dated = await PlanDates.GateAsync(db, inputs.PlanStart.AddDays(-1), freshness.Value);
        foreach (var warning in dated)
            progress(Text["Warning", warning]);
        return (lineage, [.. warnings, .. dated], inputs);
    }

    /// <summary>Patient transfers, staffing needs and the team plan (against the earlier run's teams when
    /// re-planning).</summary>
    private async Task<CareOutcome> PlanCareAsync(PlanRequest request, PlanSnapshot snapshot, Action<string> progress)
    {
        var previous = request.ReplanRunId is { } replanned ? await store.PreviousTeamsAsync(replanned, snapshot) : [];
        var care = CarePlanning.Run(
            snapshot.Care,
            snapshot,
            teams.Value.ToSettings(),
            snapshot.Tiers.Min(t => t.Tier),
            previous
        );
        progress(
            Text[
                "Care",
                care.Transfers.Transfers.Sum(t => t.Patients),
                care.Teams.Assignments.Count,
                care.Teams.Status,
                care.Teams.Gap,
                care.Teams.Seconds
            ]
        );
        foreach (var flag in care.Flags)
            progress(Text["Warning", CareFlags.Say(flag)]);
        return care;
    }

    private async Task<AllocationProblem> WithPreviousPlanAsync(
        PlanRequest request,
        AllocationProblem problem,
        PlanSnapshot snapshot
    ) =>
        request.ReplanRunId is { } previous
            ? problem with
            {
                Previous = await store.PreviousPlanAsync(previous, snapshot, request.DispatchedThroughDay),
            }
            : problem;

    /// <summary>The configured solver with the request's (or else the scenario's) policy; an export solves one product
    /// at a time, in order.</summary>
    private AllocationSettings Settings(
        PlanRequest request,
        PlanInputs inputs,
        ModelExporter? exporter,
        CancellationToken ct
    )
    {
        var configured = solver.Value.ToSettings();
        return configured with
        {
            Policy = request.Policy
                ?? (inputs.Overrides.Policy is { } policy ? Policies.Parse(policy) : configured.Policy),
            OnStage = exporter is null ? null : exporter.Write,
            Parallelism = exporter is null ? configured.Parallelism : 1,
            Cancellation = ct,
        };
    }

    /// <summary>The plan with its buffers (<see cref="RiskPlanning"/>), and its risk on the held-out paths.</summary>
    private static async Task<(AllocationResult, RiskReport)> SolveHedgedAsync(
        Run run,
        ModelExporter? exporter,
        Action<string> progress,
        CancellationToken ct
    )
    {
        var (paths, heldOut) = RiskPlanning.Paths(run.Snapshot.Uncertain, run.Risk);
        var buffers = RiskPlanning.Buffers(run.Problem, paths, run.Risk);
        var result = await SolveAsync(run.Problem, buffers, run.Settings, exporter, progress, ct);
        var risk = RiskPlanning.Evaluate(run.Snapshot, run.Problem, result, heldOut, run.Risk);
        progress(Risked(risk, buffers));
        return (result, risk);
    }

    /// <summary>What the hedge came to: buffer units per tier and counties at or under the target.</summary>
    private static string Risked(RiskReport risk, IReadOnlyList<Demand> buffers)
    {
        var tierOne = risk.Destinations.Where(d => d.Tier == 1 && d.ExpectedNeed > 0).ToList();
        return Text[
            "Risk",
            buffers.Where(b => b.Tier == 1).Sum(b => b.Quantity),
            buffers.Where(b => b.Tier == 2).Sum(b => b.Quantity),
            tierOne.Count(d => d.StockoutProbability <= risk.Target + 2 * d.StandardError),
            tierOne.Count,
            risk.Target,
            risk.Paths,
            tierOne.Count(d => d.Unpositioned > 0)
        ];
    }

    private static async Task<AllocationResult> SolveAsync(
        AllocationProblem problem,
        IReadOnlyList<Demand> buffers,
        AllocationSettings settings,
        ModelExporter? exporter,
        Action<string> progress,
        CancellationToken ct
    )
    {
        var watch = Stopwatch.StartNew();
        var result = HedgedAllocation.Solve(problem, buffers, settings);
        var flows = result.Stages.Count(s => s.SolverStatus.EndsWith("(network flow)", StringComparison.Ordinal));
        progress(
            Text[
                "Solved",
                settings.Solver,
                Policies.Name(settings.Policy),
                result.Status,
                watch.Elapsed.TotalSeconds,
                result.Stages.Count,
                flows
            ]
        );
        if (result.Status == PlanStatus.Failed)
        {
            var stage = result.Stages.FirstOrDefault(s =>
                !s.SolverStatus.StartsWith("OPTIMAL", StringComparison.Ordinal)
                && !s.SolverStatus.StartsWith("FEASIBLE", StringComparison.Ordinal)
            );
            throw new PlannerException(
                Messages.Get("SolverFailed", stage?.Stage ?? "", stage?.Product ?? "", stage?.SolverStatus ?? "")
            );
        }
        if (exporter is not null)
        {
            await exporter.FinishAsync(ct);
            progress(Text["Exported", exporter.Count, exporter.Directory]);
        }
        return result;
    }

    /// <summary>
    /// Copies the published files into a folder of the run's own under <paramref name="output"/> (two runs into one
    /// folder never mix their files), each under a temporary name first; returns their paths (none without a folder).
    /// </summary>
    private static List<string> Place(
        IReadOnlyList<PublishedFile> files,
        string? output,
        string runId,
        Action<string> progress
    )
    {
        if (output is null)
        {
            progress(Text["Published", files.Count - 1, runId]);
            return [];
        }
        var folder = Directory.CreateDirectory(Path.Combine(output, runId)).FullName;
        var placed = files.Select(f => Place(f.Path, folder)).ToList();
        progress(Text["PublishedTo", runId, placed.Count - 1, folder]);
        return placed;
    }

    private static string Place(string file, string folder)
    {
        var path = Path.Combine(folder, Path.GetFileName(file));
        // Same extension: tools that look at it (and ClosedXML) see the right type even for the partial file.
        var tmp = Path.Combine(folder, $".{Path.GetFileNameWithoutExtension(path)}.partial{Path.GetExtension(path)}");
        try
        {
            File.Copy(file, tmp, overwrite: true);
            File.Move(tmp, path, overwrite: true);
            return path;
        }
        finally
        {
            if (File.Exists(tmp))
                File.Delete(tmp);
        }
    }

    /// <summary>The output folder, made if needed and checked writable; a clear error when it is not.</summary>
    public static string PrepareOutput(string directory)
    {
        var full = Path.GetFullPath(directory);
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".write-test-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PlannerException(Messages.Get("CannotWriteOutput", full, e.Message), e);
        }
    }
}
