using System.Xml.Linq;
using Microsoft.Extensions.Localization;
using Planner.Solver.Allocation;

namespace Planner.Api.Maps;

/// <summary>
/// The plans page's map: the counties of a published plan (a city officer: their city's), coloured by the plan's fill
/// rate (all tiers or one), by what it leaves unmet of a product, by the risk colour on the plan's as-of day, or by
/// the trend of the forecast demand over the plan; each
/// county links to its plan lines.
/// </summary>
public sealed class SituationMap(CountyShapes shapes, IStringLocalizer<SituationMap> text)
{
    public static readonly string[] Measures = ["fill", "shortfall", "risk", "trend"];

    /// <summary>What the map shows: the measure, the tier (fill; null: all), the product (shortfall).</summary>
    public sealed record Choice(string Measure, int? Tier, string Product);

    /// <summary>The official five colours, level 1 (green, low) … 5 (red, high).</summary>
    private static readonly string[] RiskColours = ["#2e7d32", "#1e63b5", "#f2c200", "#f57c00", "#c62828"];

    private static readonly (double From, string Colour)[] FillColours =
    [
        (0.99, "#15803d"),
        (0.9, "#86c57a"),
        (0.75, "#facc15"),
        (0.5, "#f97316"),
        (0, "#b91c1c"),
    ];

    private static readonly (double From, string Colour)[] ShortfallColours =
    [
        (100_000, "#7f1d1d"),
        (10_000, "#c2410c"),
        (1_000, "#f97316"),
        (1, "#fdba74"),
        (0, "#e7f5e4"),
    ];

    /// <summary>The forecast's trend: demand on the plan's last day against its first, falling to rising.</summary>
    private static readonly (double From, string Colour)[] TrendColours =
    [
        (0.2, "#b91c1c"),
        (0.05, "#f97316"),
        (-0.05, "#facc15"),
        (-0.2, "#86c57a"),
        (double.NegativeInfinity, "#15803d"),
    ];

