using Planner.Api.Planning;
using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;

namespace Planner.Tests.Solver;

/// <summary>
/// Checks a plan's consignee lines without the code that made them: per county, product and tier the lines of the
/// tier's segments add up exactly to the whole units served, each segment within one unit of its share by demand;
/// hospital lines name hospitals of their county; and the five-level breakdown adds up at every level to the
/// counties' village lines; each shipment into a county is split among its receivers to the unit, no receiver gets
/// more than its line over the horizon, and where the shipments carry at least the county's lines every receiver
/// gets exactly its line. Returns every violation found.
/// </summary>
public static class ConsigneeChecker
{
    public static IReadOnlyList<string> Check(
        AllocationProblem problem,
        AllocationResult result,
        PlanSnapshot snapshot,
        PlanReport report
    )
    {
        var errors = new List<string>();
        var counties = snapshot.Regions.Where(r => r.Level == "county").Select(r => r.Code).ToHashSet();
        var tierOf = problem
            .Demands.Where(d => d.Segment is not null)
            .GroupBy(d => d.Segment!)
            .ToDictionary(g => g.Key, g => g.First().Tier);
        var demand = problem
            .Demands.Where(d => counties.Contains(d.Destination))
            .GroupBy(d => (d.Destination, d.Product, d.Tier, d.Segment ?? ""))
            .ToDictionary(g => g.Key, g => g.Sum(d => d.Quantity));
        var lines = report.Consignees.ToLookup(l => (l.County, l.Product, tierOf.GetValueOrDefault(l.Segment)));
        foreach (
            var g in result
                .Allocations.Where(a => counties.Contains(a.Destination))
                .GroupBy(a => (a.Destination, a.Product, a.Tier))
        )
        {
            var served = g.Sum(a => a.Served);
            var mine = lines[g.Key].ToList();
            if (Math.Abs(mine.Sum(l => l.Quantity) - served) > 1e-6)
                errors.Add($"{g.Key}: consignees get {mine.Sum(l => l.Quantity)}, served {served}");
            var asked = demand.Where(d => (d.Key.Destination, d.Key.Product, d.Key.Tier) == g.Key).ToList();
            var total = asked.Sum(d => d.Value);
            foreach (var (key, value) in asked)
            {
                var share = total > 0 ? served * value / total : 0;
                var got = mine.Where(l => l.Segment == key.Item4).Sum(l => l.Quantity);
                if (total > 0 && Math.Abs(got - share) >= 1)
                    errors.Add($"{key}: segment gets {got}, its share of the served units is {share:0.###}");
            }
        }
        errors.AddRange(Hospitals(snapshot, report));
        errors.AddRange(Breakdown(snapshot, report, counties));
        errors.AddRange(Deliveries(result, report, counties));
        return errors;
    }

    /// <summary>The split of the shipments into counties among their receivers.</summary>
    private static IEnumerable<string> Deliveries(AllocationResult result, PlanReport report, HashSet<string> counties)
    {
        var deliveries = Consignees.Deliveries(result.Shipments, report.Consignees, counties);
        foreach (var s in result.Shipments.Where(s => counties.Contains(s.To) && Math.Round(s.Quantity) > 0))
        {
            var split = deliveries.GetValueOrDefault(s)?.Sum(d => d.Quantity) ?? 0;
            if (split != (long)Math.Round(s.Quantity))
                yield return $"{s}: deliveries carry {split}";
        }
        var delivered = deliveries
            .SelectMany(kv => kv.Value.Select(d => (kv.Key.To, kv.Key.Product, d.Receiver, d.Quantity)))
            .GroupBy(d => (d.To, d.Product, d.Receiver))
            .ToDictionary(g => g.Key, g => g.Sum(d => d.Quantity));
        var shipped = result
            .Shipments.Where(s => counties.Contains(s.To))
            .GroupBy(s => (s.To, s.Product))
            .ToDictionary(g => g.Key, g => g.Sum(s => (long)Math.Round(s.Quantity)));
        foreach (var county in report.Consignees.GroupBy(l => (l.County, l.Product)))
        {
            var covered = shipped.GetValueOrDefault(county.Key) >= county.Sum(l => l.Quantity);
            foreach (var receiver in county.GroupBy(l => new Receiver(l.Kind, l.Hospital)))
            {
                var got = delivered.GetValueOrDefault((county.Key.County, county.Key.Product, receiver.Key));
                var line = receiver.Sum(l => l.Quantity);
                if (got > line || (covered && got != line))
                    yield return $"{county.Key} {receiver.Key}: delivered {got}, its line {line}";
            }
        }
    }

    /// <summary>Every hospital line names a hospital of its county.</summary>
    private static IEnumerable<string> Hospitals(PlanSnapshot snapshot, PlanReport report)
    {
        var hospitals = snapshot.HospitalReports.ToDictionary(h => h.Code, h => h.County);
        foreach (var l in report.Consignees.Where(l => l.Hospital is not null))
        {
            if (l.Kind != ConsigneeKind.Hospitals || hospitals.GetValueOrDefault(l.Hospital!) != l.County)
                yield return $"{l}: not a hospital of its county";
        }
    }

    /// <summary>Each county's breakdown is its village lines, and every region is the sum of its children.</summary>
    private static IEnumerable<string> Breakdown(PlanSnapshot snapshot, PlanReport report, HashSet<string> counties)
    {
        foreach (var (product, whole) in report.Breakdown)
        {
            var villages = report
                .Consignees.Where(l => l.Kind == ConsigneeKind.Villages && l.Product == product)
                .GroupBy(l => l.County)
                .ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
            foreach (var county in counties)
            {
                if (whole.GetValueOrDefault(county) != villages.GetValueOrDefault(county))
                    yield return $"{product} {county}: breakdown {whole.GetValueOrDefault(county)}, villages' lines";
            }
            foreach (var parent in snapshot.Tree.GroupBy(n => n.ParentCode).Where(g => g.Key is not null))
            {
                var sum = parent.Sum(n => whole.GetValueOrDefault(n.Code));
                if (sum != whole.GetValueOrDefault(parent.Key!))
                    yield return $"{product} {parent.Key}: {whole.GetValueOrDefault(parent.Key!)} ≠ children's {sum}";
            }
        }
    }
}
