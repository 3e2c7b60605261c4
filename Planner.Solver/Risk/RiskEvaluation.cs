using Planner.Solver.Allocation;

namespace Planner.Solver.Risk;

/// <summary>A destination's risk in one product and tier over the horizon, on the evaluation paths: the need's mean,
/// what the plan positions for it (its service and buffer), what it could not position of the median need and the
/// buffer (supply, lead times or higher tiers left it short: the target cannot hold there), the share of paths with a
/// shortfall on some day (and that share's standard error), the mean and 95th-percentile units short.</summary>
public sealed record DestinationRisk(
    string Destination,
    string Product,
    int Tier,
    double ExpectedNeed,
    double Positioned,
    double Buffer,
    double Unpositioned,
    double StockoutProbability,
    double StandardError,
    double ExpectedShortfall,
    double P95Shortfall
);

/// <summary>A product's tier over all destinations: mean and 95th-percentile units short per path, the mean need
/// and the mean share of it met.</summary>
public sealed record TierRisk(
    string Product,
    int Tier,
    double ExpectedShortfall,
    double P95Shortfall,
    double ExpectedNeed,
    double ExpectedFill
);

/// <summary>Days a depot's stock at the end of the first planned day covers of what it sends out on an average
/// day (null: it sends nothing).</summary>
public sealed record DepotCover(string Depot, string Product, double Stock, double? Days);

/// <summary>A plan's risk on <see cref="Paths"/> evaluation paths, against the stockout target it was made
/// for.</summary>
public sealed record RiskReport(
    int Paths,
    double Target,
    IReadOnlyList<DestinationRisk> Destinations,
    IReadOnlyList<TierRisk> Tiers,
    IReadOnlyList<DepotCover> Depots
);

/// <summary>
/// What a plan's service comes to on paths it was not made on. Each destination's units in a tier (what the plan
/// serves it, and its buffer) are kept for that tier (a tier's surge does not take a lower tier's units already
/// delivered: the conservative reading) and meet the path's need day by day, what is left over kept for the next day.
/// Production below its median on a path takes units from the lowest tiers first: the province covers the deficit with
/// its unshipped stock and the service of the tiers below the protected ones, and only the rest cuts the protected
/// tiers' units (buffers first), each destination's in proportion.
/// </summary>
public static class RiskEvaluation
{
    /// <summary>The risk of <paramref name="plan"/> on <paramref name="paths"/> (which also hold the
    /// <paramref name="production"/> lines' series, <see cref="PathDemand.SupplyKey"/>).</summary>
    public static RiskReport Evaluate(
        AllocationProblem problem,
        AllocationResult plan,
        ScenarioPaths paths,
        IReadOnlyList<Supply> production,
        IReadOnlySet<int> protectedTiers,
        double target
    )
    {
        var days = problem.Days;
        var served = Positioned(plan.Allocations, days);
        var buffers = Positioned(plan.Buffers, days);
        var wanted = plan
            .Allocations.Concat(plan.Buffers)
            .GroupBy(a => (a.Destination, a.Product, a.Tier))
            .ToDictionary(g => g.Key, g => g.Sum(a => a.Demand - a.Served));
        var cuts = SupplyCuts(problem, plan, paths, production, protectedTiers);
        var destinations = new List<DestinationRisk>();
        var totals = new Dictionary<(string Product, int Tier), (double[] Short, double[] Need)>();
        foreach (var line in PathDemand.Lines(problem.Demands, days))
        {
            var key = (line.Destination, line.Product, line.Tier);
            var units = served.GetValueOrDefault(key) ?? new double[days];
            var buffer = buffers.GetValueOrDefault(key) ?? new double[days];
            var need = PathDemand.Daily(line, paths, days);
            if (!totals.TryGetValue((line.Product, line.Tier), out var total))
                totals[(line.Product, line.Tier)] = total = (new double[paths.Count], new double[paths.Count]);
            var keep = protectedTiers.Contains(line.Tier)
                ? Enumerable.Range(0, paths.Count).Select(p => cuts.Keep(p, line.Product, line.Tier)).ToArray()
                : null;
            var shortfalls = Shortfalls(units, buffer, need, keep, total);
            var stockouts = shortfalls.Count(s => s > 1e-6);
            var probability = (double)stockouts / paths.Count;
            destinations.Add(
                new DestinationRisk(
                    line.Destination,
                    line.Product,
                    line.Tier,
                    Mean(Enumerable.Range(0, paths.Count).Select(p => Sum(need, p, days))),
                    units.Sum() + buffer.Sum(),
                    buffer.Sum(),
                    Math.Max(0, Math.Round(wanted.GetValueOrDefault(key), 6)),
                    probability,
                    Math.Sqrt(probability * (1 - probability) / paths.Count),
                    shortfalls.Average(),
                    Percentile(shortfalls, 0.95)
                )
            );
        }
        return new RiskReport(paths.Count, target, destinations, Totals(totals), Cover(problem, plan));
    }

