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

    /// <summary>
    /// One day: <paramref name="depot"/> holds <paramref name="supply"/> and delivers the same day, at a cost of 1, to
    /// X and Y, which need <paramref name="x"/> and <paramref name="y"/>.
    /// </summary>
    public static AllocationProblem TwoDestinations(
        double supply,
        (int Tier, double Quantity) x,
        (int Tier, double Quantity) y,
        string depot = "A"
    ) =>
        Problem(
            1,
            [depot],
            ["X", "Y"],
            [Supplied(depot, 0, supply)],
            [Needed("X", 0, x.Tier, x.Quantity), Needed("Y", 0, y.Tier, y.Quantity)],
            [new Lane(depot, "X", 0, 1), new Lane(depot, "Y", 0, 1)]
        );

    /// <summary>Over <paramref name="days"/> days, one depot serving one destination through one lane.</summary>
    public static AllocationProblem OneLane(int days, Lane lane, Supply[] supplies, params Demand[] demands) =>
        Problem(days, [lane.From], [lane.To], supplies, demands, [lane]);

    /// <summary>N95 becoming available at a depot on a day.</summary>
    public static Supply Supplied(string depot, int day, double quantity) => new(depot, "N95", day, quantity);

    /// <summary>An N95 need at a destination on a day, at a tier.</summary>
    public static Demand Needed(string destination, int day, int tier, double quantity) =>
        new(destination, "N95", day, tier, quantity);

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
