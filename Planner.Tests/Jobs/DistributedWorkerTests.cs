using System.Data.Common;
using Hangfire;
using Npgsql;
using Planner.Api.Jobs;
using Planner.Api.Sources;

namespace Planner.Tests.Jobs;

/// <summary>Server mode: separate worker processes on one PostgreSQL database, Hangfire.PostgreSql between
/// them.</summary>
public class DistributedWorkerTests : HangfireTests
{
    private static async Task<(TestNode Settings, JobStorage Storage)> PrepareAsync(TestDatabase db)
    {
        var settings = await TestPlanner.PulledAsync(db);
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
        await WaitRegisteredAsync(storage, "both workers registered", a, b);

        var client = new BackgroundJobClient(storage);
        var ids = new List<string>();
        for (var i = 0; i < 50; i++)
            ids.Add(
                await QueueAsync(connection, client, "scenario", new PlanRequest(Scenario: "surge", HorizonDays: 2))
            );
        await WaitForCountAsync(
            connection,
            "SELECT COUNT(*) FROM run_requests WHERE status IN ('succeeded', 'failed', 'cancelled')",
            null,
            50,
            TimeSpan.FromMinutes(8),
            "all 50 runs finished",
            a,
            b
        );

        await AssertEachRanOnceAtTheFirstAttemptAsync(connection, ids, a, b);
    }

    /// <summary>Each request succeeded at its first attempt with one plan run, publishing one workbook (city
    /// workbooks are off here) and one summary, and both processes took part.</summary>
    private static async Task AssertEachRanOnceAtTheFirstAttemptAsync(
        DbConnection connection,
        List<string> ids,
        ApiProcess a,
        ApiProcess b
    )
    {
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
        Assert.All(runs, r => Assert.Equal(("succeeded", 3L), (r.Status, r.Files)));
        Assert.Equal(
            requests.Select(r => r.RunId).Order(StringComparer.Ordinal),
            (await connection.QueryAsync<string>("SELECT id FROM plan_runs")).Order(StringComparer.Ordinal)
        );
        var pids = requests
            .Select(r => r.Worker[(r.Worker.LastIndexOf(':') + 1)..])
            .Distinct()
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            new[] { a.Id, b.Id }.Select(p => p.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal),
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
        await WaitRegisteredAsync(storage, "worker A registered", a);
        var id = await QueueAsync(connection, new BackgroundJobClient(storage), "daily", new PlanRequest());

        // A has recorded its plan run as started: it is solving. Kill it there.
        await WaitUntilSolvingAsync(connection, id, a);
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
        // The killed attempt published nothing and says why; the second published one workbook (in Chinese and
        // English) and one summary.
        Assert.Equal((1L, "failed", 0L), (runs[0].Attempt, runs[0].Status, runs[0].Files));
        Assert.StartsWith("abandoned", runs[0].Error, StringComparison.Ordinal);
        Assert.Equal((2L, "succeeded", 3L), (runs[1].Attempt, runs[1].Status, runs[1].Files));
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
            await Sources.FeedClaimTests.ChangeEveryReportAndStockCountAsync(source);
        }
        var before = await Sources.FeedClaimTests.FeedTablesDigestAsync(connection);
        var client = new BackgroundJobClient(storage);

        var killedAt = await KillAWorkerAtItsLastMergeAsync(db, settings, client, connection);
        Assert.Equal(before, await Sources.FeedClaimTests.FeedTablesDigestAsync(connection));

        // Worker B: a pull of the same feed and a plan run are asked for at once.
        await using var b = WorkerProcess.Start(db);
        client.Enqueue<PullJobs>(j => j.PullAsync(Feed.Production, CancellationToken.None));
        var id = await QueueAsync(connection, client, "daily", new PlanRequest(HorizonDays: 2));
        await WaitAsync(
            async () => (await RunRequests.GetAsync(connection, id))!.Status is "succeeded" or "failed",
            TimeSpan.FromMinutes(3),
            "the plan run on worker B",
            b
        );
        await WaitForCountAsync(
            connection,
            "SELECT COUNT(*) FROM pull_runs WHERE source = 'production' AND status = 'succeeded' AND "
                + "started_at > @killedAt",
            new { killedAt },
            1,
            TimeSpan.FromMinutes(2),
            "worker B's pull of production",
            b
        );

