using System.Text.RegularExpressions;
using Planner.Api.Localization;
using Planner.Tests.Jobs;

namespace Planner.Tests.Scenarios;

/// <summary>The comparison page: two different runs by default (the latest baseline, the latest what-if), by tier,
/// product and city with the names in the reader's language, changes of fill in percentage points, the scenarios'
/// names over their columns. The what-if plans from its own start date.</summary>
public class CompareTests : HangfireTests
{
    /// <summary>Tier-1 demand in Shangcheng tripled, planned from 8 February for two days.</summary>
    private static readonly object Surge = new
    {
        id = "surge",
        name = "上城区危重症激增",
        overrides = new
        {
            planStart = "2020-02-08",
            demandMultipliers = new[]
            {
                new
                {
                    county = "330102",
                    tier = 1,
                    multiplier = 3.0,
                },
            },
            horizonDays = 2,
        },
    };

    [Fact]
    public async Task ComparePage_ByDefault_TheLatestBaselineAgainstTheLatestWhatIf_InPercentagePoints()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var api = await app.WithApiKeyAsync("planner");
        using var created = await api.PostAsJsonAsync("/api/scenarios", Surge, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var baseline = await RunAsync(app, api, "/api/scenarios/baseline/runs", new { days = 2 });
        var surge = await RunAsync(app, api, "/api/scenarios/surge/runs", new { });
        using var chinese = await app.SignedInAsync("planner", language: LocalizationSetup.Chinese);
        using var english = await app.SignedInAsync("planner");

        var zh = WebUtility.HtmlDecode(await chinese.GetStringAsync(new Uri("/compare", UriKind.Relative), Ct));
        var en = WebUtility.HtmlDecode(await english.GetStringAsync(new Uri("/compare", UriKind.Relative), Ct));

        Assert.Empty(ScenarioEditorTests.LatinWords(zh).Except(["English", "baseline", "surge"]));
        // Two different runs: the baseline first, the what-if second, each under its scenario's name.
        Assert.Matches($"<select id=\"first\"[^>]*>(?:(?!</select>).)*value=\"{baseline}\" selected", Oneline(zh));
        Assert.Matches($"<select id=\"second\"[^>]*>(?:(?!</select>).)*value=\"{surge}\" selected", Oneline(zh));
        Assert.Contains(
            $"第一次：基准计划（baseline）· 运行 {baseline} · 自 2020-02-10 起 2 天",
            zh,
            StringComparison.Ordinal
        );
        // The what-if plans from the start date it names.
        Assert.Contains(
            $"第二次：上城区危重症激增（surge）· 运行 {surge} · 自 2020-02-08 起 2 天",
            zh,
            StringComparison.Ordinal
        );
        Assert.Contains("<th scope=\"colgroup\" colspan=\"3\">上城区危重症激增</th>", zh, StringComparison.Ordinal);
        // By tier, product and city, named in Chinese from the data; changes of fill in percentage points.
        Assert.Contains("<th scope=\"row\">第1级 危重症救治</th>", zh, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">N95 · 医用防护口罩</th>", zh, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">杭州市</th>", zh, StringComparison.Ordinal);
        Assert.Equal(7, Rows(zh, "compare-tiers"));
        Assert.True(Rows(zh, "compare-products") >= 5);
        Assert.Equal(11, Regex.Count(Table(zh, "compare-cities"), "<th scope=\"row\">[^<]*市</th>"));
        Assert.Matches("<td class=\"points\">[+-]?\\d+\\.\\d 个百分点</td>", zh);
        Assert.DoesNotContain(" pp<", zh, StringComparison.Ordinal);

        Assert.Contains(
            $"First: Baseline (baseline) · run {baseline} · from 2020-02-10, 2 days",
            en,
            StringComparison.Ordinal
        );
        Assert.Contains("<th scope=\"row\">Tier 1 · Critical care</th>", en, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">Hangzhou</th>", en, StringComparison.Ordinal);
        Assert.Matches("<td class=\"points\">[+-]?\\d+\\.\\d pp</td>", en);
    }

    [Fact]
    public async Task ComparePage_WithFewerThanTwoRuns_SaysWhatIsNeeded()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var chinese = await app.SignedInAsync("planner", language: LocalizationSetup.Chinese);

