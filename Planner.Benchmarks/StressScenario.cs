using System.Diagnostics;
using Planner.Solver.Allocation;

namespace Planner.Benchmarks;

/// <summary>One policy's plan on a stress scenario.</summary>
public sealed record PolicyRun(
    string Policy,
    string Solver,
    string Status,
    double Seconds,
    IReadOnlyList<TierAmount> Demand,
    IReadOnlyList<TierAmount> Shortfall,
    IReadOnlyList<TierAmount> MinFill,
    IReadOnlyList<TierAmount> FairnessCost,
    int Transfers,
    IReadOnlyList<string> NonOptimalStages
)
{
    public double ShortfallOf(int tier) => Shortfall.Where(s => s.Tier == tier).Sum(s => s.Amount);

    /// <summary>The lowest fill rate of the tier over its products (NaN when no product has demand in it).</summary>
    public double MinFillOf(int tier) =>
        MinFill.Where(s => s.Tier == tier).Select(s => s.Amount).DefaultIfEmpty(double.NaN).Min();
}

/// <summary>Per product: how far a city's own supply covers its counties' tier-1 needs (for the no-sharing
/// comparison).</summary>
public sealed record SelfSufficiency(
    string Product,
    double Factor,
    double TierOneDemand,
    double ProvincialSupply,
    double ProvincialFloor,
    int Cities,
    int SelfSufficientCities,
    double TierOneDemandElsewhere,
    double UnreachableTierOne
);

/// <summary>A stress scenario solved under every policy.</summary>
/// <see cref="CrossCheck"/> holds the same scenario under the spreadsheet policies solved with other LP solvers.
public sealed record StressRun(
    string Name,
    string Description,
    double TargetShare,
    IReadOnlyList<TierAmount> Factors,
    IReadOnlyList<PolicyRun> Policies,
    IReadOnlyList<SelfSufficiency> SelfSufficiency
)
{
    public IReadOnlyList<PolicyRun> CrossCheck { get; init; } = [];
}

/// <summary>
/// Stress scenarios on the Zhejiang problem: every supply (and reserve floor) of a product scaled by one factor so
/// that its supply over the horizon is a target share of its demand; then each policy's shortfall and fairness.
/// </summary>
public static class StressScenario
{
    public static readonly Policy[] Policies =
    [
        Policy.Optimized,
        Policy.ProRata,
        Policy.PopulationShare,
        Policy.NoSharing,
    ];

