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
        Assert.Contains(
            "<th scope=\"row\">Tier 1 · Critical care</th>",
            en,
            StringComparison.Ordinal
        );
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