        var page = await chinese.GetStringAsync(new Uri("/compare", UriKind.Relative), Ct);
        using var unknown = await chinese.GetAsync(new Uri("/compare?first=nope&second=none", UriKind.Relative), Ct);

        Assert.Contains("至少需要两次已完成的运行才能比较", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains(
            "没有已完成的运行“nope”。",
            await unknown.Content.ReadAsStringAsync(Ct),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task ComparePage_ShowsBothRunsRisk_WorseFirst_AndAnOlderRunAsNotMeasured()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var api = await app.WithApiKeyAsync("planner");
        using var created = await api.PostAsJsonAsync("/api/scenarios", Surge, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var baseline = await RunAsync(app, api, "/api/scenarios/baseline/runs", new { days = 2 });
        var surge = await RunAsync(app, api, "/api/scenarios/surge/runs", new { });
        using var chinese = await app.SignedInAsync("planner", language: LocalizationSetup.Chinese);
        using var english = await app.SignedInAsync("planner");
        // One destination clearly worse in the what-if: it heads the table.
        var worse = await WorsenAsync(app, baseline, surge);

        var zh = Oneline(
            WebUtility.HtmlDecode(await chinese.GetStringAsync(new Uri("/compare", UriKind.Relative), Ct))
        );

        Assert.Empty(ScenarioEditorTests.LatinWords(zh).Except(["English", "baseline", "surge"]));
        Assert.Contains("断供风险（危重症与重症救治）", zh, StringComparison.Ordinal);
        foreach (var (run, side) in new[] { (baseline, 'a'), (surge, 'b') })
        {
            foreach (var (product, tier1) in await TierOneAsync(app, run))
            {
                var row = Regex.Match(zh, $"<tr data-code=\"{product}\" data-run=\"{side}\">.*?</tr>").Value;
                Assert.Contains("<td>5.0%</td><td>1,000</td>", row, StringComparison.Ordinal);
                Assert.Contains($"<td>{N(tier1.Expected)}</td><td>{N(tier1.P95)}</td>", row, StringComparison.Ordinal);
            }
        }
        var changes = CountyRows(zh);
        Assert.Equal(worse, changes[0].Key);
        Assert.StartsWith("+", changes[0].Points, StringComparison.Ordinal);
        var points = changes.Select(c => double.Parse(c.Points.Split(' ')[0], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(points.OrderDescending(), points);
        var en = WebUtility.HtmlDecode(await english.GetStringAsync(new Uri("/compare", UriKind.Relative), Ct));
        Assert.Contains("Risk of running out (critical and severe care)", en, StringComparison.Ordinal);
        Assert.Contains("Tier 1 P95 shortfall", en, StringComparison.Ordinal);
        await AssertTheWorkbookHasBothRunsRiskAsync(app, api, baseline, surge);

        await AssertAnOlderRunIsNotMeasuredAsync(app, chinese, baseline);
    }

    private static string N(double units) => units.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A destination whose tier-1 N95 chance of running out is put at none in the first run and at
    /// certain in the second; its destination/product.</summary>
    private static async Task<string> WorsenAsync(TestWebApp app, string first, string run)
    {
        await using var db = await app.Planner.OpenAsync(Ct);
        var county = await db.QueryFirstAsync<string>(
            "SELECT destination_code FROM plan_risk WHERE run_id = @run AND product_code = 'N95' AND tier = 1 "
                + "AND destination_code LIKE '33%' ORDER BY destination_code",
            new { run }
        );
        const string Update =
            "UPDATE plan_risk SET stockout_probability = @p WHERE run_id = @run AND destination_code = @county "
            + "AND product_code = 'N95' AND tier = 1";
        Assert.Equal(
            1,
            await db.ExecuteAsync(
                Update,
                new
                {
                    run = first,
                    county,
                    p = 0.0,
                }
            )
        );
        Assert.Equal(
            1,
            await db.ExecuteAsync(
                Update,
                new
                {
                    run,
                    county,
                    p = 1.0,
                }
            )
        );
        return $"{county}/N95";
    }

    /// <summary>Each product's tier-1 shortfall over all destinations, as the run stored it.</summary>
    private static async Task<List<(string Product, (double Expected, double P95) Tier1)>> TierOneAsync(
        TestWebApp app,
        string run
    )
    {
        await using var db = await app.Planner.OpenAsync(Ct);
        var rows = await db.QueryAsync<(string, double, double)>(
            "SELECT product_code, expected_shortfall, p95_shortfall FROM plan_risk_tiers WHERE run_id = @run "
                + "AND tier = 1",
            new { run }
        );
        var list = rows.Select(r => (r.Item1, (r.Item2, r.Item3))).ToList();
        Assert.NotEmpty(list);
        return list;
    }

    /// <summary>The per-destination table's rows in order: destination/product and the change.</summary>
    private static List<(string Key, string Points)> CountyRows(string page) =>
        Regex
            .Matches(
                Table(page, "compare-risk-counties"),
                "<tr data-code=\"([^\"]+)\" data-product=\"([^\"]+)\">.*?<td class=\"points\">([^<]*)</td>"
            )
            .Select(m => ($"{m.Groups[1].Value}/{m.Groups[2].Value}", m.Groups[3].Value))
            .ToList();

    /// <summary>The comparison workbook's risk list: each product's tier 1 and 2 for both runs, as stored.</summary>
    private static async Task AssertTheWorkbookHasBothRunsRiskAsync(
        TestWebApp app,
        HttpClient api,
        string first,
        string second
    )
    {
        var bytes = await api.GetByteArrayAsync(
            new Uri($"/api/runs/compare?first={first}&second={second}", UriKind.Relative),
            Ct
        );
        using var workbook = Xlsx.Open(new MemoryStream(bytes));
        var rows = workbook.Worksheet("Summary").Table("ComparisonRisk").DataRange.Rows().ToList();
        var expected = await TierOneAsync(app, second);
        Assert.Equal(expected.Count * 2, rows.Count);
        foreach (var (product, tier1) in expected)
        {
            var row = rows.Single(r => r.Field("Product").GetString() == product && r.Field("Tier").GetDouble() == 1);
            Assert.Equal(Math.Round(tier1.Expected, 1), row.Field("Expected shortfall (second)").GetDouble());
            Assert.Equal(Math.Round(tier1.P95, 1), row.Field("P95 shortfall (second)").GetDouble());
            Assert.True(row.Field("Destinations (first)").GetDouble() > 0);
        }
    }

    /// <summary>A run recorded before risk was stored: the page says so for it and still compares the
    /// other.</summary>
    private static async Task AssertAnOlderRunIsNotMeasuredAsync(TestWebApp app, HttpClient chinese, string run)
    {
        await using (var db = await app.Planner.OpenAsync(Ct))
        {
            await db.ExecuteAsync("DELETE FROM plan_risk WHERE run_id = @run", new { run });
            await db.ExecuteAsync("DELETE FROM plan_risk_tiers WHERE run_id = @run", new { run });
            await db.ExecuteAsync(
                "UPDATE plan_runs SET stockout_target = NULL, risk_paths = NULL WHERE id = @run",
                new { run }
            );
        }
        using var response = await chinese.GetAsync(new Uri("/compare", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var zh = Oneline(WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct)));
        Assert.Contains("第一次（基准计划）：本次计划未评估断供风险。", zh, StringComparison.Ordinal);
        Assert.Matches("<tr data-code=\"N95\" data-run=\"a\">.*?<td colspan=\"8\">本次计划未评估断供风险</td>", zh);
        Assert.Matches("<tr data-code=\"N95\" data-run=\"b\">.*?<td>5.0%</td>", zh);
        Assert.All(CountyRows(zh), r => Assert.Equal("—", r.Points));
    }

    /// <summary>Queues a run over the API and waits for it; its plan run id.</summary>
    private static async Task<string> RunAsync(TestWebApp app, HttpClient api, string url, object body)
    {
        using var queued = await api.PostAsJsonAsync(url, body, Ct);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        Assert.Equal("succeeded", await TestWebApp.FinishedRunStatusAsync(api, id));
        await using var db = await app.Planner.OpenAsync(Ct);
        return await db.QuerySingleAsync<string>("SELECT run_id FROM run_requests WHERE id = @id", new { id });
    }

    private static string Oneline(string page) => page.Replace("\n", " ", StringComparison.Ordinal);

    private static string Table(string page, string id) =>
        Regex.Match(Oneline(page), $"<table[^>]*id=\"{id}\".*?</table>").Value;

    private static int Rows(string page, string id) => Regex.Count(Table(page, id), "<tr data-code=");
}
