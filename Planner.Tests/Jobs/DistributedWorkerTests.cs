using Hangfire;
using Npgsql;
using Planner.Api.Jobs;
using Planner.Api.Planning;
using Planner.Api.Runs;
using Planner.Api.Sources;

namespace Planner.Tests.Jobs;

/// <summary>Server mode: separate worker processes on one PostgreSQL database, Hangfire.PostgreSql between
/// them.</summary>
[Collection(HangfireState.Name)]
public class DistributedWorkerTests
{
    private static async Task<(TestNode Settings, JobStorage Storage)> PrepareAsync(TestDatabase db)
    {
        var settings = TestPlanner.Node(db);
        var pipeline = settings;
        await pipeline.PrepareAsync(Ct);
        await pipeline.SeedSourcesAsync(Ct);
        await pipeline.PullAsync(ct: Ct);
        // Creating the storage installs Hangfire's schema before the workers start.
        HangfireState.ResetLogging();
        return (settings, JobsSetup.CreateStorage(settings.Planner, settings.Jobs));
    }

    [Fact]
    public async Task TwoWorkerProcesses_ProcessFiftyQueuedScenarioRuns_EachExactlyOnce()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (settings, storage) = await PrepareAsync(db);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        await connection.ExecuteAsync(
            "INSERT INTO scenarios (id, name, description, overrides_json, created_at) VALUES ('surge', 'Surge', "
                + "'test', '{}', @at)",
            new { at = DateTimeOffset.UtcNow }
        );
        await using var a = WorkerProcess.Start(db);
        await using var b = WorkerProcess.Start(db);
        await WaitAsync(
            () => Task.FromResult(storage.GetMonitoringApi().Servers().Count == 2),
            TimeSpan.FromSeconds(90),
            "both workers registered",
            a,
            b
        );

