using Planner.Solver.Forecasting;

namespace Planner.Tests.Forecasting;

public class ForecastMethodTests
{
    private static ForecastInput Input(DailySeries series, DailySeries? driver = null) =>
        new(series.AsOf, series.Points, driver?.Points ?? []);

    [Theory]
    [InlineData(0.95)] // 5 % a day down, as severe census fell late in February 2020
    [InlineData(1.10)] // 10 % a day up, as mask output rose
    public void LogLinearTrend_RecoversAConstantDailyRate(double rate)
    {
        var series = Series.Daily("s", Series.Feb1, Series.Of(14, t => 1000 * Math.Pow(rate, t)));

        var path = new LogLinearTrend().Path(Input(series), 14);

        var last = 1000 * Math.Pow(rate, 13);
        for (var h = 1; h <= 14; h++)
            Assert.Equal(1, path[h - 1] / (last * Math.Pow(rate, h)), 0.01);
        Assert.Equal(rate, path[7] / path[6], 0.001);
    }

    [Fact]
    public void LogLinearTrend_FitsAcrossGaps()
    {
        // log(x + 1) = log 100 − 0.05 t exactly, reported on days 0, 3 and 6 only.
        double? Value(int t) => 100 * Math.Exp(-0.05 * t) - 1;
        var series = Series.Daily("s", Series.Feb1, [Value(0), null, null, Value(3), null, null, Value(6)]);

        var path = new LogLinearTrend().Path(Input(series), 2);

        Assert.Equal(Value(7)!.Value, path[0], 9);
        Assert.Equal(Value(8)!.Value, path[1], 9);
    }

    [Fact]
    public void DampedLogTrend_FadesTheSlope_ByHand()
    {
        // log(x + 1) = log 100 − 0.05 t exactly, so level and slope are exact whatever the weights: the forecast is
        // 100 · e^(−0.05 (φ + … + φ^h)) − 1 with φ = 0.8, levelling off at 100 · e^(−0.2) − 1 = 80.87.
        var series = Series.Daily("s", Series.Feb1, Series.Of(7, t => 100 * Math.Exp(-0.05 * (t - 6)) - 1));

        var path = new DampedLogTrend(WindowDays: 7, Weight: 0.85, Damping: 0.8).Path(Input(series), 14);

        Assert.Equal(95.07894, path[0], 4); // Σ = 0.8
        Assert.Equal(92.05309, path[1], 4); // Σ = 1.44
        Assert.Equal(81.59642, path[13], 4); // Σ = 4 (1 − 0.8^14) = 3.824
    }

    [Fact]
    public void DampedLogTrend_WithoutDamping_RecoversAFivePercentDecay()
    {
        var series = Series.Daily("s", Series.Feb1, Series.Of(10, t => 100 * Math.Pow(0.95, t) - 1));

        var path = new DampedLogTrend(Damping: 1).Path(Input(series), 14);

        Assert.Equal(100 * Math.Pow(0.95, 9 + 14) - 1, path[13], 9);
    }

    [Fact]
    public void Trends_HoldTheLastValue_WithOnePointInTheirWindow()
    {
        var series = Series.Daily("s", Series.Feb1, [50, null, null, null, null, null, null, null, 40]);

        Assert.Equal([40.0, 40], new DampedLogTrend().Path(Input(series), 2).Select(x => Math.Round(x, 9)));
        Assert.Equal(
            [40.0, 40],
            new LogLinearTrend(WindowDays: 7).Path(Input(series), 2).Select(x => Math.Round(x, 9))
        );
        Assert.Equal([40.0, 40], new HoldLast().Path(Input(series), 2));
    }

    /// <summary>
    /// τ = 1 / ln 2, so half the census leaves each day. Cases 6 then 1: R = 6 · ½ + 1 = 4 on the count's day, so
    /// k = 10 / 4 = 2.5; the new-case forecast holds 1 a day. S(1) = 10 · ½ + 2.5 · 1 = 7.5,
    /// S(2) = 10 · ¼ + 2.5 · (½ + 1) = 6.25, S(3) = 10 · ⅛ + 2.5 · (¼ + ½ + 1) = 5.625.
    /// </summary>
    [Fact]
    public void CaseDrivenCensus_FollowsTheFlow_ByHand()
    {
        var census = Series.Daily("severe", Series.Feb1, [null, 10]);
        var cases = Series.Daily("new cases", Series.Feb1, 6, 1);
        var method = new CaseDrivenCensus(1 / Math.Log(2), new HoldLast());

        var path = method.Path(Input(census, cases), 3);

        Assert.Equal([7.5, 6.25, 5.625], path.Select(x => Math.Round(x, 9)));
    }

    [Fact]
    public void CaseDrivenCensus_FillsTheDaysSinceTheLastCount_FromReportedCases()
    {
        // Counted 10 on day 0 (R = 4 as above); cases 1 a day reported on days 1 and 2, the as-of date.
        var census = Series.Daily("severe", Series.Feb1, [null, 10, null, null]);
        var cases = Series.Daily("new cases", Series.Feb1, 6, 1, 1, 1);
        var method = new CaseDrivenCensus(1 / Math.Log(2), new HoldLast());

        var path = method.Path(Input(census, cases), 1);

        Assert.Equal(5.625, path[0], 9);
    }

    [Fact]
    public void CaseDrivenCensus_WithoutCases_EmptiesAtOneOverTau()
    {
        var census = Series.Daily("severe", Series.Feb1, 80);
        var cases = Series.Daily("new cases", Series.Feb1.AddDays(-30), Series.Of(31, t => 0));

        var path = new CaseDrivenCensus(10).Path(Input(census, cases), 14);

        Assert.Equal(80 * Math.Exp(-1.4), path[13], 9);
    }

    [Fact]
    public void CaseDrivenCensus_WithoutADriver_HoldsTheLastCount()
    {
        var census = Series.Daily("severe", Series.Feb1, 3, 4);

        Assert.Equal([4.0, 4], new CaseDrivenCensus().Path(Input(census), 2));
    }
}
