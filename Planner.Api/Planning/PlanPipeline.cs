using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using Planner.Api.Configuration;
using Planner.Api.ReferenceData;
using Planner.Api.Sources;
using Planner.Api.Storage;
using Planner.Api.Workbooks;
using Planner.Solver.Allocation;

namespace Planner.Api.Planning;

/// <summary>What to plan and where to put the files.</summary>
public sealed record PlanRequest(string OutputDirectory, string Scenario = "baseline", DateOnly? PlanStart = null, int? HorizonDays = null);

/// <summary>What a finished run produced.</summary>
public sealed record PlanOutcome(string RunId, PlanStatus Status, string WorkbookPath, string SummaryPath, PlanSummary Summary);

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
        var problem = snapshot.Problem;
        progress($"Built the problem: {problem.Destinations.Count} destinations, {problem.Depots.Count} depots, {problem.Products.Count} products, {problem.Days} days from {snapshot.PlanStart:yyyy-MM-dd}");

        var runId = $"{clock.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        await StartRunAsync(db, runId, request, snapshot, pulls, ct);
        try
        {
            var watch = Stopwatch.StartNew();
            var result = AllocationModel.Solve(problem, settings.Solver);
            progress($"Solved with {settings.Solver.Solver}: {result.Status} in {watch.Elapsed.TotalSeconds:0.00} s, {result.Stages.Count} stages");
            if (result.Status == PlanStatus.Failed)
            {
                var stage = result.Stages.Count > 0 ? result.Stages[^1] : null;
                throw new PlannerException($"The solver failed at stage {stage?.Stage} ({stage?.Product}): {stage?.SolverStatus}.");
            }

            var report = PlanReport.From(snapshot, result);
            var info = new PlanRunInfo(runId, request.Scenario, snapshot.PlanStart, snapshot.HorizonDays, "optimized",
                settings.Solver.Solver, result.Status.ToString(), Math.Round(result.Objective, 3), Freshness(pulls));
            var workbookName = $"plan-province-{snapshot.PlanStart:yyyyMMdd}-{runId}.xlsx";
            var workbookPath = Path.Combine(output, workbookName);
            var summaryPath = Path.Combine(output, "summary.json");
            var summary = PlanSummary.From(info, result, report,
                pulls.Select(p => new PlanSummary.SourceEntry(p.Feed.ToString().ToLowerInvariant(), p.Id, p.RowsRead, p.RowsChanged, p.RowsRejected, p.Watermark)).ToList(),
                [workbookName]);

            // Files are written under temporary names and moved into place, so a failed run leaves no half-written file.
            await WriteAtomicallyAsync(workbookPath, tmp => { ProvinceWorkbook.Write(tmp, info, snapshot, report, result.Shipments); return Task.CompletedTask; });
            await WriteAtomicallyAsync(summaryPath, tmp => File.WriteAllTextAsync(tmp, summary.ToJson(), ct));
            await RecordAsync(db, runId, info, result, workbookPath, ct);
            progress($"Wrote {workbookPath} and {summaryPath}");
            return new PlanOutcome(runId, result.Status, workbookPath, summaryPath, summary);
        }
        catch (Exception e)
        {
            await db.ExecuteAsync("UPDATE plan_runs SET status = 'failed', finished_at = @at, error = @error WHERE id = @id",
                new { id = runId, at = clock.GetUtcNow(), error = Database.FirstLine(e.Message) });
            throw;
        }
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

    private async Task StartRunAsync(DbConnection db, string runId, PlanRequest request, PlanSnapshot snapshot, IReadOnlyList<PullRun> pulls, CancellationToken ct)
    {
        await using var tx = await db.BeginTransactionAsync(ct);
        await db.ExecuteAsync("""
            INSERT INTO plan_runs (id, scenario_id, status, policy, solver, plan_start, horizon_days, started_at)
            VALUES (@id, @scenario, 'running', 'optimized', @solver, @start, @days, @at)
            """, new { id = runId, scenario = request.Scenario, solver = settings.Solver.Solver, start = snapshot.PlanStart, days = snapshot.HorizonDays, at = clock.GetUtcNow() }, tx);
        await db.ExecuteAsync("INSERT INTO plan_run_inputs (run_id, pull_run_id) VALUES (@run, @pull)",
            pulls.Select(p => new { run = runId, pull = p.Id }), tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>Results, the published file with its sha256, and the run's end state, in one transaction.</summary>
    private async Task RecordAsync(DbConnection db, string runId, PlanRunInfo info, AllocationResult result, string workbookPath, CancellationToken ct)
    {
        string sha;
        await using (var file = File.OpenRead(workbookPath))
        {
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
        }
        await using var tx = await db.BeginTransactionAsync(ct);
        await settings.Planner.BulkInsertAsync(db, tx, "plan_allocations",
            ["run_id", "destination_code", "product_code", "day", "tier", "demand", "served"],
            result.Allocations.Select(a => new object?[] { runId, a.Destination, a.Product, a.Day, a.Tier, a.Demand, a.Served }), ct);
        await settings.Planner.BulkInsertAsync(db, tx, "plan_shipments",
            ["run_id", "from_code", "to_code", "product_code", "day", "quantity"],
            result.Shipments.Select(s => new object?[] { runId, s.From, s.To, s.Product, s.Day, s.Quantity }), ct);
        await db.ExecuteAsync("""
            INSERT INTO published_workbooks (id, run_id, kind, file_name, sha256, bytes, created_at)
            VALUES (@id, @run, 'province', @file, @sha, @bytes, @at)
            """, new { id = Guid.NewGuid().ToString("N"), run = runId, file = Path.GetFileName(workbookPath), sha, bytes = new FileInfo(workbookPath).Length, at = clock.GetUtcNow() }, tx);
        await db.ExecuteAsync("""
            UPDATE plan_runs SET status = 'succeeded', solver_status = @status, objective = @objective, finished_at = @at WHERE id = @id
            """, new { id = runId, status = info.SolverStatus, objective = info.Objective, at = clock.GetUtcNow() }, tx);
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
