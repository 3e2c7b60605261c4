using Planner.Solver.Breakdown;

namespace Planner.Tests.Solver;

public class FiveLevelBreakdownTests
{
    [Theory]
    [InlineData(10, new[] { 1.0, 1.0, 1.0 }, new long[] { 4, 3, 3 })]
    [InlineData(7, new[] { 0.5, 0.3, 0.2 }, new long[] { 4, 2, 1 })] // quotas 3.5, 2.1, 1.4: the spare unit goes to .5
    [InlineData(5, new[] { 0.0, 0.0 }, new long[] { 3, 2 })] // no weights: shared equally, first by order
    [InlineData(0, new[] { 2.0, 3.0 }, new long[] { 0, 0 })]
    [InlineData(100, new[] { 1.0, 0.0, 3.0 }, new long[] { 25, 0, 75 })]
    public void Apportion_SharesWholeUnitsByLargestRemainder(long total, double[] weights, long[] expected)
    {
        var shares = FiveLevelBreakdown.Apportion(total, weights);

        Assert.Equal(expected, shares);
        Assert.Equal(total, shares.Sum());
    }

    [Fact]
    public void Build_MakesEveryLevelSumToItsParent_FromFractionalCountyPlans()
    {
        // Province P; cities A, B; counties a1, a2 (planned 2.5 each), b1 (5.4); towns and villages below by
        // population.
        RegionNode[] tree =
        [
            new("P", null, 0),
            new("A", "P", 0),
            new("B", "P", 0),
            new("a1", "A", 0),
            new("a2", "A", 0),
            new("b1", "B", 0),
            new("a1-t1", "a1", 300),
            new("a1-t2", "a1", 100),
            new("a1-t1-v1", "a1-t1", 2),
            new("a1-t1-v2", "a1-t1", 1),
            new("b1-t1", "b1", 1),
        ];
        var planned = new Dictionary<string, double>
        {
            ["a1"] = 2.5,
            ["a2"] = 2.5,
            ["b1"] = 5.4,
        };

        var whole = FiveLevelBreakdown.Build(tree, planned);

        Assert.Equal(10, whole["P"]); // 10.4 rounded
        Assert.Equal(5, whole["A"]); // shares of 10 by 5 : 5.4 → 4.81, 5.19 → 5 and 5 (largest remainder .81)
        Assert.Equal(5, whole["B"]);
        Assert.Equal(3, whole["a1"]); // 2.5 : 2.5, tie goes to the first by code
        Assert.Equal(2, whole["a2"]);
        Assert.Equal(5, whole["b1"]);
        Assert.Equal(2, whole["a1-t1"]); // 3 by population 300 : 100 → 2.25, 0.75 → 2 and 1
        Assert.Equal(1, whole["a1-t2"]);
        Assert.Equal(1, whole["a1-t1-v1"]); // 2 by 2 : 1 → 1.33, 0.67 → 1 and 1
        Assert.Equal(1, whole["a1-t1-v2"]);
        Assert.Equal(5, whole["b1-t1"]);
    }

    [Fact]
    public void Build_RejectsAForest()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            FiveLevelBreakdown.Build(
                [new RegionNode("P", null, 1), new RegionNode("Q", null, 1)],
                new Dictionary<string, double>()
            )
        );

        Assert.Contains("one root", e.Message, StringComparison.Ordinal);
    }
}
