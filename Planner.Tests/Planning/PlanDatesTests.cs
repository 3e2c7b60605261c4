using Hangfire;
using Hangfire.InMemory;
using Microsoft.Extensions.Logging.Abstractions;
using Planner.Api;
using Planner.Api.Sources;
using Planner.Tests.Jobs;

namespace Planner.Tests.Planning;

/// <summary>Which days a plan is about: as of a day, from the next; as of the latest data by default; the daily plan
/// following a (replayed) clock.</summary>
public class PlanDatesTests : HangfireTests
{
    [Fact]
    public async Task Start_IsTheDayAfterTheAsOfDate_ElseAfterTheLatestDayBothDailyFeedsReported()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = await TestPlanner.PulledAsync(db);
        await using var connection = await node.Planner.OpenAsync(Ct);
        // The sample replays 23 January to 10 March: both daily feeds report to 10 March.
        Assert.Equal(new DateOnly(2020, 3, 11), await StartAsync(connection, new PlanRequest()));
        Assert.Equal(new DateOnly(2020, 2, 17), await StartAsync(connection, new() { AsOf = new(2020, 2, 16) }));
        Assert.Equal(new DateOnly(2020, 2, 20), await StartAsync(connection, new(PlanStart: new(2020, 2, 20))));
        Assert.Equal(
            new DateOnly(2020, 2, 20),
            await StartAsync(connection, new(PlanStart: new(2020, 2, 20)) { AsOf = new(2020, 2, 19) })
        );

