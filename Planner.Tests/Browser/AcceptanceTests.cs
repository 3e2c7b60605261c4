using System.Text.RegularExpressions;
using ClosedXML.Excel;
using OpenQA.Selenium;
using Planner.Tests.Jobs;
using Planner.Tests.Uploads;

namespace Planner.Tests.Browser;

/// <summary>
/// Issue 20's acceptance, in a real browser: with a new browser (no language chosen) each role does its task end to
/// end in Chinese, and the same after switching to English. Screenshots of each step are saved under the test output
/// folder (<c>screenshots/</c> beside the test assembly).
/// </summary>
public partial class AcceptanceTests : HangfireTests
{
    public static readonly TheoryData<string> Languages = ["zh-CN", "en"];

    private static string Screenshots =>
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    private static void Shot(BrowserSession browser, string language, string name) =>
        ((ITakesScreenshot)browser.Driver)
            .GetScreenshot()
            .SaveAsFile(Path.Combine(Screenshots, $"{language}-{name}.png"));

    private static bool Chinese(string language) => language == "zh-CN";

    /// <summary>A 3-day plan recorded as a run (as the <c>plan</c> command makes it), listed on the plans
    /// page.</summary>
    private static async Task<PlanOutcome> PublishAsync(TestDatabase db)
    {
        var node = TestPlanner.Node(db);
        await node.Get<Planner.Api.Startup.StartupWork>().PrepareAsync(_ => { }, Ct);
        return await node.Executor().RunHereAsync(new PlanRequest(HorizonDays: 3), _ => { }, Ct);
    }

    /// <summary>The Wenzhou officer: the map of their city's counties, a click on a county (its plan lines), their
    /// depot's dispatch notes for today, then their city's workbook in the page's language.</summary>
    [Theory]
    [MemberData(nameof(Languages))]
    public async Task WenzhouOfficer_OpensTheMap_ClicksACounty_AndDownloadsTheirWorkbook(string language)
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var outcome = await PublishAsync(db);
        await using var browser = await BrowserSession.StartAsync(db);
        var driver = browser.Driver;

        browser.SignIn("wenzhou", "wenzhou-2020", language);
        Assert.Equal(language, driver.FindElement(By.TagName("html")).GetAttribute("lang"));
        var counties = driver.FindElements(By.CssSelector("figure.map svg a"));
        // Wenzhou's 12 counties (Longgang lies inside Cangnan's shape), no other city's.
        Assert.InRange(counties.Count, 11, 12);
        Assert.All(counties, a =>
            Assert.Contains("/counties/3303", a.GetDomAttribute("href"), StringComparison.Ordinal)
        );
        Shot(browser, language, "wenzhou-map");

        var lucheng = driver.FindElement(By.CssSelector("figure.map svg a[href$='/counties/330302']"));
        ((IJavaScriptExecutor)driver).ExecuteScript(
            "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))",
            lucheng
        );
        browser.Until(d => d.Url.EndsWith("/counties/330302", StringComparison.Ordinal), "the county's page");
        var main = driver.FindElement(By.TagName("main")).Text;
        Assert.Contains(Chinese(language) ? "鹿城区" : "Lucheng", main, StringComparison.Ordinal);
        Shot(browser, language, "wenzhou-county");

        // Today's dispatch notes of the city's depot: who signs for each line in the county, by name.
        browser.Go($"/runs/{outcome.RunId}/dispatch/city-330300");
        var deliveries = driver.FindElements(By.CssSelector("table.deliveries tbody tr"));
        Assert.NotEmpty(deliveries);
        Assert.Contains(deliveries, d =>
            d.Text.Contains(Chinese(language) ? "医疗机构" : "Hospital", StringComparison.Ordinal)
        );
        ((IJavaScriptExecutor)driver).ExecuteScript("arguments[0].scrollIntoView()", deliveries[0]);
        Shot(browser, language, "wenzhou-dispatch");

