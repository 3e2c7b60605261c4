using Dapper;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Planner.Api.Access;
using Planner.Api.Configuration;
using Planner.Api.Planning;

namespace Planner.Api.Pages;

/// <summary>The latest published plans with the files this user may download, and how fresh the feeds are.</summary>
public sealed class IndexModel(PlannerSettings settings, TimeProvider clock) : PageModel
{
    /// <summary>A published run and the files this user may download (kind, file name).</summary>
    public sealed record PlanLine(string RequestId, string RunId, string Scenario, DateTimeOffset? FinishedAt, IReadOnlyList<(string Kind, string FileName)> Files);

    private const string PlansSql = """
        SELECT r.id AS RequestId, r.run_id AS RunId, r.scenario_id AS Scenario, r.finished_at AS FinishedAt, w.kind AS Kind, w.file_name AS FileName
        FROM run_requests r JOIN published_workbooks w ON w.run_id = r.run_id
        WHERE r.id IN (SELECT id FROM run_requests WHERE status = 'succeeded' ORDER BY finished_at DESC, id DESC LIMIT 10)
        ORDER BY r.finished_at DESC, r.id DESC, w.kind
        """;

    public IReadOnlyList<PlanLine> Plans { get; private set; } = [];

    public IReadOnlyList<SourceAge> Sources { get; private set; } = [];

    public async Task OnGetAsync()
    {
        await using var db = await settings.Planner.OpenAsync(HttpContext.RequestAborted);
        Sources = await SourceFreshness.ReadAsync(db, settings.Freshness, clock.GetUtcNow());
        if (!User.IsInRole(Roles.Planner) && !User.IsInRole(Roles.Logistics)) return;
        var rows = await db.QueryAsync<(string RequestId, string RunId, string Scenario, DateTimeOffset? FinishedAt, string Kind, string FileName)>(PlansSql);
        Plans = rows.GroupBy(r => (r.RequestId, r.RunId, r.Scenario, r.FinishedAt))
            .Select(g => new PlanLine(g.Key.RequestId, g.Key.RunId, g.Key.Scenario, g.Key.FinishedAt,
                g.Where(f => User.MaySee(f.Kind)).Select(f => (f.Kind, f.FileName)).ToList()))
            .ToList();
    }
}
