using System.Xml.Linq;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Planner.Api.Access;
using Planner.Api.Approvals;
using Planner.Api.Maps;
using Planner.Api.Planning;
using Planner.Api.Sources;

namespace Planner.Api.Plans;

/// <summary>
/// The home page. Logistics officers and planners: the plan to dispatch from first (the approved one, or while none
/// is approved the latest baseline plan, marked as not approved), then the other baseline plans, and what-if runs
/// apart under their own heading; the dispatch plan's map; how fresh the feeds are. Hospital administrators: their
/// hospitals' reports.
/// </summary>
public sealed class IndexModel(
    Database planner,
    IOptions<FreshnessOptions> freshness,
    TimeProvider clock,
    SituationMap map
) : PageModel
{
    /// <summary>The latest plan's county map (<c>?measure=fill|shortfall|risk|trend&amp;tier=N&amp;product=CODE</c>),
    /// or null when there is no plan.</summary>
    public MapPanel? Map { get; private set; }

    /// <summary>The cities' names by code, for naming their workbooks.</summary>
    public IReadOnlyDictionary<string, (string Name, string? NameEn)> Cities { get; private set; } =
        new Dictionary<string, (string, string?)>();

    /// <summary>The approval in force, or null when no plan has been approved.</summary>
    public Approval? Approval { get; private set; }

    /// <summary>The plan to dispatch from: the approved one, or while none is approved the latest baseline plan (not
    /// approved); null when there is neither.</summary>
    public PublishedPlan? Dispatch { get; private set; }

    /// <summary>The other latest baseline plans, newest first.</summary>
    public IReadOnlyList<PublishedPlan> Plans { get; private set; } = [];

    /// <summary>The latest what-if (scenario) runs, newest first: not for dispatch.</summary>
    public IReadOnlyList<PublishedPlan> WhatIf { get; private set; } = [];

    public IReadOnlyList<SourceAge> Sources { get; private set; } = [];

    /// <summary>A hospital administrator's hospitals: name (once the feed has brought it) and last report.</summary>
    public IReadOnlyList<HospitalReport> Reports { get; private set; } = [];

    /// <summary>The lines of the baseline's latest run into the officer's area not confirmed by the day after they
    /// arrived (<see cref="Receipts.ShipmentLines.OverdueAsync"/>).</summary>
    public int OverdueReceipts { get; private set; }

    /// <summary>Today in Beijing, the day a report is due for.</summary>
    public DateOnly Today { get; private set; }

    public sealed record HospitalReport(string Code, string? Name, DateOnly? LastReport);

    public async Task OnGetAsync(string? measure, int? tier, string? product)
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        Sources = await SourceFreshness.ReadAsync(db, freshness.Value, clock.GetUtcNow());
        Today = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        if (User.IsInRole(Roles.Hospital))
            Reports = await ReportsAsync(db);
        if (!User.IsInRole(Roles.Planner) && !User.IsInRole(Roles.Logistics))
            return;
        Approval = await PlanApprovals.CurrentAsync(db);
        var baseline = await PublishedPlans.LatestAsync(db, User, 10, kind: PublishedPlans.Daily);
        Dispatch =
            Approval is { } approval
                ? (await PublishedPlans.LatestAsync(db, User, 1, approval.RequestId)).SingleOrDefault()
            : baseline.Count > 0 ? baseline[0]
            : null;
        Plans = baseline.Where(p => p.RequestId != Dispatch?.RequestId).ToList();
        WhatIf = (await PublishedPlans.LatestAsync(db, User, 10, kind: PublishedPlans.WhatIf))
            .Where(p => p.RequestId != Dispatch?.RequestId)
            .ToList();
        // Receipts are confirmed against the plan officers dispatch from (the approved one, else the latest baseline).
        if ((Dispatch?.RunId ?? await Planning.OverdueLines.LatestBaselineAsync(db)) is { } run)
            OverdueReceipts = (await Receipts.ShipmentLines.OverdueAsync(db, run, User.City(), Today)).Count;
        var products = (await db.QueryAsync<(string Code, string Name, string NameEn)>(MapPanel.ProductsSql)).ToList();
        Cities = (
            await db.QueryAsync<(string Code, string Name, string? NameEn)>(
                "SELECT code, name, name_en FROM regions WHERE level = 'city'"
            )
        ).ToDictionary(c => c.Code, c => (c.Name, c.NameEn), StringComparer.Ordinal);
        var choice = MapPanel.Choose(measure, tier, product, products.Select(p => p.Code).ToList());
        if (Dispatch is { } mapped)
        {
            var drawn = await map.DrawAsync(
                db,
                mapped.RequestId,
                mapped.RunId,
                mapped.PlanStart.AddDays(-1),
                User.City(),
                choice
            );
            Map = new MapPanel(drawn, choice, products, mapped.RunId, mapped.PlanStart);
        }
    }

    private async Task<IReadOnlyList<HospitalReport>> ReportsAsync(DbConnection db)
    {
        var codes = User.Hospitals()?.Order(StringComparer.Ordinal).ToList() ?? [];
        var known = (
            await db.QueryAsync<ReportRow>(
                """
                SELECT h.code AS Code, h.name AS Name,
                       (SELECT MAX(c.report_date) FROM capacity_reports c WHERE c.hospital_code = h.code) AS Last
                FROM hospitals h WHERE h.code IN @codes
                """,
                new { codes }
            )
        ).ToDictionary(h => h.Code, StringComparer.Ordinal);
        return codes
            .Select(c => known.TryGetValue(c, out var h) ? new HospitalReport(c, h.Name, h.Last) : new(c, null, null))
            .ToList();
    }

    private sealed class ReportRow
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public DateOnly? Last { get; set; }
    }
}
