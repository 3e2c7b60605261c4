using Planner.Api.Localization;
using Planner.Solver.Forecasting;
using Planner.Solver.Risk;

namespace Planner.Api.Planning;

/// <summary>
/// Production in a plan is forecast, not read: nothing reported after the as-of day is used. Each supplier's line
/// (<see cref="Production.Forecast"/>: recent output at its recent ramp, capped by the declared capacity) gives what
/// becomes available on each planned day, the median (P50) entering the plan. Products sterilised with ethylene oxide
/// are released <c>release_lag_days:PRODUCT</c> days (a planning parameter) after they are made: their first planned
/// days get the output already reported, and the output a stock report could not yet hold counts from its release.
/// </summary>
public static class ProductionSupply
{
    /// <summary>A depot's production of a product on a planned day (0-based), and its released output between its
    /// stock report and the as-of day.</summary>
    public sealed record Result(
        List<(string Depot, string Product, int Day, double Quantity)> Planned,
        Dictionary<(string Depot, string Product), double> ReleasedSinceStock,
        List<string> Warnings
    )
    {
        /// <summary>What is made, observed and forecast, per depot and product and for the province.</summary>
        public List<DriverForecast> Forecasts { get; init; } = [];

        /// <summary>What becomes available per depot and product on each planned day, as a forecast band (its lines'
        /// percentiles added up: one depot's suppliers are read as going wrong together), for the risk paths.</summary>
        public List<UncertainSeries> Series { get; init; } = [];
    }

    public static Result Build(PlanInputs inputs, IReadOnlyDictionary<(string, string), DateOnly> stockDates)
    {
        var asOf = inputs.PlanStart.AddDays(-1);
        var history = inputs.ProductionHistory.ToLookup(r => (r.Supplier, r.Product));
        var planned = new Dictionary<(string, string, int), double>();
        var released = new Dictionary<(string, string), double>();
        var warnings = new List<string>();
        var made = new List<(LineRow Line, Forecast Output)>();
        var available = new List<(string Depot, string Product, Forecast Available)>();
        foreach (var line in Lines(inputs))
        {
            var lag = Lag(inputs.Parameters, line.Product);
            var rows = history[(line.Supplier, line.Product)].ToList();
            var series = new DailySeries(
                $"{line.Supplier} {line.Product}",
                rows.Select(r => new DailyPoint(r.Day, r.Quantity)),
                asOf
            );
            var forecast = Production.Forecast(
                new ProductionLine(line.Supplier, line.Product, line.Capacity, lag),
                series,
                asOf,
                inputs.HorizonDays
            );
            var output = WarningText.Output(line.Supplier, Product(inputs, line.Product));
            warnings.AddRange(forecast.Available.Warnings.Select(w => WarningText.Sentence(w, output)));
            var delay = inputs.Overrides.ProductionDelayDays ?? 0;
            made.Add((line, Delayed(forecast.Output, delay)));
            available.Add((line.Depot, line.Product, Delayed(forecast.Available, delay)));
            foreach (var day in Delayed(forecast.Available, delay).Days)
            {
                var key = (line.Depot, line.Product, day.Horizon - 1);
                planned[key] = planned.GetValueOrDefault(key) + day.P50;
            }
            // Released after the depot's stock report, up to the as-of day: made lag days before.
            var counted = stockDates.GetValueOrDefault((line.Depot, line.Product), DateOnly.MaxValue);
            var since = rows.Where(r => r.Day.AddDays(lag) > counted && r.Day.AddDays(lag) <= asOf)
                .Sum(r => r.Quantity);
            if (since > 0)
                released[(line.Depot, line.Product)] = released.GetValueOrDefault((line.Depot, line.Product)) + since;
        }
        return new Result(
            planned.Select(kv => (kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, kv.Value)).ToList(),
            released,
            warnings
        )
        {
            Forecasts = Forecasts(inputs, made, inputs.Regions.Single(r => r.Level == "province").Code),
            Series = available
                .GroupBy(a => (a.Depot, a.Product))
                .Select(g => new UncertainSeries(
                    PathDemand.SupplyKey(g.Key.Depot, g.Key.Product),
                    PathDemand.SupplyKey(g.Key.Depot, g.Key.Product),
                    Aggregate.Sum(g.Select(a => a.Available.Days))
                ))
                .ToList(),
        };
    }