    /// <summary>The map of run <paramref name="runId"/> (request <paramref name="requestId"/>) for
    /// <paramref name="city"/> (null: the province).</summary>
    public async Task<XElement> DrawAsync(
        DbConnection db,
        string requestId,
        string runId,
        DateOnly asOf,
        string? city,
        Choice choice
    )
    {
        var counties = shapes.Counties.Where(c => city is null || c.City == city).ToList();
        var names = counties.ToDictionary(c => c.Code, c => c.Name, StringComparer.Ordinal);
        Dictionary<string, CountyMap.Shade> shades;
        IReadOnlyList<(string, string)> legend;
        string title;
        if (choice.Measure == "risk")
        {
            var levels = await db.QueryAsync<(string County, long Level)>(RiskSql, new { asOf });
            shades = levels
                .Where(l => names.ContainsKey(l.County))
                .ToDictionary(
                    l => l.County,
                    l => new CountyMap.Shade(
                        RiskColours[l.Level - 1],
                        $"{names[l.County]}: {text[$"Risk.{l.Level}"]}",
                        Href(requestId, l.County)
                    ),
                    StringComparer.Ordinal
                );
            legend = Enumerable.Range(1, 5).Select(l => (RiskColours[l - 1], text[$"Risk.{l}"].Value)).ToList();
            title = text["RiskTitle", asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)];
        }
        else if (choice.Measure == "trend")
        {
            (shades, legend, title) = await TrendAsync(db, requestId, runId, names);
        }
        else
        {
            var lines = (await db.QueryAsync<Line>(LinesSql, new { runId, tier = choice.Tier })).ToList();
            (shades, legend, title) = Measured(names, lines, choice, requestId);
        }
        return CountyMap.Draw(title, counties, shades, legend, text["NoData"]);
    }

    /// <summary>The province's counties coloured by the fill rate of all tiers, from a plan's allocations: the
    /// picture on the province workbook's Summary (no links there).</summary>
    public XElement DrawFill(IEnumerable<Allocation> allocations)
    {
        var names = shapes.Counties.ToDictionary(c => c.Code, c => c.Name, StringComparer.Ordinal);
        var lines = allocations
            .Where(a => names.ContainsKey(a.Destination))
            .GroupBy(a => (a.Destination, a.Product))
            .Select(g => new Line
            {
                County = g.Key.Destination,
                Product = g.Key.Product,
                Demand = g.Sum(a => a.Demand),
                Served = g.Sum(a => a.Served),
            })
            .ToList();
        var (shades, legend, title) = Measured(names, lines, new Choice("fill", null, ""), requestId: null);
        return CountyMap.Draw(title, shapes.Counties, shades, legend, text["NoData"]);
    }

    /// <summary>The shades, legend and title of a measure over plan lines (fill or shortfall).</summary>
    private (Dictionary<string, CountyMap.Shade>, IReadOnlyList<(string, string)>, string) Measured(
        Dictionary<string, string> names,
        List<Line> lines,
        Choice choice,
        string? requestId
    )
    {
        var shades = lines
            .Where(l => names.ContainsKey(l.County))
            .GroupBy(l => l.County)
            .ToDictionary(g => g.Key, g => Shade(choice, names[g.Key], g.ToList(), requestId), StringComparer.Ordinal);
        IReadOnlyList<(string, string)> legend =
            choice.Measure == "fill"
                ? FillColours.Reverse().Select(c => (c.Colour, text[$"Fill.{c.From}"].Value)).ToList()
                : ShortfallColours.Reverse().Select(c => (c.Colour, text[$"Short.{c.From}"].Value)).ToList();
        var title =
            choice.Measure == "fill"
                ? text["FillTitle", choice.Tier is { } t ? text["Tier", t].Value : text["AllTiers"].Value]
                : text["ShortTitle", choice.Product];
        return (shades, legend, title);
    }

    private CountyMap.Shade Shade(Choice choice, string name, List<Line> lines, string? requestId)
    {
        var products = lines.Select(l => l.Product).Distinct().Order(StringComparer.Ordinal);
        if (choice.Measure == "fill")
        {
            var fills = lines
                .Where(l => l.Demand > 0)
                .GroupBy(l => l.Product)
                .ToDictionary(g => g.Key, g => g.Sum(l => l.Served) / g.Sum(l => l.Demand));
            var mean = fills.Count == 0 ? 1 : fills.Values.Average();
            var figures = string.Join("\n", fills.OrderBy(f => f.Key).Select(f => $"{f.Key} {f.Value:P1}"));
            return new CountyMap.Shade(
                FillColours.First(c => mean >= c.From).Colour,
                $"{name}: {text["FillOf", mean.ToString("P1", CultureInfo.InvariantCulture)]}\n{figures}",
                Href(requestId, lines[0].County)
            );
        }
        var unmet = lines.Where(l => l.Product == choice.Product).Sum(l => Math.Max(0, l.Demand - l.Served));
        var all = string.Join(
            "\n",
            products.Select(p =>
                $"{p} {lines.Where(l => l.Product == p).Sum(l => Math.Max(0, l.Demand - l.Served)):#,0}"
            )
        );
        return new CountyMap.Shade(
            ShortfallColours.First(c => unmet >= c.From).Colour,
            $"{name}: {text["Unmet", choice.Product, unmet.ToString("#,0", CultureInfo.InvariantCulture)]}\n{all}",
            Href(requestId, lines[0].County)
        );
    }

    /// <summary>Each county's demand (all products, all tiers) on the plan's last day against its first, as the
    /// forecast the plan is made on has it.</summary>
    private async Task<(Dictionary<string, CountyMap.Shade>, IReadOnlyList<(string, string)>, string)> TrendAsync(
        DbConnection db,
        string requestId,
        string runId,
        Dictionary<string, string> names
    )
    {
        var days = (await db.QueryAsync<(string County, long Day, double Demand)>(TrendSql, new { runId }))
            .Where(d => names.ContainsKey(d.County))
            .GroupBy(d => d.County)
            .ToDictionary(g => g.Key, g => (First: g.MinBy(d => d.Day), Last: g.MaxBy(d => d.Day)));
        var shades = days.Where(d => d.Value.First.Demand > 0)
            .ToDictionary(
                d => d.Key,
                d =>
                {
                    var change = d.Value.Last.Demand / d.Value.First.Demand - 1;
                    return new CountyMap.Shade(
                        TrendColours.First(c => change >= c.From).Colour,
                        $"{names[d.Key]}: "
                            + text[
                                "TrendOf",
                                change.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture),
                                d.Value.First.Day + 1,
                                d.Value.Last.Day + 1
                            ],
                        Href(requestId, d.Key)
                    );
                },
                StringComparer.Ordinal
            );
        // Falling first: Trend.0 (falling more than 20 %) … Trend.4 (rising more than 20 %).
        var legend = TrendColours.Reverse().Select((c, i) => (c.Colour, text[$"Trend.{i}"].Value)).ToList();
        return (shades, legend, text["TrendTitle"]);
    }

    private static string? Href(string? requestId, string county) =>
        requestId is null ? null : $"/runs/{requestId}/counties/{county}";

    private sealed class Line
    {
        public string County { get; set; } = "";
        public string Product { get; set; } = "";
        public double Demand { get; set; }
        public double Served { get; set; }
    }

    private const string LinesSql = """
        SELECT destination_code AS County, product_code AS Product, SUM(demand) AS Demand, SUM(served) AS Served
        FROM plan_allocations WHERE run_id = @runId AND (@tier IS NULL OR tier = @tier)
        GROUP BY destination_code, product_code
        """;

    private const string TrendSql = """
        SELECT destination_code AS County, day AS Day, SUM(demand) AS Demand
        FROM plan_allocations WHERE run_id = @runId
        GROUP BY destination_code, day
        """;

    private const string RiskSql = """
        SELECT r.county_code AS County, r.risk_level AS Level FROM county_risk_levels r
        WHERE r.effective_date = (SELECT MAX(x.effective_date) FROM county_risk_levels x
                                  WHERE x.county_code = r.county_code AND x.effective_date <= @asOf)
        """;
}
