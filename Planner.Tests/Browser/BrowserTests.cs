using System.Globalization;
using ClosedXML.Excel;
using OpenQA.Selenium;
using Planner.Tests.Jobs;
using Planner.Tests.Uploads;

namespace Planner.Tests.Browser;

/// <summary>The three roles' tasks in a real browser (headless Chromium) against Planner served on loopback.</summary>
public class BrowserTests : HangfireTests
{
    [Fact]
    public async Task HospitalAdministrator_DownloadsTheTemplate_UploadsAGoodFile_ThenABadOne_AndSeesTheErrors()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await HospitalsDatabase.PrepareAsync(db);
        await using var browser = await BrowserSession.StartAsync(db);

        browser.SignIn("hospital", "hospital-2020");
        browser.Go("/uploads");
        browser.Driver.FindElement(By.LinkText("capacity template")).Click();
        var template = await File.ReadAllBytesAsync(browser.Downloaded("capacity-template"), Ct);
        Assert.Equal(["H-0001", "H-0002"], UploadFiles.Hospitals(template));
        var good = Path.Combine(db.Directory, "good.xlsx");
        var bad = Path.Combine(db.Directory, "bad.xlsx");
        await File.WriteAllBytesAsync(good, UploadFiles.Reported(template, new DateTime(2020, 2, 10)), Ct);
        await File.WriteAllBytesAsync(
            bad,
            UploadFiles.Edit(await File.ReadAllBytesAsync(good, Ct), wb =>
                wb.Worksheet("Capacity").Cell(3, 9).SetValue(-4)
            ),
            Ct
        );

        Upload(browser, good);
        var accepted = browser.Until(
            d => d.FindElements(By.CssSelector("[role=status]")).FirstOrDefault()?.Text,
            "the upload's result"
        );
        Upload(browser, bad);
        var errors = browser.Until(
            d =>
                d.FindElements(By.CssSelector("#upload-errors tbody tr")).Select(r => r.Text).ToList()
                    is { Count: > 0 } rows
                    ? rows
                    : null,
            "the error table"
        );