        browser.Go("/");
        driver.FindElement(By.CssSelector("a[href*='/files/city-330300']")).Click();
        using var book = Xlsx.Open(browser.Downloaded("plan-city-330300-"));
        // The city depot's work for today first, then the plan.
        Assert.Equal(Chinese(language) ? "今日调拨" : "Today's dispatch", book.Worksheets.First().Name);
        Assert.Equal(
            Chinese(language) ? "温州市医疗物资调拨计划" : "Wenzhou medical supplies allocation plan",
            book.Worksheet(Chinese(language) ? "汇总" : "Summary").Cell(1, 1).GetString()
        );
    }

    /// <summary>The hospital administrator: the template in the page's language, filled with one mistake, uploaded;
    /// the error names the sheet, row, column, header and value in that language.</summary>
    [Theory]
    [MemberData(nameof(Languages))]
    public async Task HospitalAdministrator_UploadsTheTemplateWithOneMistake_AndReadsTheError(string language)
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await HospitalsDatabase.PrepareAsync(db);
        await using var browser = await BrowserSession.StartAsync(db);
        var driver = browser.Driver;

        browser.SignIn("hospital", "hospital-2020", language);
        browser.Go("/uploads");
        driver.FindElement(By.CssSelector("a[href*='/api/uploads/capacity/template']")).Click();
        var template = await File.ReadAllBytesAsync(browser.Downloaded("capacity-template"), Ct);
        var sheet = Chinese(language) ? "收治能力填报" : "Capacity";
        using (var book = Xlsx.Open(new MemoryStream(template)))
            Assert.Equal(sheet, book.Worksheet(1).Name);
        var bad = Path.Combine(db.Directory, "bad.xlsx");
        await File.WriteAllBytesAsync(
            bad,
            UploadFiles.Edit(UploadFiles.Reported(template, new DateTime(2020, 2, 10)), wb =>
                wb.Worksheet(1).Cell(3, 9).SetValue(-4)
            ),
            Ct
        );
        driver.FindElement(By.Id("file")).SendKeys(bad);
        driver.FindElement(By.CssSelector("form[enctype] button[type=submit]")).Click();
        var error = browser.Until(
            d => d.FindElements(By.CssSelector("#upload-errors tbody tr")).Select(r => r.Text).SingleOrDefault(),
            "the error table"
        )!;
        Shot(browser, language, "hospital-upload-error");

        Assert.Contains(sheet, error, StringComparison.Ordinal);
        Assert.Contains(" I ", $" {error} ", StringComparison.Ordinal);
        Assert.Contains("-4", error, StringComparison.Ordinal);
        if (Chinese(language))
            Assert.Empty(EnglishWords(error));
        else
            Assert.Contains("Capacity 3 I ICU beds total -4", error, StringComparison.Ordinal);
    }

    /// <summary>The planner: a scenario made in the editor and run, then compared with the baseline by
    /// default.</summary>
    [Theory]
    [MemberData(nameof(Languages))]
    public async Task Planner_EditsAScenario_RunsIt_AndCompares(string language)
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await PublishAsync(db);
        await using var browser = await BrowserSession.StartAsync(db);
        var driver = browser.Driver;

        browser.SignIn("planner", "planner-2020", language);
        browser.Go("/scenarios/edit");
        driver.FindElement(By.Id("NewId")).SendKeys("surge");
        driver.FindElement(By.Id("Name")).SendKeys(Chinese(language) ? "上城区需求激增" : "Surge in Shangcheng");
        driver.FindElement(By.CssSelector("select[name='Demand[0].Code'] option[value='330102']")).Click();
        driver.FindElement(By.CssSelector("select[name='Demand[0].Scope'] option[value='1']")).Click();
        driver.FindElement(By.Name("Demand[0].Multiplier")).SendKeys("3");
        driver.FindElement(By.Id("HorizonDays")).SendKeys("3");
        Shot(browser, language, "planner-editor");
        driver.FindElement(By.CssSelector("button[name=run][value=true]")).Click();
        BrowserTests.Finished(browser);
        Shot(browser, language, "planner-run");

        browser.Go("/compare");
        var main = browser.Until(
            d =>
                d.FindElement(By.TagName("main")).Text is var t && t.Contains("surge", StringComparison.Ordinal)
                    ? t
                    : null,
            "the comparison of the two runs"
        )!;
        Shot(browser, language, "planner-compare");
        Assert.Contains(Chinese(language) ? "个百分点" : " pp", main, StringComparison.Ordinal);
        Assert.Contains(Chinese(language) ? "上城区需求激增" : "Surge in Shangcheng", main, StringComparison.Ordinal);
    }

    /// <summary>Every page a planner and an officer read, rendered in Chinese, shows no English words outside codes
    /// and proper names.</summary>
    [Fact]
    public async Task PagesInChinese_ShowNoEnglishWords()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var plan = await PublishAsync(db);
        await using var browser = await BrowserSession.StartAsync(db);
        var driver = browser.Driver;
        browser.SignIn("planner", "planner-2020", "zh-CN");
        var run = driver.FindElement(By.CssSelector("a[href^='/runs/req-']")).GetAttribute("href")!;
        var id = run[(run.LastIndexOf('/') + 1)..];
        var english = new List<string>();
        foreach (
            var page in new[]
            {
                "/",
                "/?measure=risk",
                "/?measure=trend",
                "/?measure=stockout&product=N95",
                $"/runs/{id}",
                $"/runs/{id}/counties/330302",
                $"/runs/{id}/forecast",
                "/scenarios",
                "/scenarios/edit",
                "/no-such-page",
            }
        )
        {
            browser.Go(page);
            var text = (string)((IJavaScriptExecutor)driver).ExecuteScript("return document.body.innerText")!;
            english.AddRange(EnglishWords(text).Select(w => $"{page}: {w}"));
            if (page.Contains("stockout", StringComparison.Ordinal))
            {
                ((IJavaScriptExecutor)driver).ExecuteScript("document.querySelector('figure.map').scrollIntoView()");
                Shot(browser, "zh-CN", "planner-stockout-map");
            }
        }
        Shot(browser, "zh-CN", "planner-run");
        Assert.True(english.Count == 0, string.Join("\n", english.Distinct()));
        Assert.NotNull(plan.RunId);
    }

    /// <summary>Words of two or more Latin letters that are not codes (upper case: N95, COVERALL, CLP), ids
    /// (req-…, baseline) or the names of things that have no Chinese (Planner, English, the solvers).</summary>
    internal static IEnumerable<string> EnglishWords(string text) =>
        Word().Matches(text).Select(m => m.Value).Where(w => !Code().IsMatch(w) && !Allowed.Contains(w)).Distinct();

    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
    {
        "Planner",
        "English",
        "baseline",
        "req",
        "KB",
        "json",
        "summary",
        "xlsx",
        "Optimal",
        "optimized",
        "Excel",
        // The example in the scenario id's hint (如 surge-hz).
        "surge",
        "hz",
        // The plan command's name, and the machine that ran it ("命令行 plan 命令（host:pid）").
        "plan",
        Environment.MachineName,
    };

    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])")]
    private static partial Regex Word();

    [GeneratedRegex("^[A-Z0-9]+$")]
    private static partial Regex Code();
}
