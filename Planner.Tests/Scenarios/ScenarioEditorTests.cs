using System.Text.RegularExpressions;
using Planner.Api.Access;
using Planner.Api.Localization;
using Planner.Api.Scenarios;
using Planner.Tests.Jobs;

namespace Planner.Tests.Scenarios;

/// <summary>The scenario editor in the reader's language: a hint on every field, the plan start, as many override
/// rows as needed (without script), a team picker with the teams' Chinese names, and problems naming the field and
/// the value; the scenarios API's problems in the request's language.</summary>
public partial class ScenarioEditorTests : HangfireTests
{
    [Fact]
    public async Task Editor_InChinese_HasTheStartDate_ATeamPicker_AndAHintOnEveryField()
    {
        await using var app = await PulledAppAsync();
        using var planner = await app.SignedInAsync("planner", language: LocalizationSetup.Chinese);

        var page = await planner.GetStringAsync(new Uri("/scenarios/edit", UriKind.Relative), Ct);

        Assert.Contains("<h1>新建情景</h1>", page, StringComparison.Ordinal);
        Assert.Matches(
            "<label for=\"PlanStart\">计划起始日期</label>\\s*<input id=\"PlanStart\" name=\"PlanStart\"",
            page
        );
        Assert.Contains("type=\"date\"", page, StringComparison.Ordinal);
        Assert.Contains("产量乘以该系数：0.5 即减半", page, StringComparison.Ordinal);
        Assert.Contains("需求乘以该系数：2 即翻倍，0.5 即减半", page, StringComparison.Ordinal);
        Assert.Empty(LatinWords(page).Except(["English", "surge-hz"]));
        // Every field a person fills has a hint, and every hint named is on the page.
        var fields = Field().Matches(page).Select(m => m.Value).ToList();
        Assert.True(fields.Count > 15, $"{fields.Count} fields");
        Assert.All(fields, f => Assert.Matches("aria-describedby=\"hint-[a-z-]+\"", f));
        Assert.All(
            fields.Select(f => Regex.Match(f, "aria-describedby=\"(hint-[a-z-]+)\"").Groups[1].Value).Distinct(),
            hint => Assert.Contains($"id=\"{hint}\"", page, StringComparison.Ordinal)
        );
        // The team picker: a checkbox per team with its Chinese name and city, and a filter box (shown by script).
        await using var db = await app.Planner.OpenAsync(Ct);
        var teams = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM medical_teams");
        Assert.True(teams > 10);
        Assert.Equal(teams, Regex.Count(page, "name=\"UnavailableTeams\""));
        Assert.Contains("T-002 · 宁波市援鄂医疗队（宁波市）", page, StringComparison.Ordinal);
        Assert.Contains("id=\"team-filter\" type=\"search\"", page, StringComparison.Ordinal);
        // One blank row in each table of overrides, with a button adding another.
        Assert.Contains("name=\"Production[0].Multiplier\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Production[1].Multiplier\"", page, StringComparison.Ordinal);
        Assert.Contains("name=\"add\" value=\"production\"", page, StringComparison.Ordinal);
    }

    /// <summary>The inputs and selects of the scenario form a person fills (not the hidden ones).</summary>
    [GeneratedRegex(
        "<(?:input|select) (?![^>]*type=\"(?:hidden|search|checkbox)\")[^>]*name=\"(?!UnavailableTeams)[^>]*>"
    )]
    private static partial Regex Field();

