namespace Planner.Solver.Allocation;

/// <summary>Which OR-Tools LP solver to use and how long each stage may take.</summary>
public sealed record AllocationSettings
{
    /// <summary>An OR-Tools MPSolver id: GLOP (default), PDLP, CLP or HIGHS_LP.</summary>
    public string Solver { get; init; } = "GLOP";

    /// <summary>Time limit per LP stage; no solver has one by default, and a plan must always come back.</summary>
    public TimeSpan StageTimeLimit { get; init; } = TimeSpan.FromSeconds(60);
}
