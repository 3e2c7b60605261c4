using System.Text.RegularExpressions;
using Planner.Api.Localization;
using Planner.Api.Scenarios;
using Planner.Tests.Jobs;

namespace Planner.Tests.Scenarios;

/// <summary>A scenario's hedge against the forecast's spread: the stockout target and the number of forecast paths,
/// checked by the store, saved through the API and the editor, described in the list, and used by a plan.</summary>
public class ScenarioRiskTests : HangfireTests
{
    public static TheoryData<double?, int?, string> Refused { get; } =
        new()
        {
            { 0, null, "stockoutTarget" },
            { 0.6, null, "stockoutTarget" },
            { double.NaN, null, "stockoutTarget" },
            { null, 50, "riskPaths" },
            { null, 20000, "riskPaths" },
        };

    [Theory, MemberData(nameof(Refused))]
    public async Task Store_RefusesATargetOrPathsOutOfRange_NamingTheField_AndSavesNothing(
        double? target,
        int? paths,
        string field
    )
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = TestPlanner.Node(db);
        await node.PrepareAsync(Ct);
        await using var connection = await node.Planner.OpenAsync(Ct);

        var refused = await Assert.ThrowsAsync<ScenarioInvalid>(() =>
            SaveAsync(connection, new ScenarioOverrides { StockoutTarget = target, RiskPaths = paths })
        );

