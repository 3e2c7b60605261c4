using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Planner.Api.Access;
using Planner.Tests.Jobs;

namespace Planner.Tests.Localization;

/// <summary>The API's problems (title and detail) are in the language the request asks for with
/// <c>Accept-Language</c>, Chinese when it asks for none; and every message the code asks for is in the
/// resources.</summary>
public partial class MessagesTests : HangfireTests
{
    [Theory]
    [InlineData("zh-CN", "未找到", "没有运行 req-nothing。")]
    [InlineData("zh-CN,zh;q=0.9", "未找到", "没有运行 req-nothing。")]
    [InlineData("en-US,en;q=0.9", "Not Found", "There is no run req-nothing.")]
    [InlineData(null, "未找到", "没有运行 req-nothing。")]
    public async Task AnUnknownRun_IsA404_InTheRequestsLanguage(string? language, string title, string detail)
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var client = await WithApiKeyAsync(app, "planner", language);

        using var response = await client.GetAsync(new Uri("/api/runs/req-nothing", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal((title, detail), (problem.Title, problem.Detail));
    }

    [Theory]
    [InlineData("zh-CN", "未登录", "API 密钥缺失、无效或已吊销。", "无权访问", "您的角色无权执行此操作。")]
    [InlineData(
        "en",
        "Unauthorized",
        "The API key is missing, unknown or revoked.",
        "Forbidden",
        "Your role does not allow this."
    )]
    public async Task AMissingKeyOrRole_IsA401Or403_InTheRequestsLanguage(
        string language,
        string title401,
        string detail401,
        string title403,
        string detail403
    )
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var unknown = app.Anonymous(language: null);
        unknown.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        unknown.DefaultRequestHeaders.Add(ApiKeyHandler.Header, "pk_not-a-key");
        using var hospital = await WithApiKeyAsync(app, "hospital", language);

        using var unauthorized = await unknown.GetAsync(new Uri("/api/runs", UriKind.Relative), Ct);
        using var forbidden = await hospital.GetAsync(new Uri("/api/runs", UriKind.Relative), Ct);

        Assert.Equal(
            (HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden),
            (unauthorized.StatusCode, forbidden.StatusCode)
        );
        Assert.Equal((title401, detail401), await ProblemAsync(unauthorized));
        Assert.Equal((title403, detail403), await ProblemAsync(forbidden));
    }

    /// <summary>A client with a new API key of <paramref name="userName"/>, no language cookie, and
    /// <c>Accept-Language: <paramref name="language"/></c> (none when null).</summary>
    private static async Task<HttpClient> WithApiKeyAsync(TestWebApp app, string userName, string? language)
    {
        await using var db = await app.Planner.OpenAsync(Ct);
        await TestWebApp.EnsureSampleAsync(db, userName);
        var client = app.Anonymous(language: null);
        client.DefaultRequestHeaders.Add(
            ApiKeyHandler.Header,
            await Users.CreateApiKeyAsync(db, userName, "test", DateTimeOffset.UtcNow)
        );
        if (language is not null)
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return client;
    }

    private static async Task<(string? Title, string? Detail)> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return (json.RootElement.GetProperty("title").GetString(), json.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public void EveryMessageTheCodeAsksFor_IsInItsResources()
    {
        var api = Path.GetFullPath(Path.Combine(TestPlanner.DataDirectory, "..", "Planner.Api"));
        var resources = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
        {
            ["Messages"] = Keys(Path.Combine(api, "Localization", "Messages.en.resx")),
            ["CliText"] = Keys(Path.Combine(api, "Cli", "CliText.en.resx")),
        };
        var asked = Directory
            .EnumerateFiles(api, "*.cs", SearchOption.AllDirectories)
            .Where(f =>
                !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            )
            .SelectMany(f =>
                Asked()
                    .Matches(File.ReadAllText(f))
                    .Select(m => (File: f, Class: m.Groups[1].Value, Key: m.Groups[2].Value))
            )
            .ToList();

        Assert.True(asked.Count > 50, $"only {asked.Count} messages found: is the pattern still right?");
        Assert.Empty(
            asked
                .Where(a => !resources[a.Class].Contains(a.Key))
                .Select(a => $"{Path.GetRelativePath(api, a.File)} asks for {a.Class} {a.Key}")
        );
    }

    private static HashSet<string> Keys(string resx) =>
        XDocument
            .Load(resx)
            .Root!.Elements("data")
            .Select(d => (string)d.Attribute("name")!)
            .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\b(Messages|CliText)\.Get\(\s*""([^""]+)""")]
    private static partial Regex Asked();
}
