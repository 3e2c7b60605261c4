using static Planner.SampleData.Sampling;

namespace Planner.SampleData;

/// <summary>
/// stock.csv: stock counted on the first replay day and every Sunday. A factory holds its finished goods, 0.5-2 days
/// of its output that day. The reserves (the provincial one 55%, the cities' 45% by population) hold, on the last count
/// before the plan starts, what the calibration asks (<see cref="Supply.ReserveStock"/>); before it they draw their
/// pre-epidemic stock down (1.5 times that on the first day, linearly), after it they keep a tenth of what they receive
/// and issue the rest. What the reserves issued between two counts is opening + received − closing, received being the
/// output of the factories and of the national allocation less the change in the factories' stock.
/// </summary>
internal static class Stock
{
    private const double Drawdown = 0.5;
    private const double Restock = 0.1;
    private const double ProvincialShare = 0.55;

    public static List<DateOnly> CountDays(History h) =>
        h.Days.Where((d, i) => i == 0 || d.DayOfWeek == DayOfWeek.Sunday).ToList();

    public static IEnumerable<string> Rows(
        Random rng,
        History h,
        Regions regions,
        List<Supplier> suppliers,
        SortedDictionary<(string Supplier, string Product), long[]> production,
        Dictionary<(string Product, int Tier), double> demand,
        Assumptions a
    )
    {
        var counts = CountDays(h);
        var kinds = suppliers.ToDictionary(s => s.Code, s => s.Kind, StringComparer.Ordinal);
        var finished = suppliers.ToDictionary(s => s.Code, _ => 0.5 + (1.5 * rng.NextDouble()), StringComparer.Ordinal);
        var rows = new List<(string Supplier, string Product, DateOnly Day, long Quantity)>();
        foreach (var ((supplier, product), output) in production.Where(p => kinds[p.Key.Supplier] == "factory"))
            rows.AddRange(counts.Select(t => (supplier, product, t, Round(finished[supplier] * output[h.IndexOf(t)]))));
        foreach (var product in Supply.Products)
        {
            var made = production.Where(p => p.Key.Product == product).Select(p => p.Value).ToList();
            var factories = counts.ToDictionary(
                t => t,
                t => rows.Where(r => r.Product == product && r.Day == t).Sum(r => r.Quantity)
            );
            var reserves = ReservePath(h, a, counts, product, made, factories, demand);
            rows.AddRange(ReserveRows(regions, suppliers, product, reserves));
        }

        return rows.OrderBy(r => r.Supplier, StringComparer.Ordinal)
            .ThenBy(r => r.Product, StringComparer.Ordinal)
            .ThenBy(r => r.Day)
            .Select(r => Row(r.Supplier, r.Product, Date(r.Day), r.Quantity));
    }

    /// <summary>The reserves' stock of <paramref name="product"/> on each count day.</summary>
    private static Dictionary<DateOnly, double> ReservePath(
        History h,
        Assumptions a,
        List<DateOnly> counts,
        string product,
        List<long[]> made,
        Dictionary<DateOnly, long> factories,
        Dictionary<(string Product, int Tier), double> demand
    )
    {
        double Output(DateOnly after, DateOnly through) =>
            made.Sum(m => Dates(after.AddDays(1), through).Sum(d => (double)m[h.IndexOf(d)]));
        var calibration = counts.Last(t => t < a.PlanStart);
        var horizon = Output(a.PlanStart.AddDays(-1), a.HorizonEnd);
        var atCalibration = Supply.ReserveStock(product, demand, a, horizon, factories[calibration]);
        var result = new Dictionary<DateOnly, double>();
        var span = calibration.DayNumber - counts[0].DayNumber;
        foreach (var t in counts.Where(t => t <= calibration))
            result[t] = atCalibration * (1 + (Drawdown * (calibration.DayNumber - t.DayNumber) / Math.Max(1, span)));
        for (var k = counts.IndexOf(calibration) + 1; k < counts.Count; k++)
        {
            var (before, now) = (counts[k - 1], counts[k]);
            var received = Output(before, now) - (factories[now] - factories[before]);
            result[now] = result[before] + (Restock * received);
        }

        return result;
    }

    private static IEnumerable<(string, string, DateOnly, long)> ReserveRows(
        Regions regions,
        List<Supplier> suppliers,
        string product,
        Dictionary<DateOnly, double> reserves
    )
    {
        var provincial = suppliers.Single(s => s.Kind == "provincial_reserve");
        var cities = suppliers.Where(s => s.Kind == "city_reserve").ToList();
        foreach (var (day, total) in reserves)
        {
            var byHolder = Split(Round(total), [Round(ProvincialShare * 100), Round((1 - ProvincialShare) * 100)]);
            yield return (provincial.Code, product, day, byHolder[0]);
            var split = Split(byHolder[1], cities.Select(s => regions.CityPopulation[s.City]).ToList());
            for (var i = 0; i < cities.Count; i++)
                yield return (cities[i].Code, product, day, split[i]);
        }
    }
}
