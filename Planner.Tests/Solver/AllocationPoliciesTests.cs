using System.Text.Json;
using Planner.Solver.Allocation;
using static Planner.Tests.Solver.TinyProblems;

namespace Planner.Tests.Solver;

/// <summary>Fairness, reserves, lane capacity, the comparison policies, re-planning and determinism, on hand-computed
/// instances.</summary>
public class AllocationPoliciesTests
{
    [Fact]
    public void Solve_GivesEqualNeedsEqualFillRates()
    {
        // 10 units for two destinations needing 10 each at the same tier: 5 each, not 10 and 0.
        var problem = TwoDestinations(10, x: (1, 10), y: (1, 10));

        var result = SolveChecked(problem);

        Assert.Equal(5, Served(result, "X"), 5);
        Assert.Equal(5, Served(result, "Y"), 5);
        var fairness = Assert.Single(result.FairnessCosts);
        Assert.Equal(0.5, fairness.MaxMinFillRate, 5);
        Assert.Equal(10, fairness.MinShortfall, 5);
        Assert.Equal(0, fairness.Cost, 5);
    }

    [Fact]
    public void Solve_KeepsTheReserveFloor_ForLowerTiers()
    {
        // X (tier 1) needs 3 of the 4 free units; Y (tier 2) gets the 1 left, not the reserve.
        var problem = ReserveOfSix(tierOne: 3);

        var result = SolveChecked(problem);

        Assert.Equal(3, Served(result, "X"), 5);
        Assert.Equal(1, Served(result, "Y"), 5);
        Assert.Equal(ShortfallReason.ReserveFloor, result.Allocations.Single(a => a.Destination == "Y").Reason);
        Assert.Empty(result.ReserveReleases);
        Assert.Equal(6, result.Stock.Single(s => s.Node == "P").Quantity, 5);
    }

    [Fact]
    public void Solve_DrawsOnTheReserve_OnlyAsFarAsTierOneNeeds()
    {
        // X (tier 1) needs 7: the 4 free units and 3 from below the floor; Y (tier 2) gets nothing more.
        var problem = ReserveOfSix(tierOne: 7);

        var result = SolveChecked(problem);

        Assert.Equal(7, Served(result, "X"), 5);
        Assert.Equal(0, Served(result, "Y"), 5);
        var release = Assert.Single(result.ReserveReleases);
        Assert.Equal(3, release.BelowFloor, 5);
        Assert.Equal(["X"], release.TierOneDestinations);
    }

    [Fact]
    public void Solve_RespectsLaneCapacity_AndSaysSo()
    {
        var problem = OneLane(
            2,
            new Lane("A", "X", 0, 1, DailyCapacity: 2),
            [Supplied("A", 0, 10)],
            Needed("X", 0, 1, 5),
            Needed("X", 1, 1, 5)
        );

        var result = SolveChecked(problem);

        // X holds stock (its lane is capped), so day 0 and day 1 shipments of 2 each serve 4 in all.
        Assert.Equal(4, Served(result, "X"), 5);
        Assert.All(result.Allocations, a => Assert.Equal(ShortfallReason.LaneCapacity, a.Reason));
        Assert.Contains(result.Binding, b => b is { Kind: "lane_capacity", Subject: "A>X", FirstDay: 0, LastDay: 1 });
    }

    [Fact]
    public void Solve_GivesEveryoneTheSameFillRate_UnderProRata()
    {
        var problem = TwoDestinations(10, x: (1, 10), y: (2, 10));

        var result = SolveChecked(problem, new AllocationSettings { Policy = Policy.ProRata });

        Assert.Equal(5, Served(result, "X"), 5);
        Assert.Equal(5, Served(result, "Y"), 5);
        Assert.Equal(Policy.ProRata, result.Policy);
    }

    [Fact]
    public void Solve_CapsEachCountyAtItsPopulationShare()
    {
        // 8 units, X has a quarter of the people: a quota of 2 for X (tier 1) and 6 for Y (tier 2).
        var problem = TwoDestinations(8, x: (1, 10), y: (2, 10)) with
        {
            Population = new Dictionary<string, double> { ["X"] = 100, ["Y"] = 300 },
        };

        var result = SolveChecked(problem, new AllocationSettings { Policy = Policy.PopulationShare });

        Assert.Equal(2, Served(result, "X"), 5);
        Assert.Equal(6, Served(result, "Y"), 5);
    }

    [Fact]
    public void Solve_ClosesTransfers_UnderNoSharing()
    {
        // X is served by B, which has nothing of its own; A can help only through a transfer.
        var problem = Problem(
            2,
            ["A", "B"],
            ["X"],
            [Supplied("A", 0, 10)],
            [Needed("X", 1, 1, 4)],
            [new Lane("A", "B", 1, 5, Kind: LaneKind.Transfer), new Lane("B", "X", 0, 1)]
        );

        var optimized = SolveChecked(problem);
        var isolated = SolveChecked(problem, new AllocationSettings { Policy = Policy.NoSharing });

        Assert.Equal(4, Served(optimized, "X"), 5);
        Assert.Equal(1, optimized.Transfers);
        Assert.Equal(0, Served(isolated, "X"), 5);
        Assert.Equal(ShortfallReason.NoRoute, isolated.Allocations.Single().Reason);
    }

