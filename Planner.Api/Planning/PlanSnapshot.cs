using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;
using Planner.Solver.Care;
using Planner.Solver.Risk;

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
    IReadOnlyList<(string Segment, string Product, double Rate, int Tier)> CareRates
)
{
    /// <summary>The intensive-care segment, whose driver is the critical census, which patient transfers
    /// change.</summary>
    public const string CriticalCareSegment = "critical_care";

    /// <summary>The ward segment, whose driver is the severe census, which patient transfers change.</summary>
    public const string SevereCareSegment = "severe_care";

    /// <summary>The segments whose demand follows the hospitals' census.</summary>
    public static readonly string[] CareSegments = [CriticalCareSegment, SevereCareSegment];

    /// <summary>What the inputs made the builder assume (e.g. earlier plans sent more than a depot held), as
    /// sentences in the language current when it was built (<see cref="WarningText"/>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>What each county's hospitals hold above their safety cover, per product, which the plan's hospital
    /// demand is net of (<see cref="NetRequirements"/>).</summary>
    public IReadOnlyList<NetRequirements.Held> HospitalHeld { get; init; } = [];

    /// <summary>The demand segments and the tier each is served in: the priority order the run used.</summary>
    public IReadOnlyList<SegmentInfo> Segments { get; init; } = [];

    /// <summary>The dispatch plan's lines overdue for a receipt on the first planned day.</summary>
    public IReadOnlyList<OverdueLine> OverdueReceipts { get; init; } = [];

    /// <summary>Each hospital's latest capacity report before the plan, with its name: the consignees of the
    /// hospital segments (<see cref="ConsigneeRoutes"/>).</summary>
    public IReadOnlyList<HospitalRow> HospitalReports { get; init; } = [];

    /// <summary>The forecasts the risk paths are drawn from: each county's demand drivers (grouped by city) and each
    /// depot's production (<see cref="PathDemand"/> keys).</summary>
    public IReadOnlyList<UncertainSeries> Uncertain { get; init; } = [];

    /// <summary>The production supplies in the problem (its other supplies are stock on hand).</summary>
    public IReadOnlyList<Supply> Production { get; init; } = [];

    /// <summary>The forecast the plan is made on.</summary>
    public PlanForecast Forecast { get; init; } = new(PlanStart.AddDays(-1), []);

    /// <summary>Each county's critical (<see cref="CriticalCareSegment"/>) and severe (<see cref="SevereCareSegment"/>)
    /// patients on each planned day (the forecast's median) that its care demand was made from.</summary>
    public IReadOnlyDictionary<(string County, string Segment), List<double>> CareCensus { get; init; } =
        new Dictionary<(string, string), List<double>>();

    /// <summary>The segment of deployed teams' PPE kits.</summary>
    public const string TeamKitSegment = "team_kit";

    /// <summary>
    /// The allocation problem with the care plan in it: intensive-care and ward demand recomputed from the census after
    /// the patient transfers (for the counties whose critical or severe census changed: the forecast scaled by the
    /// census after over the census before) and the teams' PPE kits added as tier-1 demand; then the hospitals'
    /// demand net of the stock they hold above their safety cover (<see cref="HospitalHeld"/>).
    /// </summary>
    public AllocationProblem WithCare(CareOutcome care)
    {
        var before = Census(Care.Hospitals);
        var after = Census(care.Transfers.Census);
        var changed = after
            .Where(kv => before.GetValueOrDefault(kv.Key) != kv.Value)
            .Select(kv => kv.Key)
            .Concat(before.Keys.Where(k => !after.ContainsKey(k)))
            .ToHashSet();
        var demands = Problem.Demands.Where(d => !changed.Contains((d.Destination, d.Segment ?? ""))).ToList();
        foreach (var (county, segment) in changed.OrderBy(k => k.County, StringComparer.Ordinal).ThenBy(k => k.Segment))
        {
            var key = (county, segment);
            foreach (var (_, product, rate, tier) in CareRates.Where(r => r.Segment == segment))
            {
                for (var day = 0; day < HorizonDays; day++)
                {
                    var daily = Math.Round(
                        CensusAfter(key, day, before.GetValueOrDefault(key), after.GetValueOrDefault(key)) * rate,
                        MidpointRounding.AwayFromZero
                    );
                    if (daily > 0)
                        demands.Add(new Demand(county, product, day, tier, daily, segment));
                }
            }
        }
        demands.AddRange(
            care.KitDemands.Where(d => Problem.Products.Contains(d.Product))
                .Select(d => d with { Segment = TeamKitSegment })
        );
        return Problem with { Demands = NetRequirements.Net(demands, HospitalHeld) };

        double CensusAfter((string, string) key, int day, long before, long after) =>
            before > 0 && CareCensus.TryGetValue(key, out var path) ? path[day] * after / before : after;
    }

    /// <summary>Each county's critical and severe patients in the hospitals' census.</summary>
    private static Dictionary<(string County, string Segment), long> Census(IEnumerable<HospitalCensus> hospitals) =>
        hospitals
            .GroupBy(h => h.County, StringComparer.Ordinal)
            .SelectMany(g =>
                new[]
                {
                    ((g.Key, CriticalCareSegment), g.Sum(h => (long)h.Critical)),
                    ((g.Key, SevereCareSegment), g.Sum(h => (long)h.Severe)),
                }
            )
            .ToDictionary(x => x.Item1, x => x.Item2);
}
