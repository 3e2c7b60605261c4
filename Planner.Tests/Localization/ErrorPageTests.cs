using System.Net;
using Planner.Tests.Jobs;

namespace Planner.Tests.Localization;

/// <summary>A page that is not there answers an HTML page in the reader's language with a way back that fits the
/// role; the API keeps answering ProblemDetails.</summary>
public class ErrorPageTests : HangfireTests
{
    [Fact]
    public async Task UnknownPagesAndRuns_AnswerAPage_InTheReadersLanguage_WithAWayBackForTheRole()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var planner = await app.SignedInAsync("planner", language: "zh-CN");
        using var run = await planner.GetAsync(new Uri("/runs/req-nope", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, run.StatusCode);
        Assert.Equal("text/html", run.Content.Headers.ContentType?.MediaType);
        var page = await run.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<h1>找不到该页面</h1>", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/scenarios\"", page, StringComparison.Ordinal);

        using var hospital = await app.SignedInAsync("hospital");
        using var nowhere = await hospital.GetAsync(new Uri("/no/such/page", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, nowhere.StatusCode);
        var english = await nowhere.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<h1>Page not found</h1>", english, StringComparison.Ordinal);
        Assert.Contains("href=\"/uploads\"", english, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/scenarios\"", english, StringComparison.Ordinal);

        using var stranger = app.Anonymous(language: null);
        using var anonymous = await stranger.GetAsync(new Uri("/no/such/page", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
        Assert.Contains("href=\"/signin\"", await anonymous.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var api = await app.WithApiKeyAsync("planner");
        using var problem = await api.GetAsync(new Uri("/api/runs/req-nope", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, problem.StatusCode);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
    }
}
