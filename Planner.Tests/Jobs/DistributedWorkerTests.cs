using Dapper;
using Hangfire;
using Planner.Api.Configuration;
using Planner.Api.Jobs;
using Planner.Api.Planning;
using Planner.Api.Storage;
using Planner.Tests.Infrastructure;

namespace Planner.Tests.Jobs;

/// <summary>Server mode: separate worker processes on one PostgreSQL database, Hangfire.PostgreSql between them.</summary>
[Collection(HangfireState.Name)]
public class DistributedWorkerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(PlannerSettings Settings, JobStorage Storage)> PrepareAsync(TestDatabase db)
    {
        var settings = TestPlanner.Settings(db);
        var pipeline = new PlanPipeline(settings, TimeProvider.System, _ => { });
        await pipeline.PrepareAsync(Ct);
        await pipeline.SeedSourcesAsync(Ct);
        await pipeline.PullAsync(ct: Ct);
        // Creating the storage installs Hangfire's schema before the workers start.
        HangfireState.ResetLogging();
        return (settings, JobsSetup.CreateStorage(settings));
    }

    [Fact]
    public async Task TwoWorkerProcesses_ProcessFiftyQueuedScenarioRuns_EachExactlyOnce()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (settings, storage) = await PrepareAsync(db);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        await connection.ExecuteAsync("INSERT INTO scenarios (id, name, description, overrides_json, created_at) VALUES ('surge', 'Surge', 'test', '{}', @at)", new { at = DateTimeOffset.UtcNow });
        await using var a = WorkerProcess.Start(db);
        await using var b = WorkerProcess.Start(db);
        await WaitAsync(() => Task.FromResult(storage.GetMonitoringApi().Servers().Count == 2), TimeSpan.FromSeconds(90), "both workers registered", a, b);

        var client = new BackgroundJobClient(storage);
        var ids = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            var id = await RunRequests.CreateAsync(connection, "scenario", new PlanRequest(Scenario: "surge", HorizonDays: 2), null, DateTimeOffset.UtcNow);
            PlanJobs.Enqueue(client, id, "scenario");
            ids.Add(id);
        }
        await WaitAsync(async () => await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM run_requests WHERE status IN ('succeeded', 'failed', 'cancelled')") == 50,
            TimeSpan.FromMinutes(8), "all 50 runs finished", a, b);

        var requests = (await connection.QueryAsync<(string Id, string Status, long Attempts, string Worker, string RunId)>(
            "SELECT id, status, attempts, worker, run_id FROM run_requests")).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), requests.Select(r => r.Id).Order(StringComparer.Ordinal));
        var retried = requests.Where(r => (r.Status, r.Attempts) != ("succeeded", 1L)).ToList();
        Assert.True(retried.Count == 0, $"Not succeeded at the first attempt: {string.Join(", ", retried)}. Worker output:\n{Output(a, b)}");
        // Each request ran once: one plan run, succeeded, publishing one workbook (city workbooks are off here) and one summary.
        var runs = (await connection.QueryAsync<(string RequestId, string Status, long Files)>("""
            SELECT r.request_id, r.status, (SELECT COUNT(*) FROM published_workbooks w WHERE w.run_id = r.id) FROM plan_runs r
            """)).ToList();
        Assert.Equal(50, runs.Count);
        Assert.Equal(50, runs.Select(r => r.RequestId).Distinct().Count());
        Assert.All(runs, r => Assert.Equal(("succeeded", 2L), (r.Status, r.Files)));
        Assert.Equal(requests.Select(r => r.RunId).Order(StringComparer.Ordinal), (await connection.QueryAsync<string>("SELECT id FROM plan_runs")).Order(StringComparer.Ordinal));
        // Both processes took part.
        var pids = requests.Select(r => r.Worker[(r.Worker.LastIndexOf(':') + 1)..]).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(new[] { a.Id, b.Id }.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal), pids);
    }

    [Fact]
    public async Task WorkerKilledMidRun_TheRunIsTakenOverByAnotherWorker_AndPublishedOnce()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (settings, storage) = await PrepareAsync(db);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        await using var a = WorkerProcess.Start(db);
        await WaitAsync(() => Task.FromResult(storage.GetMonitoringApi().Servers().Count == 1), TimeSpan.FromSeconds(90), "worker A registered", a);
        var id = await RunRequests.CreateAsync(connection, "daily", new PlanRequest(), null, DateTimeOffset.UtcNow);
        PlanJobs.Enqueue(new BackgroundJobClient(storage), id, "daily");

        // A has recorded its plan run as started: it is solving. Kill it there.
        await WaitAsync(async () => await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM plan_runs WHERE request_id = @id AND status = 'running'", new { id }) == 1,
            TimeSpan.FromMinutes(3), "worker A solving", a);
        a.Kill();
        await using var b = WorkerProcess.Start(db);
        await WaitAsync(async () => (await RunRequests.GetAsync(connection, id))!.Status is "succeeded" or "failed" or "cancelled",
            TimeSpan.FromMinutes(3), "the run finished on worker B", b);

        var request = (await RunRequests.GetAsync(connection, id))!;
        Assert.Equal(("succeeded", 2), (request.Status, request.Attempts));
        Assert.EndsWith($":{b.Id}", request.Worker, StringComparison.Ordinal);
        var runs = (await connection.QueryAsync<(long Attempt, string Status, string? Error, long Files)>("""
            SELECT r.attempt, r.status, r.error, (SELECT COUNT(*) FROM published_workbooks w WHERE w.run_id = r.id) FROM plan_runs r
            WHERE r.request_id = @id ORDER BY r.attempt
            """, new { id })).ToList();
        Assert.Equal(2, runs.Count);
        // The killed attempt published nothing and says why; the second published one workbook and one summary.
        Assert.Equal((1L, "failed", 0L), (runs[0].Attempt, runs[0].Status, runs[0].Files));
        Assert.StartsWith("abandoned", runs[0].Error, StringComparison.Ordinal);
        Assert.Equal((2L, "succeeded", 2L), (runs[1].Attempt, runs[1].Status, runs[1].Files));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM plan_allocations a JOIN plan_runs r ON r.id = a.run_id WHERE r.status <> 'succeeded'"));
    }

    private static string Output(params WorkerProcess[] workers) => string.Join("\n---\n", workers.Select(w => w.Output));

    /// <summary>Polls a condition (a database fact, not a fixed delay) until it holds or the deadline passes.</summary>
    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, params WorkerProcess[] workers)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}. Worker output:\n{Output(workers)}");
            }
            await Task.Delay(100, Ct);
        }
    }
}
