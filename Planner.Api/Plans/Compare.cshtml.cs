using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Planner.Api.Access;
using Planner.Api.Localization;

namespace Planner.Api.Plans;

/// <summary>
/// Two runs side by side, by tier, by product and by city: demand, service and fill rate of each, the change in fill
/// in percentage points and the change in shortfall (the second run minus the first); then each run's risk of running
/// out of each product for critical and severe care (tiers 1 and 2), and each destination's chance of running out
/// for critical care in both, the ones that got worse first. Without a choice, the latest baseline run against the
/// latest run of another scenario (else the two latest runs): two different runs.
/// </summary>
[Authorize(Policy = AccessSetup.Planners)]
public sealed class CompareModel(Database planner) : PageModel
{
    private const string RunColumns = """
        SELECT r.id AS Id, r.scenario_id AS Scenario, COALESCE(v.name, s.name) AS ScenarioName,
               r.plan_start AS PlanStart, r.horizon_days AS Days, r.started_at AS StartedAt
        FROM plan_runs r JOIN scenarios s ON s.id = r.scenario_id
        LEFT JOIN scenario_versions v ON v.scenario_id = r.scenario_id AND v.version = r.scenario_version
        WHERE r.status = 'succeeded'
        """;

    private const string TotalsSql = """
        SELECT destination_code AS Destination, product_code AS Product, tier AS Tier, SUM(demand) AS Demand,
        SUM(served) AS Served FROM plan_allocations WHERE run_id = @run
        GROUP BY destination_code, product_code, tier
        """;

    private const string RiskRunSql = $"""
        SELECT stockout_target AS {nameof(RiskRun.Target)}, risk_paths AS {nameof(RiskRun.Paths)}
        FROM plan_runs WHERE id = @run
        """;

    /// <summary>The tiers' shortfall over all destinations: the 95th percentile of the total, not a sum.</summary>
    private const string RiskTiersSql = $"""
        SELECT product_code AS {nameof(RiskTierRow.Product)}, tier AS {nameof(RiskTierRow.Tier)},
               expected_shortfall AS {nameof(RiskTierRow.Expected)}, p95_shortfall AS {nameof(RiskTierRow.P95)}
        FROM plan_risk_tiers WHERE run_id = @run AND tier IN (1, 2)
        """;

    private const string RiskLinesSql = $"""
        SELECT destination_code AS {nameof(RiskLineRow.Destination)}, product_code AS {nameof(RiskLineRow.Product)},
               tier AS {nameof(RiskLineRow.Tier)}, stockout_probability AS {nameof(RiskLineRow.Probability)},
               unpositioned AS {nameof(RiskLineRow.Unpositioned)}
        FROM plan_risk WHERE run_id = @run AND tier IN (1, 2)
        """;

    /// <summary>The code the cities' table gives to destinations outside the province (Hubei's sites).</summary>
    public const string Outside = "external";