    /// <summary>A product's name in the current language (its code when it is not known).</summary>
    internal static string Product(PlanInputs inputs, string code) =>
        inputs.Products.FirstOrDefault(p => p.Code == code) is { } product
            ? (Texts.Chinese ? product.Name : product.NameEn)
            : code;

    /// <summary>Output made per depot and product, and the province's per product: the last
    /// <see cref="PlanForecast.ObservedDays"/> reported days, then the forecast.</summary>
    private static List<DriverForecast> Forecasts(
        PlanInputs inputs,
        List<(LineRow Line, Forecast Output)> made,
        string province
    )
    {
        var asOf = inputs.PlanStart.AddDays(-1);
        var from = asOf.AddDays(1 - PlanForecast.ObservedDays);
        var history = inputs.ProductionHistory.Where(r => r.Day >= from).ToList();
        var groups = made.Select(m => (Region: m.Line.Depot, m.Line.Product, m.Output))
            .Concat(made.Select(m => (Region: province, m.Line.Product, m.Output)))
            .GroupBy(m => (m.Region, m.Product));
        return groups
            .OrderBy(g => g.Key.Region, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Product, StringComparer.Ordinal)
            .Select(g => new DriverForecast(
                "production",
                g.Key.Region,
                g.Key.Product,
                Enumerable
                    .Range(0, PlanForecast.ObservedDays)
                    .Select(i => from.AddDays(i))
                    .Select(d => new ObservedDay(
                        d,
                        history
                            .Where(r =>
                                r.Day == d
                                && r.Product == g.Key.Product
                                && (g.Key.Region == province || r.Depot == g.Key.Region)
                            )
                            .Sum(r => (double)r.Quantity)
                    ))
                    .ToList(),
                Aggregate.Sum(g.Select(m => m.Output.Days))
            ))
            .ToList();
    }

    /// <summary>A scenario's delayed ramp: day h gets the forecast of day h − <paramref name="days"/> (the first
    /// day's for the days before it).</summary>
    private static Forecast Delayed(Forecast forecast, int days) =>
        days <= 0
            ? forecast
            : forecast with
            {
                Days = forecast
                    .Days.Select(
                        (d, i) =>
                        {
                            var from = forecast.Days[Math.Max(0, i - days)];
                            return d with { P10 = from.P10, P50 = from.P50, P90 = from.P90 };
                        }
                    )
                    .ToList(),
            };

    /// <summary>Days from making to release of <paramref name="product"/>: planning parameter
    /// <c>release_lag_days:PRODUCT</c>, 0 when absent.</summary>
    public static int Lag(IReadOnlyDictionary<string, string> parameters, string product) =>
        parameters.TryGetValue($"release_lag_days:{product}", out var days)
            ? int.Parse(days, CultureInfo.InvariantCulture)
            : 0;

    /// <summary>The declared lines, and any supplier-product that reported output without one (uncapped).</summary>
    private static IEnumerable<LineRow> Lines(PlanInputs inputs)
    {
        var declared = inputs.ProductionLines.Select(l => (l.Supplier, l.Product)).ToHashSet();
        var undeclared = inputs
            .ProductionHistory.Where(r => !declared.Contains((r.Supplier, r.Product)))
            .GroupBy(r => (r.Supplier, r.Product, r.Depot))
            .Select(g => new LineRow
            {
                Supplier = g.Key.Supplier,
                Product = g.Key.Product,
                Depot = g.Key.Depot,
                Capacity = long.MaxValue,
            });
        return inputs.ProductionLines.Concat(undeclared);
    }
}
