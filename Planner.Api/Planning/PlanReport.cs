using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;
using Planner.Solver.Care;
using Planner.Solver.Risk;

namespace Planner.Api.Planning;

/// <summary>Demand, served and shortfall for one slice of a plan; fill rate is served ÷ demand (1 when nothing is
/// needed).</summary>
public sealed record Totals(double Demand, double Served)
{
    public double Shortfall => Math.Max(0, Demand - Served);

    public double FillRate => Demand <= 0 ? 1 : Served / Demand;

    public static Totals Of(IEnumerable<Allocation> rows)
    {
        double demand = 0,
            served = 0;
        foreach (var r in rows)
        {
            demand += r.Demand;
            served += r.Served;
        }
        return new Totals(Math.Round(demand, 3), Math.Round(served, 3));
    }
}

public sealed record TierTotals(int Tier, string Name, Totals Totals, double MinFillRate)
{
    /// <summary>Units the optimum served that the plan in whole packs and units does not (negative: more).</summary>
    public double RoundingCost { get; init; }
}

public sealed record ProductTotals(
    string Product,
    string Name,
    string Unit,
    Totals Totals,
    IReadOnlyList<TierTotals> Tiers
);

public sealed record RegionTotals(
    string Code,
    string Name,
    string? NameEn,
    string? CityCode,
    string Product,
    Totals Totals,
    IReadOnlyList<Totals> ByTier
);

/// <summary>Unmet need of one destination, product and tier for one reason, over the days it happens.</summary>
public sealed record ShortfallGroup(
    string Destination,
    string Name,
    string? NameEn,
    string Product,
    int Tier,
    ShortfallReason Reason,
    int FirstDay,
    int LastDay,
    double Demand,
    double Shortfall
);

