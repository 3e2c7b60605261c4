using System.Text.RegularExpressions;
using Planner.Api.Localization;
using Planner.Api.Maps;
using Planner.Tests.Jobs;

namespace Planner.Tests.Maps;

/// <summary>The map's stockout measure on a real run as of 16 February 2020: each county coloured by its stored
/// chance of running out of the product for critical care, in bands relative to the run's target, a colour of its own
/// where supply does not allow the target; a run recorded before risk was measured says so.</summary>
public partial class StockoutMapTests : HangfireTests
{
    private const string NoNeed = "#f1f5f9";
    private const string CannotHold = "#6b21a8";

    [Fact]
    public async Task StockoutMap_ColoursEachCountyByItsStoredProbability_AndSaysWhenARunWasNotMeasured()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var api = await app.WithApiKeyAsync("planner");
        using var queued = await api.PostAsJsonAsync("/api/runs", new { asOf = "2020-02-16", days = 3 }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        Assert.Equal("succeeded", await TestWebApp.FinishedRunStatusAsync(api, id));
        using var chinese = await app.SignedInAsync("planner", language: LocalizationSetup.Chinese);
        using var english = await app.SignedInAsync("planner");
        var url = new Uri($"/runs/{id}?measure=stockout&product=N95", UriKind.Relative);

        var stored = await StoredAsync(app);
        var zh = WebUtility.HtmlDecode(await chinese.GetStringAsync(url, Ct));
        var counties = Counties(zh);
        // Every county drawn: those with a critical-care need in N95 by their band, the others as having none.
        Assert.Equal(
            CountyShapes.Read(Path.Combine(TestPlanner.DataDirectory, CountyShapes.File)).Counties.Count,
            counties.Count
        );
        Assert.NotEmpty(stored);
        Assert.All(stored, s =>
            Assert.Equal(Band(s.Probability, s.StandardError, s.Unpositioned), counties[s.County].Fill)
        );
        Assert.All(counties.Keys.Except(stored.Select(s => s.County)), c => Assert.Equal(NoNeed, counties[c].Fill));
        var first = counties[stored[0].County].Tooltip;
        Assert.Contains($": 断供概率 {Percent(stored[0].Probability)} ± ", first, StringComparison.Ordinal);
        Assert.Contains("（目标 5%）\n预期缺口 ", first, StringComparison.Ordinal);
        Assert.Contains(
            "各县（市、区）N95 断供风险（第 1 级危重症救治，计划期内；按 1,000 条预测路径评估）",
            zh,
            StringComparison.Ordinal
        );
        Assert.Contains(">供应不足，无法达标</text>", zh, StringComparison.Ordinal);
        Assert.Contains(">≤ 5%（目标，含抽样误差）</text>", zh, StringComparison.Ordinal);
        Assert.Contains("aria-current=\"page\">医用防护口罩 断供风险</a>", zh, StringComparison.Ordinal);

        AssertTheRunPageSumsTheRisk(zh, await StoredProtectedAsync(app));
        await AssertTheStoredFiguresDecideAsync(app, chinese, url, stored);
        var en = WebUtility.HtmlDecode(await english.GetStringAsync(url, Ct));
        Assert.Contains(
            "Counties by the chance of running out of N95 for critical care (tier 1) over the plan "
                + "(measured on 1,000 forecast paths)",
            en,
            StringComparison.Ordinal
        );
        Assert.Contains(">supply falls short</text>", en, StringComparison.Ordinal);

        await AssertAnOlderRunIsNotMeasuredAsync(app, chinese, english, url);
        var unknown = WebUtility.HtmlDecode(
            await chinese.GetStringAsync(new Uri($"/runs/{id}?measure=stock&product=N96", UriKind.Relative), Ct)
        );
        Assert.Contains("没有“stock”这一地图指标，已改为显示满足率。", unknown, StringComparison.Ordinal);
    }

    /// <summary>The colours follow what is stored: a county put at 30 % turns orange, one that supply leaves short
    /// gets its own colour and says so.</summary>
    private static async Task AssertTheStoredFiguresDecideAsync(
        TestWebApp app,
        HttpClient chinese,
        Uri url,
        List<Line> stored
    )
    {
        var (raised, shortOf) = (stored[0].County, stored[1].County);
        await using (var db = await app.Planner.OpenAsync(Ct))
        {
            const string Update = """
                UPDATE plan_risk SET stockout_probability = @p, standard_error = 0.012, unpositioned = @u
                WHERE destination_code = @county AND product_code = 'N95' AND tier = 1
                """;
            await db.ExecuteAsync(
                Update,
                new
                {
                    county = raised,
                    p = 0.3,
                    u = 0.0,
                }
            );
            await db.ExecuteAsync(
                Update,
                new
                {
                    county = shortOf,
                    p = 0.04,
                    u = 12.0,
                }
            );
        }
        var counties = Counties(WebUtility.HtmlDecode(await chinese.GetStringAsync(url, Ct)));
        Assert.Equal("#f97316", counties[raised].Fill);
        Assert.Contains(": 断供概率 30% ± 1.2%（目标 5%）", counties[raised].Tooltip, StringComparison.Ordinal);
        Assert.Equal(CannotHold, counties[shortOf].Fill);
        Assert.EndsWith("\n供应或运输时限不允许达标：12 未能到位", counties[shortOf].Tooltip, StringComparison.Ordinal);
    }

