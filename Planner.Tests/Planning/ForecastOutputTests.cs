using System.Text.Json;
using ClosedXML.Excel;

namespace Planner.Tests.Planning;

/// <summary>The forecast a plan is made on is published: in <c>summary.json</c> and on the workbooks' Forecast
/// sheet.</summary>
public class ForecastOutputTests
{
    [Fact]
    public async Task APlanAsOf16February_PublishesRisingProduction_InTheSummaryAndOnTheForecastSheet()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = TestPlanner.Node(db, ("Planner:Teams:TimeLimitSeconds", "2"));
        await node.PrepareWithSourcesAsync(Ct);
        var output = Path.Combine(db.Directory, "out");

        var outcome = await node.RunAsync(new PlanRequest(output) { AsOf = new(2020, 2, 16) }, ct: Ct);

        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(outcome.SummaryPath!, Ct));
        var forecast = summary.RootElement.GetProperty("forecast");
        Assert.Equal("2020-02-16", forecast.GetProperty("asOf").GetString());
        var n95 = forecast
            .GetProperty("drivers")
            .EnumerateArray()
            .Single(d =>
                d.GetProperty("driver").GetString() == "production"
                && d.GetProperty("region").GetString() == "330000"
                && d.GetProperty("product").GetString() == "N95"
            );
        var observed = n95.GetProperty("observed").EnumerateArray().ToList();
        var days = n95.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(("2020-02-03", "2020-02-16"), (Date(observed[0]), Date(observed[^1])));
        Assert.Equal(("2020-02-17", "2020-03-01"), (Date(days[0]), Date(days[^1])));
        Assert.All(days, d => Assert.True(P(d, "p10") <= P(d, "p50") && P(d, "p50") <= P(d, "p90")));
        // Output was ramping up in February: the forecast carries it on.
        Assert.True(P(days[^1], "p50") > P(days[0], "p50"), "N95 output does not rise over the horizon");
        Assert.True(observed[^1].GetProperty("value").GetDouble() > observed[0].GetProperty("value").GetDouble());

        // The province's Forecast sheet holds the same numbers, a row per day; a city's only its own depot.
        using var workbook = new XLWorkbook(outcome.WorkbookPath!);
        var rows = workbook
            .Worksheet("Forecast")
            .Table("Forecast")
            .DataRange.Rows()
            .Where(r => r.Cell(2).GetString() == "330000" && r.Cell(4).GetString() == "N95")
            .ToList();
        Assert.Equal(observed.Count + days.Count, rows.Count);
        Assert.Equal(P(days[^1], "p50"), rows[^1].Cell(8).GetDouble(), 3);
        using var city = new XLWorkbook(outcome.CityWorkbookPaths[0]);
        Assert.All(city.Worksheet("Forecast").Table("Forecast").DataRange.Rows(), r =>
            Assert.Equal(Path.GetFileName(outcome.CityWorkbookPaths[0])[10..16], r.Cell(2).GetString())
        );
    }

    private static string? Date(JsonElement e) => e.GetProperty("date").GetString();

    private static double P(JsonElement e, string name) => e.GetProperty(name).GetDouble();
}