    [Fact]
    public async Task Editor_AddsRowsWithoutScript_AndSavesEveryRow()
    {
        await using var app = await PulledAppAsync();
        using var planner = await app.SignedInAsync("planner", language: LocalizationSetup.Chinese);
        var token = await TestWebApp.TokenAsync(planner, "/scenarios/edit");
        var (cities, counties) = (ManyCities, ManyCounties);
        var fields = ManyRows(token);

        using var added = await PostAsync(planner, [.. fields, new("add", "demand")]);
        var withRow = await added.Content.ReadAsStringAsync(Ct);
        using var saved = await PostAsync(planner, [.. fields, new("run", "false")]);

        // Adding a row saves nothing and shows every row typed, a blank one more.
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Contains("name=\"Demand[9].Multiplier\"", withRow, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Demand[10].Multiplier\"", withRow, StringComparison.Ordinal);
        Assert.Contains("name=\"Production[6].Multiplier\" value=\"0.7\"", withRow, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        await using var db = await app.Planner.OpenAsync(Ct);
        var o = (await ScenarioStore.GetAsync(db, "many"))!.Overrides;
        Assert.Equal(new DateOnly(2020, 2, 5), o.PlanStart);
        Assert.Equal(
            cities.Select((c, i) => new ProductionMultiplier("N95", c, (i + 1) / 10.0)),
            o.ProductionMultipliers
        );
        Assert.Equal(
            counties.Select((c, i) => new DemandMultiplier(c, 1, i + 2)).Append(new("330109", null, 1.5)),
            o.DemandMultipliers
        );
        Assert.Equal(["T-001", "T-004"], o.UnavailableTeams);
        // Edited again: every saved row, then a blank one; the start date and the teams as saved.
        var again = await planner.GetStringAsync(new Uri("/scenarios/edit/many", UriKind.Relative), Ct);
        Assert.Contains("name=\"Demand[6].Multiplier\" value=\"1.5\"", again, StringComparison.Ordinal);
        Assert.Contains("name=\"Demand[7].Multiplier\"", again, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Demand[8].", again, StringComparison.Ordinal);
        Assert.Contains("name=\"PlanStart\" value=\"2020-02-05\"", again, StringComparison.Ordinal);
        Assert.Matches("value=\"T-004\" checked=\"checked\"", again);
    }

    [Theory]
    [InlineData(
        LocalizationSetup.Chinese,
        "产量调整第 2 行·系数",
        "200 不是 0 至 100 之间的系数。",
        "需求调整第 1 行·系数",
        "“abc”不是数字。"
    )]
    [InlineData(
        LocalizationSetup.English,
        "Production multipliers, row 2, multiplier",
        "200 is not a factor from 0 to 100.",
        "Demand multipliers, row 1, multiplier",
        "'abc' is not a number."
    )]
    public async Task Editor_BadValues_AreNamedByFieldAndValue_InTheReadersLanguage(
        string language,
        string factorField,
        string factorProblem,
        string numberField,
        string numberProblem
    )
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var planner = await app.SignedInAsync("planner", language: language);
        var token = await TestWebApp.TokenAsync(planner, "/scenarios/edit");

        using var refused = await PostAsync(
            planner,
            [
                new("__RequestVerificationToken", token),
                new("NewId", "bad"),
                new("Name", "Bad"),
                new("Production[0].Multiplier", "0.5"),
                new("Production[1].Code", "N95"),
                new("Production[1].Multiplier", "200"),
                new("Demand[0].Code", "330102"),
                new("Demand[0].Multiplier", "abc"),
                new("run", "false"),
            ]
        );

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(Ct));
        // Going down the form: the production row before the demand row.
        Assert.True(
            page.IndexOf(factorField, StringComparison.Ordinal) < page.IndexOf(numberField, StringComparison.Ordinal)
        );
        Assert.Contains($"<strong>{factorField}</strong>", page, StringComparison.Ordinal);
        Assert.Contains(factorProblem, page, StringComparison.Ordinal);
        Assert.Contains($"<strong>{numberField}</strong>", page, StringComparison.Ordinal);
        Assert.Contains(numberProblem, page, StringComparison.Ordinal);
        // The values stay as typed, the field with the problem marked; nothing is saved.
        Assert.Matches("name=\"Production\\[1\\].Multiplier\" value=\"200\"[^>]*aria-invalid=\"true\"", page);
        Assert.Contains("name=\"Demand[0].Multiplier\" value=\"abc\"", page, StringComparison.Ordinal);
        await using var db = await app.Planner.OpenAsync(Ct);
        Assert.Null(await ScenarioStore.GetAsync(db, "bad"));
    }

    [Fact]
    public async Task Api_Problems_AreInTheRequestsLanguage()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        // A client without the language switch's cookie (which comes first): the API follows Accept-Language.
        using var planner = app.Anonymous(language: null);
        await using (var db = await app.Planner.OpenAsync(Ct))
        {
            planner.DefaultRequestHeaders.Add(
                ApiKeyHandler.Header,
                await Users.CreateApiKeyAsync(db, "planner", "test", DateTimeOffset.UtcNow)
            );
        }
        var scenario = new
        {
            id = "x",
            name = "X",
            overrides = new { productionMultipliers = new[] { new { product = "N99", multiplier = 0.5 } } },
        };

        var chinese = await ProblemAsync("zh-CN", "/api/scenarios", scenario);
        var english = await ProblemAsync("en", "/api/scenarios", scenario);
        var missing = await ProblemAsync("zh-CN", "/api/scenarios/nope/runs", new { });

