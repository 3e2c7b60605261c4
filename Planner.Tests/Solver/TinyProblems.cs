using Planner.Solver.Allocation;

namespace Planner.Tests.Solver;

/// <summary>Hand-sized allocation problems of one product (N95), solved and checked by
/// <see cref="AllocationChecker"/>.</summary>
internal static class TinyProblems
{
    public static AllocationProblem Problem(
        int days,
        string[] depots,
        string[] destinations,
        Supply[] supplies,
        Demand[] demands,
        Lane[] lanes
    ) =>
        new()
        {
            Days = days,
            Products = ["N95"],
            Depots = depots,
            Destinations = destinations,
            Supplies = supplies,
            Demands = demands,
            Lanes = lanes,
        };

    /// <summary>Solves, asserts a proven optimum, and runs the independent checker.</summary>
    public static AllocationResult SolveChecked(AllocationProblem problem, AllocationSettings? settings = null)
    {
        var result = AllocationModel.Solve(problem, settings ?? new AllocationSettings());
        Assert.Equal(PlanStatus.Optimal, result.Status);
        var errors = AllocationChecker.Check(problem, result);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return result;
    }

    public static double Served(AllocationResult result, string destination, int? tier = null) =>
        result
            .Allocations.Where(a => a.Destination == destination && (tier is null || a.Tier == tier))
            .Sum(a => a.Served);
}
