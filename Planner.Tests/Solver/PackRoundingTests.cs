using Planner.Solver.Allocation;
using static Planner.Tests.Solver.TinyProblems;

namespace Planner.Tests.Solver;

/// <summary>Plans in whole packs (cartons) and whole units, on problems small enough to round by hand.</summary>
public class PackRoundingTests
{
    /// <summary>
    /// A holds 100 in packs of 10; X needs 34 (tier 1), Y 66 (tier 2). The optimum sends 34 and 66. In packs: 3 and 6
    /// whole, and the tenth pack to X, the place with the higher tier: X gets 40 and serves 34 (6 stay there), Y gets
    /// 60 and serves 60 of 66. Tier 2 pays the rounding: 6 units, under a pack.
    /// </summary>
    [Fact]
    public void ThePackLeft_GoesToTheHigherTier_AndTheLowerTierPaysLessThanAPack()
    {
        var problem = TwoDestinations(100, (1, 34), (2, 66)) with
        {
            PackSizes = new Dictionary<string, double> { ["N95"] = 10 },
        };

        var result = SolveChecked(problem);

        Assert.Equal([("X", 40.0), ("Y", 60.0)], result.Shipments.OrderBy(s => s.To).Select(s => (s.To, s.Quantity)));
        Assert.Equal((34.0, 60.0), (Served(result, "X"), Served(result, "Y")));
        Assert.Equal(6, result.Stock.Single(s => s.Node == "X").Quantity);
        Assert.Equal(
            [(1, 34.0, 34.0, 0.0), (2, 66.0, 60.0, 6.0)],
            result.RoundingCosts.Select(c => (c.Tier, c.Optimum, c.Rounded, c.Cost))
        );
    }

    /// <summary>
    /// Over four days A receives 25 a day and X needs 25 a day, packs of 10: the optimum ships 25 a day. A can send
    /// only 2 packs on the first day (it has 25); by running totals (25, 50, 75, 100) the lane then ships 3 packs, 2,
    /// 3: 20, 30, 20, 30. X serves 20 on the first day and 25 on each of the others (the 5 over from the second day
    /// make up the third's 20): 95 of 100, five units under the optimum, half a pack.
    /// </summary>
    [Fact]
    public void RunningTotals_MakeUpTomorrowWhatTodayWithheld()
    {
        var lane = new Lane("A", "X", 0, 1);
        var days = Enumerable.Range(0, 4).ToArray();
        var problem = OneLane(
            4,
            lane,
            [.. days.Select(d => Supplied("A", d, 25))],
            [.. days.Select(d => Needed("X", d, 1, 25))]
        ) with
        {
            PackSizes = new Dictionary<string, double> { ["N95"] = 10 },
        };

        var result = SolveChecked(problem);

        Assert.Equal([20.0, 30.0, 20.0, 30.0], result.Shipments.OrderBy(s => s.Day).Select(s => s.Quantity));
        Assert.Equal([20.0, 25.0, 25.0, 25.0], result.Allocations.OrderBy(a => a.Day).Select(a => a.Served));
        Assert.Equal(5, result.RoundingCosts.Single().Cost);
    }

    /// <summary>
    /// A holds 100, packs of 50. The optimum sends X 9 a day for its critical care (tier 1) and Y 10 a day for a
    /// lower tier (3), four days. By running totals alone X's lane wants 0.18, 0.36, … packs and Y's 0.2, 0.4, …:
    /// nothing on the first day, so X's first day of critical care would go unmet and its pack come a day late. The
    /// care tiers get their pack on the day they need it: X gets 50 on day 0 and serves 9 a day (14 stay there),
    /// Y's pack goes on day 2 (running total 0.6) and serves days 2 and 3. The lower tier pays: 20 units, under a pack.
    /// </summary>
    [Fact]
    public void ACareTiersNeed_GetsItsPackOnTheDay_AndALowerTierPaysTheRounding()
    {
        var days = Enumerable.Range(0, 4).ToArray();
        var problem = Problem(
            4,
            ["A"],
            ["X", "Y"],
            [Supplied("A", 0, 100)],
            [.. days.SelectMany(d => new[] { Needed("X", d, 1, 9), Needed("Y", d, 3, 10) })],
            [new Lane("A", "X", 0, 1), new Lane("A", "Y", 0, 1)]
        ) with
        {
            PackSizes = new Dictionary<string, double> { ["N95"] = 50 },
        };
        var optimum = days.SelectMany(d =>
                new[] { new Allocation("X", "N95", d, 1, 9, 9), new Allocation("Y", "N95", d, 3, 10, 10) }
            )
            .ToList();
        var shipments = days.SelectMany(d =>
                new[] { new Shipment("A", "X", "N95", d, d, 9), new Shipment("A", "Y", "N95", d, d, 10) }
            )
            .ToList();
        var stock = days.Select(d => new StockLevel("A", "N95", d, 100 - 19 * (d + 1))).ToList();

        var (rounded, _, served) = PackRounding.Round(problem, "N95", shipments, stock, optimum, Policy.Optimized);

        Assert.Equal([("X", 0, 50.0), ("Y", 2, 50.0)], rounded.Select(s => (s.To, s.Day, s.Quantity)));
        Assert.Equal([9.0, 9, 9, 9], served.Where(a => a.Destination == "X").Select(a => a.Served));
        Assert.Equal([0.0, 0, 10, 10], served.Where(a => a.Destination == "Y").Select(a => a.Served));
        Assert.Equal([(1, 0.0), (3, 20.0)], PackRounding.Costs(optimum, served).Select(c => (c.Tier, c.Cost)));
    }

    /// <summary>Without pack sizes a plan is still in whole units: 10 split over three equal needs of a tier is
    /// 4, 3, 3 in some order, never 3⅓.</summary>
    [Fact]
    public void WithoutPacks_ThePlanIsInWholeUnits()
    {
        var problem = Problem(
            1,
            ["A"],
            ["X", "Y", "Z"],
            [Supplied("A", 0, 10)],
            [Needed("X", 0, 1, 5), Needed("Y", 0, 1, 5), Needed("Z", 0, 1, 5)],
            [new Lane("A", "X", 0, 1), new Lane("A", "Y", 0, 1), new Lane("A", "Z", 0, 1)]
        );

        var result = SolveChecked(problem);

        Assert.All(result.Shipments, s => Assert.Equal(Math.Round(s.Quantity), s.Quantity));
        Assert.All(result.Allocations, a => Assert.Equal(Math.Round(a.Served), a.Served));
        Assert.Equal(10, result.Allocations.Sum(a => a.Served));
    }
}
