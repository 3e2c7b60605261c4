using System.Text.Json;
using System.Text.Json.Serialization;
using Planner.Api.Localization;
using Planner.Api.Planning;

namespace Planner.Api.Runs;

/// <summary>A plan run as queued: what to plan, its state, and who holds it.</summary>
public sealed record RunRequestState(
    string Id,
    string Kind,
    string ScenarioId,
    string Status,
    int Attempts,
    string? Worker,
    DateTimeOffset? HeartbeatAt,
    bool CancelRequested,
    string? Step,
    string? RunId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    string? Error
)
{
    /// <summary><c>queue</c> (the web app, the API, a schedule, <c>enqueue</c>) or <c>cli</c> (the <c>plan</c> command
    /// in its own process).</summary>
    public string Origin { get; init; } = RunRequests.FromQueue;
}

/// <summary>A worker's hold on a request: the request, and the attempt number that fences its writes.</summary>
public sealed record RunClaim(string RequestId, int Attempt, string Worker, PlanRequest Request) : IRunFence
{
    /// <summary>Publishes only while the request still carries this attempt (see
    /// <see cref="RunRequests.FinishAsync"/>).</summary>
    public Task HoldAsync(DbConnection db, DbTransaction tx, string runId, DateTimeOffset now) =>
        RunRequests.FinishAsync(db, tx, this, runId, now);
}

/// <summary>
/// Plan runs queued as jobs. Hangfire delivers a job at least once; these rows make a run happen once in effect:
/// a worker claims the request (one holder at a time, taken over only when its heartbeat is older than the
/// lease), and publishes only while the request still carries its attempt number.
/// </summary>
public static class RunRequests
{
    /// <summary>The origin of a run queued for the workers.</summary>
    public const string FromQueue = "queue";

    /// <summary>The origin of a run made by the <c>plan</c> command in its own process.</summary>
    public const string FromCommandLine = "cli";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private const string InsertSql = """
        INSERT INTO run_requests (id, kind, scenario_id, request_json, request_key, status, created_at, origin)
        VALUES (@id, @kind, @scenario, @json, @key, 'queued', @at, @origin)
        """;

    private const string ClaimSql = """
        UPDATE run_requests SET status = 'running', attempts = attempts + 1, worker = @worker, heartbeat_at = @now,
            step = 'claimed'
        WHERE id = @id
          AND (status = 'queued' OR (status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < @stale)))
        """;

    private const string HeartbeatSql = """
        UPDATE run_requests SET heartbeat_at = @now, step = COALESCE(@step, step)
        WHERE id = @id AND attempts = @attempt AND status = 'running'
        """;

    private const string StateSql = """
        SELECT id AS Id, kind AS Kind, scenario_id AS ScenarioId, request_json AS RequestJson, status AS Status,
               attempts AS Attempts, worker AS Worker, heartbeat_at AS HeartbeatAt, cancel_requested AS CancelRequested,
               step AS Step, run_id AS RunId, created_at AS CreatedAt, finished_at AS FinishedAt, error AS Error,
               origin AS Origin
        FROM run_requests
        """;