        Assert.Equal("情景有误，未保存", chinese.GetProperty("title").GetString());
        Assert.Equal("没有物资“N99”。", chinese.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal(
            "productionMultipliers[0].product",
            chinese.GetProperty("errors")[0].GetProperty("field").GetString()
        );
        Assert.Equal("The scenario has problems", english.GetProperty("title").GetString());
        Assert.Equal("There is no product 'N99'.", english.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal("未找到情景", missing.GetProperty("title").GetString());
        Assert.Equal("没有情景“nope”。", missing.GetProperty("detail").GetString());

        async Task<JsonElement> ProblemAsync(string language, string url, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative))
            {
                Content = JsonContent.Create(body),
            };
            request.Headers.AcceptLanguage.ParseAdd(language);
            using var response = await planner.SendAsync(request, Ct);
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound);
            return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        }
    }

    [Fact]
    public void Describe_SaysTheOverridesInTheCurrentLanguage()
    {
        var overrides = new ScenarioOverrides
        {
            PlanStart = new DateOnly(2020, 2, 5),
            DemandMultipliers = [new("330102", 1, 3)],
            HorizonDays = 3,
            Policy = "pro-rata",
        };

        var english = IndexModel.Describe(overrides);
        string chinese;
        using (Texts.Use(LocalizationSetup.Chinese))
            chinese = IndexModel.Describe(overrides);

        Assert.Equal("from 2020-02-05; demand tier 1 in 330102 ×3; 3 days; pro-rata", english);
        Assert.Equal("自 2020-02-05 起；330102 第1级需求 ×3；计划期 3 天；按需求比例分配", chinese);
        using (Texts.Use(LocalizationSetup.Chinese))
            Assert.Equal("无调整", IndexModel.Describe(new ScenarioOverrides()));
    }

    private static readonly string[] ManyCities =
    [
        "330100",
        "330200",
        "330300",
        "330400",
        "330500",
        "330600",
        "330700",
    ];
    private static readonly string[] ManyCounties = ["330102", "330103", "330104", "330105", "330106", "330108"];

    /// <summary>A new scenario with a row per city of <see cref="ManyCities"/> (N95 at 0.1, 0.2, …), a row per county
    /// of <see cref="ManyCounties"/> (tier 1 at 2, 3, …), a blank row, then 330109 at 1.5; two teams out.</summary>
    private static List<KeyValuePair<string, string>> ManyRows(string token)
    {
        var (cities, counties) = (ManyCities, ManyCounties);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", token),
            new("NewId", "many"),
            new("Name", "多地调整"),
            new("PlanStart", "2020-02-05"),
            new("UnavailableTeams", "T-001"),
            new("UnavailableTeams", "T-004"),
        };
        for (var i = 0; i < cities.Length; i++)
        {
            fields.Add(new($"Production[{i}].Code", "N95"));
            fields.Add(new($"Production[{i}].Scope", cities[i]));
            fields.Add(new($"Production[{i}].Multiplier", $"0.{i + 1}"));
        }
        for (var i = 0; i < counties.Length; i++)
        {
            fields.Add(new($"Demand[{i}].Code", counties[i]));
            fields.Add(new($"Demand[{i}].Scope", "1"));
            fields.Add(new($"Demand[{i}].Multiplier", $"{i + 2}"));
        }
        // A blank row in the middle, as a form with a row left empty sends it, is dropped.
        fields.Add(new($"Demand[{counties.Length}].Multiplier", ""));
        fields.Add(new($"Demand[{counties.Length + 1}].Code", "330109"));
        fields.Add(new($"Demand[{counties.Length + 1}].Multiplier", "1.5"));

        return fields;
    }

    /// <summary>
    /// The words in Latin letters a person reads on <paramref name="page"/> (its text and labels, not its markup,
    /// style or script), other than the products' codes: on a Chinese page, the English ones that slipped through.
    /// </summary>
    internal static IEnumerable<string> LatinWords(string page)
    {
        var shown = Regex.Replace(page, "<(script|style)[^>]*>.*?</\\1>", " ", RegexOptions.Singleline);
        var labels = Regex
            .Matches(shown, "(?:aria-label|placeholder|title)=\"([^\"]*)\"")
            .Select(m => m.Groups[1].Value);
        var text = WebUtility.HtmlDecode(Regex.Replace(shown, "<[^>]+>", " ")) + " " + string.Join(" ", labels);
        string[] codes = ["N95", "SURGICAL", "COVERALL", "GOGGLES", "GLOVES"];
        return Regex.Matches(text, "\\b[A-Za-z][A-Za-z-]{2,}\\b").Select(m => m.Value).Distinct().Except(codes);
    }

    /// <summary>The web app on a database whose feeds were pulled (the teams, and the reports a start date
    /// needs).</summary>
    private static Task<TestWebApp> PulledAppAsync() =>
        TestWebApp.StartAsync(DatabaseProvider.Sqlite, db => TestPlanner.PulledAsync(db));

    private static async Task<HttpResponseMessage> PostAsync(
        HttpClient client,
        IEnumerable<KeyValuePair<string, string>> fields
    )
    {
        using var form = new FormUrlEncodedContent(fields);
        return await client.PostAsync(new Uri("/scenarios/edit", UriKind.Relative), form, Ct);
    }
}
