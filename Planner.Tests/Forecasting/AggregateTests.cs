using Planner.Solver.Forecasting;

namespace Planner.Tests.Forecasting;

public class AggregateTests
{
    private static readonly (double, double, double)[] Parts = [(8, 10, 13), (1, 4, 6)];

    [Fact]
    public void FullyCorrelated_AddsThePercentiles()
    {
        Assert.Equal((9.0, 14.0, 19.0), Aggregate.Sum(Parts, 1));
    }

    [Fact]
    public void Independent_AddsTheSpreadsInQuadrature()
    {
        // Below: √(2² + 3²) = √13; above: √(3² + 2²) = √13.
        var (p10, p50, p90) = Aggregate.Sum(Parts, 0);

        Assert.Equal(14 - Math.Sqrt(13), p10, 12);
        Assert.Equal(14, p50);
        Assert.Equal(14 + Math.Sqrt(13), p90, 12);
    }

    [Fact]
    public void HalfCorrelated_LiesBetween()
    {
        // √(0.5 · 13 + 0.5 · 5²) = √19 on either side.
        var (p10, _, p90) = Aggregate.Sum(Parts, 0.5);

        Assert.Equal(14 - Math.Sqrt(19), p10, 12);
        Assert.Equal(14 + Math.Sqrt(19), p90, 12);
        Assert.InRange(p10, 9, 14 - Math.Sqrt(13));
    }

    [Fact]
    public void ExactParts_MoveOnlyTheMedian()
    {
        var (p10, p50, p90) = Aggregate.Sum([(8, 10, 13), (500, 500, 500)], 0.5);

        Assert.Equal((508.0, 510.0, 513.0), (p10, p50, p90));
    }

    [Fact]
    public void Paths_AreSummedDayByDay_ToOneDecimal_AndNeverBelowZero()
    {
        var day = new DateOnly(2020, 2, 17);
        List<ForecastDay>[] paths = Enumerable
            .Range(0, 30)
            .Select(_ => new List<ForecastDay> { new(day, 1, 0, 0.3, 1.1), new(day.AddDays(1), 2, 0, 0, 2) })
            .ToArray();

        var sum = Aggregate.Sum(paths, Aggregate.CountyCorrelation);

        Assert.Equal([9.0, 0], sum.Select(d => d.P50));
        Assert.All(sum, d => Assert.True(d.P10 >= 0 && d.P10 <= d.P50 && d.P50 <= d.P90, $"{d}"));
        Assert.True(sum[1].P90 < 60, "30 independent-ish spreads of 2 add to less than 60");
        Assert.Equal(Math.Round(Math.Sqrt(0.5 * 30 * 4 + 0.5 * 60 * 60), 1), sum[1].P90);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    public void Correlation_OutsideZeroToOne_IsRefused(double rho)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Aggregate.Sum(Parts, rho));
    }
}