    /// <summary>A run recorded before its risk was stored: no rows, no target; the map says so, in both
    /// languages.</summary>
    private static async Task AssertAnOlderRunIsNotMeasuredAsync(
        TestWebApp app,
        HttpClient chinese,
        HttpClient english,
        Uri url
    )
    {
        await using (var db = await app.Planner.OpenAsync(Ct))
        {
            await db.ExecuteAsync("DELETE FROM plan_risk");
            await db.ExecuteAsync("DELETE FROM plan_risk_tiers");
            await db.ExecuteAsync("UPDATE plan_runs SET stockout_target = NULL, risk_paths = NULL");
        }
        using var response = await chinese.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var zh = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains(
            "各县（市、区）N95 断供风险（第 1 级危重症救治，计划期内；本次计划未评估断供风险）",
            zh,
            StringComparison.Ordinal
        );
        Assert.All(Counties(zh).Values, c =>
            Assert.EndsWith(": 本次计划未评估断供风险", c.Tooltip, StringComparison.Ordinal)
        );
        Assert.Contains("<p>本次计划未评估断供风险。</p>", zh, StringComparison.Ordinal);
        var en = WebUtility.HtmlDecode(await english.GetStringAsync(url, Ct));
        Assert.Contains(": stockout risk not measured for this run</title>", en, StringComparison.Ordinal);
        Assert.Contains("<p>The risk of running out was not measured for this run.</p>", en, StringComparison.Ordinal);
    }

    /// <summary>The band of the run's target (5 %): at or under it (or within two standard errors of it), up to twice
    /// it, 25 %, 50 %, over.</summary>
    private static string Band(double probability, double error, double unpositioned) =>
        unpositioned > 0 ? CannotHold
        : probability <= 0.05 + 2 * error + 1e-9 ? "#15803d"
        : probability <= 0.10 + 1e-9 ? "#86c57a"
        : probability <= 0.25 ? "#facc15"
        : probability <= 0.5 ? "#f97316"
        : "#b91c1c";

    private static string Percent(double share) => share.ToString("0.#%", CultureInfo.InvariantCulture);

    private sealed record Line(string County, double Probability, double StandardError, double Unpositioned);

    /// <summary>The tier-1 N95 lines of the run's Zhejiang counties, as stored.</summary>
    private static async Task<List<Line>> StoredAsync(TestWebApp app)
    {
        await using var db = await app.Planner.OpenAsync(Ct);
        return (
            await db.QueryAsync<Line>(
                """
                SELECT destination_code AS County, stockout_probability AS Probability,
                       standard_error AS StandardError, unpositioned AS Unpositioned
                FROM plan_risk WHERE product_code = 'N95' AND tier = 1 AND destination_code LIKE '33%'
                ORDER BY destination_code
                """
            )
        ).ToList();
    }

    /// <summary>The run page's risk table: a row per product and protected tier whose counts are the stored lines'
    /// (over the target beyond two standard errors; short of supply).</summary>
    private static void AssertTheRunPageSumsTheRisk(
        string page,
        List<(string Product, long Tier, double P, double E, double U)> lines
    )
    {
        Assert.Contains("<h2>断供风险（一级、二级需求）</h2>", page, StringComparison.Ordinal);
        var rows = RiskRow().Matches(page).ToList();
        Assert.Equal(lines.Select(l => (l.Product, l.Tier)).Distinct().Count(), rows.Count);
        foreach (var row in rows)
        {
            var mine = lines
                .Where(l =>
                    l.Product == row.Groups[1].Value
                    && l.Tier == long.Parse(row.Groups[2].Value, CultureInfo.InvariantCulture)
                )
                .ToList();
            Assert.Equal(mine.Count, int.Parse(row.Groups[3].Value, CultureInfo.InvariantCulture));
            Assert.Equal(
                mine.Count(l => l.U <= 0 && l.P > 0.05 + 2 * l.E),
                int.Parse(row.Groups[4].Value, CultureInfo.InvariantCulture)
            );
            Assert.Equal(mine.Count(l => l.U > 0), int.Parse(row.Groups[5].Value, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The stored tier-1 and tier-2 lines with need: product, tier, probability, error,
    /// unpositioned.</summary>
    private static async Task<List<(string, long, double, double, double)>> StoredProtectedAsync(TestWebApp app)
    {
        await using var db = await app.Planner.OpenAsync(Ct);
        return (
            await db.QueryAsync<(string, long, double, double, double)>(
                """
                SELECT product_code, tier, stockout_probability, standard_error, unpositioned FROM plan_risk
                WHERE tier <= 2 AND expected_need > 0
                """
            )
        ).ToList();
    }

    [GeneratedRegex(
        "<tr class=\"risk\" data-product=\"([^\"]+)\" data-tier=\"(\\d+)\">(?:.|\\n)*?<td class=\"num\">(\\d+)</td>\\s*"
            + "<td class=\"num over\">(\\d+)</td>\\s*<td class=\"num\">(\\d+)</td></tr>"
    )]
    private static partial Regex RiskRow();

    /// <summary>Each county's fill and tooltip on the page.</summary>
    private static Dictionary<string, (string Fill, string Tooltip)> Counties(string page) =>
        County()
            .Matches(page)
            .ToDictionary(m => m.Groups[2].Value, m => (m.Groups[1].Value, m.Groups[3].Value), StringComparer.Ordinal);

    [GeneratedRegex("<path d=\"[^\"]*\" fill=\"(#[0-9a-f]{6})\"[^>]*data-county=\"([^\"]+)\"><title>([^<]*)</title>")]
    private static partial Regex County();
}
