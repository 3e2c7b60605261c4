using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Planner.Api.Access;
using Planner.Api.Planning;
using Planner.Api.Runs;

namespace Planner.Api.Scenarios;

/// <summary>The planner's scenarios, their recent runs, and a choice of two runs to compare.</summary>
[Authorize(Policy = AccessSetup.Planners)]
public sealed class IndexModel(Database planner) : PageModel
{
    public IReadOnlyList<Scenario> Scenarios { get; private set; } = [];

    public IReadOnlyList<RunRequestState> Runs { get; private set; } = [];

    public async Task OnGetAsync()
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        Scenarios = await ScenarioStore.ListAsync(db);
        Runs = await RunRequests.RecentAsync(db, 20);
    }

    /// <summary>The overrides in a few words.</summary>
    public static string Describe(ScenarioOverrides o)
    {
        var parts = new List<string>();
        parts.AddRange(
            o.ProductionMultipliers.Select(m =>
                $"production {m.Product ?? "all products"} in {m.City ?? "all cities"} ×{m.Multiplier:0.##}"
            )
        );
        parts.AddRange(
            o.DemandMultipliers.Select(m =>
                $"demand {(m.Tier is { } t ? $"tier {t}" : "all tiers")} in {m.County ?? "all counties"} "
                + $"×{m.Multiplier:0.##}"
            )
        );
        if (o.HubeiQuota is { } q)
            parts.Add($"Hubei quota ×{q:0.##}");
        if (o.UnavailableTeams.Count > 0)
            parts.Add($"{o.UnavailableTeams.Count} team(s) unavailable");
        if (o.HorizonDays is { } d)
            parts.Add($"{d} days");
        if (o.Policy is { } p)
            parts.Add(p);
        parts.AddRange(Forecast(o));
        return parts.Count == 0 ? "no overrides" : string.Join("; ", parts);
    }

    private static IEnumerable<string> Forecast(ScenarioOverrides o)
    {
        if (o.HoldDrivers == true)
            yield return "drivers held at their last report";
        if (o.CensusGrowthPerWeek is { } g)
            yield return $"census {g:+0.#%;-0.#%} a week";
        if (o.ProductionDelayDays is { } d)
            yield return $"production ramp {d} days late";
        if (o.ReturnToWorkShare is { } s)
            yield return $"return to work {s:0.#%}";
        foreach (var h in o.RiskHolds)
            yield return $"{h.City} held at risk colour {h.Level}";
    }
}