    /// <summary>
    /// Queues a run. With a <paramref name="key"/> (the daily plan's date), a second request with the same key
    /// returns the first one's id instead of queueing a second run.
    /// </summary>
    public static async Task<string> CreateAsync(
        DbConnection db,
        string kind,
        PlanRequest request,
        string? key,
        DateTimeOffset now,
        string origin = FromQueue
    )
    {
        if (
            key is not null
            && await db.ExecuteScalarAsync<string?>("SELECT id FROM run_requests WHERE request_key = @key", new { key })
                is { } existing
        )
        {
            return existing;
        }
        if (
            await db.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM scenarios WHERE id = @id",
                new { id = request.Scenario }
            ) == 0
        )
        {
            throw new PlannerException(Messages.Get("NoScenario", request.Scenario));
        }
        var id = $"req-{now:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
        var stored = request with { OutputDirectory = null, ExportModelDirectory = null };
        try
        {
            await db.ExecuteAsync(
                InsertSql,
                new
                {
                    id,
                    kind,
                    scenario = request.Scenario,
                    json = JsonSerializer.Serialize(stored, Json),
                    key,
                    at = now,
                    origin,
                }
            );
        }
        catch (DbException) when (key is not null)
        {
            // Another node queued the same key between the check and the insert.
            return await db.ExecuteScalarAsync<string>(
                "SELECT id FROM run_requests WHERE request_key = @key",
                new { key }
            ) ?? throw new PlannerException(Messages.Get("CannotQueue", key));
        }
        return id;
    }

    /// <summary>The request, found by its own id or by the id of the plan run it published (the one printed in the
    /// workbooks), or null when there is none.</summary>
    public static async Task<RunRequestState?> GetAsync(DbConnection db, string id) =>
        (
            await db.QuerySingleOrDefaultAsync<RequestRow>($"{StateSql} WHERE id = @id OR run_id = @id", new { id })
        )?.State();

    /// <summary>The most recent requests, newest first.</summary>
    public static async Task<IReadOnlyList<RunRequestState>> RecentAsync(DbConnection db, int limit) =>
        (await db.QueryAsync<RequestRow>($"{StateSql} ORDER BY created_at DESC, id DESC LIMIT @limit", new { limit }))
            .Select(r => r.State())
            .ToList();

    /// <summary>
    /// Requests a worker should (re)start: queued for longer than the lease (a job just queued is not stranded), or
    /// running without a heartbeat for longer than the lease.
    /// </summary>
    public static async Task<IReadOnlyList<(string Id, string Kind)>> StrandedAsync(
        DbConnection db,
        DateTimeOffset now,
        TimeSpan lease
    ) =>
        (
            await db.QueryAsync<(string, string)>(
                "SELECT id, kind FROM run_requests WHERE (status = 'queued' AND created_at < @stale) "
                    + "OR (status = 'running' AND heartbeat_at < @stale) ORDER BY created_at, id",
                new { stale = now - lease }
            )
        ).ToList();

    /// <summary>
    /// Takes the request for this worker: null when it is finished (succeeded, failed or cancelled: nothing to do)
    /// or, with <paramref name="busy"/> set, when another worker holds it and is alive.
    /// </summary>
    public static async Task<(RunClaim? Claim, bool Busy)> ClaimAsync(
        DbConnection db,
        string id,
        string worker,
        DateTimeOffset now,
        TimeSpan lease
    )
    {
        await using var tx = await db.BeginTransactionAsync();
        var claimed = await db.ExecuteAsync(
            ClaimSql,
            new
            {
                id,
                worker,
                now,
                stale = now - lease,
            },
            tx
        );
        var row = await db.QuerySingleOrDefaultAsync<RequestRow>($"{StateSql} WHERE id = @id", new { id }, tx)
            ?? throw new PlannerException(Messages.Get("NoQueuedRun", id));
        if (claimed == 0)
        {
            await tx.RollbackAsync();
            return (null, row.Status == "running");
        }
        // An earlier attempt that died leaves its plan run 'running': it never published, and never will.
        await db.ExecuteAsync(
            """
            UPDATE plan_runs SET status = 'failed', finished_at = @now,
            error = 'abandoned: its worker stopped; the run was taken over'
            WHERE request_id = @id AND status = 'running'
            """,
            new { id, now },
            tx
        );
        await tx.CommitAsync();
        var request = JsonSerializer.Deserialize<PlanRequest>(row.RequestJson, Json)
            ?? throw new PlannerException(Messages.Get("RunHasNoRequest", id));
        return (new RunClaim(id, (int)row.Attempts, worker, request), false);
    }

    /// <summary>Records that the holder is alive (and its step); false when the request is no longer its own or a
    /// cancellation is asked for.</summary>
    public static async Task<bool> HeartbeatAsync(Database planner, RunClaim claim, DateTimeOffset now, string? step)
    {
        await using var db = await planner.OpenAsync();
        var held =
            await db.ExecuteAsync(
                HeartbeatSql,
                new
                {
                    id = claim.RequestId,
                    attempt = claim.Attempt,
                    now,
                    step,
                }
            ) == 1;
        return held
            && await db.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM run_requests WHERE id = @id AND cancel_requested",
                new { id = claim.RequestId }
            ) == 0;
    }

    /// <summary>
    /// Inside the run's publishing transaction: marks the request succeeded, but only if the claim still holds.
    /// If it does not (taken over, cancelled), the caller rolls back and nothing is published twice.
    /// </summary>
    public static async Task FinishAsync(
        DbConnection db,
        DbTransaction tx,
        RunClaim claim,
        string runId,
        DateTimeOffset now
    )
    {
        var done = await db.ExecuteAsync(
            """
            UPDATE run_requests SET status = 'succeeded', run_id = @runId, finished_at = @now, step = 'published',
            error = NULL
            WHERE id = @id AND attempts = @attempt AND status = 'running' AND NOT cancel_requested
            """,
            new
            {
                id = claim.RequestId,
                attempt = claim.Attempt,
                runId,
                now,
            },
            tx
        );
        if (done != 1)
        {
            if (
                await db.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM run_requests WHERE id = @id AND cancel_requested",
                    new { id = claim.RequestId },
                    tx
                ) == 1
            )
            {
                throw new OperationCanceledException($"Run {claim.RequestId} was cancelled; nothing was published.");
            }
            throw new PlannerException(Messages.Get("NoLongerHolds", claim.RequestId, claim.Attempt));
        }
    }

    /// <summary>Ends the holder's attempt as failed or cancelled.</summary>
    public static async Task EndAsync(Database planner, RunClaim claim, string status, string error, DateTimeOffset now)
    {
        await using var db = await planner.OpenAsync();
        await db.ExecuteAsync(
            """
            UPDATE run_requests SET status = @status, error = @error, finished_at = @now WHERE id = @id
            AND attempts = @attempt AND status = 'running'
            """,
            new
            {
                id = claim.RequestId,
                attempt = claim.Attempt,
                status,
                error,
                now,
            }
        );
    }

    /// <summary>Gives the request back to the queue (the worker is shutting down or hit a transient error).</summary>
    public static async Task ReleaseAsync(Database planner, RunClaim claim)
    {
        await using var db = await planner.OpenAsync();
        await db.ExecuteAsync(
            "UPDATE run_requests SET status = 'queued', heartbeat_at = NULL "
                + "WHERE id = @id AND attempts = @attempt AND status = 'running'",
            new { id = claim.RequestId, attempt = claim.Attempt }
        );
    }

    /// <summary>
    /// Cancels a request: a queued one at once; a running one at its holder's next heartbeat (it stops between
    /// steps or LP stages and publishes nothing). Returns the state after the call, or null when there is no such
    /// request.
    /// </summary>
    public static async Task<RunRequestState?> CancelAsync(DbConnection db, string id, DateTimeOffset now)
    {
        await db.ExecuteAsync(
            "UPDATE run_requests SET status = 'cancelled', finished_at = @now, "
                + "error = 'cancelled before it started' WHERE id = @id AND status = 'queued'",
            new { id, now }
        );
        await db.ExecuteAsync(
            "UPDATE run_requests SET cancel_requested = @yes WHERE id = @id AND status = 'running'",
            new { id, yes = true }
        );
        return await GetAsync(db, id);
    }

    private sealed class RequestRow
    {
        public string Id { get; set; } = "";
        public string Kind { get; set; } = "";
        public string ScenarioId { get; set; } = "";
        public string RequestJson { get; set; } = "";
        public string Status { get; set; } = "";
        public long Attempts { get; set; }
        public string? Worker { get; set; }
        public DateTimeOffset? HeartbeatAt { get; set; }
        public bool CancelRequested { get; set; }
        public string? Step { get; set; }
        public string? RunId { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? FinishedAt { get; set; }
        public string? Error { get; set; }
        public string Origin { get; set; } = FromQueue;

        public RunRequestState State() =>
            new(
                Id,
                Kind,
                ScenarioId,
                Status,
                (int)Attempts,
                Worker,
                HeartbeatAt,
                CancelRequested,
                Step,
                RunId,
                CreatedAt,
                FinishedAt,
                Error
            )
            {
                Origin = Origin,
            };
    }
}
