using Planner.Solver.Breakdown;

namespace Planner.Tests.Solver;

public class DailyBreakdownTests
{
    // County c1 (towns t1, t2; villages under t1) and c2 without towns.
    private static readonly RegionNode[] Tree =
    [
        new("P", null, 0),
        new("c1", "P", 0),
        new("c2", "P", 0),
        new("t1", "c1", 3),
        new("t2", "c1", 1),
        new("v1", "t1", 2),
        new("v2", "t1", 1),
        new("v3", "t1", 1),
    ];

    [Fact]
    public void Split_DaysOfEveryRegionAddUpToItsHorizon_AndChildrenToTheirParentEachDay()
    {
        var daily = new Dictionary<string, IReadOnlyList<double>>
        {
            ["c1"] = [7, 0, 13, 1, 5],
            ["c2"] = [2, 2, 2, 2, 2],
        };
        var horizon = FiveLevelBreakdown.Build(
            Tree,
            daily.ToDictionary(d => d.Key, d => d.Value.Sum(), StringComparer.Ordinal)
        );

        var days = DailyBreakdown.Split(Tree, horizon, daily);

        // Whole daily plans come through unchanged.
        Assert.Equal([7L, 0, 13, 1, 5], days["c1"]);
        Assert.Equal([2L, 2, 2, 2, 2], days["c2"]);
        foreach (var code in new[] { "c1", "c2", "t1", "t2", "v1", "v2", "v3" })
        {
            Assert.Equal(horizon[code], days[code].Sum());
            Assert.All(days[code], q => Assert.True(q >= 0, $"{code}: {q}"));
        }
        for (var day = 0; day < 5; day++)
        {
            Assert.Equal(days["c1"][day], days["t1"][day] + days["t2"][day]);
            Assert.Equal(days["t1"][day], days["v1"][day] + days["v2"][day] + days["v3"][day]);
        }
        Assert.Equal(0, days["t1"][1] + days["t2"][1]); // nothing on a day the county gets nothing
    }

    [Fact]
    public void Split_SpreadsAFractionalCountyPlanInWholeUnits()
    {
        var daily = new Dictionary<string, IReadOnlyList<double>> { ["c1"] = [2.5, 2.5, 0.4] };
        var horizon = FiveLevelBreakdown.Build(Tree, new Dictionary<string, double> { ["c1"] = 5.4, ["c2"] = 0 });

        var days = DailyBreakdown.Split(Tree, horizon, daily);

        Assert.Equal(5, days["c1"].Sum());
        Assert.Equal(horizon["v1"], days["v1"].Sum());
    }

    [Fact]
    public void Split_RandomPlans_KeepBothMarginsExact()
    {
        var random = new Random(21);
        for (var round = 0; round < 200; round++)
        {
            var daily = new Dictionary<string, IReadOnlyList<double>>
            {
                ["c1"] = Enumerable.Range(0, 14).Select(_ => (double)random.Next(0, 400) * 50).ToList(),
                ["c2"] = Enumerable.Range(0, 14).Select(_ => (double)random.Next(0, 3)).ToList(),
            };
            var horizon = FiveLevelBreakdown.Build(
                Tree,
                daily.ToDictionary(d => d.Key, d => d.Value.Sum(), StringComparer.Ordinal)
            );
            var days = DailyBreakdown.Split(Tree, horizon, daily);
            foreach (var (code, row) in days)
            {
                Assert.Equal(horizon[code], row.Sum());
                Assert.All(row, q => Assert.True(q >= 0));
            }
            for (var day = 0; day < 14; day++)
            {
                Assert.Equal((long)daily["c1"][day], days["t1"][day] + days["t2"][day]);
                Assert.Equal(days["t1"][day], days["v1"][day] + days["v2"][day] + days["v3"][day]);
            }
        }
    }

    [Fact]
    public void Split_RefusesChildrenThatDoNotAddUpToTheirParent()
    {
        var horizon = new Dictionary<string, long>
        {
            ["c1"] = 10,
            ["t1"] = 4,
            ["t2"] = 5,
        };
        var error = Assert.Throws<ArgumentException>(() =>
            DailyBreakdown.Split(Tree, horizon, new Dictionary<string, IReadOnlyList<double>> { ["c1"] = [10] })
        );
        Assert.Contains("c1", error.Message, StringComparison.Ordinal);
    }
}