    /// <summary>Each path's units short over the horizon: the units (cut to the shares kept on the path, when
    /// <paramref name="keep"/> is given) meet the path's need day by day, the rest carried; added to the tier's
    /// totals.</summary>
    private static double[] Shortfalls(
        double[] units,
        double[] buffer,
        double[,] need,
        (double Served, double Buffer)[]? keep,
        (double[] Short, double[] Need) total
    )
    {
        var (count, days) = (need.GetLength(0), need.GetLength(1));
        var shortfalls = new double[count];
        for (var p = 0; p < count; p++)
        {
            var (served, buffered) = keep?[p] ?? (1.0, 1.0);
            var (stock, shortfall, needed) = (0.0, 0.0, 0.0);
            for (var day = 0; day < days; day++)
            {
                stock += units[day] * served + buffer[day] * buffered;
                var use = Math.Min(stock, need[p, day]);
                stock -= use;
                shortfall += need[p, day] - use;
                needed += need[p, day];
            }
            shortfalls[p] = shortfall;
            total.Short[p] += shortfall;
            total.Need[p] += needed;
        }
        return shortfalls;
    }

    /// <summary>Per product and tier, over all destinations.</summary>
    private static List<TierRisk> Totals(
        Dictionary<(string Product, int Tier), (double[] Short, double[] Need)> totals
    ) =>
        totals
            .OrderBy(t => t.Key.Product, StringComparer.Ordinal)
            .ThenBy(t => t.Key.Tier)
            .Select(t => new TierRisk(
                t.Key.Product,
                t.Key.Tier,
                t.Value.Short.Average(),
                Percentile(t.Value.Short, 0.95),
                t.Value.Need.Average(),
                t.Value.Need.Sum() > 0 ? 1 - t.Value.Short.Sum() / t.Value.Need.Sum() : 1
            ))
            .ToList();

    /// <summary>Units per destination, product and tier on each day.</summary>
    private static Dictionary<(string, string, int), double[]> Positioned(
        IEnumerable<Allocation.Allocation> rows,
        int days
    )
    {
        var units = new Dictionary<(string, string, int), double[]>();
        foreach (var a in rows.Where(a => a.Day < days))
        {
            var key = (a.Destination, a.Product, a.Tier);
            if (!units.TryGetValue(key, out var daily))
                units[key] = daily = new double[days];
            daily[a.Day] += a.Served;
        }
        return units;
    }