    [Fact]
    public void Solve_UsesFewerTransfers_WhenCostIsTheSame()
    {
        // Two ways at the same cost: one transfer of 10 on day 0, or 5 on day 0 and 5 on day 1. One transfer is better.
        var problem = Problem(
            3,
            ["A", "B"],
            ["X"],
            [Supplied("A", 0, 10)],
            [Needed("X", 1, 1, 5), Needed("X", 2, 1, 5)],
            [new Lane("A", "B", 1, 5, Kind: LaneKind.Transfer), new Lane("B", "X", 0, 1)]
        );

        var result = SolveChecked(problem);

        Assert.Equal(10, Served(result, "X"), 5);
        Assert.Equal(1, result.Transfers);
        Assert.Equal(10, result.Shipments.Single(s => s.From == "A").Quantity, 5);
    }

    [Fact]
    public void Solve_KeepsDispatchedShipments_AndPrefersThePreviousPlan_WhenReplanning()
    {
        // X can be served from A or B at the same cost. The previous plan used B; day 0 is already on the road.
        var previous = new PreviousPlan(
            [new Shipment("B", "X", "N95", 0, 0, 3), new Shipment("B", "X", "N95", 1, 1, 3)],
            DispatchedThroughDay: 0
        );
        var problem = Problem(
            2,
            ["A", "B"],
            ["X"],
            [Supplied("A", 0, 10), Supplied("B", 0, 10)],
            [Needed("X", 0, 1, 3), Needed("X", 1, 1, 3)],
            [new Lane("A", "X", 0, 1), new Lane("B", "X", 0, 1)]
        ) with
        {
            Previous = previous,
        };

        var result = SolveChecked(problem);

        Assert.Equal(3, result.Shipments.Single(s => s.Day == 0).Quantity, 5);
        Assert.All(result.Shipments, s => Assert.Equal("B", s.From));
    }

    [Fact]
    public void Solve_NeverMakesAHigherTierWorseOff_ToHelpALowerOne()
    {
        var problem = SyntheticProblem(seed: 7);
        var tierOneOnly = problem with { Demands = problem.Demands.Where(d => d.Tier == 1).ToList() };

        var all = SolveChecked(problem);
        var alone = SolveChecked(tierOneOnly);

        Assert.Equal(
            alone.Allocations.Sum(a => a.Served),
            all.Allocations.Where(a => a.Tier == 1).Sum(a => a.Served),
            3
        );
    }

    [Fact]
    public void Solve_GivesTheSamePlan_ForTheSameInput()
    {
        var problem = SyntheticProblem(seed: 11);

        var a = JsonSerializer.Serialize(AllocationModel.Solve(problem));
        var b = JsonSerializer.Serialize(AllocationModel.Solve(problem, new AllocationSettings { Parallelism = 1 }));

        Assert.Equal(a, b);
    }

    [Fact]
    public void Solve_ReportsNoRoute_ForADestinationWithoutLanes()
    {
        // Y has no lane at all.
        var problem = TwoDestinations(10, x: (1, 4), y: (1, 4)) with { Lanes = [new Lane("A", "X", 0, 1)] };

        var result = SolveChecked(problem);

        Assert.Equal(4, Served(result, "X"), 5);
        Assert.Equal(ShortfallReason.NoRoute, result.Allocations.Single(a => a.Destination == "Y").Reason);
        Assert.Contains(result.Binding, b => b is { Kind: "no_route", Subject: "Y" });
    }

    [Fact]
    public void Solve_PlansASingleRegion()
    {
        var problem = OneLane(
            3,
            new Lane("A", "X", 0, 1),
            [Supplied("A", 1, 4)],
            Needed("X", 0, 1, 2),
            Needed("X", 2, 2, 5)
        );

        var result = SolveChecked(problem);

        Assert.Equal(ShortfallReason.LeadTime, result.Allocations.Single(a => a.Day == 0).Reason);
        Assert.Equal(4, result.Allocations.Single(a => a.Day == 2).Served, 5);
    }

    /// <summary>P holds 10 with a floor of 6, so 4 are free; X needs <paramref name="tierOne"/> at tier 1, Y 5 at
    /// tier 2.</summary>
    private static AllocationProblem ReserveOfSix(double tierOne) =>
        TwoDestinations(10, x: (1, tierOne), y: (2, 5), depot: "P") with
        {
            ReserveFloors = [new ReserveFloor("P", "N95", 6)],
        };

    /// <summary>A seeded network of 3 depots and 6 destinations over 5 days with 3 tiers and scarce supply.</summary>
    internal static AllocationProblem SyntheticProblem(int seed)
    {
        var random = new Random(seed);
        string[] depots = ["D1", "D2", "D3"];
        var destinations = Enumerable.Range(1, 6).Select(i => $"C{i}").ToArray();
        var lanes = new List<Lane>();
        foreach (var d in depots)
        {
            lanes.AddRange(
                depots.Where(o => o != d).Select(o => new Lane(d, o, 1, random.Next(50, 300), Kind: LaneKind.Transfer))
            );
        }
        for (var i = 0; i < destinations.Length; i++)
        {
            lanes.Add(new Lane(depots[i % 3], destinations[i], 0, 30, DailyCapacity: i == 5 ? 40 : null));
        }
        var supplies = depots
            .SelectMany(d => Enumerable.Range(0, 5).Select(day => Supplied(d, day, random.Next(0, 120))))
            .ToList();
        var demands = destinations
            .SelectMany(c =>
                Enumerable
                    .Range(0, 5)
                    .SelectMany(day => Enumerable.Range(1, 3).Select(tier => Needed(c, day, tier, random.Next(5, 60))))
            )
            .ToList();
        return Problem(5, depots, destinations, [.. supplies], [.. demands], [.. lanes]) with
        {
            ReserveFloors = [new ReserveFloor("D1", "N95", 30)],
        };
    }
}
