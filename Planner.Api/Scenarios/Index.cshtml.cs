using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Planner.Api.Access;
using Planner.Api.Localization;
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

    /// <summary>The overrides in a few words, in the current UI culture (the texts beside this class).</summary>
    public static string Describe(ScenarioOverrides o)
    {
        var text = Texts.For<IndexModel>();
        var parts = new List<string>();
        if (o.PlanStart is { } start)
            parts.Add(text["D.From", start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)]);
        parts.AddRange(
            o.ProductionMultipliers.Select(m =>
                text[
                    "D.Production",
                    m.Product ?? text["D.AllProducts"],
                    m.City ?? text["D.AllCities"],
                    F(m.Multiplier)
                ].Value
            )
        );
        parts.AddRange(
            o.DemandMultipliers.Select(m =>
                text[
                    "D.Demand",
                    m.Tier is { } t ? text["D.Tier", t] : text["D.AllTiers"],
                    m.County ?? text["D.AllCounties"],
                    F(m.Multiplier)
                ].Value
            )
        );
        if (o.HubeiQuota is { } q)
            parts.Add(text["D.Hubei", F(q)]);
        if (o.UnavailableTeams.Count > 0)
            parts.Add(text["D.Teams", o.UnavailableTeams.Count]);
        if (o.HorizonDays is { } d)
            parts.Add(text["D.Days", d]);
        if (o.Policy is { } p)
            parts.Add(text[$"D.Policy.{p}"] is { ResourceNotFound: false } policy ? policy : p);
        parts.AddRange(Forecast(o, text));
        if (o.StockoutTarget is { } target)
            parts.Add(text["D.StockoutTarget", target.ToString("0.##%", CultureInfo.InvariantCulture)]);
        if (o.RiskPaths is { } paths)
            parts.Add(text["D.RiskPaths", paths]);
        return parts.Count == 0 ? text["D.None"] : string.Join(text["D.Separator"], parts);
    }

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static IEnumerable<string> Forecast(ScenarioOverrides o, IStringLocalizer text)
    {
        if (o.HoldDrivers == true)
            yield return text["D.Held"];
        if (o.CensusGrowthPerWeek is { } g)
            yield return text["D.Census", g.ToString("+0.#%;-0.#%;0%", CultureInfo.InvariantCulture)];
        if (o.ProductionDelayDays is { } d)
            yield return text["D.Delay", d];
        if (o.ReturnToWorkShare is { } s)
            yield return text["D.ReturnToWork", s.ToString("0.#%", CultureInfo.InvariantCulture)];
        foreach (var h in o.RiskHolds)
            yield return text["D.RiskHold", h.City, h.Level];
    }
}
