using System.Xml.Linq;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Planner.Api.Access;
using Planner.Api.Localization;
using Planner.Api.Planning;
using Planner.Api.Runs;
using Planner.Solver.Forecasting;

namespace Planner.Api.Forecasts;

/// <summary>
/// The forecast a run was planned on, for the province or one city: history and P10–P90 fan of severe and critical
/// patients, people under observation and employees on post, and each product's production against demand. Read
/// from the run's published <c>summary.json</c>; a city's logistics officer sees their city only.
/// </summary>
[Authorize(Policy = AccessSetup.PlansReaders)]
public sealed class IndexModel(Database planner, IStringLocalizer<IndexModel> text) : PageModel
{
    /// <summary>A region the user may look at.</summary>
    public sealed record Region(string Code, string Name);

    /// <summary>One chart and its figures at a few horizons (<see cref="Ahead"/> days after the as-of day).</summary>
    public sealed record Chart(
        string Title,
        XElement Svg,
        ObservedDay? Last,
        IReadOnlyList<ForecastDay> Ahead,
        IReadOnlyDictionary<DateOnly, double> Against
    );

    public static readonly int[] Horizons = [1, 7, 14];

    private static readonly string[] CountDrivers = ["severe_critical", "under_observation", "employees_on_post"];

    private static bool English => CultureInfo.CurrentUICulture.Name == LocalizationSetup.English;

    public RunRequestState Run { get; private set; } = null!;

    /// <summary>Why there is nothing to draw (the run published no forecast), or null.</summary>
    public string? Missing { get; private set; }

    public DateOnly AsOf { get; private set; }

    public IReadOnlyList<Region> Regions { get; private set; } = [];

    public Region? Shown { get; private set; }

    public IReadOnlyList<Chart> Charts { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id, string? region)
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        if (await RunRequests.GetAsync(db, id) is not { } run)
            return NotFound();
        Run = run;
        var forecast = await ForecastAsync(db, run.RunId);
        if (forecast is null)
        {
            Missing = run.Status == "succeeded" ? text["NoForecast"] : text["NotYet", run.Id, run.Status];
            return Page();
        }
        var city = User.City();
        if (city is not null && region is not null && region != city)
            return Forbid();
        var codes = forecast.Drivers.Select(d => d.Region).Distinct().Where(c => city is null || c == city);
        Regions = await NamesAsync(db, codes);
        Shown = Regions.FirstOrDefault(r => r.Code == (region ?? city))
            ?? (region is null && Regions.Count > 0 ? Regions[0] : null);
        if (Shown is null)
            return NotFound();
        AsOf = forecast.AsOf;
        Charts = await ChartsAsync(db, forecast, Shown.Code);
        return Page();
    }

    private static async Task<PlanForecast?> ForecastAsync(DbConnection db, string? runId)
    {
        if (runId is null)
            return null;
        var content = await db.QuerySingleOrDefaultAsync<byte[]>(
            "SELECT content FROM published_workbooks WHERE run_id = @runId AND kind = 'summary'",
            new { runId }
        );
        return content is null ? null : PlanSummary.FromJson(System.Text.Encoding.UTF8.GetString(content)).Forecast;
    }

    /// <summary>The regions' names, the province first, then the cities by code.</summary>
    private static async Task<IReadOnlyList<Region>> NamesAsync(DbConnection db, IEnumerable<string> codes)
    {
        var wanted = codes.ToHashSet(StringComparer.Ordinal);
        var names = await db.QueryAsync<(string Code, string Name, string? NameEn)>(
            "SELECT code, name, name_en FROM regions WHERE level IN ('province', 'city') ORDER BY code"
        );
        return names
            .Where(n => wanted.Contains(n.Code))
            .Select(n => new Region(n.Code, n.NameEn is null || !English ? n.Name : $"{n.Name} {n.NameEn}"))
            .ToList();
    }

    private async Task<IReadOnlyList<Chart>> ChartsAsync(DbConnection db, PlanForecast forecast, string region)
    {
        var here = forecast.Drivers.Where(d => d.Region == region).ToList();
        var charts = new List<Chart>();
        foreach (var driver in CountDrivers)
        {
            if (here.FirstOrDefault(d => d.Driver == driver) is { } series)
                charts.Add(Build(text["ChartTitle", text[$"Driver.{driver}"], Shown!.Name], series, null));
        }
        var products = await db.QueryAsync<(string Code, string Name, string NameEn)>(
            "SELECT code, name, name_en FROM products ORDER BY code"
        );
        foreach (var (code, name, nameEn) in products)
        {
            var production = here.FirstOrDefault(d => d.Driver == "production" && d.Product == code);
            var demand = here.FirstOrDefault(d => d.Driver == "demand" && d.Product == code);
            if (production is null)
                continue;
            var against = demand is null ? null : new FanChart.Comparison(text["DemandP50"], demand.Days);
            var product = English ? $"{name} {nameEn}" : name;
            charts.Add(Build(text["Production", product, Shown!.Name], production, against));
        }
        return charts;
    }

    private Chart Build(string title, DriverForecast series, FanChart.Comparison? against) =>
        new(
            title,
            FanChart.Draw(
                title,
                AsOf,
                series,
                against,
                new FanChart.Labels(text["Observed"], text["Forecast"], text["Band"], text["DaysAhead"], text["AsOf"])
            ),
            series.Observed.Count == 0 ? null : series.Observed[^1],
            series.Days.Where(d => Horizons.Contains(d.Horizon)).ToList(),
            against?.Days.ToDictionary(d => d.Date, d => d.P50) ?? []
        );
}
