using Planner.Solver.Allocation;

namespace Planner.Api.Planning;

/// <summary>
/// Net requirements: a hospital's need over the plan is its consumption less what it holds above a safety cover.
/// Each hospital's latest capacity report before the plan says how many days of each product it has on hand; what it
/// holds above <c>safety_cover_days</c> (a planning parameter) is those extra days × its own daily consumption (its
/// critical and severe patients, other inpatients and staff on duty × the segments' rates). Per county and product
/// that quantity is taken off the county's hospital demand from the first planned day on (within a day, intensive
/// care first): the stock on the wards covers the first days, and the plan ships for the rest. A hospital that reported
/// no days on hand holds nothing as far as the plan knows. City depots' stock is already the network's opening stock
/// (<see cref="ProblemBuilder"/>); counties have no depot of their own in the network.
/// </summary>
public static class NetRequirements
{
    /// <summary>The planning parameter: days of each product a hospital keeps as its safety cover.</summary>
    public const string CoverParameter = "safety_cover_days";

    /// <summary>The segments a hospital consumes for, whose demand its stock nets.</summary>
    public static readonly string[] HospitalSegments =
    [
        PlanSnapshot.CriticalCareSegment,
        PlanSnapshot.SevereCareSegment,
        "inpatient",
        "staff",
    ];

    /// <summary>What a county's hospitals hold of a product above their safety cover, in whole units.</summary>
    public sealed record Held(string County, string Product, double Quantity);

    /// <summary>Per county and product, what the hospitals hold above the cover (none without the parameter).</summary>
    public static List<Held> HeldAboveCover(PlanInputs inputs) =>
        HeldAboveCover(inputs.Parameters, inputs.Rates, inputs.HospitalStock);

    /// <summary>Per county and product, what the hospitals (<paramref name="stock"/>) hold above the cover.</summary>
    public static List<Held> HeldAboveCover(
        IReadOnlyDictionary<string, string> parameters,
        IEnumerable<RateRow> allRates,
        IEnumerable<HospitalStockRow> stock
    )
    {
        if (!parameters.TryGetValue(CoverParameter, out var value))
            return [];
        var cover = double.Parse(value, CultureInfo.InvariantCulture);
        var rates = allRates.Where(r => HospitalSegments.Contains(r.Segment)).ToLookup(r => r.Product);
        return stock
            .Select(h => (h.County, h.Product, Units: Math.Max(0, h.Days - cover) * Daily(h, rates[h.Product])))
            .GroupBy(x => (x.County, x.Product))
            .Select(g => new Held(g.Key.County, g.Key.Product, Math.Floor(g.Sum(x => x.Units) + 1e-9)))
            .Where(h => h.Quantity > 0)
            .OrderBy(h => h.County, StringComparer.Ordinal)
            .ThenBy(h => h.Product, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A hospital's consumption of a product per day, from its own report.</summary>
    private static double Daily(HospitalStockRow h, IEnumerable<RateRow> rates) =>
        rates.Sum(r =>
            r.Rate
            * r.Segment switch
            {
                PlanSnapshot.CriticalCareSegment => h.Critical,
                PlanSnapshot.SevereCareSegment => h.Severe,
                "inpatient" => Math.Max(0, h.OtherInpatients),
                "staff" => h.Staff,
                _ => 0,
            }
        );

    /// <summary>The demands with each county's held stock taken off its hospital demand, first day first, highest
    /// tier first within a day; rows netted to zero are left out. Other rows are unchanged, in their order.</summary>
    public static List<Demand> Net(IReadOnlyList<Demand> demands, IReadOnlyList<Held> held)
    {
        if (held.Count == 0)
            return [.. demands];
        var left = held.ToDictionary(h => (h.County, h.Product), h => h.Quantity);
        var netted = new Dictionary<int, double>();
        var order = Enumerable
            .Range(0, demands.Count)
            .Where(i => HospitalSegments.Contains(demands[i].Segment ?? ""))
            .OrderBy(i => demands[i].Day)
            .ThenBy(i => demands[i].Tier);
        foreach (var i in order)
        {
            var d = demands[i];
            var key = (d.Destination, d.Product);
            var take = Math.Min(left.GetValueOrDefault(key), d.Quantity);
            if (take <= 0)
                continue;
            left[key] -= take;
            netted[i] = d.Quantity - take;
        }
        return demands
            .Select((d, i) => netted.TryGetValue(i, out var q) ? d with { Quantity = q } : d)
            .Where(d => d.Quantity > 0)
            .ToList();
    }
}
