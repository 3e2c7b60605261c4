using System.Text.Json;
using ClosedXML.Excel;

namespace Planner.Tests.Planning;

/// <summary>The forecast a plan is made on is published: in <c>summary.json</c> and on the workbooks' Forecast
/// sheet.</summary>
public class ForecastOutputTests
{
    /// <summary>Issue 19's acceptance: a plan as of 16 February 2020 shows the severe and critical census and the
    /// people under observation falling, and production rising, in the summary and on the Forecast sheet; the plan's
    /// critical-care demand falls with the census.</summary>
    [Fact]
    public async Task APlanAsOf16February_PublishesAFallingCensus_AndRisingProduction()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = TestPlanner.Node(db, ("Planner:Teams:TimeLimitSeconds", "2"));
        await node.PrepareWithSourcesAsync(Ct);
        var output = Path.Combine(db.Directory, "out");

        var outcome = await node.RunAsync(new PlanRequest(output) { AsOf = new(2020, 2, 16) }, ct: Ct);

        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(outcome.SummaryPath!, Ct));
        var forecast = summary.RootElement.GetProperty("forecast");
        Assert.Equal("2020-02-16", forecast.GetProperty("asOf").GetString());
        var drivers = forecast.GetProperty("drivers").EnumerateArray().ToList();
        var n95 = Province(drivers, "production", "N95");
        var (observed, days) = (Observed(n95), Days(n95));
        Assert.Equal(("2020-02-03", "2020-02-16"), (Date(observed[0]), Date(observed[^1])));
        Assert.Equal(("2020-02-17", "2020-03-01"), (Date(days[0]), Date(days[^1])));
        Assert.All(drivers.SelectMany(Days), d =>
            Assert.True(P(d, "p10") <= P(d, "p50") && P(d, "p50") <= P(d, "p90"))
        );
        // Output was ramping up in February: the forecast carries it on.
        Assert.True(P(days[^1], "p50") > P(days[0], "p50"), "N95 output does not rise over the horizon");
        Assert.True(Value(observed[^1]) > Value(observed[0]));
        // Severe + critical patients (a peak of 80 on 11 February in the real series, 39 on 23 February) and people
        // under observation had turned: the forecast falls on from the last observed day.
        foreach (var driver in new[] { "severe_critical", "under_observation" })
        {
            var d = Province(drivers, driver, null);
            Assert.True(Value(Observed(d)[^1]) < Observed(d).Max(Value), $"{driver} did not turn before 16 February");
            Assert.True(P(Days(d)[0], "p50") < Value(Observed(d)[^1]) * 1.05, $"{driver} jumps on the first day");
            Assert.True(P(Days(d)[^1], "p50") < P(Days(d)[0], "p50") * 0.8, $"{driver} does not fall by a fifth");
        }
        var critical = outcome.Problem.Demands.Where(d => d.Segment == "critical_care" && d.Product == "N95").ToList();
        Assert.True(
            critical.Where(d => d.Day == 13).Sum(d => d.Quantity) < critical.Where(d => d.Day == 0).Sum(d => d.Quantity)
        );
        Assert.Contains(drivers, d => Driver(d) == "demand" && Region(d) == "330000");

        // The province's Forecast sheet holds the same numbers, a row per day; a city's only its own regions.
        using var workbook = Xlsx.Open(outcome.WorkbookPath!);
        var rows = workbook.Worksheet("Forecast").Table("Forecast").DataRange.Rows().ToList();
        var n95Rows = rows.Where(r => Is(r, "production", "330000", "N95")).ToList();
        Assert.Equal(observed.Count + days.Count, n95Rows.Count);
        Assert.Equal(P(days[^1], "p50"), n95Rows[^1].Cell(8).GetDouble(), 3);
        var census = rows.Where(r => Is(r, "severe_critical", "330000", "")).ToList();
        Assert.Equal(P(Days(Province(drivers, "severe_critical", null))[^1], "p50"), census[^1].Cell(8).GetDouble(), 3);
        using var city = Xlsx.Open(outcome.CityWorkbookPaths[0]);
        Assert.All(city.Worksheet("Forecast").Table("Forecast").DataRange.Rows(), r =>
            Assert.Equal(Path.GetFileName(outcome.CityWorkbookPaths[0])[10..16], r.Cell(2).GetString())
        );
    }

    private static bool Is(IXLRangeRow row, string driver, string region, string product) =>
        row.Cell(1).GetString() == driver && row.Cell(2).GetString() == region && row.Cell(4).GetString() == product;

    private static JsonElement Province(List<JsonElement> drivers, string driver, string? product) =>
        drivers.Single(d =>
            Driver(d) == driver
            && Region(d) == "330000"
            && (d.TryGetProperty("product", out var p) ? p.GetString() : null) == product
        );

    private static string? Driver(JsonElement e) => e.GetProperty("driver").GetString();

    private static string? Region(JsonElement e) => e.GetProperty("region").GetString();

    private static List<JsonElement> Observed(JsonElement e) => e.GetProperty("observed").EnumerateArray().ToList();

    private static List<JsonElement> Days(JsonElement e) => e.GetProperty("days").EnumerateArray().ToList();

    private static string? Date(JsonElement e) => e.GetProperty("date").GetString();

    private static double Value(JsonElement e) => e.GetProperty("value").GetDouble();

    private static double P(JsonElement e, string name) => e.GetProperty(name).GetDouble();
}