    /// <summary>Supply and reserve floors of each product × (share × demand / supply).</summary>
    public static (AllocationProblem Problem, IReadOnlyList<TierAmount> Factors) Scale(
        AllocationProblem problem,
        double share
    )
    {
        var factors = problem.Products.ToDictionary(
            p => p,
            p =>
            {
                var supply = problem.Supplies.Where(s => s.Product == p).Sum(s => s.Quantity);
                var demand = problem.Demands.Where(d => d.Product == p).Sum(d => d.Quantity);
                return supply > 0 ? share * demand / supply : 1;
            },
            StringComparer.Ordinal
        );
        var scaled = problem with
        {
            Supplies = problem.Supplies.Select(s => s with { Quantity = s.Quantity * factors[s.Product] }).ToList(),
            ReserveFloors = problem.ReserveFloors.Select(f => f with { Floor = f.Floor * factors[f.Product] }).ToList(),
        };
        return (
            scaled,
            factors.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new TierAmount(f.Key, 0, f.Value)).ToList()
        );
    }

    /// <summary>
    /// An outbreak concentrated in one city: per product, the tier-1 demand of the city's counties raised (never
    /// lowered) to <paramref name="multiple"/> × the supply the city's depot receives over the horizon. Applied after
    /// the scaling, so the city cannot cover its own critical care and sharing between cities matters for tier 1;
    /// elsewhere every city covers its own tier-1 needs.
    /// </summary>
    public static AllocationProblem Epicentre(AllocationProblem problem, string city, double multiple)
    {
        // Counties have one delivery lane in (from their city), assistance sites one from every depot.
        var counties = problem
            .Lanes.Where(l => l.Kind == LaneKind.Delivery)
            .GroupBy(l => l.To)
            .Where(g => g.Count() == 1)
            .Select(g => g.Single())
            .Where(l => l.From == city)
            .Select(l => l.To)
            .ToHashSet(StringComparer.Ordinal);
        var factors = problem.Products.ToDictionary(
            p => p,
            p =>
            {
                var need = problem
                    .Demands.Where(d => d.Product == p && d.Tier == 1 && counties.Contains(d.Destination))
                    .Sum(d => d.Quantity);
                var own = problem.Supplies.Where(s => s.Product == p && s.Depot == city).Sum(s => s.Quantity);
                return need > 0 ? Math.Max(1, multiple * own / need) : 1;
            },
            StringComparer.Ordinal
        );
        return problem with
        {
            Demands = problem
                .Demands.Select(d =>
                    d.Tier == 1 && counties.Contains(d.Destination)
                        ? d with
                        {
                            Quantity = Math.Round(d.Quantity * factors[d.Product]),
                        }
                        : d
                )
                .ToList(),
        };
    }

    /// <summary>
    /// The same supply held entirely by the cities: the provincial depot's supply moves, day by day, to the city depots
    /// in proportion to each city's own supply of the product, and its reserve floor goes. Models a province whose
    /// reserve was already handed out (or a province without one).
    /// </summary>
    public static AllocationProblem WithoutProvincialReserve(AllocationProblem problem)
    {
        var province = ProvincialDepots(problem);
        var cityShare = problem
            .Supplies.Where(s => !province.Contains(s.Depot))
            .GroupBy(s => s.Product)
            .ToDictionary(
                g => g.Key,
                g =>
                {
                    var byCity = g.GroupBy(s => s.Depot)
                        .ToDictionary(c => c.Key, c => c.Sum(s => s.Quantity), StringComparer.Ordinal);
                    var total = byCity.Values.Sum();
                    return byCity.ToDictionary(
                        c => c.Key,
                        c => total > 0 ? c.Value / total : 0,
                        StringComparer.Ordinal
                    );
                },
                StringComparer.Ordinal
            );
        var supplies = new List<Supply>();
        foreach (var s in problem.Supplies)
        {
            if (!province.Contains(s.Depot) || !cityShare.TryGetValue(s.Product, out var shares))
            {
                supplies.Add(s);
                continue;
            }
            supplies.AddRange(
                shares
                    .OrderBy(c => c.Key, StringComparer.Ordinal)
                    .Select(c => s with { Depot = c.Key, Quantity = s.Quantity * c.Value })
            );
        }
        var merged = supplies
            .GroupBy(s => (s.Depot, s.Product, s.Day))
            .Select(g => new Supply(g.Key.Depot, g.Key.Product, g.Key.Day, g.Sum(s => s.Quantity)))
            .ToList();
        return problem with { Supplies = merged, ReserveFloors = [] };
    }

    /// <summary>
    /// Solves the scaled problem under every policy with <paramref name="solver"/>, then the pro-rata and no-sharing
    /// policies with each of <paramref name="crossCheckSolvers"/> (their LPs are the ones the solvers disagree on).
    /// </summary>
    public static StressRun Run(
        string name,
        string description,
        AllocationProblem problem,
        double share,
        string solver,
        IReadOnlyList<string> crossCheckSolvers,
        TextWriter progress,
        bool moveReserve = false,
        Func<AllocationProblem, AllocationProblem>? after = null
    )
    {
        var (scaled, factors) = Scale(problem, share);
        if (moveReserve)
            scaled = WithoutProvincialReserve(scaled);
        if (after is not null)
            scaled = after(scaled);
        var runs = Policies.Select(p => Solve(p, solver)).ToList();
        var crossCheck = crossCheckSolvers
            .Where(s => s != solver)
            .SelectMany(s => new[] { Policy.ProRata, Policy.NoSharing }.Select(p => Solve(p, s)))
            .ToList();
        return new StressRun(name, description, share, factors, runs, SelfSufficient(scaled, factors))
        {
            CrossCheck = crossCheck,
        };

        PolicyRun Solve(Policy policy, string lpSolver)
        {
            var watch = Stopwatch.StartNew();
            var result = AllocationModel.Solve(scaled, new AllocationSettings { Policy = policy, Solver = lpSolver });
            watch.Stop();
            progress.WriteLine(
                FormattableString.Invariant(
                    $"{name}: {policy} with {lpSolver}: {result.Status} in {watch.Elapsed.TotalSeconds:0.00} s"
                )
            );
            return Measure(policy, lpSolver, result, watch.Elapsed);
        }
    }

    /// <summary>
    /// Shortfall per product and tier; and the minimum fill rate per product and tier: for every destination with
    /// demand in the tier, served ÷ demand summed over the horizon, the lowest of them.
    /// </summary>
    private static PolicyRun Measure(Policy policy, string solver, AllocationResult result, TimeSpan elapsed)
    {
        var byDestination = result
            .Allocations.GroupBy(a => (a.Product, a.Tier, a.Destination))
            .Select(g => (g.Key.Product, g.Key.Tier, Demand: g.Sum(a => a.Demand), Served: g.Sum(a => a.Served)))
            .Where(x => x.Demand > 0)
            .ToList();
        var minFill = byDestination
            .GroupBy(x => (x.Product, x.Tier))
            .OrderBy(g => g.Key.Product, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Tier)
            .Select(g => new TierAmount(g.Key.Product, g.Key.Tier, g.Min(x => x.Served / x.Demand)))
            .ToList();
        return new PolicyRun(
            policy.ToString(),
            solver,
            result.Status.ToString(),
            elapsed.TotalSeconds,
            SolveOutcome.Sum(result.Allocations.Select(a => (a.Product, a.Tier, a.Demand))),
            SolveOutcome.Sum(result.Allocations.Select(a => (a.Product, a.Tier, a.Shortfall))),
            minFill,
            result.FairnessCosts.Select(f => new TierAmount(f.Product, f.Tier, f.Cost)).ToList(),
            result.Transfers,
            result
                .Stages.Where(s => !s.SolverStatus.StartsWith("OPTIMAL", StringComparison.Ordinal))
                .Select(s => $"{s.Product}/{s.Stage}: {s.SolverStatus}")
                .ToList()
        );
    }

    /// <summary>
    /// Per product: cities whose own supply over the horizon covers their counties' tier-1 demand, the provincial
    /// depot's supply and floor, the tier-1 demand (counties of the other cities plus the Hubei sites) left for it, and
    /// the tier-1 demand no lane can deliver in time (on days before the shortest lead time into its destination:
    /// day 0 at the Hubei sites), which no policy can serve.
    /// </summary>
    private static List<SelfSufficiency> SelfSufficient(AllocationProblem problem, IReadOnlyList<TierAmount> factors)
    {
        var province = ProvincialDepots(problem);
        var delivering = problem
            .Lanes.Where(l => l.Kind == LaneKind.Delivery)
            .GroupBy(l => l.To)
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single().From, StringComparer.Ordinal);
        var cities = problem.Depots.Where(d => !province.Contains(d)).ToList();
        var firstArrival = problem
            .Lanes.GroupBy(l => l.To)
            .ToDictionary(g => g.Key, g => g.Min(l => l.LeadDays), StringComparer.Ordinal);
        var list = new List<SelfSufficiency>();
        foreach (var product in problem.Products.Order(StringComparer.Ordinal))
        {
            var tierOne = problem.Demands.Where(d => d.Product == product && d.Tier == 1).ToList();
            var self = 0;
            var elsewhere = tierOne.Where(d => !delivering.ContainsKey(d.Destination)).Sum(d => d.Quantity);
            foreach (var city in cities)
            {
                var need = tierOne.Where(d => delivering.GetValueOrDefault(d.Destination) == city).Sum(d => d.Quantity);
                var own = problem.Supplies.Where(s => s.Product == product && s.Depot == city).Sum(s => s.Quantity);
                if (own >= need)
                    self++;
                else
                    elsewhere += need - own;
            }
            list.Add(
                new SelfSufficiency(
                    product,
                    factors.Single(f => f.Product == product).Amount,
                    tierOne.Sum(d => d.Quantity),
                    problem
                        .Supplies.Where(s => s.Product == product && province.Contains(s.Depot))
                        .Sum(s => s.Quantity),
                    problem.ReserveFloors.Where(f => f.Product == product).Sum(f => f.Floor),
                    cities.Count,
                    self,
                    elsewhere,
                    tierOne
                        .Where(d => d.Day < firstArrival.GetValueOrDefault(d.Destination, int.MaxValue))
                        .Sum(d => d.Quantity)
                )
            );
        }
        return list;
    }

    private static HashSet<string> ProvincialDepots(AllocationProblem problem) =>
        problem.Lanes.Where(l => l.Kind == LaneKind.Provincial).Select(l => l.From).ToHashSet(StringComparer.Ordinal);
}
