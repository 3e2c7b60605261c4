using System.Security.Cryptography;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Planner.Api;
using Planner.Api.Jobs;
using Planner.Api.Sources;
using Planner.Api.Startup;

namespace Planner.Tests.Jobs;

/// <summary>Plan runs as jobs, in process: claims, publishing once, cancellation, freshness gating and the
/// schedules.</summary>
public class PlanJobTests : HangfireTests
{
    private static readonly DateTimeOffset Noon = new(2020, 2, 10, 4, 0, 0, TimeSpan.Zero);

    /// <summary>A short horizon and a short team-plan limit: these tests are about the run, not the plan.</summary>
    private static TestNode Settings(TestDatabase db, params (string, string)[] extra) =>
        TestPlanner.Node(
            db,
            [
                ("Planner:Teams:TimeLimitSeconds", "2"),
                ("Planner:Jobs:HeartbeatSeconds", "0.2"),
                ("Planner:Jobs:LeaseSeconds", "30"),
                .. extra,
            ]
        );

    private static async Task<string> QueueAsync(TestNode settings, TimeProvider clock, PlanRequest? request = null)
    {
        await settings.At(clock).PrepareAsync(Ct);
        await settings.SeedSourcesAsync(Ct);
        await using var db = await settings.Planner.OpenAsync(Ct);
        return await RunRequests.CreateAsync(
            db,
            "scenario",
            request ?? new PlanRequest(HorizonDays: 3),
            null,
            clock.GetUtcNow()
        );
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PlanJob_DeliveredTwice_PublishesOnce(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var settings = Settings(db);
        var id = await QueueAsync(settings, TimeProvider.System);
        var executor = settings.Executor();

        Assert.Equal("succeeded", await executor.ExecuteAsync(id, Ct, Ct));
        Assert.Equal("already finished", await executor.ExecuteAsync(id, Ct, Ct));

        await using var connection = await settings.Planner.OpenAsync(Ct);
        var request = await RunRequests.GetAsync(connection, id);
        Assert.Equal(("succeeded", 1), (request!.Status, request.Attempts));
        var runs = (
            await connection.QueryAsync<string>("SELECT id FROM plan_runs WHERE request_id = @id", new { id })
        ).ToList();
        Assert.Equal([request.RunId!], runs);
        var files = (
            await connection.QueryAsync<(string Kind, string? Language, string Sha, byte[] Content)>(
                "SELECT kind, language, sha256, content FROM published_workbooks WHERE run_id = @run "
                    + "ORDER BY kind, language",
                new { run = request.RunId }
            )
        ).ToList();
        Assert.Equal(
            [
                "city-330100",
                "city-330200",
                "city-330300",
                "city-330400",
                "city-330500",
                "city-330600",
                "city-330700",
                "city-330800",
                "city-330900",
                "city-331000",
                "city-331100",
                "province",
                "summary",
            ],
            files.Select(f => f.Kind).Distinct()
        );
        // Every workbook in Chinese and in English; summary.json once.
        Assert.All(files.Where(f => f.Kind != "summary").GroupBy(f => f.Kind), g =>
            Assert.Equal(["en", "zh-CN"], g.Select(f => f.Language))
        );
        Assert.All(files, f => Assert.Equal(f.Sha, Convert.ToHexStringLower(SHA256.HashData(f.Content))));
        // The published workbook is a real workbook.
        using var workbook = Xlsx.Open(
            new MemoryStream(files.Single(f => f.Kind == "province" && f.Language == "en").Content)
        );
        Assert.Contains(workbook.Worksheets, w => w.Name == "Summary");
    }

    [Fact]
    public async Task PlanJob_DeliveredTwiceAtOnce_RunsOnce_TheOtherDeliveryWaits()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var settings = Settings(db);
        var id = await QueueAsync(settings, TimeProvider.System);
        var executors = Enumerable.Range(0, 2).Select(_ => settings.Executor()).ToList();

        var outcomes = await Task.WhenAll(
            executors.Select(async e =>
            {
                try
                {
                    return await e.ExecuteAsync(id, Ct, Ct);
                }
                catch (RunBusyException)
                {
                    return "busy";
                }
            })
        );

        // One ran it; the other found it running (Hangfire retries that delivery later) or already finished.
        Assert.Single(outcomes, o => o == "succeeded");
        Assert.Single(outcomes, o => o is "busy" or "already finished");
        await using var connection = await settings.Planner.OpenAsync(Ct);
        Assert.Equal(
            1,
            await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM plan_runs WHERE request_id = @id",
                new { id }
            )
        );
        Assert.Equal(
            25,
            await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM published_workbooks w JOIN plan_runs r ON r.id = w.run_id WHERE r.request_id "
                    + "= @id",
                new { id }
            )
        );
    }

    [Fact]
    public async Task IdenticalRuns_StartedInTheSameSecond_GetOneIdEach()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var settings = Settings(db);
        var request = new PlanRequest(HorizonDays: 2);
        await settings.At(new FixedClock(Noon)).PrepareAsync(Ct);
        var first = await settings.At(new FixedClock(Noon)).RunAsync(request, ct: Ct);
        // Another worker has just recorded a run of the same inputs, started a minute later, and not committed yet.
        var later = new FixedClock(Noon.AddMinutes(1));
        var contested = $"{later.GetUtcNow():yyyyMMdd-HHmmss}-{first.RunId.Split('-')[2]}";
        await using var other = await settings.Planner.OpenAsync(Ct);
        await using var tx = await other.BeginTransactionAsync(Ct);
        await other.ExecuteAsync(
            """
            INSERT INTO plan_runs (id, scenario_id, status, policy, solver, plan_start, horizon_days, input_digest,
            started_at) SELECT @contested, scenario_id, 'running', policy, solver, plan_start, horizon_days,
            input_digest, started_at FROM plan_runs WHERE id = @first
            """,
            new { contested, first = first.RunId },
            tx
        );

        var second = Task.Run(() => settings.At(later).RunAsync(request, ct: Ct), Ct);
        // Commit once the second run waits on that row (or has ended).
        await using (var watcher = await settings.Planner.OpenAsync(Ct))
        {
            while (
                !second.IsCompleted
                && await watcher.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = "
                        + "'Lock'"
                ) == 0
            )
            {
                await Task.Delay(50, Ct);
            }
        }
        await tx.CommitAsync(Ct);

        var outcome = await second;
        Assert.Equal($"{contested}-2", outcome.RunId);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        Assert.Equal(
            "succeeded",
            await connection.ExecuteScalarAsync<string>(
                "SELECT status FROM plan_runs WHERE id = @id",
                new { id = outcome.RunId }
            )
        );
    }

    [Fact]
    public async Task Cancel_BeforeTheRunStarts_EndsItWithoutRunning()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = Settings(db);
        var id = await QueueAsync(settings, TimeProvider.System);
        await using var connection = await settings.Planner.OpenAsync(Ct);

        var state = await RunRequests.CancelAsync(connection, id, DateTimeOffset.UtcNow);
        var outcome = await settings.Executor().ExecuteAsync(id, Ct, Ct);

        Assert.Equal("cancelled", state!.Status);
        Assert.Equal("already finished", outcome);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM plan_runs"));
    }

    [Fact]
    public async Task Cancel_WhileRunning_StopsAtTheNextHeartbeat_AndPublishesNothing()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = Settings(db);
        var id = await QueueAsync(settings, TimeProvider.System, new PlanRequest());
        await using var connection = await settings.Planner.OpenAsync(Ct);
        // The run asks for its own cancellation as soon as it has built the problem, as a planner pressing
        // "cancel" at that moment would: the heartbeat sees it and the solver stops at its next LP stage.
        var logger = StepLogger.Cancelling(settings, id, "Built the problem");

        var outcome = await settings.Executor(logger).ExecuteAsync(id, Ct, Ct);

        Assert.Equal("cancelled", outcome);
        var request = await RunRequests.GetAsync(connection, id);
        Assert.Equal("cancelled", request!.Status);
        Assert.Null(request.RunId);
        // Stopped before or after its plan run was recorded as started; if after, that run says why it failed.
        Assert.All(
            await connection.QueryAsync<(string Status, string Error)>(
                "SELECT status, error FROM plan_runs WHERE request_id = @id",
                new { id }
            ),
            r => Assert.Equal(("failed", "cancelled"), r)
        );
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM published_workbooks"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM plan_allocations"));
    }

    [Fact]
    public async Task DeliveryAbortedByHangfire_AfterTheClaim_TheRunGoesOn_AndPublishesOnce()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = Settings(db);
        var id = await QueueAsync(settings, TimeProvider.System);
        // Hangfire cancels a delivery's token when the job's state changes elsewhere, as a second delivery of the
        // same job does: here, once the run has built its problem.
        using var delivery = new CancellationTokenSource();
        var logger = new StepLogger("Built the problem", delivery.Cancel);

        var outcome = await settings.Executor(logger).ExecuteAsync(id, delivery.Token, Ct);

        Assert.True(delivery.IsCancellationRequested);
        Assert.Equal("succeeded", outcome);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        var request = await RunRequests.GetAsync(connection, id);
        Assert.Equal(("succeeded", 1), (request!.Status, request.Attempts));
        Assert.Equal(
            [("succeeded", 25L)],
            await connection.QueryAsync<(string, long)>(
                "SELECT r.status, (SELECT COUNT(*) FROM published_workbooks w WHERE w.run_id = r.id) FROM plan_runs "
                    + "r WHERE r.request_id = @id",
                new { id }
            )
        );
    }

    [Fact]
    public async Task WorkerStopping_WhileRunning_GivesTheRunBack_AndTheNextDeliveryRunsIt()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = Settings(db);
        var id = await QueueAsync(settings, TimeProvider.System);
        using var stopping = new CancellationTokenSource();
        var logger = new StepLogger("Built the problem", stopping.Cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            settings.Executor(logger).ExecuteAsync(id, Ct, stopping.Token)
        );

        await using var connection = await settings.Planner.OpenAsync(Ct);
        var given = await RunRequests.GetAsync(connection, id);
        Assert.Equal(("queued", 1), (given!.Status, given.Attempts));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM published_workbooks"));

        // The next delivery (Hangfire re-queues a job its stopping server gave back) takes it at once.
        Assert.Equal("succeeded", await settings.Executor().ExecuteAsync(id, Ct, Ct));
        var request = await RunRequests.GetAsync(connection, id);
        Assert.Equal(("succeeded", 2), (request!.Status, request.Attempts));
        // The first attempt stopped before or after recording its plan run; if after, the second marked it abandoned.
        Assert.Equal(
            [(2L, "succeeded")],
            await connection.QueryAsync<(long, string)>(
                "SELECT attempt, status FROM plan_runs WHERE request_id = @id AND status <> 'failed'",
                new { id }
            )
        );
        Assert.Equal(25, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM published_workbooks"));
    }

    [Theory]
    [InlineData("refuse")]
    [InlineData("warn")]
    public async Task StaleFeed_RefusesThePlan_OrPublishesItWithAWarning(string mode)
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        // Hospitals pulled at noon; two hours later their source is down, so the data held is two hours old.
        var settings = Settings(db, ("Planner:Freshness:Mode", mode));
        var pipeline = settings.At(new FixedClock(Noon));
        await pipeline.PrepareWithSourcesAsync(Ct);
        Assert.All(await pipeline.PullAsync(ct: Ct), p => Assert.Null(p.Error));
        var broken = Settings(
            db,
            ("Planner:Freshness:Mode", mode),
            ("Planner:Sources:Hospitals:Queries:capacity_reports", "SELECT * FROM no_such_table")
        );
        var later = broken.At(new FixedClock(Noon.AddHours(2)));

        var run = () => later.RunAsync(new PlanRequest(Path.Combine(db.Directory, "out"), HorizonDays: 3), ct: Ct);

        await using var connection = await settings.Planner.OpenAsync(Ct);
        var hospitalsPull = await connection.ExecuteScalarAsync<string>(
            "SELECT id FROM pull_runs WHERE source = 'hospitals' AND status = 'succeeded'"
        );
        if (mode == "refuse")
            await AssertRefusedAsStaleAsync(run, connection, hospitalsPull!);
        else
            await AssertPublishedWithAWarningAsync(await run(), connection, hospitalsPull!);
    }

    /// <summary>The plan is refused, naming the stale feed and its last good pull (and no fresh feed), and nothing
    /// is recorded.</summary>
    private static async Task AssertRefusedAsStaleAsync(
        Func<Task<PlanOutcome>> run,
        System.Data.Common.DbConnection connection,
        string hospitalsPull
    )
    {
        var error = await Assert.ThrowsAsync<PlannerException>(run);
        Assert.Contains("hospitals: last good pull 2 h 00 min ago", error.Message, StringComparison.Ordinal);
        Assert.Contains(hospitalsPull, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("production:", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM plan_runs"));
    }

    /// <summary>The plan is published with a warning, recorded with the run, and its lineage names the noon pull of
    /// the hospitals and this run's fresh pulls of the other feeds.</summary>
    private static async Task AssertPublishedWithAWarningAsync(
        PlanOutcome outcome,
        System.Data.Common.DbConnection connection,
        string hospitalsPull
    )
    {
        // The other warning is the forecast's: the replay's 9 February revision of a cumulative count.
        var warning = Assert.Single(outcome.Summary.Warnings, w =>
            w.StartsWith("stale data", StringComparison.Ordinal)
        );
        Assert.StartsWith("stale data: hospitals: last good pull 2 h 00 min ago", warning, StringComparison.Ordinal);
        Assert.Contains(
            warning,
            await connection.ExecuteScalarAsync<string>(
                "SELECT warnings FROM plan_runs WHERE id = @id",
                new { id = outcome.RunId }
            )
        );
        var inputs = (
            await connection.QueryAsync<(string Source, string Id)>(
                "SELECT p.source, p.id FROM plan_run_inputs i JOIN pull_runs p ON p.id = i.pull_run_id WHERE "
                    + "i.run_id = @id ORDER BY p.source",
                new { id = outcome.RunId }
            )
        ).ToList();
        Assert.Equal(["hospitals", "production", "situation", "teams"], inputs.Select(i => i.Source));
        Assert.Equal(hospitalsPull, inputs[0].Id);
        Assert.Equal(
            1,
            await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM pull_runs WHERE source = 'hospitals' AND status = 'failed'"
            )
        );
    }

    [Fact]
    public async Task SourceDownThenUp_KeepsTheData_ThenResumesFromTheLastGoodWatermark()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = Settings(db);
        var pipeline = settings.At(TimeProvider.System);
        await pipeline.PrepareWithSourcesAsync(Ct);
        var first = Assert.Single(await pipeline.PullAsync(Api.Sources.Feed.Production, Ct)).Run!;
        await using var source = await settings.Source(Api.Sources.Feed.Production).Database.OpenAsync(Ct);
        await source.ExecuteAsync("ALTER TABLE daily_output RENAME TO daily_output_moved");
        await source.ExecuteAsync(
            "UPDATE daily_output_moved SET quantity = quantity + 1, row_version = row_version + 1000000 WHERE rowid "
                + "IN (SELECT rowid FROM daily_output_moved LIMIT 7)"
        );

        var down = Assert.Single(await pipeline.PullAsync(Api.Sources.Feed.Production, Ct));
        await source.ExecuteAsync("ALTER TABLE daily_output_moved RENAME TO daily_output");
        var up = Assert.Single(await pipeline.PullAsync(Api.Sources.Feed.Production, Ct));

        Assert.Null(down.Run);
        Assert.Contains("daily_output", down.Error, StringComparison.Ordinal);
        Assert.NotNull(up.Run);
        // Only what changed since the last good pull is read again: the seven rows changed while the source was down.
        Assert.Equal((7, 7), (up.Run!.RowsRead, up.Run.RowsChanged));
        Assert.True(up.Run.Watermark > first.Watermark);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        Assert.Equal(
            ["succeeded", "failed", "succeeded"],
            await connection.QueryAsync<string>(
                "SELECT status FROM pull_runs WHERE source = 'production' ORDER BY started_at, id"
            )
        );
    }

    [Fact]
    public async Task DailyPlan_FiredTwiceOnOneDay_PlansOnce()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = Settings(db);
        HangfireState.ResetLogging();
        using var storage = new InMemoryStorage();
        var clock = new FixedClock(Noon);
        // As a node's start-up does before any job runs.
        await settings.At(clock).PrepareAsync(Ct);
        await settings.SeedSourcesAsync(Ct);
        var jobs = settings.At(clock).RunJobs(new BackgroundJobClient(storage), Lifetime());

        await jobs.DailyPlanAsync(Ct);
        await jobs.DailyPlanAsync(Ct);

        await using var connection = await settings.Planner.OpenAsync(Ct);
        // Noon UTC is 20:00 in Shanghai: the request is that day's.
        var requests = (
            await connection.QueryAsync<(string Key, string Status, long Attempts)>(
                "SELECT request_key, status, attempts FROM run_requests"
            )
        ).ToList();
        Assert.Equal([("daily-2020-02-10", "succeeded", 1L)], requests);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM plan_runs"));
    }

    [Fact]
    public async Task Recover_QueuesRunsThatNoJobWillRun_OnTheirKindsQueue()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = Settings(db);
        var clock = new FixedClock(Noon);
        // Queued before an embedded node restarted (its in-memory queue is gone), one a dead worker held, and one
        // just queued (its job is on its way).
        var queued = await QueueAsync(settings, clock);
        var held = await QueueAsync(settings, clock);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        Assert.NotNull((await RunRequests.ClaimAsync(connection, held, "dead:1", Noon, settings.Jobs.Lease)).Claim);
        HangfireState.ResetLogging();
        using var storage = new InMemoryStorage();
        var later = new FixedClock(Noon + settings.Jobs.Lease + TimeSpan.FromSeconds(1));
        await QueueAsync(settings, later);
        var jobs = settings.At(later).RunJobs(new BackgroundJobClient(storage), Lifetime());

        await jobs.RecoverAsync(Ct);

        var monitoring = storage.GetMonitoringApi();
        var enqueued = monitoring.EnqueuedJobs("scenarios", 0, 10).Select(j => j.Value.Job.Args[0]).ToList();
        Assert.Equal(
            new[] { queued, held }.Order(StringComparer.Ordinal),
            enqueued.Cast<string>().Order(StringComparer.Ordinal)
        );
    }

    [Fact]
    public void RecurringJobs_AreRegisteredInOnePlace_WithStableIds_CronAndTimeZone()
    {
        HangfireState.ResetLogging();
        using var storage = new InMemoryStorage();
        var manager = new RecurringJobManager(storage);
        var settings = new JobOptions { PullCron = "*/10 * * * *" };

        RecurringJobs.Register(manager, settings);
        RecurringJobs.Register(manager, settings);

        using var connection = storage.GetConnection();
        var jobs = connection.GetRecurringJobs().OrderBy(j => j.Id, StringComparer.Ordinal).ToList();
        Assert.Equal(RecurringJobs.Ids.Order(StringComparer.Ordinal), jobs.Select(j => j.Id));
        Assert.All(jobs, j => Assert.Equal("Asia/Shanghai", j.TimeZoneId));
        Assert.Equal(
            ("0 6 * * *", nameof(RunJobs.DailyPlanAsync)),
            (jobs.Single(j => j.Id == "daily-plan").Cron, jobs.Single(j => j.Id == "daily-plan").Job.Method.Name)
        );
        Assert.All(jobs.Where(j => j.Id.StartsWith("pull-", StringComparison.Ordinal)), j =>
            Assert.Equal(
                ("*/10 * * * *", nameof(PullJobs.PullAsync), j.Id["pull-".Length..]),
                (j.Cron, j.Job.Method.Name, j.Job.Args[0]!.ToString()!.ToLowerInvariant())
            )
        );
        // Queues come from the job methods' [Queue] attributes: pulls, plans and scenarios.
        Assert.Equal("pulls", QueueOf(typeof(PullJobs), nameof(PullJobs.PullAsync)));
        Assert.Equal("plans", QueueOf(typeof(RunJobs), nameof(RunJobs.DailyPlanAsync)));
        Assert.Equal("scenarios", QueueOf(typeof(RunJobs), nameof(RunJobs.RunScenarioAsync)));

        static string? QueueOf(Type type, string method) =>
            type.GetMethod(method)!
                .GetCustomAttributes(typeof(QueueAttribute), false)
                .Cast<QueueAttribute>()
                .Single()
                .Queue;
    }

    /// <summary>The test classes that touch Hangfire's state inherit <see cref="HangfireTests"/>, and with it their
    /// place in the collection that runs them one at a time.</summary>
    [Fact]
    public void HangfireTests_RunInTheHangfireCollection() =>
        Assert.Equal(HangfireState.Name, TestContext.Current.TestCollection?.TestCollectionDisplayName);

    [Theory]
    [InlineData("Planner:Jobs:Roles", "web,cook")]
    [InlineData("Planner:Jobs:Queues", "pulls,urgent")]
    [InlineData("Planner:Jobs:TimeZone", "Mars/Olympus")]
    [InlineData("Planner:Jobs:LeaseSeconds", "1")]
    public void JobOptions_BadValues_StopStartUp_NamingTheKey(string key, string value)
    {
        Assert.Contains(key, TestOptions.StartupError((key, value)), StringComparison.Ordinal);
    }

    private static Microsoft.Extensions.Hosting.Internal.ApplicationLifetime Lifetime() =>
        new(NullLogger<Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>.Instance);

    /// <summary>Does something when the run reports a progress message that starts with a prefix.</summary>
    private sealed class StepLogger(string prefix, Action act) : Microsoft.Extensions.Logging.ILogger<RunExecutor>
    {
        /// <summary>Asks for the run's cancellation at that step, through the database as the API does.</summary>
        public static StepLogger Cancelling(TestNode settings, string requestId, string prefix) => new(prefix, () =>
            {
                using var db = settings.Planner.OpenAsync().GetAwaiter().GetResult();
                RunRequests.CancelAsync(db, requestId, DateTimeOffset.UtcNow).GetAwaiter().GetResult();
            });

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(
            Microsoft.Extensions.Logging.LogLevel logLevel,
            Microsoft.Extensions.Logging.EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter
        )
        {
            if (formatter(state, exception).Contains($": {prefix}", StringComparison.Ordinal))
                act();
        }
    }
}
