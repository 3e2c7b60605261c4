using Planner.Solver.Allocation;

namespace Planner.Api.Planning;

/// <summary>How shortfall reasons are written in the database, summary.json and the workbooks (whose sentences are
/// in <c>WorkbookText</c>, keyed by this code).</summary>
public static class ShortfallReasons
{
    public static string Code(ShortfallReason reason) =>
        reason switch
        {
            ShortfallReason.LeadTime => "lead_time",
            ShortfallReason.LaneCapacity => "lane_capacity",
            ShortfallReason.ReserveFloor => "reserve_floor",
            ShortfallReason.LowerPriority => "lower_priority",
            ShortfallReason.SupplyExhausted => "supply_exhausted",
            ShortfallReason.PolicyRule => "policy_rule",
            ShortfallReason.NoRoute => "no_route",
            _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
        };

    /// <summary>The reason written as <paramref name="code"/>.</summary>
    public static ShortfallReason Parse(string code) => Enum.GetValues<ShortfallReason>().Single(r => Code(r) == code);
}
