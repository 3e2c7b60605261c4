using System.Xml.Linq;
using Microsoft.Extensions.Localization;
using Planner.Solver.Allocation;

namespace Planner.Api.Maps;

/// <summary>
/// The plans page's map: the counties of a published plan (a city officer: their city's), coloured by the plan's fill
/// rate (all tiers or one), by what it leaves unmet of a product, by the risk colour on the plan's as-of day, by
/// the trend of the forecast demand over the plan, or by the chance that a product runs out for its critical care
/// (the plan's stockout risk, measured on forecast paths); each county links to its plan lines.
/// </summary>
public sealed class SituationMap(CountyShapes shapes, IStringLocalizer<SituationMap> text)
{
    public static readonly string[] Measures = ["fill", "shortfall", "risk", "trend", "stockout"];

    /// <summary>What the map shows: the measure, the tier (fill; null: all), the product (shortfall,
    /// stockout).</summary>
    public sealed record Choice(string Measure, int? Tier, string Product)
    {
        /// <summary>What the query asked for that the map cannot show and left aside: a resource key of the map
        /// panel and the value asked for.</summary>
        public (string Key, string Value)? Ignored { get; init; }
    }

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

    /// <summary>The stockout risk's bands, by how far a county's chance of running out is above the plan's target:
    /// at or under it, up to twice it, up to 25 %, up to 50 %, over 50 %.</summary>
    private static readonly string[] StockoutColours = ["#15803d", "#86c57a", "#facc15", "#f97316", "#b91c1c"];

    /// <summary>A county whose need or buffer supply or lead times leave short: no plan could hold the target
    /// there.</summary>
    private const string CannotHoldColour = "#6b21a8";

    /// <summary>A county with no critical-care need for the product: nothing to run out of.</summary>
    private const string NoNeedColour = "#f1f5f9";

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
        var noData = text["NoData"].Value;
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
        else if (choice.Measure == "stockout")
        {
            (shades, legend, title, noData) = await StockoutAsync(db, requestId, runId, names, choice.Product);
        }
        else
        {
            var lines = (await db.QueryAsync<Line>(LinesSql, new { runId, tier = choice.Tier })).ToList();
            (shades, legend, title) = Measured(names, lines, choice, requestId);
        }
        return CountyMap.Draw(title, counties, shades, legend, noData);
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

    /// <summary>
    /// Each county's chance of running out of <paramref name="product"/> for its critical care (tier 1) over the
    /// plan, in bands relative to the run's target, with its standard error and the mean and 95th-percentile units
    /// short; a county where supply or lead times leave the need or buffer short has a colour of its own. A run
    /// recorded before risk was measured shows every county as not measured.
    /// </summary>
    private async Task<(
        Dictionary<string, CountyMap.Shade>,
        IReadOnlyList<(string, string)>,
        string,
        string
    )> StockoutAsync(DbConnection db, string requestId, string runId, Dictionary<string, string> names, string product)
    {
        var measured = await db.QuerySingleOrDefaultAsync<(double? Target, long? Paths)>(MeasuredSql, new { runId });
        if (measured is not { Target: { } target, Paths: { } paths })
            return ([], [], text["StockoutTitle", product, text["NotMeasuredShort"].Value], text["NotMeasured"]);
        var bands = StockoutBands(target);
        var lines = (await db.QueryAsync<RiskLine>(StockoutSql, new { runId, product }))
            .Where(l => names.ContainsKey(l.County))
            .ToDictionary(l => l.County, StringComparer.Ordinal);
        var shades = names.ToDictionary(
            n => n.Key,
            n =>
                lines.TryGetValue(n.Key, out var line)
                    ? StockoutShade(n.Value, line, bands, target, requestId)
                    : new CountyMap.Shade(
                        NoNeedColour,
                        $"{n.Value}: {text["NoCriticalNeed", product]}",
                        Href(requestId, n.Key)
                    ),
            StringComparer.Ordinal
        );
        IReadOnlyList<(string, string)> legend =
        [
            .. bands.Select(b => (b.Colour, b.Label)),
            (CannotHoldColour, text["CannotHold"].Value),
            (NoNeedColour, text["NoCriticalNeedLegend"].Value),
        ];
        var onPaths = text["Paths", paths.ToString("#,0", CultureInfo.InvariantCulture)].Value;
        return (shades, legend, text["StockoutTitle", product, onPaths], text["NoData"]);
    }

