using System.Security.Claims;
using Planner.Api.Access;

namespace Planner.Api.Plans;

/// <summary>A published plan: its request and plan run, scenario, when it finished, and the files the caller may
/// download.</summary>
public sealed record PublishedPlan(
    string RequestId,
    string RunId,
    string Scenario,
    DateOnly PlanStart,
    int HorizonDays,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<string> Files
)
{
    /// <summary>Made by the <c>plan</c> command rather than by a worker from the queue.</summary>
    public bool FromCommandLine { get; init; }
}

/// <summary>The latest published plans as a user may see them (a city officer: their city's workbook only).</summary>
public static class PublishedPlans
{
    private const string PlansSql = """
        SELECT DISTINCT q.id AS RequestId, q.run_id AS RunId, r.scenario_id AS Scenario, r.plan_start AS PlanStart,
        r.horizon_days AS HorizonDays,
               q.finished_at AS FinishedAt, w.kind AS Kind, q.origin AS Origin
        FROM run_requests q JOIN plan_runs r ON r.id = q.run_id JOIN published_workbooks w ON w.run_id = q.run_id
        WHERE q.id IN (SELECT id FROM run_requests WHERE status = 'succeeded' AND (@id IS NULL OR id = @id)
        AND (@kind IS NULL OR kind = @kind) ORDER BY finished_at DESC, id DESC LIMIT @limit)
        ORDER BY q.finished_at DESC, q.id DESC, w.kind
        """;

    /// <summary>The kind of run of daily (baseline) plans, the plans to dispatch from once approved.</summary>
    public const string Daily = "daily";

    /// <summary>The kind of run of what-if scenarios: never a plan to dispatch from unless a planner approves
    /// one.</summary>
    public const string WhatIf = "scenario";

    /// <summary>The latest <paramref name="limit"/> published plans (one, by its request id; of one kind of run,
    /// <see cref="Daily"/> or <see cref="WhatIf"/>), newest first.</summary>
    public static async Task<IReadOnlyList<PublishedPlan>> LatestAsync(
        DbConnection db,
        ClaimsPrincipal user,
        int limit,
        string? requestId = null,
        string? kind = null
    )
    {
        var rows = await db.QueryAsync<Row>(
            PlansSql,
            new
            {
                id = requestId,
                limit,
                kind,
            }
        );
        return rows.GroupBy(r => (r.RequestId, r.RunId, r.Scenario, r.PlanStart, r.HorizonDays, r.FinishedAt, r.Origin))
            .Select(g => new PublishedPlan(
                g.Key.RequestId,
                g.Key.RunId,
                g.Key.Scenario,
                g.Key.PlanStart,
                (int)g.Key.HorizonDays,
                g.Key.FinishedAt,
                g.Select(f => f.Kind).Distinct().Where(user.MaySee).ToList()
            )
            {
                FromCommandLine = g.Key.Origin == Planner.Api.Runs.RunRequests.FromCommandLine,
            })
            .ToList();
    }

    private sealed class Row
    {
        public string RequestId { get; set; } = "";
        public string RunId { get; set; } = "";
        public string Scenario { get; set; } = "";
        public DateOnly PlanStart { get; set; }
        public long HorizonDays { get; set; }
        public DateTimeOffset? FinishedAt { get; set; }
        public string Kind { get; set; } = "";
        public string Origin { get; set; } = "";
    }
}