        var client = new BackgroundJobClient(storage);
        var ids = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            var id = await RunRequests.CreateAsync(
                connection,
                "scenario",
                new PlanRequest(Scenario: "surge", HorizonDays: 2),
                null,
                DateTimeOffset.UtcNow
            );
            RunJobs.Enqueue(client, id, "scenario");
            ids.Add(id);
        }
        await WaitAsync(
            async () =>
                await connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM run_requests WHERE status IN ('succeeded', 'failed', 'cancelled')"
                ) == 50,
            TimeSpan.FromMinutes(8),
            "all 50 runs finished",
            a,
            b
        );

        var requests = (
            await connection.QueryAsync<(string Id, string Status, long Attempts, string Worker, string RunId)>(
                "SELECT id, status, attempts, worker, run_id FROM run_requests"
            )
        ).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), requests.Select(r => r.Id).Order(StringComparer.Ordinal));
        var retried = requests.Where(r => (r.Status, r.Attempts) != ("succeeded", 1L)).ToList();
        Assert.True(
            retried.Count == 0,
            $"Not succeeded at the first attempt: {string.Join(", ", retried)}. Worker output:\n{Output(a, b)}"
        );
        // Each request ran once: one plan run, succeeded, publishing one workbook (city workbooks are off here) and one
        // summary.
        var runs = (
            await connection.QueryAsync<(string RequestId, string Status, long Files)>(
                """
                SELECT r.request_id, r.status, (SELECT COUNT(*) FROM published_workbooks w WHERE w.run_id = r.id)
                FROM plan_runs r
                """
            )
        ).ToList();
        Assert.Equal(50, runs.Count);
        Assert.Equal(50, runs.Select(r => r.RequestId).Distinct().Count());
        Assert.All(runs, r => Assert.Equal(("succeeded", 2L), (r.Status, r.Files)));
        Assert.Equal(
            requests.Select(r => r.RunId).Order(StringComparer.Ordinal),
            (await connection.QueryAsync<string>("SELECT id FROM plan_runs")).Order(StringComparer.Ordinal)
        );
        // Both processes took part.
        var pids = requests
            .Select(r => r.Worker[(r.Worker.LastIndexOf(':') + 1)..])
            .Distinct()
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            new[] { a.Id, b.Id }
                .Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Order(StringComparer.Ordinal),
            pids
        );
    }

    [Fact]
    public async Task WorkerKilledMidRun_TheRunIsTakenOverByAnotherWorker_AndPublishedOnce()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (settings, storage) = await PrepareAsync(db);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        await using var a = WorkerProcess.Start(db);
        await WaitAsync(
            () => Task.FromResult(storage.GetMonitoringApi().Servers().Count == 1),
            TimeSpan.FromSeconds(90),
            "worker A registered",
            a
        );
        var id = await RunRequests.CreateAsync(connection, "daily", new PlanRequest(), null, DateTimeOffset.UtcNow);
        RunJobs.Enqueue(new BackgroundJobClient(storage), id, "daily");

        // A has recorded its plan run as started: it is solving. Kill it there.
        await WaitAsync(
            async () =>
                await connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM plan_runs WHERE request_id = @id AND status = 'running'",
                    new { id }
                ) == 1,
            TimeSpan.FromMinutes(3),
            "worker A solving",
            a
        );
        var killedFolders = Directory.GetDirectories(WorkerProcess.WorkDirectory(db), $"{a.Id}-*");
        Assert.Single(killedFolders);
        a.Kill();
        await using var b = WorkerProcess.Start(db);
        await WaitAsync(
            async () => (await RunRequests.GetAsync(connection, id))!.Status is "succeeded" or "failed" or "cancelled",
            TimeSpan.FromMinutes(3),
            "the run finished on worker B",
            b
        );
        // B removed the files A's unfinished run left behind when it started.
        Assert.False(Directory.Exists(killedFolders[0]), $"{killedFolders[0]} is still there");

        var request = (await RunRequests.GetAsync(connection, id))!;
        Assert.Equal(("succeeded", 2), (request.Status, request.Attempts));
        Assert.EndsWith($":{b.Id}", request.Worker, StringComparison.Ordinal);
        var runs = (
            await connection.QueryAsync<(long Attempt, string Status, string? Error, long Files)>(
                """
                SELECT r.attempt, r.status, r.error, (SELECT COUNT(*) FROM published_workbooks w WHERE w.run_id = r.id)
                FROM plan_runs r
                WHERE r.request_id = @id ORDER BY r.attempt
                """,
                new { id }
            )
        ).ToList();
        Assert.Equal(2, runs.Count);
        // The killed attempt published nothing and says why; the second published one workbook and one summary.
        Assert.Equal((1L, "failed", 0L), (runs[0].Attempt, runs[0].Status, runs[0].Files));
        Assert.StartsWith("abandoned", runs[0].Error, StringComparison.Ordinal);
        Assert.Equal((2L, "succeeded", 2L), (runs[1].Attempt, runs[1].Status, runs[1].Files));
        Assert.Equal(
            0,
            await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM plan_allocations a JOIN plan_runs r ON r.id = a.run_id WHERE r.status <> "
                    + "'succeeded'"
            )
        );
    }

    [Fact]
    public async Task WorkerKilledMidPull_LeavesTheFeedTablesAsTheyWere_AndAnotherWorkerPullsAndPlansWithinALease()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (settings, storage) = await PrepareAsync(db);
        await using var connection = (NpgsqlConnection)await settings.Planner.OpenAsync(Ct);
        await using (var source = await settings.Source(Feed.Production).Database.OpenAsync(Ct))
        {
            // Every report and stock count changes at the source, so the next pull rewrites both tables.
            await source.ExecuteAsync(
                "UPDATE daily_output SET quantity = quantity + 1, row_version = row_version + 1000000000"
            );
            await source.ExecuteAsync(
                "UPDATE stock_on_hand SET quantity = quantity + 1, row_version = row_version + 1000000000"
            );
        }
        var before = await Sources.FeedClaimTests.FeedTablesDigestAsync(connection);
        var client = new BackgroundJobClient(storage);

        // Worker A's pull stops at its last merge, production_reports already rewritten in its transaction: kill it
        // there.
        await using var blocker = (NpgsqlConnection)await settings.Planner.OpenAsync(Ct);
        await using (var hold = await blocker.BeginTransactionAsync(Ct))
        {
            await blocker.ExecuteAsync("LOCK TABLE stock_reports IN EXCLUSIVE MODE", transaction: hold);
            await using var a = WorkerProcess.Start(db);
            client.Enqueue<PullJobs>(j => j.PullAsync(Feed.Production, CancellationToken.None));
            await Sources.FeedClaimTests.WaitForQueryAsync(connection, "MERGE INTO stock_reports%");
            a.Kill();
        }
        var killedAt = DateTimeOffset.UtcNow;
        // The server ends the dead worker's session (and rolls its transaction back) once the lock lets it go on.
        await WaitAsync(
            async () =>
                await connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE query LIKE 'MERGE INTO stock_reports%'"
                ) == 0,
            TimeSpan.FromMinutes(1),
            "the killed worker's session to end"
        );
        Assert.Equal(before, await Sources.FeedClaimTests.FeedTablesDigestAsync(connection));

        // Worker B: a pull of the same feed and a plan run are asked for at once.
        await using var b = WorkerProcess.Start(db);
        client.Enqueue<PullJobs>(j => j.PullAsync(Feed.Production, CancellationToken.None));
        var id = await RunRequests.CreateAsync(
            connection,
            "daily",
            new PlanRequest(HorizonDays: 2),
            null,
            DateTimeOffset.UtcNow
        );
        RunJobs.Enqueue(client, id, "daily");
        await WaitAsync(
            async () => (await RunRequests.GetAsync(connection, id))!.Status is "succeeded" or "failed",
            TimeSpan.FromMinutes(3),
            "the plan run on worker B",
            b
        );
        await WaitAsync(
            async () =>
                await connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM pull_runs WHERE source = 'production' AND status = 'succeeded' AND "
                        + "started_at > @killedAt",
                    new { killedAt }
                ) == 1,
            TimeSpan.FromMinutes(2),
            "worker B's pull of production",
            b
        );

        var lease = TimeSpan.FromSeconds(30);
        // The plan run did not wait for the dead worker's lease: it ran with the production data held.
        var planStarted = await connection.ExecuteScalarAsync<DateTimeOffset>(
            "SELECT started_at FROM plan_runs WHERE request_id = @id",
            new { id }
        );
        Assert.Equal("succeeded", (await RunRequests.GetAsync(connection, id))!.Status);
        Assert.True(
            planStarted - killedAt < lease,
            $"The plan run started {(planStarted - killedAt).TotalSeconds:0.0} s after the kill.\n{Output(b)}"
        );
        // The pull waited for the lease, no longer.
        var pullStarted = await connection.ExecuteScalarAsync<DateTimeOffset>(
            "SELECT started_at FROM pull_runs WHERE source = 'production' AND status = 'succeeded' AND started_at > "
                + "@killedAt",
            new { killedAt }
        );
        Assert.True(
            pullStarted - killedAt < lease + TimeSpan.FromSeconds(10),
            $"The next pull started {(pullStarted - killedAt).TotalSeconds:0.0} s after the kill.\n{Output(b)}"
        );
        var killed = await connection.QuerySingleAsync<(string Status, string Error)>(
            "SELECT status, error FROM pull_runs WHERE source = 'production' AND started_at < @killedAt AND status "
                + "<> 'succeeded'",
            new { killedAt }
        );
        Assert.Equal("failed", killed.Status);
        Assert.StartsWith("abandoned", killed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatabaseRestartMidRun_TheRunSucceedsWithinAMinute_AndIsPublishedOnce()
    {
        await using var cluster = await PostgresServer.StartPrivateAsync();
        await using var db = await TestDatabase.CreateOnAsync(cluster.AdminConnectionString);
        var (_, storage) = await PrepareAsync(db);
        await using var a = WorkerProcess.Start(db);
        await WaitAsync(
            () => Task.FromResult(storage.GetMonitoringApi().Servers().Count == 1),
            TimeSpan.FromSeconds(90),
            "worker A registered",
            a
        );
        string id;
        await using (var connection = await OpenUnpooledAsync(db))
        {
            id = await RunRequests.CreateAsync(connection, "daily", new PlanRequest(), null, DateTimeOffset.UtcNow);
            RunJobs.Enqueue(new BackgroundJobClient(storage), id, "daily");
            await WaitAsync(
                async () =>
                    await connection.ExecuteScalarAsync<long>(
                        "SELECT COUNT(*) FROM plan_runs WHERE request_id = @id AND status = 'running'",
                        new { id }
                    ) == 1,
                TimeSpan.FromMinutes(3),
                "worker A solving",
                a
            );
        }

        var restartedAt = DateTimeOffset.UtcNow;
        await cluster.RestartAsync(Ct);

        // Polled on a connection of its own each time: the restart broke every pooled one.
        await WaitAsync(
            async () =>
            {
                try
                {
                    await using var connection = await OpenUnpooledAsync(db);
                    return (await RunRequests.GetAsync(connection, id))!.Status
                        is "succeeded"
                            or "failed"
                            or "cancelled";
                }
                catch (NpgsqlException)
                {
                    return false; // still starting
                }
            },
            TimeSpan.FromMinutes(3),
            "the run to finish after the restart",
            a
        );
        await using var after = await OpenUnpooledAsync(db);
        var request = (await RunRequests.GetAsync(after, id))!;
        Assert.Equal("succeeded", request.Status);
        Assert.True(
            request.FinishedAt - restartedAt < TimeSpan.FromMinutes(1),
            $"The run succeeded {(request.FinishedAt - restartedAt)?.TotalSeconds:0.0} s after the "
                + $"restart.\n{Output(a)}"
        );
        var published = await after.QueryAsync<(string Status, long Files)>(
            "SELECT r.status, (SELECT COUNT(*) FROM published_workbooks w WHERE w.run_id = r.id) FROM plan_runs r "
                + "WHERE r.request_id = @id",
            new { id }
        );
        Assert.Equal([("succeeded", 2L)], published.Where(p => p.Status == "succeeded"));
        Assert.All(published.Where(p => p.Status != "succeeded"), p => Assert.Equal(("failed", 0L), p));
    }

    private static async Task<NpgsqlConnection> OpenUnpooledAsync(TestDatabase db)
    {
        var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(db.ConnectionString) { Pooling = false }.ConnectionString
        );
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static string Output(params WorkerProcess[] workers) =>
        string.Join("\n---\n", workers.Select(w => w.Output));

    /// <summary>Polls a condition (a database fact, not a fixed delay) until it holds or the deadline passes.</summary>
    private static async Task WaitAsync(
        Func<Task<bool>> condition,
        TimeSpan timeout,
        string what,
        params WorkerProcess[] workers
    )
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail(
                    $"Timed out after {timeout.TotalSeconds:0} s waiting for {what}. Worker output:\n{Output(workers)}"
                );
            }
            await Task.Delay(100, Ct);
        }
    }
}
