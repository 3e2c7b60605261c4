using Microsoft.AspNetCore.Mvc.RazorPages;
using Planner.Api.Access;
using Planner.Api.Planning;
using Planner.Api.Sources;

namespace Planner.Api.Plans;

/// <summary>The latest published plans with the files this user may download, and how fresh the feeds are.</summary>
public sealed class IndexModel(Database planner, IOptions<FreshnessOptions> freshness, TimeProvider clock) : PageModel
{
    public IReadOnlyList<PublishedPlan> Plans { get; private set; } = [];

    public IReadOnlyList<SourceAge> Sources { get; private set; } = [];

    public async Task OnGetAsync()
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        Sources = await SourceFreshness.ReadAsync(db, freshness.Value, clock.GetUtcNow());
        if (!User.IsInRole(Roles.Planner) && !User.IsInRole(Roles.Logistics))
            return;
        Plans = await PublishedPlans.LatestAsync(db, User, 10);
    }
}
