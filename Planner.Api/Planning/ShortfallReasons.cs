using Planner.Solver.Allocation;

namespace Planner.Api.Planning;

/// <summary>How shortfall reasons are written in the database, summary.json and the workbooks.</summary>
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

    public static string Explain(ShortfallReason reason) =>
        reason switch
        {
            ShortfallReason.LeadTime => "Nothing could arrive by that day (lead time)",
            ShortfallReason.LaneCapacity => "A lane on the way was full",
            ShortfallReason.ReserveFloor => "Held in the provincial reserve, kept for tier-1 needs",
            ShortfallReason.LowerPriority => "Supply went to higher-priority needs",
            ShortfallReason.SupplyExhausted => "Everything that could reach it in time was used",
            ShortfallReason.PolicyRule => "The chosen policy's rule held supply back",
            ShortfallReason.NoRoute => "No lane reaches it from any supply",
            _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
        };
}