        // Production reported only to 20 February: that is the latest day both are known for.
        await connection.ExecuteAsync(
            "DELETE FROM production_reports WHERE report_date > @last",
            new { last = new DateOnly(2020, 2, 20) }
        );
        Assert.Equal(new DateOnly(2020, 2, 21), await StartAsync(connection, new PlanRequest()));
        // A configured day stands in for a request that names none (PlanningOptions.AsOf).
        var fixedDay = new PlanningOptions { AsOf = "2020-02-09" };
        Assert.Equal(new DateOnly(2020, 2, 9), fixedDay.Dated(new PlanRequest()).AsOf);
        Assert.Equal(new DateOnly(2020, 2, 16), fixedDay.Dated(new() { AsOf = new(2020, 2, 16) }).AsOf);
        Assert.Null(fixedDay.Dated(new(PlanStart: new(2020, 2, 20))).AsOf);
    }

    [Fact]
    public async Task AsOfBeforeTheFirstReport_OrDisagreeingWithTheStart_IsAOneLineError()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = await TestPlanner.PulledAsync(db);
        await using var connection = await node.Planner.OpenAsync(Ct);

        var early = await Assert.ThrowsAsync<PlannerException>(() =>
            StartAsync(connection, new() { AsOf = new(2020, 1, 1) })
        );
        var both = await Assert.ThrowsAsync<PlannerException>(() =>
            StartAsync(connection, new(PlanStart: new(2020, 2, 20)) { AsOf = new(2020, 2, 16) })
        );

        Assert.Equal(
            "As-of date 2020-01-01 is before the first hospital capacity report (2020-01-23): nothing is known on "
                + "it yet.",
            early.Message
        );
        Assert.StartsWith(
            "Plan start 2020-02-20 and as-of date 2020-02-16 disagree",
            both.Message,
            StringComparison.Ordinal
        );
        Assert.DoesNotContain('\n', early.Message + both.Message);
    }

    [Fact]
    public async Task DataAboutDaysLongBeforeTheAsOfDay_RefuseThePlan_OrWarn_NamingTheDates()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = await TestPlanner.PulledAsync(db);
        await using var connection = await node.Planner.OpenAsync(Ct);
        var refuse = new FreshnessOptions();
        var warn = new FreshnessOptions { Mode = "warn", MaxDataAgeDays = { ["production"] = 30, ["situation"] = 30 } };

        // The replay reports to 10 March: as of 12 March the daily feeds are 2 days behind, within the limit.
        Assert.Empty(await PlanDates.GateAsync(connection, new(2020, 3, 12), refuse));
        var refused = await Assert.ThrowsAsync<PlannerException>(() =>
            PlanDates.GateAsync(connection, new(2020, 3, 20), refuse)
        );
        var warned = await PlanDates.GateAsync(connection, new(2020, 3, 20), warn);
        var none = await PlanDates.GateAsync(connection, new(2020, 1, 1), warn);

        Assert.Equal(
            "Data too old for a plan as of 2020-03-20: hospital capacity reports end on 2020-03-10, 10 days before "
                + "2020-03-20 (limit 2); production reports end on 2020-03-10, 10 days before 2020-03-20 (limit 2); "
                + "case bulletins end on 2020-03-10, 10 days before 2020-03-20 (limit 2). "
                + "Plan as of an earlier day, or raise Planner:Freshness:MaxDataAgeDays (Planner:Freshness:Mode=warn "
                + "publishes with a warning).",
            refused.Message
        );
        Assert.Equal(
            ["stale data: hospital capacity reports end on 2020-03-10, 10 days before 2020-03-20 (limit 2)"],
            warned
        );
        Assert.Equal(
            [
                "stale data: no hospital capacity reports on or before 2020-01-01",
                "stale data: no production reports on or before 2020-01-01",
                "stale data: no case bulletins on or before 2020-01-01",
            ],
            none
        );
    }

    [Fact]
    public async Task DailyPlan_FollowingTheClock_PlansAsOfTheClocksDay_FromTheNext()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = ClockNode(db);
        // 04:00 UTC on 12 February is noon in Shanghai: the clock's day is 12 February.
        var clock = new FixedClock(new DateTimeOffset(2020, 2, 12, 4, 0, 0, TimeSpan.Zero));
        await node.At(clock).PrepareAsync(Ct);
        await node.SeedSourcesAsync(Ct);
        HangfireState.ResetLogging();
        using var storage = new InMemoryStorage();
        var jobs = node.At(clock).RunJobs(new BackgroundJobClient(storage), Lifetime());

        await jobs.DailyPlanAsync(Ct);

        await using var connection = await node.Planner.OpenAsync(Ct);
        var run = await connection.QuerySingleAsync<(string Key, DateOnly Start)>(
            "SELECT q.request_key, r.plan_start FROM run_requests q JOIN plan_runs r ON r.id = q.run_id"
        );
        Assert.Equal(("daily-2020-02-12", new DateOnly(2020, 2, 13)), run);
    }

    [Fact]
    public void ReplayClock_StartsAtItsMoment_AndRunsAsManyTimesFaster()
    {
        var real = new SteppedClock(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        var from = new DateTimeOffset(2020, 2, 10, 6, 0, 0, TimeSpan.FromHours(8));
        // A replayed day every 10 real minutes.
        var replay = new ReplayClock(from, 144, real);

        var start = replay.GetUtcNow();
        real.Now += TimeSpan.FromMinutes(10);

        Assert.Equal(from, start);
        Assert.Equal(from.AddDays(1), replay.GetUtcNow());
    }

    [Theory]
    [InlineData("Planner:Planning:AsOf", "yesterday")]
    [InlineData("Planner:Planning:ReplayDayMinutes", "0")]
    [InlineData("Planner:Freshness:MaxDataAgeDays:hospitals", "-1")]
    public void PlanningOptions_BadValues_StopStartUp_NamingTheKey(string key, string value) =>
        Assert.Contains(key, TestOptions.StartupError((key, value)), StringComparison.Ordinal);

    private static Task<DateOnly> StartAsync(System.Data.Common.DbConnection db, PlanRequest request) =>
        PlanDates.StartAsync(db, request, new Dictionary<string, string> { ["plan_start"] = "2020-02-10" });

    /// <summary>A node whose daily plan follows the clock (the tests' default is a fixed day).</summary>
    internal static TestNode ClockNode(TestDatabase db) =>
        TestPlanner.Node(
            db,
            ("Planner:Planning:AsOf", "clock"),
            ("Planner:Teams:TimeLimitSeconds", "2"),
            ("Planner:Solver:StageTimeLimitSeconds", "30")
        );

    internal static Microsoft.Extensions.Hosting.Internal.ApplicationLifetime Lifetime() =>
        new(NullLogger<Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>.Instance);

    internal sealed class SteppedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