    /// <summary>The bands' upper bounds (the last has none), colours and labels for <paramref name="target"/>; a
    /// band no wider than the one below it (a target of 25 % or more) is left out.</summary>
    private List<(double Upper, string Colour, string Label)> StockoutBands(double target)
    {
        double[] uppers = [target, 2 * target, 0.25, 0.5];
        var bands = new List<(double Upper, string Colour, string Label)>();
        for (var i = 0; i < uppers.Length; i++)
        {
            if (bands.Count > 0 && uppers[i] <= bands[^1].Upper)
                continue;
            var label =
                bands.Count == 0
                    ? text["Stockout.Target", Percent(uppers[i])].Value
                    : text["Stockout.Band", Percent(bands[^1].Upper), Percent(uppers[i])].Value;
            bands.Add((uppers[i], StockoutColours[i], label));
        }
        bands.Add(
            (double.PositiveInfinity, StockoutColours[^1], text["Stockout.Over", Percent(bands[^1].Upper)].Value)
        );
        return bands;
    }

    private CountyMap.Shade StockoutShade(
        string name,
        RiskLine line,
        List<(double Upper, string Colour, string Label)> bands,
        double target,
        string requestId
    )
    {
        // A probability is a count of paths over their number: equal to the target is at it, not over; and within two
        // standard errors of it a measured chance does not tell a county over the target from one at it.
        var measured =
            line.Probability <= target + 2 * line.StandardError ? Math.Min(line.Probability, target) : line.Probability;
        var band = bands.First(b => measured <= b.Upper + 1e-9);
        var tooltip =
            $"{name}: "
            + text["StockoutOf", Percent(line.Probability), Percent(line.StandardError), Percent(target)]
            + "\n"
            + text["ShortfallOf", Units(line.ExpectedShortfall), Units(line.P95Shortfall)];
        if (line.Unpositioned > 0)
            tooltip += "\n" + text["CannotHoldOf", Units(line.Unpositioned)];
        return new CountyMap.Shade(
            line.Unpositioned > 0 ? CannotHoldColour : band.Colour,
            tooltip,
            Href(requestId, line.County)
        );
    }

    private static string Percent(double share) => share.ToString("0.#%", CultureInfo.InvariantCulture);

    private static string Units(double units) => units.ToString("#,0.#", CultureInfo.InvariantCulture);

    private static string? Href(string? requestId, string county) =>
        requestId is null ? null : $"/runs/{requestId}/counties/{county}";

    private sealed class Line
    {
        public string County { get; set; } = "";
        public string Product { get; set; } = "";
        public double Demand { get; set; }
        public double Served { get; set; }
    }

    /// <summary>A county's tier-1 risk in the chosen product.</summary>
    private sealed class RiskLine
    {
        public string County { get; set; } = "";
        public double Probability { get; set; }
        public double StandardError { get; set; }
        public double ExpectedShortfall { get; set; }
        public double P95Shortfall { get; set; }
        public double Unpositioned { get; set; }
    }

    private const string MeasuredSql = "SELECT stockout_target, risk_paths FROM plan_runs WHERE id = @runId";

    private const string StockoutSql = $"""
        SELECT destination_code AS {nameof(RiskLine.County)}, stockout_probability AS {nameof(RiskLine.Probability)},
               standard_error AS {nameof(RiskLine.StandardError)},
               expected_shortfall AS {nameof(RiskLine.ExpectedShortfall)},
               p95_shortfall AS {nameof(RiskLine.P95Shortfall)}, unpositioned AS {nameof(RiskLine.Unpositioned)}
        FROM plan_risk WHERE run_id = @runId AND product_code = @product AND tier = 1
        """;

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
