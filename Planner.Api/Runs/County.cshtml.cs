using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Planner.Api.Access;

namespace Planner.Api.Runs;

/// <summary>One county's lines in a run's plan: per product and tier, what it needs over the plan, what the plan
/// serves and what stays unmet. A city's officer sees their city's counties only.</summary>
[Authorize(Policy = AccessSetup.PlansReaders)]
public sealed class CountyModel(Database planner) : PageModel
{
    public RunRequestState Run { get; private set; } = null!;

    public string Code { get; private set; } = "";

    public string Name { get; private set; } = "";

    public string? NameEn { get; private set; }

    public IReadOnlyList<Line> Lines { get; private set; } = [];

    /// <summary>A product's need in a tier over the plan, with the tier's and product's names.</summary>
    public sealed class Line
    {
        public string Product { get; set; } = "";
        public string ProductName { get; set; } = "";
        public string ProductNameEn { get; set; } = "";
        public long Tier { get; set; }
        public string TierName { get; set; } = "";
        public string TierNameEn { get; set; } = "";
        public double Demand { get; set; }
        public double Served { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(string id, string code)
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        if (await RunRequests.GetAsync(db, id) is not { RunId: { } runId } run)
            return NotFound();
        var county = await db.QuerySingleOrDefaultAsync<(string Code, string Name, string? NameEn, string Parent)>(
            "SELECT code, name, name_en, parent_code FROM regions WHERE code = @code AND level = 'county'",
            new { code }
        );
        if (county.Code is null)
            return NotFound();
        if (User.City() is { } city && county.Parent != city)
            return Forbid();
        (Run, Code, Name, NameEn) = (run, county.Code, county.Name, county.NameEn);
        Lines = (await db.QueryAsync<Line>(LinesSql, new { runId, code })).ToList();
        return Page();
    }

    private const string LinesSql = """
        SELECT a.product_code AS Product, p.name AS ProductName, p.name_en AS ProductNameEn, a.tier AS Tier,
               t.name AS TierName, t.name_en AS TierNameEn, SUM(a.demand) AS Demand, SUM(a.served) AS Served
        FROM plan_allocations a
        JOIN products p ON p.code = a.product_code
        JOIN priority_tiers t ON t.tier = a.tier
        WHERE a.run_id = @runId AND a.destination_code = @code
        GROUP BY a.product_code, p.name, p.name_en, a.tier, t.name, t.name_en
        ORDER BY a.product_code, a.tier
        """;
}
