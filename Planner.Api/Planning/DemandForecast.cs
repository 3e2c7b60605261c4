using Planner.Solver.Allocation;
using Planner.Solver.Forecasting;

namespace Planner.Api.Planning;

/// <summary>
/// The demand a plan is made on, as a forecast: per city and for the province, per product and planned day, the
/// P10, P50 and P90 of the counties' demand (in a county, each driver's percentile × its rate × the multiplier of the
/// risk colour at the same percentile, added up; across counties, <see cref="Aggregate"/> with the counties'
/// correlation), the province's with Hubei's pledges. The plan itself meets the P50 (rounded per county,
/// segment and day, so the two may differ by a few units).
/// </summary>
public static class DemandForecast
{
    /// <summary>A segment's demand of a product on a day in a county: the driver × the rate × the risk multiplier of
    /// <paramref name="colour"/> when the segment is risk-scaled.</summary>
    public static double Daily(PlanInputs inputs, RateRow rate, double driver, double colour) =>
        driver
        * rate.Rate
        * (rate.RiskScaled ? inputs.RiskMultipliers.GetValueOrDefault((int)Math.Round(colour), 1.0) : 1.0);

    public static List<DriverForecast> Build(PlanInputs inputs, DemandDrivers.Result drivers, List<Demand> hubei)
    {
        var parent = inputs.Regions.ToDictionary(r => r.Code, r => r.ParentCode, StringComparer.Ordinal);
        var province = inputs.Regions.Single(r => r.Level == "province").Code;
        var asOf = inputs.PlanStart.AddDays(-1);
        var days = inputs.HorizonDays;
        var counties = new Dictionary<(string County, string Product), double[,]>();
        foreach (var rate in inputs.Rates)
        {
            foreach (var ((county, segment), path) in drivers.Drivers)
            {
                if (segment != rate.Segment)
                    continue;
                var risk = drivers.Risk[county];
                if (!counties.TryGetValue((county, rate.Product), out var sum))
                    counties[(county, rate.Product)] = sum = new double[days, 3];
                var factor = inputs.Overrides.Demand(county, rate.Tier);
                for (var day = 0; day < days; day++)
                {
                    sum[day, 0] += Daily(inputs, rate, path[day].P10, risk[day].P10) * factor;
                    sum[day, 1] += Daily(inputs, rate, path[day].P50, risk[day].P50) * factor;
                    sum[day, 2] += Daily(inputs, rate, path[day].P90, risk[day].P90) * factor;
                }
            }
        }
        // Hubei's pledges are exact: a part of the province's demand with no spread.
        var pledged = hubei
            .GroupBy(d => d.Product)
            .Select(g =>
            {
                var sum = new double[days, 3];
                foreach (var d in g)
                    for (var q = 0; q < 3; q++)
                        sum[d.Day, q] += d.Quantity;
                return (Region: province, Product: g.Key, Sum: sum);
            });
        return counties
            .SelectMany(c =>
                new[] { parent[c.Key.County] ?? province, province }.Select(r =>
                    (Region: r, c.Key.Product, Sum: c.Value)
                )
            )
            .Concat(pledged)
            .GroupBy(c => (c.Region, c.Product))
            .OrderBy(g => g.Key.Region, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Product, StringComparer.Ordinal)
            .Select(g => new DriverForecast(
                "demand",
                g.Key.Region,
                g.Key.Product,
                [],
                Aggregate.Sum(
                    g.Select(c => Path(c.Sum, asOf)).ToList<IReadOnlyList<ForecastDay>>(),
                    Aggregate.CountyCorrelation
                )
            ))
            .ToList();
    }

    /// <summary>A part's P10, P50 and P90 per planned day as forecast days.</summary>
    private static List<ForecastDay> Path(double[,] sum, DateOnly asOf) =>
        Enumerable
            .Range(0, sum.GetLength(0))
            .Select(day => new ForecastDay(asOf.AddDays(day + 1), day + 1, sum[day, 0], sum[day, 1], sum[day, 2]))
            .ToList();
}
