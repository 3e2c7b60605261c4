using Planner.Solver.Allocation;
using static Planner.Tests.Solver.TinyProblems;

namespace Planner.Tests.Solver;

/// <summary>The gap list on hand-sized problems: its quantities, depots and days by hand, and each checked by
/// re-solving with the supply it asks for (or the constraint it blames) added or released.</summary>
public class GapListTests
{
    /// <summary>
    /// A delivers to X in a day, 8 a day at most, and has 10 on day 0. X needs 3 on day 0 (tier 1: nothing can be
    /// there yet), 6 on day 1 (tier 1) and 6 on day 2 (tier 2): 6 + 4 are served, 3 and 2 are not.
    /// </summary>
    private static AllocationProblem TooLateAndTooLittle() =>
        OneLane(
            3,
            new Lane("A", "X", 1, 1, DailyCapacity: 8),
            [Supplied("A", 0, 10)],
            Needed("X", 0, 1, 3),
            Needed("X", 1, 1, 6),
            Needed("X", 2, 2, 6)
        );

    [Fact]
    public void Gaps_SayWhereAndByWhenSupplyClosesThem_AndNothingForANeedNoLaneCanReachInTime()
    {
        var problem = TooLateAndTooLittle();
        var gaps = GapList.Of(problem, SolveChecked(problem));

        Assert.Equal(2, gaps.Count);
        var early = gaps.Single(g => g.Day == 0);
        Assert.Equal(
            (1, 3.0, ShortfallReason.LeadTime, null, null, 0.0),
            (early.Tier, early.Unmet, early.Reason, early.Depot, early.SupplyBy, early.Closable)
        );
        var late = gaps.Single(g => g.Day == 2);
        Assert.Equal((2, 2.0, "A", (int?)1, 2.0), (late.Tier, late.Unmet, late.Depot, late.SupplyBy, late.Closable));
    }

    [Fact]
    public void ReSolving_WithEachGapsUnitsAtItsDepotByItsDay_ClosesTheClosableGaps_AndOnlyThose()
    {
        var problem = TooLateAndTooLittle();
        var gaps = GapList.Of(problem, SolveChecked(problem));

        var more = SolveChecked(problem with { Supplies = [.. problem.Supplies, .. Extra(gaps)] });

        Assert.Equal(6, Served(more, "X", tier: 2));
        Assert.Equal(3, more.Allocations.Single(a => a.Day == 0).Shortfall);
        Assert.Equal([0], GapList.Of(problem, more).Select(g => g.Day));
    }

    [Fact]
    public void AFullLane_LimitsWhatSupplyCanClose_ToTheRoomLeftOnIt()
    {
        // A delivers 5 a day at most and has 3; X needs 8 on day 1. Two more on day 0 still fit on the lane, the
        // other three cannot reach X by day 1 whatever A holds.
        var problem = OneLane(
            2,
            new Lane("A", "X", 1, 1, DailyCapacity: 5),
            [Supplied("A", 0, 3)],
            Needed("X", 1, 1, 8)
        );
        var gap = Assert.Single(GapList.Of(problem, SolveChecked(problem)));
        Assert.Equal((5.0, "A", (int?)0, 2.0), (gap.Unmet, gap.Depot, gap.SupplyBy, gap.Closable));

        var more = SolveChecked(problem with { Supplies = [.. problem.Supplies, .. Extra([gap])] });
        Assert.Equal(3, more.Allocations.Single().Shortfall);
    }

    [Theory]
    [InlineData(12, 10)]
    [InlineData(30, 0)]
    public void TheReserveFloor_IsBlamedForNoMoreThanItHolds_AndReleasingItRecoversThatMuch(double need, double blame)
    {
        // R holds 15 with a floor of 10. X (tier 1) needs 3 and may draw below the floor; Y (tier 2) may not: it
        // gets 2 and is short of 10 for the floor, or of 28 of which the floor holds only 10 (supply is short).
        var problem = Problem(
            1,
            ["R"],
            ["X", "Y"],
            [Supplied("R", 0, 15)],
            [Needed("X", 0, 1, 3), Needed("Y", 0, 2, need)],
            [new Lane("R", "X", 0, 1), new Lane("R", "Y", 0, 1)]
        ) with
        {
            ReserveFloors = [new ReserveFloor("R", "N95", 10)],
        };
        var result = SolveChecked(problem);
        var blamed = result.Allocations.Where(a => a.Reason == ShortfallReason.ReserveFloor).Sum(a => a.Shortfall);

        var released = SolveChecked(problem with { ReserveFloors = [] });
        var recovered = result.Allocations.Sum(a => a.Shortfall) - released.Allocations.Sum(a => a.Shortfall);

        Assert.Equal(blame, blamed);
        Assert.True(blamed <= recovered + 1e-6, $"{blamed} blamed on the floor, {recovered} recovered without it");
        Assert.Equal(need - 2, result.Allocations.Single(a => a.Destination == "Y").Shortfall);
    }

    /// <summary>Each closable gap's units, at its depot on its day.</summary>
    internal static IEnumerable<Supply> Extra(IEnumerable<Gap> gaps) =>
        gaps.Where(g => g.Closable > 0).Select(g => new Supply(g.Depot!, g.Product, g.SupplyBy!.Value, g.Closable));
}
