using Planner.Solver.Allocation;
using Planner.Solver.Forecasting;

namespace Planner.Api.Planning;

/// <summary>
/// The demand a plan is made on, as a forecast: per city and for the province, per product and planned day, the
/// P10, P50 and P90 of the counties' demand (each driver's percentile × its rate × the multiplier of the risk colour
/// at the same percentile), the province's with Hubei's pledges. The plan itself meets the P50 (rounded per county,
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
        var sums = new Dictionary<(string Region, string Product), double[,]>();
        foreach (var rate in inputs.Rates)
        {
            foreach (var ((county, segment), path) in drivers.Drivers)
            {
                if (segment != rate.Segment)
                    continue;
                var risk = drivers.Risk[county];
                foreach (var region in new[] { parent[county] ?? province, province })
                {
                    var sum = Sums(sums, region, rate.Product, inputs.HorizonDays);
                    for (var day = 0; day < inputs.HorizonDays; day++)
                    {
                        var factor = inputs.Overrides.Demand(county, rate.Tier);
                        sum[day, 0] += Daily(inputs, rate, path[day].P10, risk[day].P10) * factor;
                        sum[day, 1] += Daily(inputs, rate, path[day].P50, risk[day].P50) * factor;
                        sum[day, 2] += Daily(inputs, rate, path[day].P90, risk[day].P90) * factor;
                    }
                }
            }
        }
        foreach (var d in hubei)
        {
            var sum = Sums(sums, province, d.Product, inputs.HorizonDays);
            for (var q = 0; q < 3; q++)
                sum[d.Day, q] += d.Quantity;
        }
        return sums.OrderBy(s => s.Key.Region, StringComparer.Ordinal)
            .ThenBy(s => s.Key.Product, StringComparer.Ordinal)
            .Select(s => new DriverForecast(
                "demand",
                s.Key.Region,
                s.Key.Product,
                [],
                Enumerable
                    .Range(0, inputs.HorizonDays)
                    .Select(day => new ForecastDay(
                        asOf.AddDays(day + 1),
                        day + 1,
                        Math.Round(s.Value[day, 0], 1),
                        Math.Round(s.Value[day, 1], 1),
                        Math.Round(s.Value[day, 2], 1)
                    ))
                    .ToList()
            ))
            .ToList();
    }

    private static double[,] Sums(Dictionary<(string, string), double[,]> sums, string region, string product, int days)
    {
        if (!sums.TryGetValue((region, product), out var sum))
            sums[(region, product)] = sum = new double[days, 3];
        return sum;
    }
}
