namespace Planner.Solver.Allocation;

/// <summary>
/// One line of the gap list (缺口清单): a destination's need of one product on one day in one tier that the plan
/// leaves unmet, why, and — when more supply would close it — the depot that delivers to the destination and the
/// last day the extra units must be there (<see cref="SupplyBy"/>).
/// </summary>
/// <param name="Product">The product.</param>
/// <param name="Destination">The county (or Hubei site) in need.</param>
/// <param name="Day">The day of the need (0: the plan's first).</param>
/// <param name="Tier">The need's priority tier.</param>
/// <param name="Unmet">Units unmet (the plan's whole units).</param>
/// <param name="Reason">Why the plan leaves it unmet.</param>
/// <param name="Depot">The depot whose delivery lane reaches the destination soonest; null when extra supply
/// cannot close any of the gap (no route, too late, or a full lane).</param>
/// <param name="SupplyBy">The last day extra units at <paramref name="Depot"/> still arrive in time: the need's day
/// less the lane's lead days.</param>
/// <param name="Closable">The units of the gap that extra supply at <paramref name="Depot"/> by
/// <paramref name="SupplyBy"/> closes: all of it, unless the delivery lane's room that day is less.</param>
public sealed record Gap(
    string Product,
    string Destination,
    int Day,
    int Tier,
    double Unmet,
    ShortfallReason Reason,
    string? Depot,
    int? SupplyBy,
    double Closable
);

/// <summary>
/// The gap list of a solved plan: every need left short by half a unit or more, with where and when supply would
/// close it. Supply closes a gap whose reason is a lack of units (exhausted, taken by a higher tier, held by the
/// reserve floor or a policy rule, none there in time, or a full lane on the way to the depot: units at the
/// delivering depot early enough arrive); a gap with no route, too early for any lane, or behind a delivery lane
/// with no room left that day needs a lane, not units. Adding every gap's closable
/// units at its depot on its day is enough to serve them, so re-solving with them added closes those gaps
/// (tested).
/// </summary>
public static class GapList
{
    /// <summary>The gaps of <paramref name="result"/>, by product, day, tier and destination.</summary>
    public static IReadOnlyList<Gap> Of(AllocationProblem problem, AllocationResult result)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(result);
        var delivery = problem
            .Lanes.Where(l => l.Kind == LaneKind.Delivery)
            .GroupBy(l => l.To, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g =>
                    g.OrderBy(l => l.LeadDays)
                        .ThenBy(l => l.CostPerUnit)
                        .ThenBy(l => l.From, StringComparer.Ordinal)
                        .First(),
                StringComparer.Ordinal
            );
        // The room left on each capacity-limited lane and day, taken by the gaps in tier order.
        var room = result
            .Shipments.GroupBy(s => (s.From, s.To, s.Product, s.Day))
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Quantity));
        var left = new Dictionary<(string, string, string, int), double>();
        return result
            .Allocations.Where(a => a.Shortfall >= ShortfallExplainer.HalfUnit)
            .OrderBy(a => a.Product, StringComparer.Ordinal)
            .ThenBy(a => a.Day)
            .ThenBy(a => a.Tier)
            .ThenBy(a => a.Destination, StringComparer.Ordinal)
            .Select(a =>
            {
                var reason = a.Reason ?? ShortfallReason.SupplyExhausted;
                var lane = delivery.GetValueOrDefault(a.Destination);
                if (lane is null || a.Day - lane.LeadDays < 0 || !ByUnits(reason))
                    return new Gap(a.Product, a.Destination, a.Day, a.Tier, a.Shortfall, reason, null, null, 0);
                var by = a.Day - lane.LeadDays;
                var key = (lane.From, lane.To, a.Product, by);
                var free = lane.DailyCapacity is { } capacity
                    ? left.GetValueOrDefault(key, Math.Max(0, capacity - room.GetValueOrDefault(key)))
                    : double.PositiveInfinity;
                var closable = Math.Min(a.Shortfall, free);
                if (lane.DailyCapacity is not null)
                    left[key] = free - closable;
                return closable <= 0
                    ? new Gap(a.Product, a.Destination, a.Day, a.Tier, a.Shortfall, reason, null, null, 0)
                    : new Gap(a.Product, a.Destination, a.Day, a.Tier, a.Shortfall, reason, lane.From, by, closable);
            })
            .ToList();
    }

    /// <summary>The reasons more units at the delivering depot may remedy (a full lane: only if the delivery lane
    /// has room on the day, which <see cref="Of"/> checks).</summary>
    private static bool ByUnits(ShortfallReason reason) =>
        reason
            is ShortfallReason.SupplyExhausted
                or ShortfallReason.LowerPriority
                or ShortfallReason.ReserveFloor
                or ShortfallReason.PolicyRule
                or ShortfallReason.LeadTime
                or ShortfallReason.LaneCapacity;
}