    [BindProperty(SupportsGet = true)]
    public string? First { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Second { get; set; }

    /// <summary>A succeeded run, with the name its scenario had in the version it ran.</summary>
    public sealed class RunChoice
    {
        public string Id { get; set; } = "";
        public string Scenario { get; set; } = "";
        public string ScenarioName { get; set; } = "";
        public DateOnly PlanStart { get; set; }
        public long Days { get; set; }
        public DateTimeOffset StartedAt { get; set; }
    }

    /// <summary>Demand and service of one line in one run.</summary>
    public sealed record Side(double Demand, double Served)
    {
        public double Fill => Demand <= 0 ? 1 : Served / Demand;
        public double Shortfall => Math.Max(0, Demand - Served);
    }

    /// <summary>A tier, product or city in both runs, with its tiers' sides when the table shows them.</summary>
    public sealed record Line(string Code, string Name, Side A, Side B)
    {
        /// <summary>The change in fill rate, in percentage points.</summary>
        public double Points => (B.Fill - A.Fill) * 100;

        public double ShortfallChange => B.Shortfall - A.Shortfall;

        public IReadOnlyDictionary<long, (Side A, Side B)> Tiers { get; init; } = new Dictionary<long, (Side, Side)>();
    }

    /// <summary>A tier's units short over all destinations: their mean and 95th percentile over the forecast
    /// paths.</summary>
    public sealed record Shortfall(double Expected, double P95);

    /// <summary>
    /// One run's risk of running out of a product: the target it was made for and the paths it was measured on;
    /// tiers 1 and 2's shortfall (null: no need in that tier); of the destinations with a need in either, those
    /// whose chance of running out is at or under the target in both, and those where supply or lead times leave
    /// the need or buffer short (the target cannot hold there).
    /// </summary>
    public sealed record ProductRisk(
        double Target,
        long Paths,
        Shortfall? Critical,
        Shortfall? Severe,
        int AtTarget,
        int CannotReach,
        int Destinations
    );

    /// <summary>A product's risk in both runs (null: the run's risk was not measured).</summary>
    public sealed record RiskLine(string Product, string Name, ProductRisk? A, ProductRisk? B);

    /// <summary>A destination's chance of running out of a product for critical care in both runs (null: no
    /// critical-care need there, or the run not measured), and whether supply leaves it short.</summary>
    public sealed record CountyRisk(
        string Code,
        string Name,
        string Product,
        double? A,
        double? B,
        bool ShortA,
        bool ShortB
    )
    {
        /// <summary>The change in percentage points, no need counting as no chance; null when a run was not
        /// measured.</summary>
        public double? Points { get; init; }
    }

    /// <summary>Whether each run's risk was measured (runs recorded before it was are not).</summary>
    public (bool A, bool B) RiskMeasured { get; private set; }

    public IReadOnlyList<RiskLine> Risks { get; private set; } = [];

    /// <summary>Tier-1 chances of running out, the destinations that got worse first.</summary>
    public IReadOnlyList<CountyRisk> CountyRisks { get; private set; } = [];

    /// <summary>Succeeded runs, newest first: what the pickers offer.</summary>
    public IReadOnlyList<RunChoice> Runs { get; private set; } = [];

    public RunChoice? A { get; private set; }
    public RunChoice? B { get; private set; }

    public IReadOnlyList<(long Tier, string Name)> TierNames { get; private set; } = [];
    public IReadOnlyList<Line> Tiers { get; private set; } = [];
    public IReadOnlyList<Line> Products { get; private set; } = [];
    public IReadOnlyList<Line> Cities { get; private set; } = [];

    /// <summary>What keeps the page from comparing: a resource key of the page and its argument.</summary>
    public (string Key, string? Argument)? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        Runs = (
            await db.QueryAsync<RunChoice>($"{RunColumns} ORDER BY r.started_at DESC, r.id DESC LIMIT 50")
        ).ToList();
        var (first, second) = Defaults(Runs);
        foreach (var (given, side) in new[] { (First, 'A'), (Second, 'B') })
        {
            if (given is null)
                continue;
            var run = await db.QueryFirstOrDefaultAsync<RunChoice>(
                $"{RunColumns} AND (r.id = @given OR r.request_id = @given)",
                new { given }
            );
            if (run is null)
            {
                Error = ("NoRun", given);
                Response.StatusCode = StatusCodes.Status404NotFound;
                return Page();
            }
            (first, second) = side == 'A' ? (run, second) : (first, run);
        }
        if (first is null || second is null)
        {
            Error = ("NeedTwo", null);
            return Page();
        }
        (A, B, First, Second) = (first, second, first.Id, second.Id);
        await CompareAsync(db);
        return Page();
    }

    /// <summary>The latest baseline run and the latest run of another scenario; else the two latest runs (the older
    /// first). Null where there are not two runs.</summary>
    public static (RunChoice? First, RunChoice? Second) Defaults(IReadOnlyList<RunChoice> newestFirst)
    {
        var baseline = newestFirst.FirstOrDefault(r => r.Scenario == Planning.ScenarioOverrides.Baseline);
        var other = newestFirst.FirstOrDefault(r => r.Scenario != Planning.ScenarioOverrides.Baseline);
        if (baseline is not null && other is not null)
            return (baseline, other);
        return newestFirst.Count >= 2 ? (newestFirst[1], newestFirst[0]) : (null, null);
    }

    private sealed class TotalRow
    {
        public string Destination { get; set; } = "";
        public string Product { get; set; } = "";
        public long Tier { get; set; }
        public double Demand { get; set; }
        public double Served { get; set; }
    }

