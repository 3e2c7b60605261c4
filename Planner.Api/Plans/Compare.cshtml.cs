using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Planner.Api.Access;
using Planner.Api.Workbooks;

namespace Planner.Api.Plans;

/// <summary>Two runs side by side: demand, service and fill rate by tier with the differences, and a chart of fill by
/// tier.</summary>
[Authorize(Policy = AccessSetup.Planners)]
public sealed class CompareModel(Database planner) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? First { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Second { get; set; }

    public (
        string A,
        string ScenarioA,
        string B,
        string ScenarioB,
        IReadOnlyList<ComparisonWorkbook.TierComparison> Tiers
    )? Comparison { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (First is null || Second is null)
        {
            Error = "Choose two runs to compare on the scenarios page.";
            return Page();
        }
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        try
        {
            Comparison = await ComparisonWorkbook.ByTierAsync(db, First, Second);
        }
        catch (PlannerException e)
        {
            Error = e.Message;
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        return Page();
    }
}
