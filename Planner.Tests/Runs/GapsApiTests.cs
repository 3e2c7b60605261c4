using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Planner.Tests.Jobs;

namespace Planner.Tests.Runs;

/// <summary>
/// The gap list over HTTP (<c>GET /api/runs/{id}/gaps</c>) on SQLite and PostgreSQL: every unmet need of the run
/// grouped by product, city, day and tier, each line's reasons adding up to it and its closable units with a depot
/// and a day to supply by; a city's officer gets their city's lines and is refused another's.
/// </summary>
public class GapsApiTests : HangfireTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Gaps_ListEveryUnmetNeedByProductCityDayAndTier_WithWhereAndWhenSupplyClosesIt(
        DatabaseProvider provider
    )
    {
        await using var app = await TestWebApp.StartAsync(provider, ("Planner:Workbooks:Cities", "false"));
        using var api = await app.WithApiKeyAsync("planner");
        using var queued = await api.PostAsJsonAsync("/api/runs", new { asOf = "2020-02-16", days = 3 }, Ct);
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        Assert.Equal("succeeded", await TestWebApp.FinishedRunStatusAsync(api, id));

        var gaps = await api.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/gaps", Ct);
        var start = DateOnly.Parse(gaps.GetProperty("planStart").GetString()!, CultureInfo.InvariantCulture);
        var lines = gaps.GetProperty("lines").EnumerateArray().ToList();
        Assert.NotEmpty(lines);
        await using (var db = await app.Planner.OpenAsync(Ct))
        {
            var unmet = await db.ExecuteScalarAsync<double>(
                """
                SELECT SUM(a.demand - a.served) FROM plan_allocations a JOIN run_requests r ON r.run_id = a.run_id
                WHERE r.id = @id AND a.demand - a.served >= 0.5
                """,
                new { id }
            );
            Assert.Equal(unmet, lines.Sum(l => l.GetProperty("unmet").GetDouble()), 3);
        }
        Assert.All(lines, line =>
        {
            var unmet = line.GetProperty("unmet").GetDouble();
            var closable = line.GetProperty("closable").GetDouble();
            Assert.InRange(closable, 0, unmet);
            Assert.Equal(unmet, line.GetProperty("reasons").EnumerateObject().Sum(r => r.Value.GetDouble()), 3);
            var date = DateOnly.Parse(line.GetProperty("date").GetString()!, CultureInfo.InvariantCulture);
            Assert.InRange(date, start, start.AddDays(2));
            if (closable > 0)
            {
                Assert.False(string.IsNullOrEmpty(line.GetProperty("depot").GetString()));
                var by = DateOnly.Parse(line.GetProperty("supplyBy").GetString()!, CultureInfo.InvariantCulture);
                Assert.InRange(by, start, date);
            }
            else
                Assert.Equal(JsonValueKind.Null, line.GetProperty("depot").ValueKind);
        });
        Assert.Contains(lines, l => l.GetProperty("city").GetString() == "330100");

        using var officer = await app.WithApiKeyAsync("hangzhou");
        var own = await officer.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/gaps", Ct);
        var cities = own.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("city").GetString());
        Assert.Equal(["330100"], cities.Distinct());
        using var other = await officer.GetAsync(new Uri($"/api/runs/{id}/gaps?city=330200", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        using var unknown = await api.GetAsync(new Uri("/api/runs/req-unknown/gaps", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
