using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Planner.Api.Configuration;
using Planner.Api.ReferenceData;
using Planner.Api.Sources;
using Planner.Api.Storage;
using Planner.Api.Workbooks;
using Planner.Solver.Allocation;
using Planner.Solver.Care;
using Planner.Api.Planning;

namespace Planner.Api.Runs;

/// <summary>What to plan and where to put the files.</summary>
public sealed record PlanRequest(string? OutputDirectory = null, string Scenario = "baseline", DateOnly? PlanStart = null, int? HorizonDays = null)
{
    /// <summary>The allocation rule; null means the configured one.</summary>
    public Policy? Policy { get; init; }

    /// <summary>When set, every LP stage is written there as MPS, with stages.json listing them in solve order.</summary>
    public string? ExportModelDirectory { get; init; }

    /// <summary>Re-plan against this earlier run: changes are penalised and its shipments up to <see cref="DispatchedThroughDay"/> kept.</summary>
    public string? ReplanRunId { get; init; }

    /// <summary>Last day (of this plan) whose shipments of the earlier run have left; −1 when none has.</summary>
    public int DispatchedThroughDay { get; init; } = -1;
}

/// <summary>What a finished run produced; the paths are null when the request named no output folder (the files are in the database).</summary>
public sealed record PlanOutcome(string RunId, PlanStatus Status, string? WorkbookPath, string? SummaryPath, PlanSummary Summary, AllocationProblem Problem, AllocationResult Result, CareOutcome Care)
{
    /// <summary>The run request the run was made for (null when it ran without one).</summary>
    public string? RequestId { get; init; }

    /// <summary>Freshness warnings the run was published with.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The city workbooks written to the output folder, in city code order (none without an output folder).</summary>
    public IReadOnlyList<string> CityWorkbookPaths { get; init; } = [];

    /// <summary>What the workbooks were written from (for re-publishing and benchmarks).</summary>
    public (PlanRunInfo Info, PlanSnapshot Snapshot, PlanReport Report)? Published { get; init; }
}

/// <summary>One feed's pull in a run: the pull run, or why it failed (the data held before is kept).</summary>
public sealed record PullAttempt(Sources.Feed Feed, PullRun? Run, string? Error);

/// <summary>
/// The daily plan, end to end: migrate → reference data and sample sources on first use → pull the three feeds
/// → snapshot → solve → record → publish. The CLI runs it in-process; later, Hangfire jobs run the same steps.
/// </summary>
public sealed class PlanPipeline(PlannerSettings settings, TimeProvider clock, Action<string> progress)
{
    public async Task PrepareAsync(CancellationToken ct = default)
    {
        if (settings.Planner.Provider == DatabaseProvider.Sqlite)
        {
            Directory.CreateDirectory(settings.LocalDirectory);
        }
        await using var setupLock = await SetupLockAsync(ct);
        progress($"Migrating the {settings.Planner.Describe()}");
        await Migrator.MigrateAsync(settings.Planner, ct);
        if (await ReferenceImporter.ImportIfEmptyAsync(settings.Planner, settings.DataDirectory, ct))
        {
            progress($"Imported reference data from {settings.DataDirectory}");
        }
    }