        var error = Assert.Single(refused.Errors);
        Assert.Equal(field, error.Field);
        Assert.Null(await ScenarioStore.GetAsync(connection, "hedged"));
        Assert.Equal(
            0,
            await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM scenario_versions WHERE scenario_id = 'hedged'"
            )
        );
    }

    [Fact]
    public async Task Store_NamesBothProblemsAtOnce_AndSaysWhy_InTheReadersLanguage()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = TestPlanner.Node(db);
        await node.PrepareAsync(Ct);
        await using var connection = await node.Planner.OpenAsync(Ct);
        var overrides = new ScenarioOverrides { StockoutTarget = 0.6, RiskPaths = 50 };

        var english = await Assert.ThrowsAsync<ScenarioInvalid>(() => SaveAsync(connection, overrides));
        ScenarioInvalid chinese;
        using (Texts.Use(LocalizationSetup.Chinese))
            chinese = await Assert.ThrowsAsync<ScenarioInvalid>(() => SaveAsync(connection, overrides));

        Assert.Equal(["stockoutTarget", "riskPaths"], english.Errors.Select(e => e.Field));
        Assert.StartsWith("0.6 is not a stockout target: a chance above 0 and at most 0.5", english.Errors[0].Message);
        Assert.StartsWith("50 paths; use 100 to 10000: fewer than 100 cannot measure", english.Errors[1].Message);
        Assert.StartsWith("0.6 不是有效的断供风险目标", chinese.Errors[0].Message);
        Assert.StartsWith("50 条路径：应为 100 至 10000 条", chinese.Errors[1].Message);
    }

    [Fact]
    public async Task Plan_InAScenarioWithATargetAndPaths_HedgesWithThem_TheBaselineWithTheParameters()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = TestPlanner.Node(db);
        await node.PrepareAsync(Ct);
        await using var connection = await node.Planner.OpenAsync(Ct);
        await SaveAsync(connection, new ScenarioOverrides { StockoutTarget = 0.1, RiskPaths = 200 });
        var request = new PlanRequest { AsOf = TestPlanner.SampleAsOf };

        // Read as a run reads its scenario: the saved version, then the plan's inputs.
        var hedged = await InputsReader.ReadAsync(
            connection,
            await InputsReader.ScenarioAsync(connection, "hedged"),
            request
        );
        var baseline = await InputsReader.ReadAsync(connection, PlanScenario.Baseline, request);

        Assert.Equal((0.1, 200), (RiskSettings.Of(hedged).Target, RiskSettings.Of(hedged).Paths));
        Assert.Equal((0.05, 1000), (RiskSettings.Of(baseline).Target, RiskSettings.Of(baseline).Paths));
        // Only the target and the paths: the seed and the method stay the planning parameters'.
        Assert.Equal(RiskSettings.Of(baseline) with { Target = 0.1, Paths = 200 }, RiskSettings.Of(hedged));
    }

    [Fact]
    public async Task Api_SavesAndReadsTheTargetAndPaths_AndRefusesThemOutOfRange_With400()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var planner = await app.WithApiKeyAsync("planner");
        var hedged = new
        {
            id = "hedged",
            name = "Hedged",
            overrides = new { stockoutTarget = 0.02, riskPaths = 2000 },
        };
        var outOfRange = new
        {
            id = "wide",
            name = "Wide",
            overrides = new { stockoutTarget = 0.6, riskPaths = 20000 },
        };

        using var created = await planner.PostAsJsonAsync("/api/scenarios", hedged, Ct);
        using var refused = await planner.PostAsJsonAsync("/api/scenarios", outOfRange, Ct);
        using var edited = await planner.PutAsJsonAsync(
            "/api/scenarios/hedged",
            new { name = "Hedged", overrides = new { riskPaths = 0 } },
            Ct
        );
        // Not a whole number of paths: a problem named by its field like the others (never a 500).
        using var fraction = await planner.PostAsJsonAsync(
            "/api/scenarios",
            new
            {
                id = "half",
                name = "Half",
                overrides = new { riskPaths = 150.5 },
            },
            Ct
        );
        var read = await planner.GetFromJsonAsync<JsonElement>("/api/scenarios/hedged", Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var overrides = read.GetProperty("scenario").GetProperty("overrides");
        Assert.Equal(0.02, overrides.GetProperty("stockoutTarget").GetDouble());
        Assert.Equal(2000, overrides.GetProperty("riskPaths").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(["stockoutTarget", "riskPaths"], await FieldsAsync(refused));
        Assert.Equal(HttpStatusCode.BadRequest, edited.StatusCode);
        Assert.Equal(["riskPaths"], await FieldsAsync(edited));
        Assert.Equal(1, read.GetProperty("scenario").GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, fraction.StatusCode);
        Assert.Equal(["riskPaths"], await FieldsAsync(fraction));
        await using var db = await app.Planner.OpenAsync(Ct);
        Assert.Null(await ScenarioStore.GetAsync(db, "wide"));
        Assert.Null(await ScenarioStore.GetAsync(db, "half"));
    }

    [Fact]
    public async Task Editor_TakesTheTargetInPerCent_AndThePaths_AndShowsThemAgain_InChinese()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var planner = await app.SignedInAsync("planner", language: LocalizationSetup.Chinese);
        var token = await TestWebApp.TokenAsync(planner, "/scenarios/edit");

        var blank = WebUtility.HtmlDecode(
            await planner.GetStringAsync(new Uri("/scenarios/edit", UriKind.Relative), Ct)
        );
        using var saved = await PostAsync(planner, Form(token, "2.5", "500"));
        var again = await planner.GetStringAsync(new Uri("/scenarios/edit/hedged", UriKind.Relative), Ct);
        var list = await planner.GetStringAsync(new Uri("/scenarios", UriKind.Relative), Ct);

        // The group with its hints; blank stands for the planning parameters, named with their values.
        Assert.Contains("<h2>断供风险</h2>", blank, StringComparison.Ordinal);
        Assert.Contains(
            "使计划期内一级、二级需求断供的概率不超过该值，如 5 即 5%；数值越小，储备越多（大于 0，不超过 50）；留空则用规划参数（5%）。",
            blank,
            StringComparison.Ordinal
        );
        Assert.Contains("留空则用规划参数（1000 条）", blank, StringComparison.Ordinal);
        Assert.Empty(ScenarioEditorTests.LatinWords(blank).Except(["English", "surge-hz"]));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        await using var db = await app.Planner.OpenAsync(Ct);
        var o = (await ScenarioStore.GetAsync(db, "hedged"))!.Overrides;
        Assert.Equal((0.025, 500), (o.StockoutTarget, o.RiskPaths));
        Assert.Matches("name=\"StockoutTargetPercent\" value=\"2.5\"", again);
        Assert.Matches("name=\"RiskPaths\" value=\"500\"", again);
        Assert.Contains("断供风险不超过 2.5%；预测路径 500 条", list, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(
        LocalizationSetup.Chinese,
        "<strong>断供风险上限</strong>：60% 不是有效的断供风险上限：应大于 0%（为 0 则需无限多的储备）且不超过 50%。",
        "<strong>预测路径数</strong>：50 条路径：应为 100 至 10000 条。"
    )]
    [InlineData(
        LocalizationSetup.English,
        "<strong>Stockout risk target</strong>: 60 % is not a stockout risk target: above 0 % (none at all would",
        "<strong>Forecast paths</strong>: 50 paths; use 100 to 10000: fewer than 100 cannot measure"
    )]
    public async Task Editor_RefusesATargetOrPathsOutOfRange_NamingTheField_AndSavesNothing(
        string language,
        string targetProblem,
        string pathsProblem
    )
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var planner = await app.SignedInAsync("planner", language: language);
        var token = await TestWebApp.TokenAsync(planner, "/scenarios/edit");

        using var outOfRange = await PostAsync(planner, Form(token, "60", "50"));
        using var zero = await PostAsync(planner, Form(token, "0", "1.5"));

        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
        var page = WebUtility.HtmlDecode(await outOfRange.Content.ReadAsStringAsync(Ct));
        Assert.Contains(targetProblem, page, StringComparison.Ordinal);
        Assert.Contains(pathsProblem, page, StringComparison.Ordinal);
        // Both fields keep what was typed and are marked.
        Assert.Matches("name=\"StockoutTargetPercent\" value=\"60\"[^>]*aria-invalid=\"true\"", page);
        Assert.Matches("name=\"RiskPaths\" value=\"50\"[^>]*aria-invalid=\"true\"", page);
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        var zeroPage = await zero.Content.ReadAsStringAsync(Ct);
        Assert.Equal(2, Regex.Count(zeroPage, "<li data-field=\"(stockoutTarget|riskPaths)\""));
        await using var db = await app.Planner.OpenAsync(Ct);
        Assert.Null(await ScenarioStore.GetAsync(db, "hedged"));
    }

    [Fact]
    public void Describe_SaysTheTargetAndPaths_InTheCurrentLanguage()
    {
        var overrides = new ScenarioOverrides { StockoutTarget = 0.05, RiskPaths = 2000 };

        var english = IndexModel.Describe(overrides);
        string chinese;
        using (Texts.Use(LocalizationSetup.Chinese))
            chinese = IndexModel.Describe(overrides);

        Assert.Equal("stockout risk at most 5%; 2000 forecast paths", english);
        Assert.Equal("断供风险不超过 5%；预测路径 2000 条", chinese);
    }

    private static Task<Scenario> SaveAsync(System.Data.Common.DbConnection db, ScenarioOverrides overrides) =>
        ScenarioStore.SaveAsync(db, "hedged", "Hedged", null, overrides, create: true, null, SavedAt);

    private static readonly DateTimeOffset SavedAt = new(2020, 2, 9, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>A new scenario "hedged" with the stockout target (per cent) and the paths as typed.</summary>
    private static KeyValuePair<string, string>[] Form(string token, string targetPercent, string paths) =>
        [
            new("__RequestVerificationToken", token),
            new("NewId", "hedged"),
            new("Name", "稳妥备货"),
            new("StockoutTargetPercent", targetPercent),
            new("RiskPaths", paths),
            new("run", "false"),
        ];

    private static async Task<HttpResponseMessage> PostAsync(
        HttpClient client,
        IEnumerable<KeyValuePair<string, string>> fields
    )
    {
        using var form = new FormUrlEncodedContent(fields);
        return await client.PostAsync(new Uri("/scenarios/edit", UriKind.Relative), form, Ct);
    }

    private static async Task<List<string?>> FieldsAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct))
            .GetProperty("errors")
            .EnumerateArray()
            .Select(e => e.GetProperty("field").GetString())
            .ToList();
}
