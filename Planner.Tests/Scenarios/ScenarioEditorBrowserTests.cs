using OpenQA.Selenium;
using Planner.Api.Scenarios;
using Planner.Tests.Browser;
using Planner.Tests.Jobs;

namespace Planner.Tests.Scenarios;

/// <summary>The scenario editor in Chromium, in Chinese: the team filter (script) and a row added by posting the
/// form back.</summary>
public class ScenarioEditorBrowserTests : HangfireTests
{
    [Fact]
    public async Task Planner_FindsTeamsByCity_AddsADemandRow_AndSaves_InChinese()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = await TestPlanner.PulledAsync(db);
        await using var browser = await BrowserSession.StartAsync(db);
        var driver = browser.Driver;
        browser.SignIn("planner", "planner-2020", language: "zh-CN");
        browser.Go("/scenarios/edit");

        var teams = driver.FindElements(By.CssSelector("#teams label[data-search]"));
        var filter = driver.FindElement(By.Id("team-filter"));
        Assert.True(filter.Displayed);
        filter.SendKeys("宁波");
        // The script hides the other teams (without it, every team stays listed).
        var shown = browser.Until(
            d => Shown(d) is { Count: > 0 } labels && labels.Count < teams.Count ? labels : null,
            "the teams of Ningbo"
        )!;
        Assert.All(shown, l => Assert.Contains("宁波", l.Text, StringComparison.Ordinal));
        shown[0].FindElement(By.TagName("input")).Click();

        driver.FindElement(By.Id("NewId")).SendKeys("ningbo");
        driver.FindElement(By.Id("Name")).SendKeys("宁波医疗队轮休");
        driver.FindElement(By.CssSelector("select[name='Demand[0].Code'] option[value='330102']")).Click();
        driver.FindElement(By.Name("Demand[0].Multiplier")).SendKeys("2");
        driver.FindElement(By.CssSelector("button[name=add][value=demand]")).Click();
        browser.Until(d => d.FindElements(By.Name("Demand[1].Multiplier")).Count == 1, "a second demand row");
        Assert.Equal("2", driver.FindElement(By.Name("Demand[0].Multiplier")).GetAttribute("value"));
        driver.FindElement(By.CssSelector("select[name='Demand[1].Scope'] option[value='3']")).Click();
        driver.FindElement(By.Name("Demand[1].Multiplier")).SendKeys("0.5");
        driver.FindElement(By.CssSelector("button[name=run][value=false]:not(.offscreen)")).Click();

        browser.Until(d => d.Url.EndsWith("/scenarios", StringComparison.Ordinal), "the scenario list");
        Assert.Equal(
            "330102 各级需求 ×2；各县（市、区） 第3级需求 ×0.5；1 支医疗队不可调派",
            driver.FindElement(By.XPath("//tr[td='ningbo']/td[4]")).Text
        );
        await using var connection = await node.Planner.OpenAsync(Ct);
        var saved = (await ScenarioStore.GetAsync(connection, "ningbo"))!.Overrides;
        Assert.Single(saved.UnavailableTeams);
    }

    private static List<IWebElement> Shown(IWebDriver driver) =>
        driver.FindElements(By.CssSelector("#teams label[data-search]")).Where(l => l.Displayed).ToList();
}