/// <summary>
/// The plan summed for people: per product and tier, per city and per destination. The workbook and
/// <c>summary.json</c> are both written from this one object, so their numbers agree by construction.
/// </summary>
public sealed record PlanReport(
    IReadOnlyList<ProductTotals> Products,
    IReadOnlyList<RegionTotals> Cities,
    IReadOnlyList<RegionTotals> Destinations,
    IReadOnlyList<ShortfallGroup> Shortfalls,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Breakdown
)
{
    /// <summary>Each county's consignees and what each receives (whole units): its hospitals, its enterprises and
    /// (one line per segment) its villages, whose share <see cref="Breakdown"/> takes down the five levels.</summary>
    public IReadOnlyList<ConsigneeLine> Consignees { get; init; } = [];

    /// <summary>The gap list (<see cref="GapList"/>): each unmet need, and where and when supply would close
    /// it.</summary>
    public IReadOnlyList<Gap> Gaps { get; init; } = [];

    /// <summary>Every shipment into a county split among its receivers
    /// (<see cref="Solver.Breakdown.Consignees.Deliveries"/>), made once for every depot's dispatch sheets.</summary>
    public IReadOnlyDictionary<Shipment, IReadOnlyList<Delivery>> Deliveries { get; init; } =
        new Dictionary<Shipment, IReadOnlyList<Delivery>>();

    /// <summary>The plan's risk of running out on held-out forecast paths (<see cref="RiskPlanning"/>); null for a
    /// report made without it.</summary>
    public RiskReport? Risk { get; init; }

    /// <param name="solved">The problem solved (with the care plan's demand); the snapshot's when null.</param>
    /// <param name="care">The care plan, whose census after transfers shares the care segments among
    /// hospitals.</param>
    public static PlanReport From(
        PlanSnapshot snapshot,
        AllocationResult result,
        AllocationProblem? solved = null,
        CareOutcome? care = null
    )
    {
        var regions = snapshot.Regions.ToDictionary(r => r.Code);
        var products = ProductsOf(snapshot, result);
        var destinations = DestinationsOf(snapshot, result, regions);
        var cities = CitiesOf(snapshot, result);
        var shortfalls = ShortfallsOf(result, regions);
        var consignees = ConsigneesOf(snapshot, result, solved ?? snapshot.Problem, care);
        return new PlanReport(
            products,
            cities,
            destinations,
            shortfalls,
            Solver.Breakdown.Consignees.Villages(snapshot.Tree, snapshot.Products.Select(p => p.Code), consignees)
        )
        {
            Consignees = consignees,
            Gaps = GapList.Of(solved ?? snapshot.Problem, result),
            Deliveries = Solver.Breakdown.Consignees.Deliveries(
                result.Shipments,
                consignees,
                RegionInfo.Counties(snapshot.Regions)
            ),
        };
    }

    /// <summary>Each county's served units per product and segment, shared among its consignees
    /// (<see cref="ConsigneeRoutes"/>).</summary>
    private static List<ConsigneeLine> ConsigneesOf(
        PlanSnapshot snapshot,
        AllocationResult result,
        AllocationProblem solved,
        CareOutcome? care
    )
    {
        var counties = RegionInfo.Counties(snapshot.Regions);
        var served = ConsigneeRoutes.Served(solved, result, counties);
        // A hedged plan's buffers are held at the hospitals of the tier they protect.
        served.AddRange(
            result
                .Buffers.Where(b => counties.Contains(b.Destination) && b.Tier is 1 or 2)
                .GroupBy(b => (b.Destination, b.Product, b.Tier))
                .Select(g =>
                    (
                        g.Key.Destination,
                        g.Key.Product,
                        g.Key.Tier == 1 ? ConsigneeRoutes.CriticalCareBuffer : ConsigneeRoutes.SevereCareBuffer,
                        (long)Math.Round(g.Sum(b => b.Served))
                    )
                )
                .Where(l => l.Item4 > 0)
                .OrderBy(l => l.Destination, StringComparer.Ordinal)
                .ThenBy(l => l.Product, StringComparer.Ordinal)
        );
        return Solver.Breakdown.Consignees.Split(
            served,
            ConsigneeRoutes.For(served.Select(s => s.Segment)),
            ConsigneeRoutes.Figures(snapshot.HospitalReports, care?.Transfers.Census)
        );
    }

    /// <summary>Per product its totals, and per tier its totals and its worst-served destination's fill rate.</summary>
    private static List<ProductTotals> ProductsOf(PlanSnapshot snapshot, AllocationResult result)
    {
        var byProduct = result.Allocations.ToLookup(a => a.Product);
        return snapshot
            .Products.Select(p =>
            {
                var rows = byProduct[p.Code].ToList();
                var tierTotals = snapshot
                    .Tiers.Select(t =>
                    {
                        var tierRows = rows.Where(a => a.Tier == t.Tier).ToList();
                        // The worst-served destination of this tier over the horizon.
                        var minFill = tierRows
                            .GroupBy(a => a.Destination)
                            .Select(g => Totals.Of(g).FillRate)
                            .DefaultIfEmpty(1)
                            .Min();
                        return new TierTotals(t.Tier, t.NameEn, Totals.Of(tierRows), Math.Round(minFill, 6))
                        {
                            RoundingCost = Math.Round(tierRows.Sum(a => (a.Optimal ?? a.Served) - a.Served), 3),
                        };
                    })
                    .ToList();
                return new ProductTotals(p.Code, p.NameEn, p.Unit, Totals.Of(rows), tierTotals);
            })
            .ToList();
    }

    private static List<Totals> ByTier(IReadOnlyList<TierInfo> tiers, IEnumerable<Allocation> rows)
    {
        var list = rows.ToList();
        return tiers.Select(t => Totals.Of(list.Where(a => a.Tier == t.Tier))).ToList();
    }

    /// <summary>Per destination of the problem (counties and Hubei sites) and product.</summary>
    private static List<RegionTotals> DestinationsOf(
        PlanSnapshot snapshot,
        AllocationResult result,
        Dictionary<string, RegionInfo> regions
    ) =>
        snapshot
            .Problem.Destinations.SelectMany(code => snapshot.Products.Select(p => (code, p)))
            .Select(x =>
            {
                var region = regions[x.code];
                var rows = result.Allocations.Where(a => a.Destination == x.code && a.Product == x.p.Code).ToList();
                return new RegionTotals(
                    x.code,
                    region.Name,
                    region.NameEn,
                    region.Level == "county" ? region.ParentCode : null,
                    x.p.Code,
                    Totals.Of(rows),
                    ByTier(snapshot.Tiers, rows)
                );
            })
            .ToList();

    /// <summary>Per city and product, over the city's counties.</summary>
    private static List<RegionTotals> CitiesOf(PlanSnapshot snapshot, AllocationResult result) =>
        snapshot
            .Regions.Where(r => r.Level == "city")
            .SelectMany(c => snapshot.Products.Select(p => (c, p)))
            .Select(x =>
            {
                var counties = snapshot.Regions.Where(r => r.ParentCode == x.c.Code).Select(r => r.Code).ToHashSet();
                var rows = result
                    .Allocations.Where(a => a.Product == x.p.Code && counties.Contains(a.Destination))
                    .ToList();
                return new RegionTotals(
                    x.c.Code,
                    x.c.Name,
                    x.c.NameEn,
                    x.c.Code,
                    x.p.Code,
                    Totals.Of(rows),
                    ByTier(snapshot.Tiers, rows)
                );
            })
            .ToList();

    /// <summary>The unmet needs grouped by destination, product, tier and reason: highest tier, then largest,
    /// first.</summary>
    private static List<ShortfallGroup> ShortfallsOf(AllocationResult result, Dictionary<string, RegionInfo> regions) =>
        result
            .Allocations.Where(a => a.Reason is not null)
            .GroupBy(a => (a.Destination, a.Product, a.Tier, Reason: a.Reason!.Value))
            .Select(g => new ShortfallGroup(
                g.Key.Destination,
                regions[g.Key.Destination].Name,
                regions[g.Key.Destination].NameEn,
                g.Key.Product,
                g.Key.Tier,
                g.Key.Reason,
                g.Min(a => a.Day),
                g.Max(a => a.Day),
                Math.Round(g.Sum(a => a.Demand), 3),
                Math.Round(g.Sum(a => a.Shortfall), 3)
            ))
            .OrderBy(s => s.Tier)
            .ThenByDescending(s => s.Shortfall)
            .ThenBy(s => s.Destination, StringComparer.Ordinal)
            .ThenBy(s => s.Product, StringComparer.Ordinal)
            .ThenBy(s => s.Reason)
            .ToList();
}
