using ClosedXML.Excel;
using Planner.Api;
using Planner.Api.Workbooks;
using Planner.Solver.Allocation;

namespace Planner.Tests.Workbooks;

/// <summary>Two runs of the same data under different policies, compared in a workbook read back against both
/// plans.</summary>
public class ComparisonWorkbookTests
{
    [Fact]
    public async Task Comparison_ShowsBothRunsAndTheirDifferences_ByProductTierAndRegion()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = TestPlanner.Node(db);
        var optimized = await settings.RunAsync(
            new PlanRequest(Path.Combine(db.Directory, "a"), HorizonDays: 5),
            ct: Ct
        );
        var proRata = await settings.RunAsync(
            new PlanRequest(Path.Combine(db.Directory, "b"), HorizonDays: 5) { Policy = Policy.ProRata },
            ct: Ct
        );

        var (content, name) = await ComparisonWorkbook.BuildAsync(settings.Planner, optimized.RunId, proRata.RunId, Ct);

        Assert.Equal($"compare-{optimized.RunId}-{proRata.RunId}.xlsx", name);
        using var workbook = Xlsx.Open(new MemoryStream(content));
        Assert.Equal(["Summary", "Cities", "Counties"], workbook.Worksheets.Select(w => w.Name));
        var summary = workbook.Worksheet("Summary").Table("ComparisonByProductTier").DataRange.Rows().ToList();
        foreach (var row in summary)
        {
            var (product, tier) = (row.Field("Product").GetString(), (int)row.Field("Tier").GetDouble());
            var a = optimized.Result.Allocations.Where(x => x.Product == product && x.Tier == tier).Sum(x => x.Served);
            var b = proRata.Result.Allocations.Where(x => x.Product == product && x.Tier == tier).Sum(x => x.Served);
            // Within 0.05 rather than equal at one decimal: tens of millions of masks put some differences a hair
            // from a rounding boundary (-1436590.94996 against the workbook's -1436590.95).
            Assert.Equal(a, row.Field("Served (first)").GetDouble(), 0.05);
            Assert.Equal(b, row.Field("Served (second)").GetDouble(), 0.05);
            Assert.Equal(b - a, row.Field("Served Δ").GetDouble(), 0.05);
        }
        // Tier 1 is served better under the optimized plan than under pro-rata: the comparison shows it.
        Assert.Contains(summary, r => (int)r.Field("Tier").GetDouble() == 1 && r.Field("Shortfall Δ").GetDouble() > 0);
        AssertRegionsAddUpToTheFirstPlan(workbook, optimized);
        AssertTheRiskIsBothPlans(workbook, optimized, proRata);

        var missing = await Assert.ThrowsAsync<PlannerException>(() =>
            ComparisonWorkbook.BuildAsync(settings.Planner, optimized.RunId, "no-such-run", Ct)
        );
        Assert.Contains("no succeeded plan run no-such-run", missing.Message, StringComparison.Ordinal);
    }

    /// <summary>Below the totals, each product's tiers 1 and 2: both plans' shortfall over all destinations and their
    /// destinations at the target and short of supply, as each plan's report has them.</summary>
    private static void AssertTheRiskIsBothPlans(XLWorkbook workbook, PlanOutcome first, PlanOutcome second)
    {
        var rows = workbook.Worksheet("Summary").Table("ComparisonRisk").DataRange.Rows().ToList();
        foreach (var (outcome, side) in new[] { (first, "first"), (second, "second") })
        {
            var risk = outcome.Published!.Value.Report.Risk!;
            var tiers = risk.Tiers.Where(t => t.Tier is 1 or 2).ToList();
            Assert.Equal(tiers.Count, rows.Count);
            foreach (var tier in tiers)
            {
                var row = rows.Single(r =>
                    r.Field("Product").GetString() == tier.Product && (int)r.Field("Tier").GetDouble() == tier.Tier
                );
                var lines = risk.Destinations.Where(d => d.Product == tier.Product && d.Tier == tier.Tier).ToList();
                Assert.Equal(
                    Math.Round(tier.ExpectedShortfall, 1),
                    row.Field($"Expected shortfall ({side})").GetDouble()
                );
                Assert.Equal(Math.Round(tier.P95Shortfall, 1), row.Field($"P95 shortfall ({side})").GetDouble());
                Assert.Equal(lines.Count, row.Field($"Destinations ({side})").GetDouble());
                Assert.Equal(
                    lines.Count(d => d.StockoutProbability <= risk.Target + 1e-9),
                    row.Field($"At target ({side})").GetDouble()
                );
                Assert.Equal(lines.Count(d => d.Unpositioned > 0), row.Field($"Cannot reach ({side})").GetDouble());
            }
        }
    }

    /// <summary>Per product, the counties (with the Hubei sites) add up to the first plan's served total, and the
    /// cities to that total less the sites.</summary>
    private static void AssertRegionsAddUpToTheFirstPlan(XLWorkbook workbook, PlanOutcome optimized)
    {
        var counties = workbook.Worksheet("Counties").Table("Counties").DataRange.Rows().ToList();
        var cities = workbook.Worksheet("Cities").Table("Cities").DataRange.Rows().ToList();
        foreach (var product in optimized.Summary.Products.Select(p => p.Product))
        {
            var total = optimized.Result.Allocations.Where(x => x.Product == product).Sum(x => x.Served);
            Assert.Equal(
                total,
                counties
                    .Where(r => r.Field("Product").GetString() == product)
                    .Sum(r => r.Field("Served (first)").GetDouble()),
                0
            );
            var sites = counties
                .Where(r =>
                    r.Field("Product").GetString() == product
                    && !r.Field("Code").GetString().StartsWith("33", StringComparison.Ordinal)
                )
                .Sum(r => r.Field("Served (first)").GetDouble());
            Assert.Equal(
                total - sites,
                cities
                    .Where(r => r.Field("Product").GetString() == product)
                    .Sum(r => r.Field("Served (first)").GetDouble()),
                0
            );
        }
    }
}