    /// <summary>Per path and product, the share of the protected tiers' service and buffers that production's deficit
    /// leaves them.</summary>
    private sealed class Cuts(
        Dictionary<(int Path, string Product), double> cut,
        Dictionary<(string, int), double> served,
        Dictionary<(string, int), double> buffered
    )
    {
        /// <summary>The share kept of a tier's served units and of its buffer on a path.</summary>
        public (double Served, double Buffer) Keep(int path, string product, int tier)
        {
            var rest = cut.GetValueOrDefault((path, product));
            if (rest <= 0)
                return (1, 1);
            // Lowest protected tier first, buffers before the need they protect.
            foreach (
                var t in served
                    .Keys.Concat(buffered.Keys)
                    .Where(k => k.Item1 == product)
                    .Select(k => k.Item2)
                    .Distinct()
                    .OrderDescending()
            )
            {
                var b = buffered.GetValueOrDefault((product, t));
                var fromBuffer = Math.Min(rest, b);
                rest -= fromBuffer;
                var s = served.GetValueOrDefault((product, t));
                var fromServed = Math.Min(rest, s);
                rest -= fromServed;
                if (t == tier)
                    return (s > 0 ? 1 - fromServed / s : 1, b > 0 ? 1 - fromBuffer / b : 1);
            }
            return (1, 1);
        }
    }

    private static Cuts SupplyCuts(
        AllocationProblem problem,
        AllocationResult plan,
        ScenarioPaths paths,
        IReadOnlyList<Supply> production,
        IReadOnlySet<int> protectedTiers
    )
    {
        var cut = new Dictionary<(int, string), double>();
        var last = problem.Days - 1;
        foreach (var product in problem.Products)
        {
            var lines = production.Where(s => s.Product == product).ToList();
            var spare =
                plan.Allocations.Where(a => a.Product == product && !protectedTiers.Contains(a.Tier)).Sum(a => a.Served)
                + plan.Stock.Where(s => s.Product == product && s.Day == last && problem.Depots.Contains(s.Node))
                    .Sum(s => s.Quantity);
            for (var p = 0; p < paths.Count; p++)
            {
                var (deficit, worst) = (0.0, 0.0);
                foreach (var day in lines.GroupBy(s => s.Day).OrderBy(g => g.Key))
                {
                    foreach (var s in day)
                    {
                        var key = PathDemand.SupplyKey(s.Depot, s.Product);
                        deficit += paths.Has(key) ? s.Quantity * (1 - paths.Ratio(p, key, s.Day)) : 0;
                    }
                    worst = Math.Max(worst, deficit);
                }
                if (worst > spare)
                    cut[(p, product)] = worst - spare;
            }
        }
        Dictionary<(string, int), double> Sum(IEnumerable<Allocation.Allocation> rows) =>
            rows.Where(a => protectedTiers.Contains(a.Tier))
                .GroupBy(a => (a.Product, a.Tier))
                .ToDictionary(g => g.Key, g => g.Sum(a => a.Served));
        return new Cuts(cut, Sum(plan.Allocations), Sum(plan.Buffers));
    }

    private static List<DepotCover> Cover(AllocationProblem problem, AllocationResult plan)
    {
        var depots = problem.Depots.ToHashSet(StringComparer.Ordinal);
        var outflow = plan
            .Shipments.Where(s => depots.Contains(s.From))
            .GroupBy(s => (s.From, s.Product))
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Quantity) / problem.Days);
        return plan
            .Stock.Where(s => s.Day == 0 && depots.Contains(s.Node))
            .OrderBy(s => s.Node, StringComparer.Ordinal)
            .ThenBy(s => s.Product, StringComparer.Ordinal)
            .Select(s => new DepotCover(
                s.Node,
                s.Product,
                s.Quantity,
                outflow.GetValueOrDefault((s.Node, s.Product)) is > 0 and var daily ? s.Quantity / daily : null
            ))
            .ToList();
    }

    private static double Sum(double[,] need, int path, int days)
    {
        var sum = 0.0;
        for (var day = 0; day < days; day++)
            sum += need[path, day];
        return sum;
    }

    private static double Mean(IEnumerable<double> values) => values.DefaultIfEmpty(0).Average();

    /// <summary>The empirical quantile: the smallest value at or above the share <paramref name="q"/> of the
    /// values.</summary>
    public static double Percentile(IReadOnlyList<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Count - 1e-9) - 1)];
    }
}
