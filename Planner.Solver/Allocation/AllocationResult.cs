namespace Planner.Solver.Allocation;

/// <summary>How a solve ended.</summary>
public enum PlanStatus
{
    /// <summary>Every stage reached its proven optimum.</summary>
    Optimal,

    /// <summary>A stage stopped at its limit with a feasible but unproven solution.</summary>
    Feasible,

    /// <summary>A stage failed; the result holds no allocation.</summary>
    Failed,
}

/// <summary>Why part of a need goes unmet.</summary>
public enum ShortfallReason
{
    /// <summary>No supply could reach the destination by that day.</summary>
    LeadTime,

    /// <summary>A lane into the destination (or its depot) was full.</summary>
    LaneCapacity,

    /// <summary>Units were held in the provincial reserve, which only tier-1 needs may draw below its floor.</summary>
    ReserveFloor,

    /// <summary>The units that could have come went to higher tiers.</summary>
    LowerPriority,

    /// <summary>Everything that could reach the destination in time was used.</summary>
    SupplyExhausted,

    /// <summary>The policy's rule (equal fill rate, population quota) held the units back.</summary>
    PolicyRule,

    /// <summary>No open lane reaches the destination from any supply.</summary>
    NoRoute,
}

/// <summary>The plan: served demand, shipments, stock, the stage optima, and why needs go unmet.</summary>
public sealed record AllocationResult(
    PlanStatus Status,
    Policy Policy,
    IReadOnlyList<StageResult> Stages,
    IReadOnlyList<Allocation> Allocations,
    IReadOnlyList<Shipment> Shipments,
    IReadOnlyList<StockLevel> Stock
)
{
    /// <summary>Draws on reserves below their floor, each with the tier-1 needs it served.</summary>
    public IReadOnlyList<ReserveRelease> ReserveReleases { get; init; } = [];

    /// <summary>The constraints that shaped the plan: full lanes, reserve floors, unreachable days, exhausted
    /// supply.</summary>
    public IReadOnlyList<BindingConstraint> Binding { get; init; } = [];

    /// <summary>Per product and tier: extra shortfall if the minimum fill rate were maximised before the
    /// shortfall.</summary>
    public IReadOnlyList<FairnessCost> FairnessCosts { get; init; } = [];

    /// <summary>The transport cost of the plan (plus the change penalty when re-planning): its stage's optimum summed
    /// over products.</summary>
    public double Objective => Stages.Where(s => s.Stage == "transport_cost").Sum(s => s.Objective);

    /// <summary>Per product and tier: units the optimum served against units the plan serves in whole packs and
    /// units.</summary>
    public IReadOnlyList<RoundingCost> RoundingCosts { get; init; } = [];

    /// <summary>City-to-city transfers (lane-days with a positive shipment).</summary>
    public int Transfers { get; init; }

    /// <summary>The safety buffers a hedged plan positions at destinations on top of their needs (tier: the tier
    /// each protects; <see cref="Risk.HedgedAllocation"/>), served after that tier and not counted among the
    /// needs. None in a plan made on the median alone.</summary>
    public IReadOnlyList<Allocation> Buffers { get; init; } = [];
}

/// <summary>One lexicographic stage: its name, product, sense ("min" or "max"), optimal value and the solver's
/// status.</summary>
public sealed record StageResult(string Stage, string Product, string Sense, double Objective, string SolverStatus);

/// <summary>Demand and the part of it the plan serves; Reason says why the rest goes unmet.</summary>
public sealed record Allocation(
    string Destination,
    string Product,
    int Day,
    int Tier,
    double Demand,
    double Served,
    ShortfallReason? Reason = null
)
{
    /// <summary>Unmet demand.</summary>
    public double Shortfall => Math.Max(0, Demand - Served);

    /// <summary>What the optimum served, before the plan was rounded to whole packs and units (null: not
    /// rounded).</summary>
    public double? Optimal { get; init; }
}

/// <summary>Units leaving <see cref="From"/> on <see cref="Day"/> and arriving on <see cref="ArrivalDay"/>.</summary>
public sealed record Shipment(string From, string To, string Product, int Day, int ArrivalDay, double Quantity);

/// <summary>Units held at a depot or destination at the end of a day.</summary>
public sealed record StockLevel(string Node, string Product, int Day, double Quantity);

/// <summary>A reserve drawn below its floor on a day, and the tier-1 destinations served that day.</summary>
public sealed record ReserveRelease(
    string Depot,
    string Product,
    int Day,
    double BelowFloor,
    IReadOnlyList<string> TierOneDestinations
);

/// <summary>A constraint at its limit: Kind is lane_capacity, reserve_floor, lead_time or supply_exhausted.</summary>
public sealed record BindingConstraint(
    string Kind,
    string Subject,
    string Product,
    int FirstDay,
    int LastDay,
    string Detail
);

/// <summary>Shortfall of the optimized stage order vs maximising the minimum fill rate first, for one product and
/// tier.</summary>
public sealed record FairnessCost(
    string Product,
    int Tier,
    double MinShortfall,
    double ShortfallIfFairFirst,
    double MaxMinFillRate
)
{
    /// <summary>How many more units go unmet when fairness comes first.</summary>
    public double Cost => Math.Max(0, ShortfallIfFairFirst - MinShortfall);
}
