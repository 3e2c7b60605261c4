using ClosedXML.Excel;
using Planner.Api.Planning;
using Planner.Solver.Allocation;
using Planner.Tests.Solver;

namespace Planner.Tests.Workbooks;

/// <summary>
/// The gap list (缺口清单) of the sample's 14-day plan: the <c>Gaps</c> sheets hold every unmet need, each line's
/// reasons add up to it, and its quantities are checked by re-solving the plan: with each line's closable units added
/// at its depot by its day, and with the reserve floor released.
/// </summary>
public class GapsSheetTests(PublishedPlan plan) : IClassFixture<PublishedPlan>
{
    private PlanOutcome Outcome => plan.Outcome;

    private IReadOnlyList<Gap> Gaps => GapList.Of(Outcome.Problem, Outcome.Result);

    [Theory]
    [InlineData("en", "Gaps", "Unmet", "Closable by extra supply")]
    [InlineData("zh-CN", "缺口清单", "缺口数量", "增供可补足数量")]
    public void GapsSheets_HoldEveryUnmetNeed_TheProvinceAllOfThem_ACityItsOwn(
        string language,
        string sheet,
        string unmet,
        string closable
    )
    {
        var shortfall = Outcome
            .Result.Allocations.Where(a => a.Shortfall >= ShortfallExplainer.HalfUnit)
            .Sum(a => a.Shortfall);
        Assert.True(shortfall > 0);
        using var province = Xlsx.Open(PublishedWorkbookTests.InLanguage(Outcome.WorkbookPath!, language));
        var lines = Lines(province, sheet);
        Assert.Equal(shortfall, lines.Sum(l => l.Field(unmet).GetDouble()), 3);
        Assert.Equal(Gaps.Sum(g => g.Closable), lines.Sum(l => l.Field(closable).GetDouble()), 3);
        Assert.All(lines, l => Assert.InRange(l.Field(closable).GetDouble(), 0, l.Field(unmet).GetDouble()));
        // summary.json has the totals per product and tier.
        Assert.Equal(shortfall, Outcome.Summary.Gaps.Sum(g => g.Unmet), 3);
        Assert.Equal(Gaps.Sum(g => g.Closable), Outcome.Summary.Gaps.Sum(g => g.Closable), 3);

        using var wenzhou = Xlsx.Open(PublishedWorkbookTests.InLanguage(CityPath("330300"), language));
        var counties = Outcome.Problem.Destinations.Where(d => d.StartsWith("3303", StringComparison.Ordinal));
        Assert.Equal(
            Gaps.Where(g => counties.Contains(g.Destination)).Sum(g => g.Unmet),
            Lines(wenzhou, sheet).Sum(l => l.Field(unmet).GetDouble()),
            3
        );
    }

    [Fact]
    public void ReSolving_WithTheClosableUnitsAddedAtTheirDepotsByTheirDays_ClosesThoseGaps()
    {
        var gaps = Gaps.Where(g => g.Closable > 0).ToList();
        Assert.NotEmpty(gaps);
        var problem = Outcome.Problem with { Supplies = [.. Outcome.Problem.Supplies, .. GapListTests.Extra(gaps)] };

        var more = AllocationModel.Solve(problem, new AllocationSettings());

        Assert.Equal(PlanStatus.Optimal, more.Status);
        var shortNow = more.Allocations.ToDictionary(a => (a.Destination, a.Product, a.Day, a.Tier), a => a.Shortfall);
        var left = gaps.Sum(g =>
            Math.Max(0, shortNow[(g.Destination, g.Product, g.Day, g.Tier)] - (g.Unmet - g.Closable))
        );
        // Whole packs: a destination's tier may stay up to a pack short of what the optimum serves it.
        var packs = gaps.DistinctBy(g => (g.Destination, g.Product, g.Tier))
            .Sum(g => Outcome.Problem.PackSizes.GetValueOrDefault(g.Product, 1));
        Assert.True(left <= packs, $"{left:N0} of {gaps.Sum(g => g.Closable):N0} closable units still short");
    }

    [Fact]
    public void TheReserveFloor_IsBlamedForNoMoreThanItHolds_AndReleasingItRecoversAtLeastThat()
    {
        var released = AllocationModel.Solve(Outcome.Problem with { ReserveFloors = [] }, new AllocationSettings());
        Assert.Equal(PlanStatus.Optimal, released.Status);
        foreach (var product in Outcome.Problem.Products)
        {
            var rows = Outcome.Result.Allocations.Where(a => a.Product == product).ToList();
            var blamed = rows.Where(a => a.Reason == ShortfallReason.ReserveFloor).Sum(a => a.Shortfall);
            var floors = Outcome.Problem.ReserveFloors.Where(f => f.Product == product).Sum(f => f.Floor);
            Assert.True(blamed <= floors + 1e-6, $"{product}: {blamed:N0} blamed on floors holding {floors:N0}");
            var recovered =
                rows.Sum(a => a.Shortfall)
                - released.Allocations.Where(a => a.Product == product).Sum(a => a.Shortfall);
            var pack = Outcome.Problem.PackSizes.GetValueOrDefault(product, 1);
            var destinations = rows.Select(a => a.Destination).Distinct().Count();
            Assert.True(
                blamed <= recovered + pack * destinations,
                $"{product}: {blamed:N0} blamed on the floor, {recovered:N0} recovered without it"
            );
        }
    }

    private string CityPath(string city) =>
        Directory.GetFiles(Path.GetDirectoryName(Outcome.WorkbookPath)!, $"plan-city-{city}-*-en.xlsx").Single();

    private static List<IXLTableRow> Lines(XLWorkbook workbook, string sheet) =>
        [.. workbook.Worksheet(sheet).Table("Gaps").DataRange.Rows()];
}