    /// <summary>
    /// Several nodes may start at once on one PostgreSQL database: a session advisory lock lets one migrate, import
    /// and seed while the others wait (SQLite serialises writers itself). The lock is released explicitly: a pooled
    /// connection keeps its session, and its locks, after it is closed.
    /// </summary>
    private async Task<SetupLock?> SetupLockAsync(CancellationToken ct)
    {
        if (settings.Planner.Provider != DatabaseProvider.Postgres) return null;
        var connection = await settings.Planner.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition($"SELECT pg_advisory_lock({SetupLock.Key})", cancellationToken: ct));
        return new SetupLock(connection);
    }

    private sealed class SetupLock(DbConnection connection) : IAsyncDisposable
    {
        public const long Key = 20200210;

        public async ValueTask DisposeAsync()
        {
            await connection.ExecuteAsync($"SELECT pg_advisory_unlock({Key})");
            await connection.DisposeAsync();
        }
    }

    public async Task SeedSourcesAsync(CancellationToken ct = default)
    {
        await using var setupLock = await SetupLockAsync(ct);
        foreach (var source in settings.Sources)
        {
            var rows = await SourceSeeder.SeedIfEmptyAsync(source, settings.DataDirectory, ct);
            if (rows > 0)
            {
                progress($"Seeded the {source.Feed.ToString().ToLowerInvariant()} source ({source.Database.Describe()}) with {rows:N0} rows");
            }
        }
    }

    /// <summary>Pulls every feed; a feed that fails is reported (and its pull run marked failed) and the others go on.</summary>
    public async Task<IReadOnlyList<PullAttempt>> PullAsync(Sources.Feed? only = null, CancellationToken ct = default)
    {
        var puller = new FeedPuller(settings.Planner, clock, new PullLease(settings.Jobs.Lease, settings.Jobs.Heartbeat));
        var attempts = new List<PullAttempt>();
        foreach (var source in settings.Sources.Where(s => only is null || s.Feed == only))
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var run = await puller.PullAsync(source, ct);
                progress($"Pulled {source.Feed.ToString().ToLowerInvariant()}: {run.RowsRead:N0} rows read, {run.RowsChanged:N0} changed, {run.RowsRejected:N0} rejected ({run.Duration.TotalSeconds:0.0} s)");
                attempts.Add(new PullAttempt(source.Feed, run, null));
            }
            catch (PlannerException e)
            {
                progress($"warning: {e.Message}");
                attempts.Add(new PullAttempt(source.Feed, null, e.Message));
            }
        }
        return attempts;
    }

    /// <summary>
    /// Runs the plan. With a <paramref name="claim"/> (a queued run a worker holds), the run is published only while
    /// the claim holds, in the same transaction as its results; files go to the request's output folder, if any,
    /// only after that transaction commits.
    /// </summary>
    public async Task<PlanOutcome> RunAsync(PlanRequest request, Planner.Api.Runs.RunClaim? claim = null, CancellationToken ct = default)
    {
        var output = request.OutputDirectory is { } outputDirectory ? PrepareOutput(outputDirectory) : null;
        await PrepareAsync(ct);
        await SeedSourcesAsync(ct);
        await PullAsync(ct: ct);
        ct.ThrowIfCancellationRequested();

        var watch = Stopwatch.StartNew();
        await using var db = await settings.Planner.OpenAsync(ct);
        var (inputs, warnings) = await CheckFreshnessAsync(db);
        var scenario = await Scenarios.ScenarioStore.GetAsync(db, request.Scenario) ?? throw new Scenarios.ScenarioNotFound(request.Scenario);
        var snapshot = await PlanSnapshot.ReadAsync(db, request.PlanStart, request.HorizonDays, scenario.Overrides);
        var previousTeams = request.ReplanRunId is { } replanned ? await PreviousTeamsAsync(db, replanned, snapshot) : [];
        var snapshotSeconds = watch.Elapsed.TotalSeconds;
        ct.ThrowIfCancellationRequested();
        watch.Restart();
        var care = CarePlanning.Run(snapshot.Care, snapshot, settings.Teams, snapshot.Tiers.Min(t => t.Tier), previousTeams);
        progress($"Planned care: {care.Transfers.Transfers.Sum(t => t.Patients)} critical patients moved, {care.Teams.Assignments.Count} team assignments ({care.Teams.Status}, gap {care.Teams.Gap:0.####}) in {care.Teams.Seconds:0.00} s");
        foreach (var flag in care.Flags) progress($"warning: {flag}");
        var problem = snapshot.WithCare(care);
        if (request.ReplanRunId is { } previousRun)
        {
            problem = problem with { Previous = await PreviousPlanAsync(db, previousRun, snapshot, request.DispatchedThroughDay) };
        }
        progress($"Built the problem: {problem.Destinations.Count} destinations, {problem.Depots.Count} depots, {problem.Products.Count} products, {problem.Days} days from {snapshot.PlanStart:yyyy-MM-dd}");
        ct.ThrowIfCancellationRequested();

        var exporter = request.ExportModelDirectory is { } exportDirectory ? new ModelExporter(PrepareOutput(exportDirectory)) : null;
        var solverSettings = settings.Solver with
        {
            Policy = request.Policy ?? (scenario.Overrides.Policy is { } policy ? PlannerSettings.ParsePolicy(policy) : settings.Solver.Policy),
            OnStage = exporter is null ? null : exporter.Write,
            // Exported stages are listed in the order they were solved: one product after another.
            Parallelism = exporter is null ? settings.Solver.Parallelism : 1,
            Cancellation = ct,
        };
        var digest = InputDigest(problem, solverSettings, request.Scenario);
        var runId = await StartRunAsync(db, request, scenario.Version, snapshot, solverSettings, digest, inputs, claim, ct);
        var work = WorkFolders.CreateRunFolder(settings.WorkDirectory);
        try
        {
            var result = AllocationModel.Solve(problem, solverSettings);
            var solveSeconds = watch.Elapsed.TotalSeconds;
            var flows = result.Stages.Count(s => s.SolverStatus.EndsWith("(network flow)", StringComparison.Ordinal));
            progress($"Solved with {solverSettings.Solver} ({PolicyName(solverSettings.Policy)}): {result.Status} in {solveSeconds:0.00} s, {result.Stages.Count} stages, {flows} of them as network flows");
            if (result.Status == PlanStatus.Failed)
            {
                var stage = result.Stages.FirstOrDefault(s => !s.SolverStatus.StartsWith("OPTIMAL", StringComparison.Ordinal) && !s.SolverStatus.StartsWith("FEASIBLE", StringComparison.Ordinal));
                throw new PlannerException($"The solver failed at stage {stage?.Stage} ({stage?.Product}): {stage?.SolverStatus}; a longer Planner:Solver:StageTimeLimitSeconds or another Planner:Solver:Name may help.");
            }
            if (exporter is not null)
            {
                await exporter.FinishAsync(ct);
                progress($"Exported {exporter.Count} LP stages to {exporter.Directory}");
            }
            ct.ThrowIfCancellationRequested();

            watch.Restart();
            var report = PlanReport.From(snapshot, result);
            var info = new PlanRunInfo(runId, request.Scenario, snapshot.PlanStart, snapshot.HorizonDays, PolicyName(result.Policy),
                solverSettings.Solver, result.Status.ToString(), Math.Round(result.Objective, 3), result.Transfers, digest, Freshness(inputs));
            var workbookName = $"plan-province-{snapshot.PlanStart:yyyyMMdd}-{runId}.xlsx";
            var cities = settings.CityWorkbooks ? snapshot.Regions.Where(r => r.Level == "city").Select(r => r.Code).ToList() : [];
            var summary = PlanSummary.From(info, result, report,
                inputs.Select(p => new PlanSummary.SourceEntry(p.Feed.ToString().ToLowerInvariant(), p.Id, p.RowsRead, p.RowsChanged, p.RowsRejected, p.Watermark)).ToList(),
                [workbookName, .. cities.Select(c => CityWorkbook.FileName(c, info))], care) with { Warnings = warnings };

            // Written in a folder of this attempt's own, published from the database in one transaction with the
            // results, and copied to the output folder only after that: a failed or killed run publishes nothing.
            var files = new List<(string Kind, string Path)> { ("province", Path.Combine(work.FullName, workbookName)) };
            var count = 1 + cities.Count;
            progress($"Writing workbook 1 of {count}: the province's");
            ProvinceWorkbook.Write(files[0].Path, info, snapshot, report, result, care);
            foreach (var city in cities)
            {
                ct.ThrowIfCancellationRequested();
                progress($"Writing workbook {files.Count + 1} of {count}: {snapshot.Regions.First(r => r.Code == city).Name} ({city})");
                files.Add(($"city-{city}", Path.Combine(work.FullName, CityWorkbook.FileName(city, info))));
                CityWorkbook.Write(files[^1].Path, city, info, snapshot, report, result);
            }
            files.Add(("summary", Path.Combine(work.FullName, "summary.json")));
            await File.WriteAllTextAsync(files[^1].Path, summary.ToJson(), ct);
            ct.ThrowIfCancellationRequested();
            var timings = new RunTimings(snapshotSeconds, solveSeconds, watch.Elapsed.TotalSeconds);
            await RecordAsync(db, runId, info, result, care, files, timings, warnings, claim, ct);

            // Each run in a folder of its own: two runs into one --out never mix their files.
            var runOutput = output is null ? null : Directory.CreateDirectory(Path.Combine(output, runId)).FullName;
            var placed = runOutput is null ? [] : files.Select(f => Place(f.Path, runOutput)).ToList();
            progress(runOutput is null
                ? $"Published {files.Count - 1} workbooks and summary.json (run {runId})"
                : $"Published run {runId} and wrote its {placed.Count - 1} workbooks and summary.json to {runOutput}");
            string? workbookPath = placed.FirstOrDefault(), summaryPath = placed.LastOrDefault();
            return new PlanOutcome(runId, result.Status, workbookPath, summaryPath, summary, problem, result, care)
            {
                RequestId = claim?.RequestId,
                Warnings = warnings,
                CityWorkbookPaths = placed.Count == 0 ? [] : placed.Skip(1).SkipLast(1).ToList(),
                Published = (info, snapshot, report),
            };
        }
        catch (Exception e)
        {
            var error = e is OperationCanceledException or AggregateException { InnerException: OperationCanceledException } ? "cancelled" : Database.FirstLine(e.Message);
            try
            {
                await db.ExecuteAsync("UPDATE plan_runs SET status = 'failed', finished_at = @at, error = @error WHERE id = @id AND status = 'running'",
                    new { id = runId, at = clock.GetUtcNow(), error });
            }
            catch (DbException lost) when (Database.IsConnectionLost(lost))
            {
                // The database went away under the run: the next claim of the request marks this run abandoned.
            }
            if (e is AggregateException { InnerException: OperationCanceledException cancelled }) throw cancelled;
            throw;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Freshness gate and lineage: the last successful pull of each feed is what the snapshot reflects. A feed
    /// older than its limit refuses the run or, with <c>Planner:Freshness:Mode=warn</c>, is published with a warning.
    /// </summary>
    private async Task<(IReadOnlyList<PullRun> Inputs, IReadOnlyList<string> Warnings)> CheckFreshnessAsync(DbConnection db)
    {
        var ages = await SourceFreshness.ReadAsync(db, settings.Freshness, clock.GetUtcNow());
        var stale = ages.Where(a => !a.Fresh).Select(SourceFreshness.Describe).ToList();
        if (stale.Count > 0 && (settings.Freshness.Refuse || ages.Any(a => a.PullRunId is null)))
        {
            throw new PlannerException($"Data too old to plan with: {string.Join("; ", stale)}. Pull the feeds again, or raise Planner:Freshness:MaxAgeMinutes (Planner:Freshness:Mode=warn publishes with a warning).");
        }
        var warnings = stale.Select(s => $"stale data: {s}").ToList();
        foreach (var warning in warnings) progress($"warning: {warning}");
        var inputs = new List<PullRun>();
        foreach (var age in ages)
        {
            inputs.Add((await SourceFreshness.PullRunAsync(db, age.PullRunId!)).ToPullRun());
        }
        return (inputs, warnings);
    }

    private sealed record RunTimings(double SnapshotSeconds, double SolveSeconds, double PublishSeconds);

    public static string PolicyName(Policy policy) => policy switch
    {
        Policy.Optimized => "optimized",
        Policy.ProRata => "pro-rata",
        Policy.PopulationShare => "population-share",
        Policy.NoSharing => "no-sharing",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };

    /// <summary>sha256 of the problem and the settings that shape the plan: the same digest means the same plan.</summary>
    private static string InputDigest(AllocationProblem problem, AllocationSettings solver, string scenario)
    {
        var canonical = JsonSerializer.SerializeToUtf8Bytes(new { problem, solver = solver.Solver, policy = solver.Policy, scenario, solver.ChangePenalty, solver.MeasureFairnessCost, solver.MinimizeTransfers });
        return Convert.ToHexStringLower(SHA256.HashData(canonical));
    }

    /// <summary>Time of the run and the start of its input digest; a second run of the same inputs in the same second gets a suffix.</summary>
    /// <summary>Days from the earlier run's first day to this plan's: its day d is this plan's day d − offset.</summary>
    private static async Task<int> DaysSinceAsync(DbConnection db, string runId, PlanSnapshot snapshot)
    {
        var start = await db.QuerySingleOrDefaultAsync<DateOnly?>("SELECT plan_start FROM plan_runs WHERE id = @runId AND status = 'succeeded'", new { runId })
            ?? throw new PlannerException($"There is no succeeded plan run {runId} to re-plan against.");
        return snapshot.PlanStart.DayNumber - start.DayNumber;
    }

    /// <summary>The earlier run's shipments, moved onto this plan's days (those before its first day are dropped).</summary>
    private static async Task<PreviousPlan> PreviousPlanAsync(DbConnection db, string runId, PlanSnapshot snapshot, int dispatchedThroughDay)
    {
        var offset = await DaysSinceAsync(db, runId, snapshot);
        var lanes = snapshot.Problem.Lanes.ToDictionary(l => (l.From, l.To));
        var rows = await db.QueryAsync<ShipmentRow>("SELECT from_code, to_code, product_code, day, quantity FROM plan_shipments WHERE run_id = @runId", new { runId });
        var shipments = rows
            .Where(r => r.Day - offset >= 0 && lanes.ContainsKey((r.FromCode, r.ToCode)))
            .Select(r => new Shipment(r.FromCode, r.ToCode, r.ProductCode, r.Day - offset, r.Day - offset + lanes[(r.FromCode, r.ToCode)].LeadDays, r.Quantity))
            .OrderBy(s => s.Day).ThenBy(s => s.From, StringComparer.Ordinal).ThenBy(s => s.To, StringComparer.Ordinal).ThenBy(s => s.Product, StringComparer.Ordinal)
            .ToList();
        return new PreviousPlan(shipments, dispatchedThroughDay);
    }

    /// <summary>The earlier run's team assignments, moved onto this plan's days.</summary>
    private static async Task<IReadOnlyList<TeamAssignment>> PreviousTeamsAsync(DbConnection db, string runId, PlanSnapshot snapshot)
    {
        var offset = await DaysSinceAsync(db, runId, snapshot);
        var rows = await db.QueryAsync<AssignmentRow>("SELECT team_code, need_code, site_code, from_day, to_day, specialties FROM plan_team_assignments WHERE run_id = @runId ORDER BY team_code, from_day", new { runId });
        return rows.Where(r => r.ToDay - offset > 0)
            .Select(r => new TeamAssignment(r.TeamCode, r.NeedCode, r.SiteCode, Math.Max(0, r.FromDay - offset), r.ToDay - offset, r.Specialties.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .ToList();
    }

    private sealed class AssignmentRow
    {
        public string TeamCode { get; set; } = "";
        public string NeedCode { get; set; } = "";
        public string SiteCode { get; set; } = "";
        public int FromDay { get; set; }
        public int ToDay { get; set; }
        public string Specialties { get; set; } = "";
    }

    private sealed class ShipmentRow
    {
        public string FromCode { get; set; } = "";
        public string ToCode { get; set; } = "";
        public string ProductCode { get; set; } = "";
        public int Day { get; set; }
        public double Quantity { get; set; }
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
            throw new PlannerException($"Cannot write to the output folder {full}: {e.Message}", e);
        }
    }

    private static string Freshness(IReadOnlyList<PullRun> pulls) =>
        string.Join("; ", pulls.Select(p => $"{p.Feed.ToString().ToLowerInvariant()} watermark {p.Watermark} ({p.Id})"));

    /// <summary>
    /// Records the run as started, with its inputs, and returns its id: the start time and the input digest
    /// (<c>yyyyMMdd-HHmmss-digest</c>), then <c>-2</c>, <c>-3</c>… when that is taken. The insert itself decides,
    /// not a check before it: two workers starting identical runs in the same second get one id each.
    /// </summary>
    private async Task<string> StartRunAsync(DbConnection db, PlanRequest request, int scenarioVersion, PlanSnapshot snapshot, AllocationSettings solver, string digest, IReadOnlyList<PullRun> pulls, Planner.Api.Runs.RunClaim? claim, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var stem = $"{at:yyyyMMdd-HHmmss}-{digest[..8]}";
        await using var tx = await db.BeginTransactionAsync(ct);
        var runId = stem;
        for (var n = 2; await db.ExecuteAsync("""
            INSERT INTO plan_runs (id, scenario_id, scenario_version, status, policy, solver, plan_start, horizon_days, input_digest, started_at, request_id, attempt)
            VALUES (@id, @scenario, @scenarioVersion, 'running', @policy, @solver, @start, @days, @digest, @at, @request, @attempt)
            ON CONFLICT (id) DO NOTHING
            """, new { id = runId, scenario = request.Scenario, scenarioVersion, policy = PolicyName(solver.Policy), solver = solver.Solver, start = snapshot.PlanStart, days = snapshot.HorizonDays, digest, at,
                request = claim?.RequestId, attempt = claim?.Attempt }, tx) == 0; n++)
        {
            runId = $"{stem}-{n}";
        }
        await db.ExecuteAsync("INSERT INTO plan_run_inputs (run_id, pull_run_id) VALUES (@run, @pull)",
            pulls.Select(p => new { run = runId, pull = p.Id }), tx);
        // The uploads behind the capacity reports this plan reads (each hospital's latest before the plan starts).
        await db.ExecuteAsync("""
            INSERT INTO plan_run_uploads (run_id, upload_id)
            SELECT DISTINCT @run, r.upload_id FROM capacity_reports r
            WHERE r.upload_id IS NOT NULL
              AND r.report_date = (SELECT MAX(r2.report_date) FROM capacity_reports r2 WHERE r2.hospital_code = r.hospital_code AND r2.report_date < @start)
            """, new { run = runId, start = snapshot.PlanStart }, tx);
        await tx.CommitAsync(ct);
        return runId;
    }

    /// <summary>Results, the published file with its sha256, and the run's end state, in one transaction.</summary>
    private async Task RecordAsync(DbConnection db, string runId, PlanRunInfo info, AllocationResult result, CareOutcome care,
        IReadOnlyList<(string Kind, string Path)> files, RunTimings timings, IReadOnlyList<string> warnings, Planner.Api.Runs.RunClaim? claim, CancellationToken ct)
    {
        await using var tx = await db.BeginTransactionAsync(ct);
        if (claim is not null) await Planner.Api.Runs.RunRequests.FinishAsync(db, tx, claim, runId, clock.GetUtcNow());
        await settings.Planner.BulkInsertAsync(db, tx, "plan_allocations",
            ["run_id", "destination_code", "product_code", "day", "tier", "demand", "served", "reason"],
            result.Allocations.Select(a => new object?[] { runId, a.Destination, a.Product, a.Day, a.Tier, a.Demand, a.Served, a.Reason is { } r ? ShortfallReasons.Code(r) : null }), ct);
        await settings.Planner.BulkInsertAsync(db, tx, "plan_shipments",
            ["run_id", "from_code", "to_code", "product_code", "day", "quantity"],
            result.Shipments.Select(s => new object?[] { runId, s.From, s.To, s.Product, s.Day, s.Quantity }), ct);
        await settings.Planner.BulkInsertAsync(db, tx, "plan_team_assignments",
            ["run_id", "team_code", "need_code", "site_code", "from_day", "to_day", "specialties"],
            care.Teams.Assignments.Select(a => new object?[] { runId, a.Team, a.Need, a.Site, a.FromDay, a.ToDay, string.Join(" ", a.Specialties) }), ct);
        await settings.Planner.BulkInsertAsync(db, tx, "plan_unmet_needs",
            ["run_id", "need_code", "site_code", "kind", "specialty", "week", "required", "covered", "reason"],
            care.Teams.Unmet.Select(u => new object?[] { runId, u.Need, u.Site, u.Kind.ToString(), u.Specialty, u.Week, u.Required, u.Covered, u.Reason.ToString() }), ct);
        await settings.Planner.BulkInsertAsync(db, tx, "plan_patient_transfers",
            ["run_id", "from_hospital", "to_hospital", "patients", "km"],
            care.Transfers.Transfers.Select(t => new object?[] { runId, t.From, t.To, t.Patients, t.Km }), ct);
        foreach (var (kind, path) in files)
        {
            var content = await File.ReadAllBytesAsync(path, ct);
            await db.ExecuteAsync("""
                INSERT INTO published_workbooks (id, run_id, kind, file_name, sha256, bytes, created_at, content)
                VALUES (@id, @run, @kind, @file, @sha, @bytes, @at, @content)
                """, new { id = Guid.NewGuid().ToString("N"), run = runId, kind, file = Path.GetFileName(path), sha = Convert.ToHexStringLower(SHA256.HashData(content)), bytes = content.LongLength, at = clock.GetUtcNow(), content }, tx);
        }
        await db.ExecuteAsync("""
            UPDATE plan_runs SET status = 'succeeded', solver_status = @status, objective = @objective, transfers = @transfers, finished_at = @at,
                snapshot_seconds = @snapshot, solve_seconds = @solve, publish_seconds = @publish, warnings = @warnings
            WHERE id = @id
            """, new { id = runId, status = info.SolverStatus, objective = info.Objective, transfers = info.Transfers, at = clock.GetUtcNow(),
                snapshot = Math.Round(timings.SnapshotSeconds, 3), solve = Math.Round(timings.SolveSeconds, 3), publish = Math.Round(timings.PublishSeconds, 3),
                warnings = warnings.Count == 0 ? null : string.Join("\n", warnings) }, tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>Copies a published file into the output folder under a temporary name, then moves it into place.</summary>
    private static string Place(string file, string output)
    {
        var path = Path.Combine(output, Path.GetFileName(file));
        // Same extension: tools that look at it (and ClosedXML) see the right type even for the partial file.
        var tmp = Path.Combine(output, $".{Path.GetFileNameWithoutExtension(path)}.partial{Path.GetExtension(path)}");
        try
        {
            File.Copy(file, tmp, overwrite: true);
            File.Move(tmp, path, overwrite: true);
            return path;
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
