using Planner.Tests.Jobs;

namespace Planner.Tests.Startup;

/// <summary><c>/health</c> checks the planner database and Hangfire's storage, and says which one fails.</summary>
public class HealthTests : HangfireTests
{
    [Fact]
    public async Task Health_IsOk_WhenBothAnswer_And503NamingTheDatabase_WhenItIsDown()
    {
        await using var cluster = await PostgresServer.StartPrivateAsync();
        await using var db = await TestDatabase.CreateOnAsync(cluster.AdminConnectionString);
        await using var app = TestWebApp.Start(db);
        using var client = app.Anonymous();

        using var up = await client.GetAsync(new Uri("/health", UriKind.Relative), Ct);
        var healthy = await up.Content.ReadFromJsonAsync<JsonElement>(Ct);
        cluster.Stop();
        using var down = await client.GetAsync(new Uri("/health", UriKind.Relative), Ct);
        var unhealthy = await down.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        Assert.Equal("ok", healthy.GetProperty("status").GetString());
        Assert.Equal([("database", "healthy"), ("jobs", "healthy")], Checks(healthy));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("unhealthy", unhealthy.GetProperty("status").GetString());
        Assert.Contains(("database", "unhealthy"), Checks(unhealthy));
        var detail = unhealthy
            .GetProperty("checks")
            .EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "database")
            .GetProperty("detail")
            .GetString();
        // "Cannot open the PostgreSQL database …" or, on a connection pooled before the stop, "The PostgreSQL
        // database … does not answer".
        Assert.Contains("PostgreSQL database", detail, StringComparison.Ordinal);
    }

    /// <summary>The details are in the reader's language: Chinese for a caller that has chosen none (a load balancer,
    /// a new browser), English on the language switch's cookie; the status words stay the same for machines.</summary>
    [Fact]
    public async Task Health_WordsItsDetailsInTheReadersLanguage_NotItsStatus()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var chineseClient = app.Anonymous(null);
        using var englishClient = app.Anonymous();

        var chinese = await chineseClient.GetFromJsonAsync<JsonElement>(new Uri("/health", UriKind.Relative), Ct);
        var english = await englishClient.GetFromJsonAsync<JsonElement>(new Uri("/health", UriKind.Relative), Ct);

        Assert.All(new[] { chinese, english }, r => Assert.Equal("ok", r.GetProperty("status").GetString()));
        Assert.Equal(Checks(english), Checks(chinese));
        Assert.StartsWith("SQLite 数据库 ", Detail(chinese, "database"), StringComparison.Ordinal);
        Assert.Matches(@"^已登记 \d+ 个作业进程$", Detail(chinese, "jobs"));
        Assert.StartsWith("SQLite database ", Detail(english, "database"), StringComparison.Ordinal);
        Assert.Matches(@"^\d+ workers? registered$", Detail(english, "jobs"));
    }

    private static string? Detail(JsonElement report, string check) =>
        report
            .GetProperty("checks")
            .EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == check)
            .GetProperty("detail")
            .GetString();

    private static List<(string, string)> Checks(JsonElement report) =>
        report
            .GetProperty("checks")
            .EnumerateArray()
            .Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("status").GetString()!))
            .OrderBy(c => c.Item1, StringComparer.Ordinal)
            .ToList();
}
