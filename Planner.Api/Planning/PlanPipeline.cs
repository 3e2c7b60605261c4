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

namespace Planner.Api.Planning;

/// <summary>What to plan and where to put the files.</summary>
public sealed record PlanRequest(string OutputDirectory, string Scenario = "baseline", DateOnly? PlanStart = null, int? HorizonDays = null)
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

/// <summary>What a finished run produced.</summary>
public sealed record PlanOutcome(string RunId, PlanStatus Status, string WorkbookPath, string SummaryPath, PlanSummary Summary, AllocationProblem Problem, AllocationResult Result, CareOutcome Care);

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
        progress($"Migrating the {settings.Planner.Describe()}");
        await Migrator.MigrateAsync(settings.Planner, ct);
        if (await ReferenceImporter.ImportIfEmptyAsync(settings.Planner, settings.DataDirectory, ct))
        {
            progress($"Imported reference data from {settings.DataDirectory}");
        }
    }

    public async Task SeedSourcesAsync(CancellationToken ct = default)
    {
        foreach (var source in settings.Sources)
        {
            var rows = await SourceSeeder.SeedIfEmptyAsync(source, settings.DataDirectory, ct);
            if (rows > 0)
            {
                progress($"Seeded the {source.Feed.ToString().ToLowerInvariant()} source ({source.Database.Describe()}) with {rows:N0} rows");
            }
        }
    }

    public async Task<IReadOnlyList<PullRun>> PullAsync(CancellationToken ct = default)
    {
        var puller = new FeedPuller(settings.Planner, clock);
        var runs = new List<PullRun>();
        foreach (var source in settings.Sources)
        {
            var run = await puller.PullAsync(source, ct);
            progress($"Pulled {source.Feed.ToString().ToLowerInvariant()}: {run.RowsRead:N0} rows read, {run.RowsChanged:N0} changed, {run.RowsRejected:N0} rejected ({run.Duration.TotalSeconds:0.0} s)");
            runs.Add(run);
        }
        return runs;
    }

    public async Task<PlanOutcome> RunAsync(PlanRequest request, CancellationToken ct = default)
    {
        var output = PrepareOutput(request.OutputDirectory);
        await PrepareAsync(ct);
        await SeedSourcesAsync(ct);
        var pulls = await PullAsync(ct);

        await using var db = await settings.Planner.OpenAsync(ct);
        var snapshot = await PlanSnapshot.ReadAsync(db, request.PlanStart, request.HorizonDays);
        var previousTeams = request.ReplanRunId is { } replanned ? await PreviousTeamsAsync(db, replanned, snapshot) : [];
        var care = CarePlanning.Run(snapshot.Care, snapshot, settings.Teams, snapshot.Tiers.Min(t => t.Tier), previousTeams);
        progress($"Planned care: {care.Transfers.Transfers.Sum(t => t.Patients)} critical patients moved, {care.Teams.Assignments.Count} team assignments ({care.Teams.Status}, gap {care.Teams.Gap:0.####}) in {care.Teams.Seconds:0.00} s");
        foreach (var flag in care.Flags) progress($"warning: {flag}");
        var problem = snapshot.WithCare(care);
        if (request.ReplanRunId is { } previousRun)
        {
            problem = problem with { Previous = await PreviousPlanAsync(db, previousRun, snapshot, request.DispatchedThroughDay) };
        }
        progress($"Built the problem: {problem.Destinations.Count} destinations, {problem.Depots.Count} depots, {problem.Products.Count} products, {problem.Days} days from {snapshot.PlanStart:yyyy-MM-dd}");

        var exporter = request.ExportModelDirectory is { } exportDirectory ? new ModelExporter(PrepareOutput(exportDirectory)) : null;
        var solverSettings = settings.Solver with
        {
            Policy = request.Policy ?? settings.Solver.Policy,
            OnStage = exporter is null ? null : exporter.Write,
            // Exported stages are listed in the order they were solved: one product after another.
            Parallelism = exporter is null ? settings.Solver.Parallelism : 1,
        };
        var digest = InputDigest(problem, solverSettings, request.Scenario);
        var runId = await NewRunIdAsync(db, digest);
        await StartRunAsync(db, runId, request, snapshot, solverSettings, digest, pulls, ct);
        try
        {
            var watch = Stopwatch.StartNew();
            var result = AllocationModel.Solve(problem, solverSettings);
            progress($"Solved with {solverSettings.Solver} ({PolicyName(solverSettings.Policy)}): {result.Status} in {watch.Elapsed.TotalSeconds:0.00} s, {result.Stages.Count} stages");
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

            var report = PlanReport.From(snapshot, result);
            var info = new PlanRunInfo(runId, request.Scenario, snapshot.PlanStart, snapshot.HorizonDays, PolicyName(result.Policy),
                solverSettings.Solver, result.Status.ToString(), Math.Round(result.Objective, 3), result.Transfers, digest, Freshness(pulls));
            var workbookName = $"plan-province-{snapshot.PlanStart:yyyyMMdd}-{runId}.xlsx";
            var workbookPath = Path.Combine(output, workbookName);
            var summaryPath = Path.Combine(output, "summary.json");
            var summary = PlanSummary.From(info, result, report,
                pulls.Select(p => new PlanSummary.SourceEntry(p.Feed.ToString().ToLowerInvariant(), p.Id, p.RowsRead, p.RowsChanged, p.RowsRejected, p.Watermark)).ToList(),
                [workbookName], care);

            // Files are written under temporary names and moved into place, so a failed run leaves no half-written file.
            await WriteAtomicallyAsync(workbookPath, tmp => { ProvinceWorkbook.Write(tmp, info, snapshot, report, result, care); return Task.CompletedTask; });
            await WriteAtomicallyAsync(summaryPath, tmp => File.WriteAllTextAsync(tmp, summary.ToJson(), ct));
            await RecordAsync(db, runId, info, result, care, workbookPath, ct);
            progress($"Wrote {workbookPath} and {summaryPath}");
            return new PlanOutcome(runId, result.Status, workbookPath, summaryPath, summary, problem, result, care);
        }
        catch (Exception e)
        {
            await db.ExecuteAsync("UPDATE plan_runs SET status = 'failed', finished_at = @at, error = @error WHERE id = @id",
                new { id = runId, at = clock.GetUtcNow(), error = Database.FirstLine(e.Message) });
            throw;
        }
    }

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
    private async Task<string> NewRunIdAsync(DbConnection db, string digest)
    {
        var id = $"{clock.GetUtcNow():yyyyMMdd-HHmmss}-{digest[..8]}";
        var taken = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM plan_runs WHERE id = @id OR id LIKE @prefix", new { id, prefix = id + "-%" });
        return taken == 0 ? id : $"{id}-{taken + 1}";
    }

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

    private static string PrepareOutput(string directory)
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

    private async Task StartRunAsync(DbConnection db, string runId, PlanRequest request, PlanSnapshot snapshot, AllocationSettings solver, string digest, IReadOnlyList<PullRun> pulls, CancellationToken ct)
    {
        await using var tx = await db.BeginTransactionAsync(ct);
        await db.ExecuteAsync("""
            INSERT INTO plan_runs (id, scenario_id, status, policy, solver, plan_start, horizon_days, input_digest, started_at)
            VALUES (@id, @scenario, 'running', @policy, @solver, @start, @days, @digest, @at)
            """, new { id = runId, scenario = request.Scenario, policy = PolicyName(solver.Policy), solver = solver.Solver, start = snapshot.PlanStart, days = snapshot.HorizonDays, digest, at = clock.GetUtcNow() }, tx);
        await db.ExecuteAsync("INSERT INTO plan_run_inputs (run_id, pull_run_id) VALUES (@run, @pull)",
            pulls.Select(p => new { run = runId, pull = p.Id }), tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>Results, the published file with its sha256, and the run's end state, in one transaction.</summary>
    private async Task RecordAsync(DbConnection db, string runId, PlanRunInfo info, AllocationResult result, CareOutcome care, string workbookPath, CancellationToken ct)
    {
        string sha;
        await using (var file = File.OpenRead(workbookPath))
        {
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
        }
        await using var tx = await db.BeginTransactionAsync(ct);
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
        await db.ExecuteAsync("""
            INSERT INTO published_workbooks (id, run_id, kind, file_name, sha256, bytes, created_at)
            VALUES (@id, @run, 'province', @file, @sha, @bytes, @at)
            """, new { id = Guid.NewGuid().ToString("N"), run = runId, file = Path.GetFileName(workbookPath), sha, bytes = new FileInfo(workbookPath).Length, at = clock.GetUtcNow() }, tx);
        await db.ExecuteAsync("""
            UPDATE plan_runs SET status = 'succeeded', solver_status = @status, objective = @objective, transfers = @transfers, finished_at = @at WHERE id = @id
            """, new { id = runId, status = info.SolverStatus, objective = info.Objective, transfers = info.Transfers, at = clock.GetUtcNow() }, tx);
        await tx.CommitAsync(ct);
    }

    private static async Task WriteAtomicallyAsync(string path, Func<string, Task> write)
    {
        // Same extension: ClosedXML refuses to save under any other.
        var tmp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileNameWithoutExtension(path)}.partial{Path.GetExtension(path)}");
        try
        {
            await write(tmp);
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
