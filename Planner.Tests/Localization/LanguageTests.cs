using System.Net;
using Planner.Api.Access;
using Planner.Api.Localization;
using Planner.Tests.Jobs;

namespace Planner.Tests.Localization;

/// <summary>The pages speak Chinese until English is chosen with the switch, whatever the browser asks for; the
/// choice stays in the browser and follows the user to another one.</summary>
public class LanguageTests : HangfireTests
{
    private static string Password(string user) => Users.Samples.Single(s => s.User.UserName == user).Password;

    [Fact]
    public async Task Pages_AreChinese_UntilEnglishIsChosen_AndTheChoiceFollowsTheUser()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        await using (var db = await app.Planner.OpenAsync(Ct))
        {
            await TestWebApp.EnsureSampleAsync(db, "planner");
            await TestWebApp.EnsureSampleAsync(db, "province");
        }
        using var browser = app.Anonymous(language: null);
        browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-US,en;q=0.9");
        var signIn = await browser.GetStringAsync(new Uri("/signin", UriKind.Relative), Ct);
        Assert.Contains("<html lang=\"zh-CN\">", signIn, StringComparison.Ordinal);
        Assert.Contains("用户名", signIn, StringComparison.Ordinal);
        using var wrong = await TestWebApp.SignInAsync(browser, "planner", "not-the-password");
        await Answer.AssertSaysAsync(wrong, HttpStatusCode.Unauthorized, "用户名或密码错误。");
        using var signedIn = await TestWebApp.SignInAsync(browser, "planner", Password("planner"));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        var home = await browser.GetStringAsync(new Uri("/", UriKind.Relative), Ct);
        Assert.Contains("最新调拨计划", home, StringComparison.Ordinal);
        Assert.Contains("数据时效", home, StringComparison.Ordinal);
        Assert.Contains("最近拉取（北京时间）", home, StringComparison.Ordinal);
        Assert.Contains("退出登录", home, StringComparison.Ordinal);
        Assert.DoesNotContain("Latest plans", home, StringComparison.Ordinal);

        using var english = await ChooseAsync(browser, "en", "/?from=switch");
        Assert.Equal("/?from=switch", english.Headers.Location?.OriginalString);
        home = await browser.GetStringAsync(new Uri("/", UriKind.Relative), Ct);
        Assert.Contains("<html lang=\"en\">", home, StringComparison.Ordinal);
        Assert.Contains("Latest plans", home, StringComparison.Ordinal);
        Assert.Contains("Last pull (Beijing time)", home, StringComparison.Ordinal);

        // Nothing changes for a language Planner does not speak, and the switch never sends anyone off the site.
        using var french = await ChooseAsync(browser, "fr", "https://elsewhere.example/");
        Assert.Equal("/", french.Headers.Location?.OriginalString);
        Assert.Contains(
            "Latest plans",
            await browser.GetStringAsync(new Uri("/", UriKind.Relative), Ct),
            StringComparison.Ordinal
        );

        // Another browser: English again once the planner signs in; another user stays in Chinese.
        using var laptop = app.Anonymous(language: null);
        using var again = await TestWebApp.SignInAsync(laptop, "planner", Password("planner"));
        Assert.Contains(
            "Latest plans",
            await laptop.GetStringAsync(new Uri("/", UriKind.Relative), Ct),
            StringComparison.Ordinal
        );
        using var colleague = app.Anonymous(language: null);
        using var other = await TestWebApp.SignInAsync(colleague, "province", Password("province"));
        Assert.Contains(
            "最新调拨计划",
            await colleague.GetStringAsync(new Uri("/", UriKind.Relative), Ct),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task AHospitalAdministrator_SeesTheirHospitalsReports_NotTheFeeds()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var hospital = await app.SignedInAsync("hospital", language: "zh-CN");

        var home = await hospital.GetStringAsync(new Uri("/", UriKind.Relative), Ct);

        Assert.Contains("本院收治能力上报", home, StringComparison.Ordinal);
        Assert.Contains("<td>H-0001 </td>", home, StringComparison.Ordinal);
        Assert.Contains("<td>尚无报告</td>", home, StringComparison.Ordinal);
        Assert.Contains("<td>待上报</td>", home, StringComparison.Ordinal);
        Assert.DoesNotContain("数据时效", home, StringComparison.Ordinal);
    }

    [Fact]
    public void BeijingTime_IsUtcPlusEight()
    {
        Assert.Equal("2020-02-10 06:30", BeijingTime.Format(new DateTimeOffset(2020, 2, 9, 22, 30, 0, TimeSpan.Zero)));
        Assert.Equal("", BeijingTime.Format(null));
    }

    private static async Task<HttpResponseMessage> ChooseAsync(HttpClient client, string language, string returnUrl)
    {
        var token = await TestWebApp.TokenAsync(client, "/");
        using var form = new FormUrlEncodedContent([
            new("language", language),
            new("returnUrl", returnUrl),
            new("__RequestVerificationToken", token),
        ]);
        return await client.PostAsync(new Uri("/language", UriKind.Relative), form);
    }
}
