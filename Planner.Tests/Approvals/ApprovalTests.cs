using System.Net;
using System.Text.RegularExpressions;
using Planner.Api.Localization;
using Planner.Tests.Jobs;

namespace Planner.Tests.Approvals;

/// <summary>
/// Approving (签发) a run as the dispatch plan: over the API and on the run page, planners only; recorded with who
/// and when; a newer approval supersedes the older one; logistics officers' home page shows the approved plan
/// first and what-if runs apart, under their own heading.
/// </summary>
public partial class ApprovalTests : HangfireTests
{
    /// <summary>Three published runs: two baseline plans and a what-if run between them.</summary>
    private sealed record Runs(string First, string WhatIf, string Latest);

    /// <summary>The home page's parts in the order an officer meets them: the approved plan, then the what-if
    /// runs.</summary>
    private static readonly string[] HomeOrder =
    [
        "Approved dispatch plan</h2>",
        "id=\"approved-plan\"",
        "What-if runs (not for dispatch)</h2>",
        "id=\"what-if-runs\"",
    ];

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Approval_RecordedWithWhoAndWhen_SupersededByANewerOne_PlannersOnly(DatabaseProvider provider)
    {
        await using var app = await TestWebApp.StartAsync(provider);
        using var planner = await app.WithApiKeyAsync("planner");
        using var officerApi = await app.WithApiKeyAsync("province");
        using var officer = await app.SignedInAsync("province");
        var runs = await PublishAsync(planner);

        // Before any approval: the latest baseline plan first, marked as not approved; the what-if run apart.
        var home = await PageAsync(officer, "/");
        Assert.Contains("No plan has been approved yet.", home, StringComparison.Ordinal);
        Assert.Equal([runs.Latest], RunsIn(home, "unapproved-plan"));
        Assert.Equal([runs.First], RunsIn(home, "baseline-plans"));
        Assert.Equal([runs.WhatIf], RunsIn(home, "what-if-runs"));
        Assert.Empty(RunsIn(home, "approved-plan"));

        await AssertOnlyPlannersApproveAsync(officerApi, officer, runs.First);

        var before = DateTimeOffset.UtcNow;
        using var approved = await planner.PostAsync(
            new Uri($"/api/runs/{runs.First}/approve", UriKind.Relative),
            null,
            Ct
        );
        var after = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var approval = await approved.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(runs.First, approval.GetProperty("requestId").GetString());
        Assert.Equal("planner", approval.GetProperty("approvedBy").GetString());
        Assert.Equal("省指挥部计划员（示例）", approval.GetProperty("approvedByName").GetString());
        Assert.InRange(approval.GetProperty("approvedAt").GetDateTimeOffset(), before.AddSeconds(-1), after);
        Assert.Equal(TimeSpan.Zero, approval.GetProperty("approvedAt").GetDateTimeOffset().Offset);
        Assert.True(approval.GetProperty("inForce").GetBoolean());
        var approvedAt = BeijingTime.Format(approval.GetProperty("approvedAt").GetDateTimeOffset());
        Assert.Contains(
            $"Approved: 省指挥部计划员（示例） approved this plan as the dispatch plan at {approvedAt} "
                + "(Beijing time)",
            await PageAsync(officer, $"/runs/{runs.First}"),
            StringComparison.Ordinal
        );

        await ApproveOnThePageAsync(app, runs.Latest);
        await AssertSupersededAsync(planner, officer, runs);
        await AssertOnlyAFinishedRunIsApprovedAsync(planner);
    }

