using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Planner.Api.Access;
using Planner.Api.Approvals;
using Planner.Api.Maps;

namespace Planner.Api.Runs;

/// <summary>One run: its state and step while it runs (the page reloads itself every 2 s), then what it
/// published.</summary>
[Authorize(Policy = AccessSetup.PlansReaders)]
public sealed class DetailModel(Database planner, TimeProvider clock, SituationMap map) : PageModel
{
    /// <summary>The plan's headline figures once it is published (a city officer's: their city's).</summary>
    public Headline? Figures { get; private set; }

    /// <summary>The run's risk of running out (null: not measured for this run, or not finished).</summary>
    public RiskSummary? Risk { get; private set; }

    /// <summary>The plan's county map once it is published.</summary>
    public MapPanel? Map { get; private set; }

    public RunRequestState? Run { get; private set; }

    /// <summary>This run's latest approval as the dispatch plan (in force or superseded), or null.</summary>
    public Approval? Approval { get; private set; }

    /// <summary>The approval in force, when it is another run's.</summary>
    public Approval? Current { get; private set; }

    public IReadOnlyList<PublishedFile> Files { get; private set; } = [];

    /// <summary>A file the run published, with what it is: its kind (province, city-CODE, summary), the city's names
    /// for a city's, the plan's first day and days, and its size.</summary>
    public sealed class PublishedFile
    {
        public string Kind { get; set; } = "";
        public string? Language { get; set; }
        public string? Name { get; set; }
        public string? NameEn { get; set; }
        public DateOnly PlanStart { get; set; }
        public int HorizonDays { get; set; }
        public long Bytes { get; set; }
    }

    public bool Running => Run?.Status is "queued" or "running";

    public async Task<IActionResult> OnGetAsync(string id, string? measure, int? tier, string? product)
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        Run = await RunRequests.GetAsync(db, id);
        if (Run is null)
            return NotFound();
        Approval = await PlanApprovals.OfRunAsync(db, Run.Id);
        Current = Approval is { InForce: true } ? Approval : await PlanApprovals.CurrentAsync(db);
        // One file of each kind, in the page's language where the run has it (runs before issue 20: English only).
        Files = (await db.QueryAsync<PublishedFile>(FilesSql, new { run = Run.RunId }))
            .Where(f => User.MaySee(f.Kind))
            .GroupBy(f => f.Kind)
            .Select(g => g.FirstOrDefault(f => f.Language == CultureInfo.CurrentUICulture.Name) ?? g.First())
            .ToList();
        if (Run.Status == "succeeded" && Run.RunId is { } runId && Files.Count > 0)
        {
            Figures = await Headline.ReadAsync(db, runId, User.City());
            Risk = await RiskSummary.ReadAsync(db, runId, User.City());
            var products = (
                await db.QueryAsync<(string Code, string Name, string NameEn)>(MapPanel.ProductsSql)
            ).ToList();
            var choice = MapPanel.Choose(measure, tier, product, products.Select(p => p.Code).ToList());
            var start = Files[0].PlanStart;
            var drawn = await map.DrawAsync(db, Run.Id, runId, start.AddDays(-1), User.City(), choice);
            Map = new MapPanel(drawn, choice, products, runId, start);
        }
        return Page();
    }

    private const string FilesSql = """
        SELECT w.kind AS Kind, w.language AS Language, r.name AS Name, r.name_en AS NameEn, p.plan_start AS PlanStart,
               p.horizon_days AS HorizonDays, w.bytes AS Bytes
        FROM published_workbooks w
        JOIN plan_runs p ON p.id = w.run_id
        LEFT JOIN regions r ON w.kind = 'city-' || r.code
        WHERE w.run_id = @run
        ORDER BY w.kind
        """;

    /// <summary>Planners only (the page itself is open to logistics officers too).</summary>
    public async Task<IActionResult> OnPostCancelAsync(string id)
    {
        if (!User.IsInRole(Roles.Planner))
            return Forbid();
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        return await RunRequests.CancelAsync(db, id, clock.GetUtcNow()) is null ? NotFound() : Redirect($"/runs/{id}");
    }

    /// <summary>Approves (签发) this run as the dispatch plan: planners only.</summary>
    public async Task<IActionResult> OnPostApproveAsync(string id)
    {
        if (!User.IsInRole(Roles.Planner))
            return Forbid();
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        try
        {
            return await PlanApprovals.ApproveAsync(db, id, User, clock.GetUtcNow()) is null
                ? NotFound()
                : Redirect($"/runs/{id}");
        }
        catch (PlannerException)
        {
            // Only a finished run shows the button: a run that is not is a stale page.
            return StatusCode(StatusCodes.Status409Conflict);
        }
    }
}
