using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;
using Planner.Solver.Care;

namespace Planner.Api.Planning;

/// <summary>
/// Which consignee receives each segment's supplies in a county — the one place that names the segments by code
/// (<c>data/reference/segments.csv</c>), never by tier: the hospital segments go to the county's hospitals, each by
/// its own figure; return-to-work to the county's enterprises; everything else (small gates, key populations, the
/// public, a segment added later) down the five levels to the villages by population.
/// </summary>
public static class ConsigneeRoutes
{
    /// <summary>The severe-care segment (ward, severe patients), once split from critical care.</summary>
    public const string SevereCare = "severe_care";

    /// <summary>The hospital segments and the figure of each hospital's report that shares them. Critical care
    /// counts severe and critical patients while it carries both, critical patients only once
    /// <see cref="SevereCare"/> is a segment of its own (<see cref="For"/>). A team's PPE kit goes with the severe
    /// and critical patients the teams come to treat.</summary>
    private static readonly Dictionary<string, HospitalDriver> HospitalSegments = new(StringComparer.Ordinal)
    {
        [PlanSnapshot.CriticalCareSegment] = HospitalDriver.SevereAndCritical,
        [CriticalCareBuffer] = HospitalDriver.SevereAndCritical,
        [SevereCare] = HospitalDriver.Severe,
        [SevereCareBuffer] = HospitalDriver.Severe,
        ["inpatient"] = HospitalDriver.OtherInpatients,
        ["staff"] = HospitalDriver.StaffOnDuty,
        ["fever_clinic"] = HospitalDriver.FeverClinicVisits,
        [PlanSnapshot.TeamKitSegment] = HospitalDriver.SevereAndCritical,
    };

    /// <summary>The safety buffer a hedged plan positions for intensive care (tier 1), held at the hospitals that
    /// treat critical patients.</summary>
    public const string CriticalCareBuffer = "critical_care_buffer";

    /// <summary>The safety buffer for the wards (tier 2), held at the hospitals with severe patients.</summary>
    public const string SevereCareBuffer = "severe_care_buffer";

    /// <summary>The segments the county's enterprises receive.</summary>
    private static readonly HashSet<string> EnterpriseSegments = new(StringComparer.Ordinal) { "return_to_work" };

    /// <summary>Whether the segment goes to hospitals.</summary>
    public static bool IsHospital(string segment) => HospitalSegments.ContainsKey(segment);

    /// <summary>The hospital segments in the order their columns are shown.</summary>
    public static IReadOnlyList<string> HospitalOrder { get; } = [.. HospitalSegments.Keys];

    /// <summary>The route of every segment of <paramref name="segments"/> (the segments a plan's demand
    /// carries).</summary>
    public static Dictionary<string, ConsigneeRoute> For(IEnumerable<string> segments)
    {
        var list = segments.Distinct(StringComparer.Ordinal).ToList();
        var severeSplit = list.Contains(SevereCare, StringComparer.Ordinal);
        return list.ToDictionary(
            s => s,
            s =>
                HospitalSegments.TryGetValue(s, out var driver)
                    ? new ConsigneeRoute(
                        ConsigneeKind.Hospitals,
                        s is PlanSnapshot.CriticalCareSegment or CriticalCareBuffer && severeSplit
                            ? HospitalDriver.Critical
                            : driver
                    )
                : EnterpriseSegments.Contains(s) ? new ConsigneeRoute(ConsigneeKind.Enterprises)
                : new ConsigneeRoute(ConsigneeKind.Villages),
            StringComparer.Ordinal
        );
    }

    /// <summary>
    /// Each county's whole units served per product and segment: its served units of a tier (whole after rounding)
    /// shared among the tier's segments by their demand over the horizon in <paramref name="problem"/>.
    /// </summary>
    public static List<(string County, string Product, string Segment, long Quantity)> Served(
        AllocationProblem problem,
        AllocationResult result,
        IReadOnlySet<string> counties
    )
    {
        var demand = problem
            .Demands.Where(d => counties.Contains(d.Destination))
            .GroupBy(d => (d.Destination, d.Product, d.Tier, Segment: d.Segment ?? ""))
            .ToDictionary(g => g.Key, g => g.Sum(d => d.Quantity));
        var segments = demand.Keys.ToLookup(k => (k.Destination, k.Product, k.Tier), k => k.Segment);
        var served = new List<(string, string, string, long)>();
        foreach (
            var g in result
                .Allocations.Where(a => counties.Contains(a.Destination))
                .GroupBy(a => (a.Destination, a.Product, a.Tier))
                .OrderBy(g => g.Key.Destination, StringComparer.Ordinal)
                .ThenBy(g => g.Key.Product, StringComparer.Ordinal)
                .ThenBy(g => g.Key.Tier)
        )
        {
            var total = (long)Math.Round(g.Sum(a => a.Served), MidpointRounding.AwayFromZero);
            var own = segments[g.Key].Order(StringComparer.Ordinal).DefaultIfEmpty("").ToList();
            var shares = Consignees.BySegment(
                total,
                own.Select(s => demand.GetValueOrDefault((g.Key.Destination, g.Key.Product, g.Key.Tier, s))).ToList()
            );
            served.AddRange(own.Select((s, i) => (g.Key.Destination, g.Key.Product, s, shares[i])));
        }
        return served;
    }

    /// <summary>Each hospital's figures: its latest report, with its severe and critical patients after the patient
    /// transfers where the care plan moved any.</summary>
    public static List<HospitalFigures> Figures(
        IReadOnlyList<HospitalRow> reports,
        IReadOnlyList<HospitalCensus>? after
    )
    {
        var census = (after ?? []).ToDictionary(h => h.Code, StringComparer.Ordinal);
        return reports
            .Select(h =>
            {
                var (severe, critical) = census.TryGetValue(h.Code, out var c)
                    ? (c.Severe, c.Critical)
                    : (h.Severe, h.Critical);
                return new HospitalFigures(
                    h.Code,
                    h.County,
                    h.Designated != 0,
                    h.Beds,
                    severe,
                    critical,
                    Math.Max(0, h.OccupiedBeds - h.Severe - h.Critical),
                    h.StaffOnDuty
                );
            })
            .ToList();
    }
}
