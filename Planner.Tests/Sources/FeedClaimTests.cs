using Npgsql;
using Planner.Api;
using Planner.Api.Sources;

namespace Planner.Tests.Sources;

/// <summary>
/// One pull of a feed at a time, held as a lease in <c>feed_claims</c>: a live holder keeps the feed, a dead one
/// loses it after its lease and its pull run is marked abandoned, and a pull that lost its claim writes nothing.
/// </summary>
public class FeedClaimTests
{
    private static readonly PullLease Lease = new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10));
    private static readonly DateTimeOffset Now = new(2020, 2, 10, 6, 0, 0, TimeSpan.Zero);

    private static async Task<(TestNode Settings, FeedPuller Puller)> PreparedAsync(TestDatabase db)
    {
        var (settings, _) = await FeedPullerTests.SeededAsync(db);
        return (settings, new FeedPuller(settings.Planner, new FixedClock(Now), Lease, "this-worker"));
    }

    private static Task<int> HoldAsync(
        System.Data.Common.DbConnection connection,
        string source,
        string worker,
        DateTimeOffset heartbeat
    ) =>
        connection.ExecuteAsync(
            "INSERT INTO feed_claims (source, token, worker, claimed_at, heartbeat_at) VALUES (@source, 'theirs', "
                + "@worker, @heartbeat, @heartbeat)",
            new
            {
                source,
                worker,
                heartbeat,
            }
        );

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pull_OfAFeedALiveProcessHolds_IsRefusedAsBusy_WhileOtherFeedsArePulled(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (settings, puller) = await PreparedAsync(db);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        await HoldAsync(connection, "production", "other:42", Now.AddSeconds(-20));

        var busy = await Assert.ThrowsAsync<FeedBusyException>(() =>
            puller.PullAsync(settings.Source(Feed.Production), Ct)
        );
        var hospitals = await puller.PullAsync(settings.Source(Feed.Hospitals), Ct);

        Assert.Contains("being pulled by other:42", busy.Message, StringComparison.Ordinal);
        // Its lease runs out 60 s after its last heartbeat, 20 s ago.
        Assert.Equal(TimeSpan.FromSeconds(40), busy.RetryAfter);
        Assert.Equal(
            0,
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM pull_runs WHERE source = 'production'")
        );
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM production_reports"));
        Assert.Equal("succeeded", hospitals.Status);
        // The holder keeps its claim; the finished pull gave its own back.
        Assert.Equal(["production"], await connection.QueryAsync<string>("SELECT source FROM feed_claims"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pull_TakesOverAFeedWhoseHolderStoppedHeartbeating_AndMarksItsPullRunAbandoned(
        DatabaseProvider provider
    )
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (settings, puller) = await PreparedAsync(db);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        // A worker killed during its pull: its claim's last heartbeat is older than the lease, its pull run still
        // running.
        await HoldAsync(connection, "production", "dead:7", Now.AddSeconds(-61));
        await connection.ExecuteAsync(
            "INSERT INTO pull_runs (id, source, started_at, status) VALUES ('pull-production-dead', 'production', "
                + "@at, 'running')",
            new { at = Now.AddSeconds(-90) }
        );

        var run = await puller.PullAsync(settings.Source(Feed.Production), Ct);

        Assert.Equal("succeeded", run.Status);
        var dead = await connection.QuerySingleAsync<(string Status, string Error)>(
            "SELECT status, error FROM pull_runs WHERE id = 'pull-production-dead'"
        );
        Assert.Equal("failed", dead.Status);
        Assert.StartsWith(
            "abandoned: its worker stopped during the pull (dead:7)",
            dead.Error,
            StringComparison.Ordinal
        );
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM feed_claims"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AbandonStale_MarksFailedThePullRunsNoLiveProcessHolds(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (settings, _) = await PreparedAsync(db);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        await HoldAsync(connection, "hospitals", "alive:1", Now.AddSeconds(-5));
        await HoldAsync(connection, "teams", "dead:2", Now.AddMinutes(-5));
        foreach (var source in new[] { "production", "hospitals", "teams" })
        {
            await connection.ExecuteAsync(
                "INSERT INTO pull_runs (id, source, started_at, status) VALUES (@id, @source, @at, 'running')",
                new
                {
                    id = "pull-" + source,
                    source,
                    at = Now.AddMinutes(-6),
                }
            );
        }

        var marked = await FeedClaim.AbandonStaleAsync(connection, Now, Lease.Lease);

        Assert.Equal(2, marked);
        Assert.Equal(
            [("pull-hospitals", "running"), ("pull-production", "failed"), ("pull-teams", "failed")],
            await connection.QueryAsync<(string, string)>("SELECT id, status FROM pull_runs ORDER BY id")
        );
    }

    [Fact]
    public async Task Pull_ThatLosesItsClaimMidway_RollsBack_AndLeavesTheFeedTablesAsTheyWere()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (settings, _) = await PreparedAsync(db);
        var puller = new FeedPuller(settings.Planner, TimeProvider.System, Lease, "this-worker");
        var source = settings.Source(Feed.Production);
        await puller.PullAsync(source, Ct);
        await using var planner = (NpgsqlConnection)await settings.Planner.OpenAsync(Ct);
        await using var sourceDb = (NpgsqlConnection)await source.Database.OpenAsync(Ct);
        // Every report and stock count changes at the source, so the next pull rewrites both tables.
        await sourceDb.ExecuteAsync(
            "UPDATE daily_output SET quantity = quantity + 1, row_version = row_version + 1000000000"
        );
        await sourceDb.ExecuteAsync(
            "UPDATE stock_on_hand SET quantity = quantity + 1, row_version = row_version + 1000000000"
        );
        var before = await FeedTablesDigestAsync(planner);

        // The pull stops at the source's last table, with production_reports already merged in its transaction.
        await using var blocker = await sourceDb.BeginTransactionAsync(Ct);
        await sourceDb.ExecuteAsync("LOCK TABLE stock_on_hand IN ACCESS EXCLUSIVE MODE", transaction: blocker);
        var pull = puller.PullAsync(source, Ct);
        await WaitForQueryAsync(planner, "%FROM stock_on_hand%", pull);
        // Meanwhile another process takes the feed over (as if this pull had stalled past its lease).
        await planner.ExecuteAsync(
            "UPDATE feed_claims SET token = 'taken', worker = 'other:1' WHERE source = 'production'"
        );
        await blocker.RollbackAsync(Ct);

        var lost = await Assert.ThrowsAsync<PlannerException>(() => pull);

        Assert.Contains("lost its claim", lost.Message, StringComparison.Ordinal);
        Assert.Equal(before, await FeedTablesDigestAsync(planner));
        Assert.Equal(
            "failed",
            await planner.ExecuteScalarAsync<string>(
                "SELECT status FROM pull_runs ORDER BY started_at DESC, id DESC LIMIT 1"
            )
        );
        // The new holder's claim is left alone.
        Assert.Equal(
            "other:1",
            await planner.ExecuteScalarAsync<string>("SELECT worker FROM feed_claims WHERE source = 'production'")
        );
    }

    /// <summary>A digest of every row of the production feed's tables in the planner database.</summary>
    internal static Task<string> FeedTablesDigestAsync(System.Data.Common.DbConnection connection) =>
        connection.ExecuteScalarAsync<string>(
            """
            SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
                SELECT 'p' || supplier_code || product_code || report_date::text || output::text || pull_run_id AS t
                FROM production_reports
                UNION ALL SELECT 's' || supplier_code || product_code || as_of::text || quantity::text || pull_run_id
                FROM stock_reports
                UNION ALL SELECT 'e' || code || name || county_code || kind || pull_run_id FROM suppliers
                UNION ALL SELECT 'c' || supplier_code || product_code || daily_capacity::text
                FROM supplier_products) rows
            """
        )!;

    /// <summary>Waits until a session of the server is blocked on a lock running a query like
    /// <paramref name="pattern"/> (or the pull ended early).</summary>
    internal static async Task WaitForQueryAsync(NpgsqlConnection connection, string pattern, Task? pull = null)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (
            await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE @pattern AND "
                    + "pid <> pg_backend_pid()",
                new { pattern }
            ) == 0
        )
        {
            if (pull is { IsCompleted: true })
                await pull;
            Assert.True(DateTime.UtcNow < deadline, $"No session waited on a lock with a query like {pattern}.");
            await Task.Delay(20, Ct);
        }
    }
}
