using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Planner.Tests.Jobs;

namespace Planner.Tests.Runs;

/// <summary>
/// A run's risk over HTTP (<c>GET /api/runs/{id}/risk</c>) on SQLite and PostgreSQL: the target and paths it was
/// measured with, every destination's line as stored with the run, the province's totals per product and tier; a
/// city's officer gets their city's counties and is refused another's.
/// </summary>
public class RiskApiTests : HangfireTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Risk_ListsEachCountysChanceOfRunningOut_AndTheProvincesTotals(DatabaseProvider provider)
    {
        await using var app = await TestWebApp.StartAsync(provider, ("Planner:Workbooks:Cities", "false"));
        using var api = await app.WithApiKeyAsync("planner");
        using var queued = await api.PostAsJsonAsync("/api/runs", new { asOf = "2020-02-16", days = 3 }, Ct);
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        Assert.Equal("succeeded", await TestWebApp.FinishedRunStatusAsync(api, id));

        var risk = await api.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/risk", Ct);
        Assert.Equal(0.05, risk.GetProperty("target").GetDouble());
        Assert.Equal(1000, risk.GetProperty("paths").GetInt32());
        var lines = risk.GetProperty("lines").EnumerateArray().ToList();
        await using (var db = await app.Planner.OpenAsync(Ct))
        {
            var stored = await db.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM plan_risk k JOIN run_requests r ON r.run_id = k.run_id WHERE r.id = @id",
                new { id }
            );
            Assert.Equal(stored, lines.Count);
        }
        // Worst first; probabilities are shares, each with its standard error.
        var chances = lines.Select(l => l.GetProperty("stockoutProbability").GetDouble()).ToList();
        Assert.Equal(chances.OrderDescending(), chances);
        Assert.All(chances, p => Assert.InRange(p, 0, 1));
        Assert.Contains(lines, l => l.GetProperty("tier").GetInt32() == 1 && l.GetProperty("buffer").GetDouble() > 0);
        var totals = risk.GetProperty("totals").EnumerateArray().ToList();
        Assert.Equal(5, totals.Where(t => t.GetProperty("tier").GetInt32() == 1).Count());

        var tierOne = await api.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/risk?tier=1", Ct);
        Assert.All(tierOne.GetProperty("lines").EnumerateArray(), l =>
            Assert.Equal(1, l.GetProperty("tier").GetInt32())
        );

        using var officer = await app.WithApiKeyAsync("hangzhou");
        var own = await officer.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/risk", Ct);
        var cities = own.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("city").GetString());
        Assert.Equal(["330100"], cities.Distinct());
        Assert.Empty(own.GetProperty("totals").EnumerateArray());
        using var other = await officer.GetAsync(new Uri($"/api/runs/{id}/risk?city=330200", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        using var unknown = await api.GetAsync(new Uri("/api/runs/req-unknown/risk", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
