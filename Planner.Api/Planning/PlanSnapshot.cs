using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;
using Planner.Solver.Care;

namespace Planner.Api.Planning;

/// <summary>
/// A plan's problem with its context, as <see cref="ProblemBuilder"/> made it from the inputs: the window of days,
/// the regions, products and tiers, the allocation problem, the five-level tree and the care models' inputs.
/// </summary>
public sealed record PlanSnapshot(
    DateOnly PlanStart,
    int HorizonDays,
    IReadOnlyList<RegionInfo> Regions,
    IReadOnlyList<ProductInfo> Products,
    IReadOnlyList<TierInfo> Tiers,
    AllocationProblem Problem,
    IReadOnlyList<RegionNode> Tree,
    CareInputs Care,
    IReadOnlyList<(string Product, double Rate, int Tier)> CriticalCareRates
)
{
    /// <summary>The segment whose driver is the severe and critical census, which patient transfers change.</summary>
    public const string CriticalCareSegment = "critical_care";

    /// <summary>What the inputs made the builder assume (e.g. earlier plans sent more than a depot held), as
    /// sentences in the language current when it was built (<see cref="WarningText"/>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Each hospital's latest capacity report before the plan, with its name: the consignees of the
    /// hospital segments (<see cref="ConsigneeRoutes"/>).</summary>
    public IReadOnlyList<HospitalRow> HospitalReports { get; init; } = [];

    /// <summary>The forecast the plan is made on.</summary>
    public PlanForecast Forecast { get; init; } = new(PlanStart.AddDays(-1), []);

    /// <summary>Each county's severe and critical patients on each planned day (the forecast's median) that its
    /// critical-care demand was made from.</summary>
    public IReadOnlyDictionary<string, List<double>> CriticalCareCensus { get; init; } =
        new Dictionary<string, List<double>>();

    /// <summary>The segment of deployed teams' PPE kits.</summary>
    public const string TeamKitSegment = "team_kit";

    /// <summary>
    /// The allocation problem with the care plan in it: critical-care demand recomputed from the census after the
    /// patient transfers (for the counties whose census changed: the forecast scaled by the census after over the
    /// census before) and the teams' PPE kits added as tier-1 demand.
    /// </summary>
    public AllocationProblem WithCare(CareOutcome care)
    {
        var before = Census(Care.Hospitals);
        var after = Census(care.Transfers.Census);
        var changed = after
            .Where(kv => before.GetValueOrDefault(kv.Key) != kv.Value)
            .Select(kv => kv.Key)
            .Concat(before.Keys.Where(k => !after.ContainsKey(k)))
            .ToHashSet(StringComparer.Ordinal);
        var demands = Problem
            .Demands.Where(d => !(d.Segment == CriticalCareSegment && changed.Contains(d.Destination)))
            .ToList();
        foreach (var county in changed.Order(StringComparer.Ordinal))
        {
            foreach (var (product, rate, tier) in CriticalCareRates)
            {
                for (var day = 0; day < HorizonDays; day++)
                {
                    var daily = Math.Round(
                        CensusAfter(county, day, before.GetValueOrDefault(county), after.GetValueOrDefault(county))
                            * rate,
                        MidpointRounding.AwayFromZero
                    );
                    if (daily > 0)
                        demands.Add(new Demand(county, product, day, tier, daily, CriticalCareSegment));
                }
            }
        }
        demands.AddRange(
            care.KitDemands.Where(d => Problem.Products.Contains(d.Product))
                .Select(d => d with { Segment = TeamKitSegment })
        );
        return Problem with { Demands = demands };

        double CensusAfter(string county, int day, long before, long after) =>
            before > 0 && CriticalCareCensus.TryGetValue(county, out var path) ? path[day] * after / before : after;

        static Dictionary<string, long> Census(IEnumerable<HospitalCensus> hospitals) =>
            hospitals
                .GroupBy(h => h.County, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(h => (long)h.Severe + h.Critical), StringComparer.Ordinal);
    }
}
