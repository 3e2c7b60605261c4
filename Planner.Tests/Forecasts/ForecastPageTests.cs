using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Planner.Api.Maps;
using Planner.Tests.Jobs;

namespace Planner.Tests.Forecasts;

/// <summary>The forecast page of a real run as of 16 February 2020: the province's and each city's charts for a
/// planner, their own city only for a city's logistics officer.</summary>
public partial class ForecastPageTests : HangfireTests
{
    [Fact]
    public async Task APlanner_SeesTheProvinceAndEveryCity_ACityOfficer_TheirCityOnly()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var planner = await app.SignedInAsync("planner");
        using var api = await app.WithApiKeyAsync("planner");
        using var queued = await api.PostAsJsonAsync("/api/runs", new { asOf = "2020-02-16", days = 3 }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        Assert.Equal("succeeded", await TestWebApp.FinishedRunStatusAsync(api, id));

        var province = await planner.GetStringAsync(new Uri($"/runs/{id}/forecast", UriKind.Relative), Ct);
        // Three counts (severe + critical, observation, employees) and five products' production against demand.
        Assert.Equal(8, Count(province, "<svg role=\"img\""));
        Assert.Equal(5, Count(province, "class=\"against\""));
        Assert.Contains("Data known on 2020-02-16", province, StringComparison.Ordinal);
        Assert.Contains("Severe and critical patients in hospital, 浙江省", province, StringComparison.Ordinal);
        Assert.Contains("<td>73</td>", province, StringComparison.Ordinal);
        Assert.Equal(12, Count(province, "href=\"?region="));
        var city = await planner.GetStringAsync(new Uri($"/runs/{id}/forecast?region=330100", UriKind.Relative), Ct);
        Assert.Contains("Severe and critical patients in hospital, 杭州市 Hangzhou", city, StringComparison.Ordinal);
        Assert.Contains(
            $"<a href=\"/runs/{id}/forecast\">",
            await planner.GetStringAsync(new Uri($"/runs/{id}", UriKind.Relative), Ct),
            StringComparison.Ordinal
        );

        // The run's page names its files by what they are, in the reader's language.
        using var chinese = await app.SignedInAsync("planner", language: "zh-CN");
        await AssertInChineseAsync(chinese, id);
        await AssertFoundByPlanRunIdAsync(api, planner, id);
        await AssertTheCountyMapAsync(planner, chinese, id);

        using var officer = await app.SignedInAsync("hangzhou");
        var own = await officer.GetStringAsync(new Uri($"/runs/{id}/forecast", UriKind.Relative), Ct);
        Assert.Contains("Severe and critical patients in hospital, 杭州市 Hangzhou", own, StringComparison.Ordinal);
        Assert.DoesNotContain("浙江省", own, StringComparison.Ordinal);
        Assert.Equal(0, Count(own, "href=\"?region="));
        using var other = await officer.GetAsync(new Uri($"/runs/{id}/forecast?region=330200", UriKind.Relative), Ct);
        Assert.NotEqual(HttpStatusCode.OK, other.StatusCode);
        using var unknown = await planner.GetAsync(new Uri("/runs/req-nope/forecast", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var noRegion = await planner.GetAsync(
            new Uri($"/runs/{id}/forecast?region=999999", UriKind.Relative),
            Ct
        );
        Assert.Equal(HttpStatusCode.NotFound, noRegion.StatusCode);

        // The officer's map has their city's counties only, and another city's county lines are refused.
        var officerHome = await officer.GetStringAsync(new Uri("/", UriKind.Relative), Ct);
        var hangzhou = Shapes().Count(c => c.City == "330100");
        Assert.Equal(hangzhou, Count(officerHome, "data-county=\""));
        using var ningbo = await officer.GetAsync(new Uri($"/runs/{id}/counties/330203", UriKind.Relative), Ct);
        Assert.NotEqual(HttpStatusCode.OK, ningbo.StatusCode);
        using var own330102 = await officer.GetAsync(new Uri($"/runs/{id}/counties/330102", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, own330102.StatusCode);
    }

    /// <summary>The run is found by the plan-run id printed in its workbooks too.</summary>
    private static async Task AssertFoundByPlanRunIdAsync(HttpClient api, HttpClient planner, string id)
    {
        var runId = (await api.GetFromJsonAsync<JsonElement>($"/api/runs/{id}", Ct)).GetProperty("runId").GetString();
        Assert.Contains(
            $"<h1>Run {id}</h1>",
            await planner.GetStringAsync(new Uri($"/runs/{runId}", UriKind.Relative), Ct),
            StringComparison.Ordinal
        );
    }

    /// <summary>The run's page names its files by what they are, and the forecast page speaks Chinese.</summary>
    private static async Task AssertInChineseAsync(HttpClient chinese, string id)
    {
        var runPage = await chinese.GetStringAsync(new Uri($"/runs/{id}", UriKind.Relative), Ct);
        Assert.Contains("杭州市物资调拨计划（Excel）", runPage, StringComparison.Ordinal);
        Assert.Contains("全省物资调拨计划（Excel）", runPage, StringComparison.Ordinal);
        Assert.Contains("自 2020-02-17 起 3 天", runPage, StringComparison.Ordinal);
        Assert.Contains(">已完成</td>", runPage, StringComparison.Ordinal);
        Assert.Contains("本计划所依据的预测", runPage, StringComparison.Ordinal);
        var chineseForecast = await chinese.GetStringAsync(new Uri($"/runs/{id}/forecast", UriKind.Relative), Ct);
        Assert.Contains("住院重症和危重症患者，浙江省", chineseForecast, StringComparison.Ordinal);
        Assert.Contains("数据截至 2020-02-16", chineseForecast, StringComparison.Ordinal);
        Assert.Contains(">实测</text>", chineseForecast, StringComparison.Ordinal);
        Assert.Contains("医用防护口罩：每日产量与需求，浙江省", chineseForecast, StringComparison.Ordinal);
    }

    /// <summary>The landing page's map: every county drawn, the city borders, the measures, a county's lines.</summary>
    private static async Task AssertTheCountyMapAsync(HttpClient planner, HttpClient chinese, string id)
    {
        var shapes = Shapes();
        var fill = await planner.GetStringAsync(new Uri("/", UriKind.Relative), Ct);
        Assert.Equal(shapes.Count, Count(fill, "data-county=\""));
        Assert.Contains("class=\"city-borders\" d=\"M", fill, StringComparison.Ordinal);
        Assert.Contains($"href=\"/runs/{id}/counties/330102\"", fill, StringComparison.Ordinal);
        Assert.Contains("Counties by the plan's fill rate (all tiers)", fill, StringComparison.Ordinal);

        var risk = await planner.GetStringAsync(new Uri("/?measure=risk", UriKind.Relative), Ct);
        string[] official = ["#2e7d32", "#1e63b5", "#f2c200", "#f57c00", "#c62828"];
        var fills = Fill().Matches(risk).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(shapes.Count, fills.Count);
        Assert.All(fills, f => Assert.Contains(f, official));
        Assert.Contains("Counties by epidemic risk level (2020-02-16)", risk, StringComparison.Ordinal);
        var unmet = await planner.GetStringAsync(new Uri("/?measure=shortfall&product=GLOVES", UriKind.Relative), Ct);
        Assert.Contains("Counties by unmet GLOVES over the plan", unmet, StringComparison.Ordinal);

        var zh = await chinese.GetStringAsync(new Uri("/?measure=fill&tier=1", UriKind.Relative), Ct);
        Assert.Contains("全省县（市、区）态势图", zh, StringComparison.Ordinal);
        Assert.Contains("各县（市、区）物资需求满足率（第 1 级）", zh, StringComparison.Ordinal);

        var lines = await planner.GetStringAsync(new Uri($"/runs/{id}/counties/330102", UriKind.Relative), Ct);
        Assert.Contains("id=\"county-lines\"", lines, StringComparison.Ordinal);
        Assert.Contains("上城区 Shangcheng District: plan lines", lines, StringComparison.Ordinal);
        using var none = await planner.GetAsync(new Uri($"/runs/{id}/counties/999999", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }

    private static IReadOnlyList<CountyShapes.County> Shapes() =>
        CountyShapes.Read(Path.Combine(TestPlanner.DataDirectory, CountyShapes.File)).Counties;

    [System.Text.RegularExpressions.GeneratedRegex("<path d=\"[^\"]*\" fill=\"(#[0-9a-f]{6})\"")]
    private static partial System.Text.RegularExpressions.Regex Fill();

    private static int Count(string text, string what) =>
        (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;
}
