namespace Planner.Solver.Allocation;

/// <summary>How a solve ended.</summary>
public enum PlanStatus
{
    /// <summary>Every stage reached its proven optimum.</summary>
    Optimal,

    /// <summary>A stage stopped at its time limit with a feasible but unproven solution.</summary>
    Feasible,

    /// <summary>A stage failed; the result holds no allocation.</summary>
    Failed,
}

/// <summary>The plan: served demand per destination, product, day and tier, the shipments, and the stage optima.</summary>
public sealed record AllocationResult(
    PlanStatus Status,
    IReadOnlyList<StageResult> Stages,
    IReadOnlyList<Allocation> Allocations,
    IReadOnlyList<Shipment> Shipments,
    IReadOnlyList<StockLevel> Stock)
{
    /// <summary>The final stage's objective: the transport cost of the plan.</summary>
    public double Objective => Stages.Count == 0 ? 0 : Stages[^1].Objective;
}

/// <summary>One lexicographic stage: its name, product, sense and optimal value.</summary>
public sealed record StageResult(string Stage, string Product, string Sense, double Objective, string SolverStatus);

/// <summary>Demand and the part of it the plan serves.</summary>
public sealed record Allocation(string Destination, string Product, int Day, int Tier, double Demand, double Served)
{
    /// <summary>Unmet demand.</summary>
    public double Shortfall => Math.Max(0, Demand - Served);
}

/// <summary>Units leaving <see cref="From"/> on <see cref="Day"/> and arriving on <see cref="ArrivalDay"/>.</summary>
public sealed record Shipment(string From, string To, string Product, int Day, int ArrivalDay, double Quantity);

/// <summary>Units held at a depot at the end of a day.</summary>
public sealed record StockLevel(string Depot, string Product, int Day, double Quantity);
