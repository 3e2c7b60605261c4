using Planner.Solver.Allocation;

namespace Planner.Solver.Risk;

/// <summary>How buffers are sized: on the forecast's quantile (exact for the path model) or on a sample of
/// paths.</summary>
public enum BufferMethod
{
    /// <summary>A line's need at the score z = Φ⁻¹(1 − target) of its series: in the path model each series moves with
    /// one normal score for the horizon, so that is the need's (1 − target) quantile on every day at once.</summary>
    Quantile,

    /// <summary>The empirical (1 − target) quantile of the need on the plan's paths on each day (sample-average
    /// approximation): it converges to <see cref="Quantile"/> as paths grow, and with few paths its buffers hold less
    /// often out of sample than on the paths they were made on.</summary>
    Sample,
}

/// <summary>
/// The buffers a hedged plan positions (docs/decisions/0011-hedged-plan.md): for each destination, product and
/// protected tier, the least units on top of the median need that keep the chance of running short over the horizon
/// at or under the target. On each day t the units delivered by t must reach the (1 − target) quantile Q(t) of the
/// need by t; the buffer tops the median's cumulative need up to P(t) = max(P(t − 1) + median(t), Q(t)). Each
/// series' need moves with one score for the horizon, so the need by every day rises with it: a path short on any day
/// is a path above the quantile on that day, and the chance of that is the largest day's, at most the target.
/// </summary>
public static class SafetyStock
{
    /// <summary>The segment of buffer lines.</summary>
    public const string BufferSegment = "buffer";

    /// <summary>
    /// Buffer lines (tier: the tier they protect; segment <see cref="BufferSegment"/>) for the
    /// <paramref name="tiers"/> of <paramref name="demands"/>, keeping the chance of a shortfall at most
    /// <paramref name="target"/>, sized by <paramref name="method"/> (the quantile reads only the forecasts of
    /// <paramref name="paths"/>). No spread, no buffer.
    /// </summary>
    public static List<Demand> Buffers(
        IReadOnlyList<Demand> demands,
        IReadOnlySet<int> tiers,
        ScenarioPaths paths,
        double target,
        int days,
        BufferMethod method = BufferMethod.Quantile
    )
    {
        ArgumentOutOfRangeException.ThrowIfNegative(target);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(target, 1);
        var buffers = new List<Demand>();
        var rank = Math.Max(0, (int)Math.Ceiling((1 - target) * paths.Count - 1e-9) - 1);
        var score = target > 0 ? Normal.Inverse(1 - target) : 8;
        foreach (var line in PathDemand.Lines(demands.Where(d => tiers.Contains(d.Tier)), days))
        {
            var quantile =
                method == BufferMethod.Quantile
                    ? PathDemand.CumulativeAt(line, paths, days, score)
                    : SampleQuantile(PathDemand.Cumulative(line, paths, days), rank);
            var positioned = 0.0;
            for (var day = 0; day < days; day++)
            {
                var next = Math.Max(positioned + line.Median[day], quantile[day]);
                var buffer = next - positioned - line.Median[day];
                if (buffer > 0)
                    buffers.Add(new Demand(line.Destination, line.Product, day, line.Tier, buffer, BufferSegment));
                positioned = next;
            }
        }
        return buffers;
    }

    /// <summary>Per day, the need at <paramref name="rank"/> among the paths' needs by that day.</summary>
    private static double[] SampleQuantile(double[,] need, int rank)
    {
        var (count, days) = (need.GetLength(0), need.GetLength(1));
        var (quantile, column) = (new double[days], new double[count]);
        for (var day = 0; day < days; day++)
        {
            for (var p = 0; p < count; p++)
                column[p] = need[p, day];
            Array.Sort(column);
            quantile[day] = column[rank];
        }
        return quantile;
    }
}

/// <summary>A destination's need of a product in a tier: its median per day and the lines it is made of.</summary>
public sealed record NeedLine(
    string Destination,
    string Product,
    int Tier,
    double[] Median,
    IReadOnlyList<Demand> Parts
);

/// <summary>The need on a path: each demand line scaled by its series' ratio to the median on the path and day,
/// rounded to whole units (lines whose series has no paths, such as pledges and team kits, are exact).</summary>
public static class PathDemand
{
    /// <summary>The series key of a county's segment.</summary>
    public static string Key(string destination, string? segment) => $"{destination}/{segment}";

    /// <summary>The series key of a depot's production of a product.</summary>
    public static string SupplyKey(string depot, string product) => $"supply:{depot}/{product}";

    /// <summary>The demand lines grouped by destination, product and tier, in that order.</summary>
    public static IEnumerable<NeedLine> Lines(IEnumerable<Demand> demands, int days) =>
        demands
            .Where(d => d.Day < days)
            .GroupBy(d => (d.Destination, d.Product, d.Tier))
            .OrderBy(g => g.Key.Destination, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Product, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Tier)
            .Select(g =>
            {
                var parts = g.ToList();
                var median = new double[days];
                foreach (var d in parts)
                    median[d.Day] += d.Quantity;
                return new NeedLine(g.Key.Destination, g.Key.Product, g.Key.Tier, median, parts);
            });

    /// <summary>A line's need on each path and day.</summary>
    public static double[,] Daily(NeedLine line, ScenarioPaths paths, int days)
    {
        var need = new double[paths.Count, days];
        foreach (var d in line.Parts)
        {
            if (d.Day >= days)
                continue;
            var key = Key(d.Destination, d.Segment);
            var varies = paths.Has(key);
            for (var p = 0; p < paths.Count; p++)
                need[p, d.Day] += varies
                    ? Math.Round(d.Quantity * paths.Ratio(p, key, d.Day), MidpointRounding.AwayFromZero)
                    : d.Quantity;
        }
        return need;
    }

    /// <summary>A line's need by each day (cumulative), every series at normal score <paramref name="z"/>.</summary>
    public static double[] CumulativeAt(NeedLine line, ScenarioPaths paths, int days, double z)
    {
        var need = new double[days];
        foreach (var d in line.Parts.Where(d => d.Day < days))
        {
            var key = Key(d.Destination, d.Segment);
            need[d.Day] += paths.Has(key)
                ? Math.Round(d.Quantity * paths.RatioAt(key, d.Day, z), MidpointRounding.AwayFromZero)
                : d.Quantity;
        }
        for (var day = 1; day < days; day++)
            need[day] += need[day - 1];
        return need;
    }

    /// <summary>A line's need by each day (cumulative) on each path.</summary>
    public static double[,] Cumulative(NeedLine line, ScenarioPaths paths, int days)
    {
        var need = Daily(line, paths, days);
        for (var p = 0; p < paths.Count; p++)
        for (var day = 1; day < days; day++)
            need[p, day] += need[p, day - 1];
        return need;
    }
}
