namespace Planner.Solver.Breakdown;

/// <summary>
/// Spreads whole quantities over the days of the plan, below the level the plan is made at: what a county receives
/// each day goes on to its towns and villages (or whatever consignees a breakdown puts below it) that same day.
/// Whatever decided each region's quantity over the horizon (<see cref="FiveLevelBreakdown"/> by population, or a
/// breakdown by consignee), the days of every region add up exactly to that quantity, and each day the children of
/// a region add up exactly to the region's quantity that day.
/// </summary>
/// <remarks>
/// A region's day is shared among its children by largest remainder (<see cref="FiveLevelBreakdown.Apportion"/>),
/// each child weighted by what it still has to receive over the remaining days. A child's share is never more than
/// it has left (its quota is at most that, a whole number), and on the last day the quotas are exactly what is
/// left, so the days of a child sum to its horizon quantity: a whole-number matrix with both margins fixed.
/// </remarks>
public static class DailyBreakdown
{
    /// <summary>Whole quantities per day for the plan-level regions of <paramref name="daily"/> and every region
    /// below them.</summary>
    /// <param name="tree">The regions (or consignees) with their parents; weights are not used.</param>
    /// <param name="horizon">Whole quantities over the horizon of each region at and below the plan level, each
    /// region's equal to the sum of its children's (as <see cref="FiveLevelBreakdown.Build"/> gives them).</param>
    /// <param name="daily">Per plan-level region (county) its planned quantity of each day, possibly fractional: its
    /// horizon quantity is spread over the days in proportion (exactly these quantities when they are whole and add
    /// up to it).</param>
    public static IReadOnlyDictionary<string, long[]> Split(
        IReadOnlyList<RegionNode> tree,
        IReadOnlyDictionary<string, long> horizon,
        IReadOnlyDictionary<string, IReadOnlyList<double>> daily
    )
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(horizon);
        ArgumentNullException.ThrowIfNull(daily);
        var children = tree.Where(n => n.ParentCode is not null).ToLookup(n => n.ParentCode!);
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (code, days) in daily)
        {
            result[code] = FiveLevelBreakdown.Apportion(horizon.GetValueOrDefault(code), days);
            var stack = new Stack<string>([code]);
            while (stack.Count > 0)
            {
                var parent = stack.Pop();
                var kids = children[parent].Select(k => k.Code).Order(StringComparer.Ordinal).ToList();
                if (kids.Count == 0)
                    continue;
                var shares = Days(result[parent], kids.Select(k => horizon.GetValueOrDefault(k)).ToArray(), parent);
                for (var i = 0; i < kids.Count; i++)
                {
                    result[kids[i]] = shares[i];
                    stack.Push(kids[i]);
                }
            }
        }
        return result;
    }

    /// <summary>Each day of <paramref name="parentDays"/> shared among children whose horizon quantities are
    /// <paramref name="totals"/>: a row of days per child.</summary>
    private static long[][] Days(long[] parentDays, long[] totals, string parent)
    {
        if (totals.Sum() != parentDays.Sum())
        {
            throw new ArgumentException(
                $"The children of {parent} add up to {totals.Sum()} over the horizon, not to its {parentDays.Sum()}.",
                nameof(totals)
            );
        }
        var left = (long[])totals.Clone();
        var rows = totals.Select(_ => new long[parentDays.Length]).ToArray();
        for (var day = 0; day < parentDays.Length; day++)
        {
            var shares = FiveLevelBreakdown.Apportion(parentDays[day], left.Select(l => (double)l).ToList());
            for (var i = 0; i < shares.Length; i++)
            {
                rows[i][day] = shares[i];
                left[i] -= shares[i];
            }
        }
        return rows;
    }
}
