using System.Security.Claims;
using Microsoft.Extensions.Localization;
using Planner.Api.Localization;

namespace Planner.Api.Approvals;

/// <summary>A planner's approval (签发) of a run as the dispatch plan: the run (its request and plan run, scenario,
/// first day), who approved it and when (UTC; pages show Beijing time).</summary>
public sealed record Approval(
    long Number,
    string RequestId,
    string RunId,
    string Scenario,
    DateOnly PlanStart,
    string ApprovedBy,
    string ApprovedByName,
    DateTimeOffset ApprovedAt
)
{
    /// <summary>The plan in force: no approval came after this one.</summary>
    public bool InForce { get; init; }
}

/// <summary>
/// Approvals (签发) of runs as the dispatch plan. Each one is kept; the latest is in force and supersedes the ones
/// before it, so that logistics officers ship from one plan and can see which plan was in force when.
/// </summary>
public static class PlanApprovals
{
    /// <summary>The approvals' messages (<c>PlanApprovals.zh-CN.resx</c>, <c>PlanApprovals.en.resx</c>).</summary>
    public static IStringLocalizer Text => Texts.For(typeof(PlanApprovals));

    private const string ApprovalsSql = """
        SELECT a.number AS Number, a.request_id AS RequestId, a.run_id AS RunId, r.scenario_id AS Scenario,
               r.plan_start AS PlanStart, a.approved_by AS ApprovedBy, a.approved_by_name AS ApprovedByName,
               a.approved_at AS ApprovedAt
        FROM plan_approvals a JOIN plan_runs r ON r.id = a.run_id
        """;

    /// <summary>
    /// Approves a finished run (by its request or plan run id) as <paramref name="user"/> at <paramref name="now"/>,
    /// superseding the approval in force. Null when there is no such run; a run that has not succeeded (nothing
    /// published to ship from) is refused.
    /// </summary>
    public static async Task<Approval?> ApproveAsync(
        DbConnection db,
        string id,
        ClaimsPrincipal user,
        DateTimeOffset now
    )
    {
        var run = await db.QuerySingleOrDefaultAsync<(string RequestId, string Status, string? RunId)>(
            "SELECT id, status, run_id FROM run_requests WHERE id = @id OR run_id = @id",
            new { id }
        );
        if (run.RequestId is null)
            return null;
        if (run is not { Status: "succeeded", RunId: { } runId })
            throw new PlannerException(Text.Get("NotFinished", run.RequestId));
        var name = user.Identity?.Name ?? throw new InvalidOperationException("An approval needs a signed-in user.");
        // The next number in the same statement: SQLite runs one writer at a time; on PostgreSQL two planners
        // approving at the very same moment would collide on the key, and the second would be told to try again.
        await db.ExecuteAsync(
            """
            INSERT INTO plan_approvals (number, request_id, run_id, approved_by, approved_by_name, approved_at)
            SELECT COALESCE(MAX(number), 0) + 1, @request, @runId, @name, @display, @now FROM plan_approvals
            """,
            new
            {
                request = run.RequestId,
                runId,
                name,
                display = user.FindFirstValue(ClaimTypes.GivenName) ?? name,
                now,
            }
        );
        return await CurrentAsync(db);
    }

    /// <summary>The approval in force (the latest), or null when no run has been approved.</summary>
    public static async Task<Approval?> CurrentAsync(DbConnection db) => (await HistoryAsync(db, 1)).SingleOrDefault();

    /// <summary>The latest approvals, newest (the one in force) first.</summary>
    public static async Task<IReadOnlyList<Approval>> HistoryAsync(DbConnection db, int limit) =>
        (await db.QueryAsync<Row>($"{ApprovalsSql} ORDER BY a.number DESC LIMIT @limit", new { limit }))
            .Select((a, i) => a.Approval() with { InForce = i == 0 })
            .ToList();

    /// <summary>The latest approval of one run (by its request id), in force or superseded; null if it was never
    /// approved.</summary>
    public static async Task<Approval?> OfRunAsync(DbConnection db, string requestId)
    {
        var latest = await db.QueryFirstOrDefaultAsync<Row>(
            $"{ApprovalsSql} WHERE a.request_id = @requestId ORDER BY a.number DESC",
            new { requestId }
        );
        var current = await CurrentAsync(db);
        return latest is null ? null : latest.Approval() with { InForce = latest.Number == current?.Number };
    }

    private sealed class Row
    {
        public long Number { get; set; }
        public string RequestId { get; set; } = "";
        public string RunId { get; set; } = "";
        public string Scenario { get; set; } = "";
        public DateOnly PlanStart { get; set; }
        public string ApprovedBy { get; set; } = "";
        public string ApprovedByName { get; set; } = "";
        public DateTimeOffset ApprovedAt { get; set; }

        public Approval Approval() =>
            new(Number, RequestId, RunId, Scenario, PlanStart, ApprovedBy, ApprovedByName, ApprovedAt);
    }
}
