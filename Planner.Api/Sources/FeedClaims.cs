using Planner.Api.Localization;

namespace Planner.Api.Sources;

/// <summary>How long a pull's hold on its feed lasts without a heartbeat, and how often the holder renews it.</summary>
public sealed record PullLease(TimeSpan Lease, TimeSpan Heartbeat)
{
    /// <summary>The plan runs' defaults (<c>Planner:Jobs:LeaseSeconds</c>, <c>HeartbeatSeconds</c>).</summary>
    public static PullLease Default { get; } = new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10));
}

/// <summary>Another process is pulling the feed and its lease has not run out: try again after
/// <see cref="RetryAfter"/>.</summary>
public sealed class FeedBusyException(string feed, string holder, DateTimeOffset leaseEnds, DateTimeOffset now)
    : PlannerException(Messages.Get("FeedBusy", feed, holder, leaseEnds, leaseEnds.ToOffset(TimeSpan.FromHours(8))))
{
    /// <summary>When the holder's lease runs out if it stops renewing it (at least one second from now).</summary>
    public TimeSpan RetryAfter { get; } =
        leaseEnds - now > TimeSpan.FromSeconds(1) ? leaseEnds - now : TimeSpan.FromSeconds(1);
}

/// <summary>
/// One pull of a feed at a time across every process, as a lease in <c>feed_claims</c> (the plan runs' pattern): a
/// claim is taken when the feed is free or its holder's heartbeat is older than the lease, so a killed worker holds
/// its feed for one lease at most; the next claimant marks the dead pull's run abandoned. A per-feed claim, unlike
/// Hangfire's concurrency lock (one lock for the method, shared by every feed, held by a dead worker for its
/// timeout), lets the other feeds and the plan runs go on.
/// </summary>
public sealed class FeedClaim : IAsyncDisposable
{
    private const string ClaimSql = """
        INSERT INTO feed_claims (source, token, worker, claimed_at, heartbeat_at)
        VALUES (@source, @token, @worker, @now, @now)
        ON CONFLICT (source) DO UPDATE SET token = excluded.token, worker = excluded.worker, pull_run_id = NULL,
            claimed_at = excluded.claimed_at, heartbeat_at = excluded.heartbeat_at
        WHERE feed_claims.heartbeat_at < @stale
        """;

    private const string AbandonSql = """
        UPDATE pull_runs SET status = 'failed', finished_at = @now,
            error = 'abandoned: its worker stopped during the pull (' || @holder || '); nothing it read was kept'
        WHERE source = @source AND status = 'running'
        """;

    private readonly Database _planner;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeat;

    private FeedClaim(Database planner, TimeProvider clock, string source, string token, TimeSpan every)
    {
        (_planner, _clock, Source, Token) = (planner, clock, source, token);
        _heartbeat = HeartbeatAsync(every);
    }

    /// <summary>The feed's name as <c>pull_runs.source</c> has it.</summary>
    public string Source { get; }

    /// <summary>This hold's fencing token.</summary>
    public string Token { get; }

    /// <summary>
    /// Takes the feed for <paramref name="worker"/> and starts renewing the claim; throws
    /// <see cref="FeedBusyException"/> when a live holder has it. Pull runs left running by a holder whose lease ran
    /// out are marked failed.
    /// </summary>
    public static async Task<FeedClaim> TakeAsync(
        Database planner,
        DbConnection db,
        TimeProvider clock,
        string source,
        string worker,
        PullLease lease,
        CancellationToken ct
    )
    {
        var now = clock.GetUtcNow();
        var token = Guid.NewGuid().ToString("N");
        var previous = await HolderAsync(db, source);
        if (
            await db.ExecuteAsync(
                new CommandDefinition(
                    ClaimSql,
                    new
                    {
                        source,
                        token,
                        worker,
                        now,
                        stale = now - lease.Lease,
                    },
                    cancellationToken: ct
                )
            ) == 0
        )
        {
            var holder = await HolderAsync(db, source) ?? previous;
            throw new FeedBusyException(
                source,
                holder?.Worker ?? "another process",
                (holder?.HeartbeatAt ?? now) + lease.Lease,
                now
            );
        }
        // Only the holder of the claim ever has a pull of this feed running: any other is a dead holder's.
        await db.ExecuteAsync(
            AbandonSql,
            new
            {
                source,
                now,
                holder = previous?.Worker ?? "unknown",
            }
        );
        return new FeedClaim(planner, clock, source, token, lease.Heartbeat);
    }

