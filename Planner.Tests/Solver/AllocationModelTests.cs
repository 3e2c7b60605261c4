using Planner.Solver.Allocation;
using static Planner.Tests.Solver.TinyProblems;

namespace Planner.Tests.Solver;

public class AllocationModelTests
{
    [Fact]
    public void Solve_ServesHigherTierFirst_WhenSupplyIsShort()
    {
        // 10 units; X needs 6 at tier 1, Y needs 10 at tier 2: X gets 6, Y the remaining 4.
        var problem = TwoDestinations(10, x: (1, 6), y: (2, 10));

        var result = SolveChecked(problem);

        Assert.Equal(6, Served(result, "X", 1), 5);
        Assert.Equal(4, Served(result, "Y", 2), 5);
        Assert.Equal(6, result.Stages.Single(s => s.Stage == "tier1_served").Objective, 5);
        Assert.Equal(4, result.Stages.Single(s => s.Stage == "tier2_served").Objective, 5);
        Assert.Equal(10, result.Objective, 5); // transport: 10 units × cost 1
        Assert.Equal(ShortfallReason.LowerPriority, result.Allocations.Single(a => a.Tier == 2).Reason);
    }

    [Fact]
    public void Solve_LeavesDemandUnmet_WhenLeadTimeMakesItUnreachable()
    {
        // Lane takes a day: day-0 demand cannot be served, day-1 demand can.
        var problem = OneLane(
            2,
            new Lane("A", "X", 1, 2),
            [Supplied("A", 0, 5)],
            Needed("X", 0, 1, 5),
            Needed("X", 1, 1, 5)
        );

        var result = SolveChecked(problem);

        Assert.Equal(0, result.Allocations.Single(a => a.Day == 0).Served, 5);
        Assert.Equal(5, result.Allocations.Single(a => a.Day == 1).Served, 5);
        Assert.Equal(5, result.Stages.Single(s => s.Stage == "tier1_served").Objective, 5);
        Assert.Equal(ShortfallReason.LeadTime, result.Allocations.Single(a => a.Day == 0).Reason);
        Assert.Contains(result.Binding, b => b is { Kind: "lead_time", Subject: "X", FirstDay: 0, LastDay: 0 });
    }

    [Fact]
    public void Solve_TransfersBetweenDepots_AndPicksTheCheaperLane()
    {
        // X can be served by B (after a 1-day transfer from A, cost 3 + 1) or by C directly (cost 2).
        // C holds only 3, so 3 go the cheap way and 1 through the transfer: cost 3×2 + 1×(3+1) = 10.
        var problem = Problem(
            2,
            ["A", "B", "C"],
            ["X"],
            [Supplied("A", 0, 10), Supplied("C", 0, 3)],
            [Needed("X", 1, 1, 4)],
            [new Lane("A", "B", 1, 3), new Lane("B", "X", 0, 1), new Lane("C", "X", 0, 2)]
        );

        var result = SolveChecked(problem);

        Assert.Equal(4, Served(result, "X", 1), 5);
        Assert.Equal(10, result.Objective, 5);
        Assert.Equal(1, result.Shipments.Single(s => s.From == "A").Quantity, 5);
        Assert.Equal(3, result.Shipments.Single(s => s.From == "C").Quantity, 5);
    }

