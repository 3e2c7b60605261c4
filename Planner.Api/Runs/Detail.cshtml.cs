using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Planner.Api.Access;

namespace Planner.Api.Runs;

/// <summary>One run: its state and step while it runs (the page reloads itself every 2 s), then what it
/// published.</summary>
[Authorize(Policy = AccessSetup.PlansReaders)]
public sealed class DetailModel(Database planner, TimeProvider clock) : PageModel
{
    public RunRequestState? Run { get; private set; }

    public IReadOnlyList<string> Files { get; private set; } = [];

    public bool Running => Run?.Status is "queued" or "running";

    public async Task<IActionResult> OnGetAsync(string id)
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        Run = await RunRequests.GetAsync(db, id);
        if (Run is null)
            return NotFound();
        Files = (
            await db.QueryAsync<string>(
                "SELECT kind FROM published_workbooks WHERE run_id = @run ORDER BY kind",
                new { run = Run.RunId }
            )
        )
            .Where(User.MaySee)
            .ToList();
        return Page();
    }

    /// <summary>Planners only (the page itself is open to logistics officers too).</summary>
    public async Task<IActionResult> OnPostCancelAsync(string id)
    {
        if (!User.IsInRole(Roles.Planner))
            return Forbid();
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        return await RunRequests.CancelAsync(db, id, clock.GetUtcNow()) is null ? NotFound() : Redirect($"/runs/{id}");
    }
}