    private static async Task<Holder?> HolderAsync(DbConnection db, string source) =>
        await db.QuerySingleOrDefaultAsync<Holder>(
            "SELECT worker AS Worker, heartbeat_at AS HeartbeatAt FROM feed_claims WHERE source = @source",
            new { source }
        );

    private sealed class Holder
    {
        public string Worker { get; set; } = "";
        public DateTimeOffset HeartbeatAt { get; set; }
    }

    /// <summary>
    /// Marks failed the pull runs still <c>running</c> whose feed no live process holds (their worker was killed and
    /// no pull of that feed has run since); returns how many. The recover job and a worker's start call it.
    /// </summary>
    public static Task<int> AbandonStaleAsync(DbConnection db, DateTimeOffset now, TimeSpan lease) =>
        db.ExecuteAsync(
            """
            UPDATE pull_runs SET status = 'failed', finished_at = @now,
                error = 'abandoned: its worker stopped during the pull; nothing it read was kept'
            WHERE status = 'running'
              AND NOT EXISTS (SELECT 1 FROM feed_claims c WHERE c.source = pull_runs.source
              AND c.heartbeat_at >= @stale)
            """,
            new { now, stale = now - lease }
        );

    /// <summary>
    /// Inside the pull's transaction, just before it commits: renews the claim and names the pull run, or throws when
    /// the claim was taken over (the holder stalled past its lease), so that the pull rolls back.
    /// </summary>
    public async Task FenceAsync(DbConnection db, DbTransaction tx, string pullRunId)
    {
        var held = await db.ExecuteAsync(
            "UPDATE feed_claims SET heartbeat_at = @now, pull_run_id = @pullRunId "
                + "WHERE source = @source AND token = @token",
            new
            {
                now = _clock.GetUtcNow(),
                pullRunId,
                source = Source,
                token = Token,
            },
            tx
        );
        if (held != 1)
        {
            throw new PlannerException(Messages.Get("LostClaim", Source));
        }
    }

    /// <summary>Renews the claim until disposed; a failed renewal is tried again at the next tick (the pull itself
    /// reports real failures).</summary>
    private async Task HeartbeatAsync(TimeSpan every)
    {
        using var timer = new PeriodicTimer(every, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await using var db = await _planner.OpenAsync(_stop.Token);
                    await db.ExecuteAsync(
                        "UPDATE feed_claims SET heartbeat_at = @now WHERE source = @source AND token = @token",
                        new
                        {
                            now = _clock.GetUtcNow(),
                            source = Source,
                            token = Token,
                        }
                    );
                }
                catch (Exception e) when (e is DbException or PlannerException)
                {
                    // SQLite: the pull's own transaction holds the write lock; PostgreSQL: the server may be away.
                    Database.ForgetBrokenConnections(e);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Stops renewing and gives the feed back (if the database is away, the lease runs out instead).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _heartbeat;
        _stop.Dispose();
        try
        {
            await using var db = await _planner.OpenAsync();
            await db.ExecuteAsync(
                "DELETE FROM feed_claims WHERE source = @source AND token = @token",
                new { source = Source, token = Token }
            );
        }
        catch (Exception e) when (e is DbException or PlannerException)
        {
            Database.ForgetBrokenConnections(e);
        }
    }
}