    [Fact]
    public void Solve_CarriesStockForward_ToServeLaterDays()
    {
        var problem = OneLane(
            3,
            new Lane("A", "X", 0, 1),
            [Supplied("A", 0, 9)],
            [.. Enumerable.Range(0, 3).Select(day => Needed("X", day, 1, 3))]
        );

        var result = SolveChecked(problem);

        Assert.All(result.Allocations, a => Assert.Equal(3, a.Served, 5));
        Assert.Equal(3, result.Stock.Where(s => s.Day == 1).Sum(s => s.Quantity), 5);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Solve_CountsGoodsOnTheRoad_AtTheNodeTheyArriveAt(bool networkFlow)
    {
        // A 2-day lane from A to the site X: without goods on the road, X's 5 on day 0 and day 1 cannot be served.
        // Yesterday's convoy brings 7 on day 0 (5 used, 2 held) and the day before's 4 more on day 1: day 1 needs 5,
        // has 2 + 4 and keeps 1. Day 2 needs 5: the 1 held and 4 of A's 10, sent on day 0. Transport is paid only on
        // what A sends: 4 × 2.
        var problem = OneLane(
            3,
            new Lane("A", "X", 2, 2),
            [Supplied("A", 0, 10)],
            [.. Enumerable.Range(0, 3).Select(day => Needed("X", day, 1, 5))]
        ) with
        {
            Arrivals = [new Arrival("X", "N95", 0, 7), new Arrival("X", "N95", 1, 4)],
        };

        var result = SolveChecked(problem, new AllocationSettings { NetworkFlow = networkFlow });

        Assert.All(result.Allocations, a => Assert.Equal(5, a.Served, 5));
        Assert.Equal(1, result.Stock.Where(s => s.Node == "X" && s.Day == 1).Sum(s => s.Quantity), 5);
        Assert.Equal(8, result.Objective, 4);
        Assert.Equal(4, result.Shipments.Sum(x => x.Quantity), 5);
    }

    [Fact]
    public void Validate_NamesAnArrivalAtAnUnknownNode_OrOutsideTheHorizon()
    {
        var problem = OneLane(2, new Lane("A", "X", 0, 1), [Supplied("A", 0, 1)]) with
        {
            Arrivals = [new Arrival("Q", "N95", 0, 1), new Arrival("X", "N95", 2, 1)],
        };

        Assert.Equal(
            ["Arrival of N95 names unknown node Q.", "Arrival of N95 at X is on day 2, outside 0..1."],
            problem.Validate()
        );
    }

    [Theory]
    [InlineData("GLOP")]
    [InlineData("PDLP")]
    [InlineData("CLP")]
    [InlineData("HIGHS_LP")]
    public void Solve_GivesTheSameOptimum_WithEveryBundledLpSolver(string solver)
    {
        var problem = TwoDestinations(10, x: (1, 6), y: (2, 10));

        var result = AllocationModel.Solve(problem, new AllocationSettings { Solver = solver, NetworkFlow = false });

        Assert.NotEqual(PlanStatus.Failed, result.Status);
        Assert.Equal(4, result.Stages.Single(s => s.Stage == "tier2_served").Objective, 3);
    }

    [Theory]
    [InlineData(Policy.Optimized)]
    [InlineData(Policy.ProRata)]
    [InlineData(Policy.PopulationShare)]
    [InlineData(Policy.NoSharing)]
    public void Solve_ReturnsAValidPlan_WhenAReserveFloorIsMoreThanTheDepotEverHolds(Policy policy)
    {
        // R's floor is 10 but it only ever receives 6 (on day 1); tier 2 is the highest tier, so nothing may be drawn
        // for it: R keeps all it has, 10 below the floor on day 0 and 4 below on day 1.
        var problem = OneLane(2, new Lane("R", "X", 0, 1), [Supplied("R", 1, 6)], Needed("X", 1, 2, 5)) with
        {
            ReserveFloors = [new ReserveFloor("R", "N95", 10)],
            Population = new Dictionary<string, double> { ["X"] = 100 },
        };

        var result = SolveChecked(problem, new AllocationSettings { Policy = policy });

        Assert.Equal(14, result.Stages.Single(s => s.Stage == "reserve_unavoidable").Objective, 5);
        Assert.Equal(0, Served(result, "X"), 5);
        Assert.Equal(6, result.Stock.Single(s => s.Node == "R" && s.Day == 1).Quantity, 5);
    }

    [Fact]
    public void Solve_ReturnsAValidPlan_WithZeroSupply()
    {
        var problem = OneLane(2, new Lane("A", "X", 0, 1), [], Needed("X", 0, 1, 7));

        var result = SolveChecked(problem);

        Assert.Equal(7, result.Allocations.Single().Shortfall, 5);
        Assert.Equal(ShortfallReason.SupplyExhausted, result.Allocations.Single().Reason);
        Assert.Empty(result.Shipments);
    }

    [Fact]
    public void Solve_ReturnsAValidPlan_WithZeroDemandAndNoLanes()
    {
        var problem = Problem(3, ["A"], ["X"], [Supplied("A", 0, 7)], [], []);

        var result = SolveChecked(problem);

        Assert.Empty(result.Allocations);
        Assert.Equal(7, result.Stock.Single(s => s.Node == "A" && s.Day == 2).Quantity, 5);
    }

    [Fact]
    public void Solve_RejectsBadData_WithEveryErrorNamed()
    {
        var problem = Problem(
            1,
            ["A"],
            ["X"],
            [Supplied("A", 0, -1)],
            [Needed("Nowhere", 0, 1, 5), new Demand("X", "FFP2", 0, 1, 1)],
            [new Lane("A", "X", 0, 1)]
        );

        var e = Assert.Throws<ArgumentException>(() => AllocationModel.Solve(problem));

        Assert.All(["is -1", "unknown destination Nowhere", "unknown product FFP2"], part =>
            Assert.Contains(part, e.Message, StringComparison.Ordinal)
        );
    }

    [Fact]
    public void Solve_RejectsAnUnknownSolverName()
    {
        var problem = Problem(1, ["A"], ["X"], [], [], []);

        var e = Assert.Throws<ArgumentException>(() =>
            AllocationModel.Solve(problem, new AllocationSettings { Solver = "SIMPLEX9" })
        );

        Assert.Contains("SIMPLEX9", e.Message, StringComparison.Ordinal);
    }
}