    private sealed class NameRow
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public string? NameEn { get; set; }
        public string? Level { get; set; }
        public string? Parent { get; set; }

        /// <summary>The name in the reader's language (the Chinese one where there is no English one).</summary>
        public string Shown => Texts.Chinese || string.IsNullOrEmpty(NameEn) ? Name : NameEn;
    }

    private async Task CompareAsync(DbConnection db)
    {
        var totalsA = (await db.QueryAsync<TotalRow>(TotalsSql, new { run = A!.Id })).ToList();
        var totalsB = (await db.QueryAsync<TotalRow>(TotalsSql, new { run = B!.Id })).ToList();
        var tiers = (
            await db.QueryAsync<NameRow>(
                "SELECT CAST(tier AS TEXT) AS Code, name AS Name, name_en AS NameEn FROM priority_tiers ORDER BY tier"
            )
        ).ToList();
        var products = (
            await db.QueryAsync<NameRow>("SELECT code AS Code, name AS Name, name_en AS NameEn FROM products")
        ).ToDictionary(p => p.Code, StringComparer.Ordinal);
        var regions = (
            await db.QueryAsync<NameRow>(
                "SELECT code AS Code, name AS Name, name_en AS NameEn, level AS Level, parent_code AS Parent "
                    + "FROM regions WHERE level IN ('province', 'city', 'county', 'external')"
            )
        ).ToDictionary(r => r.Code, StringComparer.Ordinal);
        TierNames = tiers.Select(t => (long.Parse(t.Code, CultureInfo.InvariantCulture), t.Shown)).ToList();
        var tierName = TierNames.ToDictionary(t => t.Tier.ToString(CultureInfo.InvariantCulture), t => t.Name);

        Tiers = Lines(totalsA, totalsB, t => t.Tier.ToString(CultureInfo.InvariantCulture), tierName.GetValueOrDefault)
            .OrderBy(l => long.Parse(l.Code, CultureInfo.InvariantCulture))
            .ToList();
        Products = Lines(totalsA, totalsB, t => t.Product, code => products.GetValueOrDefault(code)?.Shown)
            .OrderBy(l => l.Code, StringComparer.Ordinal)
            .ToList();
        Cities = Lines(totalsA, totalsB, t => CityOf(t.Destination), code => regions.GetValueOrDefault(code)?.Shown)
            .OrderBy(l => l.Code == Outside)
            .ThenBy(l => l.Code, StringComparer.Ordinal)
            .ToList();

        await CompareRiskAsync(db, products, regions);

        string CityOf(string destination) =>
            regions.GetValueOrDefault(destination) switch
            {
                { Level: "external" } => Outside,
                { Level: "county", Parent: { } city } => city,
                _ => destination,
            };
    }

    private sealed class RiskRun
    {
        public double? Target { get; set; }
        public long? Paths { get; set; }
    }

    private sealed class RiskTierRow
    {
        public string Product { get; set; } = "";
        public long Tier { get; set; }
        public double Expected { get; set; }
        public double P95 { get; set; }
    }

    private sealed class RiskLineRow
    {
        public string Destination { get; set; } = "";
        public string Product { get; set; } = "";
        public long Tier { get; set; }
        public double Probability { get; set; }
        public double Unpositioned { get; set; }
    }

    /// <summary>A run's stored risk: its target and paths, its tiers and its destinations' lines; null when it was
    /// not measured.</summary>
    private sealed record StoredRisk(double Target, long Paths, List<RiskTierRow> Tiers, List<RiskLineRow> Lines);

    private static async Task<StoredRisk?> RiskOfAsync(DbConnection db, string run)
    {
        var measured = await db.QuerySingleAsync<RiskRun>(RiskRunSql, new { run });
        if (measured is not { Target: { } target, Paths: { } paths })
            return null;
        return new StoredRisk(
            target,
            paths,
            (await db.QueryAsync<RiskTierRow>(RiskTiersSql, new { run })).ToList(),
            (await db.QueryAsync<RiskLineRow>(RiskLinesSql, new { run })).ToList()
        );
    }

    private async Task CompareRiskAsync(
        DbConnection db,
        Dictionary<string, NameRow> products,
        Dictionary<string, NameRow> regions
    )
    {
        var (a, b) = (await RiskOfAsync(db, A!.Id), await RiskOfAsync(db, B!.Id));
        RiskMeasured = (a is not null, b is not null);
        Risks = products
            .Keys.Order(StringComparer.Ordinal)
            .Select(p => new RiskLine(p, products[p].Shown, ProductRiskOf(a, p), ProductRiskOf(b, p)))
            .Where(r => r.A is { Destinations: > 0 } || r.B is { Destinations: > 0 })
            .ToList();
        CountyRisks = CountyRisksOf(a, b, code => regions.GetValueOrDefault(code)?.Shown ?? code);
    }

    /// <summary>A run's risk of running out of <paramref name="product"/> (null: not measured).</summary>
    private static ProductRisk? ProductRiskOf(StoredRisk? risk, string product)
    {
        if (risk is null)
            return null;
        Shortfall? Of(int tier) =>
            risk.Tiers.FirstOrDefault(t => t.Product == product && t.Tier == tier) is { } t
                ? new Shortfall(t.Expected, t.P95)
                : null;
        var destinations = risk
            .Lines.Where(l => l.Product == product)
            .GroupBy(l => l.Destination)
            .Select(g =>
                (
                    // A probability is a count of paths over their number: equal to the target is at it.
                    AtTarget: g.All(l => l.Probability <= risk.Target + 1e-9),
                    Short: g.Any(l => l.Unpositioned > 0)
                )
            )
            .ToList();
        return new ProductRisk(
            risk.Target,
            risk.Paths,
            Of(1),
            Of(2),
            destinations.Count(d => d.AtTarget),
            destinations.Count(d => d.Short),
            destinations.Count
        );
    }

    /// <summary>Each destination and product with a critical-care need in either run: its chance of running out in
    /// both, the largest rise first (the measured run's largest chance first when the other was not
    /// measured).</summary>
    private static List<CountyRisk> CountyRisksOf(StoredRisk? a, StoredRisk? b, Func<string, string> name)
    {
        static Dictionary<(string, string), RiskLineRow> Critical(StoredRisk? risk) =>
            (risk?.Lines ?? []).Where(l => l.Tier == 1).ToDictionary(l => (l.Destination, l.Product));
        var (byA, byB) = (Critical(a), Critical(b));
        return byA
            .Keys.Union(byB.Keys)
            .Select(k =>
            {
                var (la, lb) = (byA.GetValueOrDefault(k), byB.GetValueOrDefault(k));
                return new CountyRisk(
                    k.Item1,
                    name(k.Item1),
                    k.Item2,
                    la?.Probability,
                    lb?.Probability,
                    la?.Unpositioned > 0,
                    lb?.Unpositioned > 0
                )
                {
                    Points = a is null || b is null ? null : ((lb?.Probability ?? 0) - (la?.Probability ?? 0)) * 100,
                };
            })
            .OrderByDescending(c => c.Points ?? Math.Max(c.A ?? 0, c.B ?? 0))
            .ThenBy(c => c.Code, StringComparer.Ordinal)
            .ThenBy(c => c.Product, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The totals of both runs by <paramref name="key"/>, each line with its tiers' sides.</summary>
    private static IEnumerable<Line> Lines(
        List<TotalRow> a,
        List<TotalRow> b,
        Func<TotalRow, string> key,
        Func<string, string?> name
    )
    {
        var (byA, byB) = (a.ToLookup(key), b.ToLookup(key));
        return byA.Select(g => g.Key)
            .Union(byB.Select(g => g.Key))
            .Select(code => new Line(code, name(code) ?? code, Of(byA[code]), Of(byB[code]))
            {
                Tiers = byA[code]
                    .Concat(byB[code])
                    .Select(t => t.Tier)
                    .Distinct()
                    .ToDictionary(
                        tier => tier,
                        tier => (Of(byA[code].Where(t => t.Tier == tier)), Of(byB[code].Where(t => t.Tier == tier)))
                    ),
            });
    }

    private static Side Of(IEnumerable<TotalRow> rows) =>
        rows.Aggregate(new Side(0, 0), (s, r) => new Side(s.Demand + r.Demand, s.Served + r.Served));

    /// <summary>A change in percentage points as the page writes it: signed, one decimal.</summary>
    public static string Points(double points) =>
        Math.Round(points, 1).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);
}