    /// <summary>No such run: 404; a run that published nothing (cancelled): 409 saying why; either way the plan in
    /// force stays.</summary>
    private static async Task AssertOnlyAFinishedRunIsApprovedAsync(HttpClient planner)
    {
        using var unknown = await planner.PostAsync(new Uri("/api/runs/req-nope/approve", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var queued = await planner.PostAsJsonAsync("/api/runs", new { days = 2 }, Ct);
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        using var cancel = await planner.PostAsync(new Uri($"/api/runs/{id}/cancel", UriKind.Relative), null, Ct);
        Assert.Equal("cancelled", await TestWebApp.FinishedRunStatusAsync(planner, id));
        var before = await planner.GetStringAsync(new Uri("/api/approvals", UriKind.Relative), Ct);

        using var refused = await planner.PostAsync(new Uri($"/api/runs/{id}/approve", UriKind.Relative), null, Ct);

        await Answer.AssertSaysAsync(refused, HttpStatusCode.Conflict, $"Run {id} has not finished successfully");
        Assert.Equal(before, await planner.GetStringAsync(new Uri("/api/approvals", UriKind.Relative), Ct));
    }

    /// <summary>A logistics officer may not approve: 403 with ProblemDetails over the API, the refusal page on the
    /// run page (which shows them no button), and nothing is recorded.</summary>
    private static async Task AssertOnlyPlannersApproveAsync(HttpClient api, HttpClient page, string run)
    {
        using var refused = await api.PostAsync(new Uri($"/api/runs/{run}/approve", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        var runPage = await PageAsync(page, $"/runs/{run}");
        Assert.DoesNotContain("handler=Approve", runPage, StringComparison.Ordinal);
        Assert.Contains("This plan is not approved: do not dispatch from it.", runPage, StringComparison.Ordinal);
        using var form = new FormUrlEncodedContent([
            new("__RequestVerificationToken", await TestWebApp.TokenAsync(page, $"/runs/{run}")),
        ]);
        using var posted = await page.PostAsync(new Uri($"/runs/{run}?handler=Approve", UriKind.Relative), form, Ct);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/denied", posted.Headers.Location?.AbsolutePath);
        using var denied = await page.GetAsync(posted.Headers.Location, Ct);
        Assert.Equal("text/html", denied.Content.Headers.ContentType?.MediaType);

        var approvals = await api.GetFromJsonAsync<JsonElement>("/api/approvals", Ct);
        Assert.Equal(0, approvals.GetArrayLength());
    }

    /// <summary>The planner approves the latest baseline plan with the run page's button (its anti-forgery
    /// token).</summary>
    private static async Task ApproveOnThePageAsync(TestWebApp app, string run)
    {
        using var planner = await app.SignedInAsync("planner", language: LocalizationSetup.Chinese);
        var page = await PageAsync(planner, $"/runs/{run}");
        Assert.Contains("签发为今日调拨计划", page, StringComparison.Ordinal);
        Assert.Contains("本计划未签发，不作为调拨依据。", page, StringComparison.Ordinal);
        using var form = new FormUrlEncodedContent([
            new("__RequestVerificationToken", await TestWebApp.TokenAsync(planner, $"/runs/{run}")),
        ]);
        using var posted = await planner.PostAsync(new Uri($"/runs/{run}?handler=Approve", UriKind.Relative), form, Ct);
        Assert.Equal(
            (HttpStatusCode.Redirect, $"/runs/{run}"),
            (posted.StatusCode, posted.Headers.Location?.ToString())
        );
        page = await PageAsync(planner, $"/runs/{run}");
        Assert.Matches(@"已签发：本计划由省指挥部计划员（示例）于\d{4}-\d\d-\d\d \d\d:\d\d（北京时间）签发", page);
        Assert.DoesNotContain("handler=Approve", page, StringComparison.Ordinal);
        var home = await PageAsync(planner, "/");
        Assert.Contains("<h2>已签发的调拨计划</h2>", home, StringComparison.Ordinal);
        Assert.Contains("<h2>情景推演（非调拨依据）</h2>", home, StringComparison.Ordinal);
        Assert.Equal([run], RunsIn(home, "approved-plan"));
    }

    /// <summary>The second approval is in force, the first kept and superseded; the home page shows the approved plan
    /// first, the other baseline plan after it and the what-if run under its own heading, in both languages.</summary>
    private static async Task AssertSupersededAsync(HttpClient planner, HttpClient officer, Runs runs)
    {
        var history = (await planner.GetFromJsonAsync<JsonElement>("/api/approvals", Ct)).EnumerateArray().ToList();
        Assert.Equal([runs.Latest, runs.First], history.Select(a => a.GetProperty("requestId").GetString()));
        Assert.Equal([true, false], history.Select(a => a.GetProperty("inForce").GetBoolean()));
        Assert.All(history, a => Assert.Equal("planner", a.GetProperty("approvedBy").GetString()));
        Assert.True(
            history[0].GetProperty("approvedAt").GetDateTimeOffset()
                >= history[1].GetProperty("approvedAt").GetDateTimeOffset()
        );

        var first = await PageAsync(officer, $"/runs/{runs.First}");
        Assert.Contains("a newer approval has since superseded it", first, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/runs/{runs.Latest}\">", first, StringComparison.Ordinal);

        var home = await PageAsync(officer, "/");
        Assert.Equal([runs.Latest], RunsIn(home, "approved-plan"));
        Assert.Equal([runs.First], RunsIn(home, "baseline-plans"));
        Assert.Equal([runs.WhatIf], RunsIn(home, "what-if-runs"));
        Assert.Empty(RunsIn(home, "unapproved-plan"));
        Assert.Contains("Approved by 省指挥部计划员（示例） at", home, StringComparison.Ordinal);
        var order = HomeOrder.Select(s => home.IndexOf(s, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order(), order);
    }

    /// <summary>Two baseline plans of two days with a what-if run between them, each queued and finished.</summary>
    private static async Task<Runs> PublishAsync(HttpClient planner)
    {
        using var created = await planner.PostAsJsonAsync(
            "/api/scenarios",
            new
            {
                id = "surge",
                name = "上城区危重症激增",
                overrides = new { horizonDays = 2 },
            },
            Ct
        );
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var first = await RunAsync(planner, "/api/scenarios/baseline/runs", new { days = 2 });
        var whatIf = await RunAsync(planner, "/api/scenarios/surge/runs", new { });
        var latest = await RunAsync(planner, "/api/scenarios/baseline/runs", new { days = 2 });
        return new Runs(first, whatIf, latest);
    }

    private static async Task<string> RunAsync(HttpClient planner, string url, object body)
    {
        using var queued = await planner.PostAsJsonAsync(url, body, Ct);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        Assert.Equal("succeeded", await TestWebApp.FinishedRunStatusAsync(planner, id));
        return id;
    }

    private static async Task<string> PageAsync(HttpClient client, string url) =>
        WebUtility.HtmlDecode(await client.GetStringAsync(new Uri(url, UriKind.Relative), Ct));

    /// <summary>The runs (request ids) listed in the page's table <paramref name="id"/>, in order.</summary>
    private static List<string> RunsIn(string page, string id) =>
        RunRow()
            .Matches(Regex.Match(page, $"<table id=\"{id}\".*?</table>", RegexOptions.Singleline).Value)
            .Select(m => m.Groups[1].Value)
            .ToList();

    [GeneratedRegex("<tr data-run=\"([^\"]+)\"")]
    private static partial Regex RunRow();
}
