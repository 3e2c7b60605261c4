using ClosedXML.Excel;
using Planner.Api.Planning;

namespace Planner.Tests.Workbooks;

/// <summary>
/// The <c>Risk</c> sheet of the sample's 14-day plan: in both languages the province's lists every hedged tier of
/// every destination as the run's risk report has it, a city's only its counties; its depots' days of cover follow.
/// </summary>
public class RiskSheetTests(PublishedPlan plan) : IClassFixture<PublishedPlan>
{
    private PlanOutcome Outcome => plan.Outcome;

    [Theory]
    [InlineData("en", "Risk", "County code", "Product code", "Tier", "Stockout probability", "P95 shortfall")]
    [InlineData("zh-CN", "断供风险", "县（市、区）代码", "物资代码", "优先级", "断供概率", "P95缺口")]
    public void RiskSheets_ListTheHedgedTiersAsTheReportHasThem_TheProvinceAll_ACityItsCounties(
        string language,
        string sheet,
        string code,
        string product,
        string tier,
        string probability,
        string p95
    )
    {
        var risk = Outcome.Published!.Value.Report.Risk!;
        var expected = risk
            .Destinations.Where(d => RiskPlanning.ProtectedTiers.Contains(d.Tier))
            .ToDictionary(d => (d.Destination, d.Product, d.Tier));
        using var province = Xlsx.Open(PublishedWorkbookTests.InLanguage(Outcome.WorkbookPath!, language));
        var rows = province.Worksheet(sheet).Table("Risk").DataRange.Rows().ToList();
        Assert.Equal(expected.Count, rows.Count);
        foreach (var row in rows)
        {
            var key = (row.Field(code).GetString(), row.Field(product).GetString(), (int)row.Field(tier).GetDouble());
            Assert.Equal(XLDataType.Text, row.Field(code).DataType);
            var line = expected[key];
            Assert.Equal(line.StockoutProbability, row.Field(probability).GetDouble(), 9);
            Assert.Equal(line.P95Shortfall, row.Field(p95).GetDouble(), 9);
        }
        Assert.Contains(rows, r => r.Field(probability).GetDouble() > 0);
        // The depots' days of cover: every depot of the report.
        var depots = province.Worksheet(sheet).Table("DepotCover").DataRange.Rows().ToList();
        Assert.Equal(risk.Depots.Select(d => d.Depot).Distinct().Count(), depots.Count);

        var wenzhouPath = Directory
            .GetFiles(Path.GetDirectoryName(Outcome.WorkbookPath)!, "plan-city-330300-*-en.xlsx")
            .Single();
        using var wenzhou = Xlsx.Open(PublishedWorkbookTests.InLanguage(wenzhouPath, language));
        var own = wenzhou.Worksheet(sheet).Table("Risk").DataRange.Rows().ToList();
        Assert.Equal(expected.Keys.Count(k => k.Destination.StartsWith("3303", StringComparison.Ordinal)), own.Count);
        Assert.All(own, r => Assert.StartsWith("3303", r.Field(code).GetString(), StringComparison.Ordinal));
    }
}