        Assert.Contains("Accepted good.xlsx: 2 rows read, 2 changed.", accepted, StringComparison.Ordinal);
        var error = Assert.Single(errors!);
        Assert.Contains("Capacity 3 I ICU beds total -4", error, StringComparison.Ordinal);
        Assert.Contains(
            "nothing was saved",
            browser.Driver.FindElement(By.CssSelector("[role=alert]")).Text,
            StringComparison.OrdinalIgnoreCase
        );
        // The history lists the accepted file only.
        Assert.Equal(
            ["good.xlsx"],
            browser
                .Driver.FindElements(By.CssSelector("table[aria-label='Recent uploads'] tbody tr td:first-child"))
                .Select(c => c.Text)
        );
    }

    private static void Upload(BrowserSession browser, string path)
    {
        browser.Go("/uploads");
        browser.Driver.FindElement(By.Id("file")).SendKeys(path);
        browser.Driver.FindElement(By.CssSelector("form[enctype] button[type=submit]")).Click();
    }

    [Fact]
    public async Task Planner_CreatesAndRunsAScenario_ComparesItWithTheBaseline_ThenACityOfficerGetsOnlyTheirCity()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var browser = await BrowserSession.StartAsync(db);
        var driver = browser.Driver;

        browser.SignIn("planner", "planner-2020");
        browser.Go("/scenarios/edit");
        driver.FindElement(By.Id("NewId")).SendKeys("surge");
        driver.FindElement(By.Id("Name")).SendKeys("Surge in Shangcheng");
        driver.FindElement(By.CssSelector("select[name='Demand[0].Code'] option[value='330102']")).Click();
        driver.FindElement(By.CssSelector("select[name='Demand[0].Scope'] option[value='1']")).Click();
        driver.FindElement(By.Name("Demand[0].Multiplier")).SendKeys("3");
        driver.FindElement(By.Id("HorizonDays")).SendKeys("3");
        driver.FindElement(By.CssSelector("button[name=run][value=true]")).Click();
        var scenarioRun = Finished(browser);

        browser.Go("/scenarios");
        Assert.Contains(
            "demand tier 1 in 330102 ×3; 3 days",
            driver.FindElement(By.CssSelector("table[aria-label=Scenarios]")).Text,
            StringComparison.Ordinal
        );
        driver.FindElement(By.XPath("//button[text()='Run baseline']")).Click();
        var baselineRun = Finished(browser);

        browser.Go("/scenarios");
        driver.FindElement(By.CssSelector($"#first option[value='{baselineRun}']")).Click();
        driver.FindElement(By.CssSelector($"#second option[value='{scenarioRun}']")).Click();
        driver.FindElement(By.XPath("//button[text()='Compare']")).Click();
        browser.Until(d => d.FindElements(By.CssSelector("#compare-tiers tbody tr")).Count > 0, "the comparison");
        Assert.Equal(6, driver.FindElements(By.CssSelector("#compare-tiers tbody tr")).Count);
        Assert.Equal(12, driver.FindElements(By.CssSelector("svg[role=img] rect title")).Count);
        Assert.Contains("(surge)", driver.FindElement(By.TagName("main")).Text, StringComparison.Ordinal);

        AssertTheForecastIsDrawn(browser, baselineRun);
        AssertHangzhouGetsItsCityOnly(browser, baselineRun);
    }

    /// <summary>The run's forecast page from its link, a city chosen from the region list: eight charts, drawn by
    /// Chromium.</summary>
    private static void AssertTheForecastIsDrawn(BrowserSession browser, string run)
    {
        var driver = browser.Driver;
        browser.Go($"/runs/{run}");
        driver.FindElement(By.LinkText("Forecast the plan was made on")).Click();
        driver.FindElement(By.LinkText("宁波市 Ningbo")).Click();
        var boxes = Assert.IsAssignableFrom<IReadOnlyCollection<object>>(
            ((IJavaScriptExecutor)driver).ExecuteScript(
                "return [...document.querySelectorAll('svg polygon.fan')]"
                    + ".map(p => { const b = p.getBoundingClientRect(); return b.width * b.height; })"
            )
        );
        Assert.Equal(8, boxes.Count);
        // Severe and critical patients' fan, the first, is laid out with an area (employees' may be a line).
        Assert.True(Convert.ToDouble(boxes.First(), CultureInfo.InvariantCulture) > 1000);
        Assert.All(driver.FindElements(By.CssSelector("section.chart h2")), h =>
            Assert.EndsWith("宁波市 Ningbo", h.Text, StringComparison.Ordinal)
        );
    }

    /// <summary>Hangzhou's logistics officer: their city's workbook of the latest plan, and no other city's.</summary>
    private static void AssertHangzhouGetsItsCityOnly(BrowserSession browser, string run)
    {
        var driver = browser.Driver;
        browser.SignOut();
        browser.SignIn("hangzhou", "hangzhou-2020");
        Assert.Empty(driver.FindElements(By.CssSelector("a[href*='/files/city-330200']")));
        Assert.Empty(driver.FindElements(By.CssSelector("a[href*='/files/province']")));
        driver.FindElement(By.CssSelector($"a[href^='/api/runs/{run}/files/city-330100']")).Click();
        using (var book = Xlsx.Open(browser.Downloaded("plan-city-330100-")))
        {
            Assert.Contains(book.Worksheets, w => w.Name == "Villages");
        }
        browser.Go($"/runs/{run}/forecast");
        Assert.Empty(driver.FindElements(By.CssSelector("nav.regions")));
        Assert.All(driver.FindElements(By.CssSelector("section.chart h2")), h =>
            Assert.EndsWith("杭州市 Hangzhou", h.Text, StringComparison.Ordinal)
        );
        browser.Go($"/api/runs/{run}/files/city-330200");
        Assert.Contains("city 330100 only", driver.PageSource, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(browser.Downloads, "plan-city-330200-*"));
    }

    /// <summary>Waits on the run's page until the run has finished, checks it succeeded, and gives its id.</summary>
    internal static string Finished(BrowserSession browser)
    {
        var driver = browser.Driver;
        browser.Until(d => d.Url.Contains("/runs/req-", StringComparison.Ordinal), "the run's page");
        var id = driver.Url[(driver.Url.LastIndexOf('/') + 1)..];
        // Read in one script call: the page reloads itself every 2 s, and an element found before a reload can
        // no longer be read after it (Chromium does not always report that as a stale element).
        var status = browser.Until(
            d =>
                ((IJavaScriptExecutor)d).ExecuteScript(
                    "return document.getElementById('run-status')?.dataset.status ?? null"
                )
                    is string s
                && s is "succeeded" or "failed" or "cancelled"
                    ? s
                    : null,
            $"run {id} to finish",
            seconds: 240
        );
        Assert.Equal("succeeded", status);
        return id;
    }
}