        await AssertThePlanDidNotWaitForTheLease_AndThePullNoLongerAsync(connection, id, killedAt, b);
    }

    /// <summary>
    /// Worker A's pull of production stops at its last merge, production_reports already rewritten in its
    /// transaction: it is killed there. Returns once the server has ended the dead worker's session (and rolled its
    /// transaction back), which it does once the lock lets it go on.
    /// </summary>
    private static async Task<DateTimeOffset> KillAWorkerAtItsLastMergeAsync(
        TestDatabase db,
        TestNode settings,
        BackgroundJobClient client,
        NpgsqlConnection connection
    )
    {
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
        await WaitForCountAsync(
            connection,
            "SELECT COUNT(*) FROM pg_stat_activity WHERE query LIKE 'MERGE INTO stock_reports%'",
            null,
            0,
            TimeSpan.FromMinutes(1),
            "the killed worker's session to end"
        );
        return killedAt;
    }

    /// <summary>The plan run did not wait for the dead worker's lease: it ran with the production data held. The pull
    /// waited for the lease, no longer, and the dead worker's pull run is marked abandoned.</summary>
    private static async Task AssertThePlanDidNotWaitForTheLease_AndThePullNoLongerAsync(
        NpgsqlConnection connection,
        string id,
        DateTimeOffset killedAt,
        ApiProcess b
    )
    {
        var lease = TimeSpan.FromSeconds(30);
        var planStarted = await connection.ExecuteScalarAsync<DateTimeOffset>(
            "SELECT started_at FROM plan_runs WHERE request_id = @id",
            new { id }
        );
        Assert.Equal("succeeded", (await RunRequests.GetAsync(connection, id))!.Status);
        Assert.True(
            planStarted - killedAt < lease,
            $"The plan run started {(planStarted - killedAt).TotalSeconds:0.0} s after the kill.\n{Output(b)}"
        );
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
        await WaitRegisteredAsync(storage, "worker A registered", a);
        string id;
        await using (var connection = await OpenUnpooledAsync(db))
        {
            id = await QueueAsync(connection, new BackgroundJobClient(storage), "daily", new PlanRequest());
            await WaitUntilSolvingAsync(connection, id, a);
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
        Assert.Equal([("succeeded", 3L)], published.Where(p => p.Status == "succeeded"));
        Assert.All(published.Where(p => p.Status != "succeeded"), p => Assert.Equal(("failed", 0L), p));
    }

    /// <summary>Records a run request and queues its job, as the API and the schedules do.</summary>
    private static async Task<string> QueueAsync(
        DbConnection connection,
        IBackgroundJobClient client,
        string kind,
        PlanRequest request
    )
    {
        var id = await RunRequests.CreateAsync(connection, kind, request, null, DateTimeOffset.UtcNow);
        RunJobs.Enqueue(client, id, kind);
        return id;
    }

    /// <summary>Waits until Hangfire knows as many servers as there are <paramref name="workers"/>.</summary>
    private static Task WaitRegisteredAsync(JobStorage storage, string what, params ApiProcess[] workers) =>
        WaitAsync(
            () => Task.FromResult(storage.GetMonitoringApi().Servers().Count == workers.Length),
            TimeSpan.FromSeconds(90),
            what,
            workers
        );

    /// <summary>Waits until the worker has recorded the request's plan run as started: it is solving.</summary>
    private static Task WaitUntilSolvingAsync(DbConnection connection, string id, ApiProcess worker) =>
        WaitForCountAsync(
            connection,
            "SELECT COUNT(*) FROM plan_runs WHERE request_id = @id AND status = 'running'",
            new { id },
            1,
            TimeSpan.FromMinutes(3),
            "worker A solving",
            worker
        );

    /// <summary>Polls a count in the database (a fact, not a fixed delay) until it is
    /// <paramref name="count"/>.</summary>
    private static Task WaitForCountAsync(
        DbConnection connection,
        string sql,
        object? parameters,
        long count,
        TimeSpan timeout,
        string what,
        params ApiProcess[] workers
    ) =>
        WaitAsync(
            async () => await connection.ExecuteScalarAsync<long>(sql, parameters) == count,
            timeout,
            what,
            workers
        );

    private static async Task<NpgsqlConnection> OpenUnpooledAsync(TestDatabase db)
    {
        var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(db.ConnectionString) { Pooling = false }.ConnectionString
        );
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static string Output(params ApiProcess[] workers) => string.Join("\n---\n", workers.Select(w => w.Output));

    /// <summary>Polls a condition (a database fact, not a fixed delay) until it holds or the deadline passes.</summary>
    private static async Task WaitAsync(
        Func<Task<bool>> condition,
        TimeSpan timeout,
        string what,
        params ApiProcess[] workers
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
