using Planner.Solver.Forecasting;

namespace Planner.Tests.Forecasting;

public class EpidemicForecastsTests
{
    private static readonly DateOnly AsOf = new(2020, 2, 16);

    [Fact]
    public void SevereAndCritical_AreForecastSeparately_EachFromItsOwnCount()
    {
        // No new cases for a month: each census empties at 1/10 a day from its own count.
        var cases = Series.Daily("Wenzhou new cases", AsOf.AddDays(-30), Series.Of(31, _ => 0));
        var severe = Series.Daily("Wenzhou severe", AsOf, 20);
        var critical = Series.Daily("Wenzhou critical", AsOf, 5);

        var (s, c) = EpidemicForecasts.SevereAndCritical(severe, critical, cases, AsOf, 14);

        Assert.Equal(20 * Math.Exp(-0.7), s.Day(7).P50, 9);
        Assert.Equal(5 * Math.Exp(-0.7), c.Day(7).P50, 9);
        Assert.Equal(("Wenzhou severe", "Wenzhou critical"), (s.Series, c.Series));
        Assert.Equal("case-driven", s.Method);
    }

    [Fact]
    public void Census_AtASteadyInflow_StaysWhereItIs()
    {
        // 10 cases a day for 200 days: R has settled at 10 / (1 − e^(−1/10)), and a census counted then is steady.
        var cases = Series.Daily("new cases", AsOf.AddDays(-200), Series.Of(201, _ => 10));
        var census = Series.Daily("severe", AsOf, 30);

        var forecast = EpidemicForecasts.Census(census, cases, AsOf, 14);

        Assert.All(forecast.Days, d => Assert.Equal(30, d.P50, 6));
    }

    [Fact]
    public void Census_FallsWhenNewCasesFall()
    {
        // New cases falling 15 % a day, as in Zhejiang after 5 February 2020: the census, which rose until the count,
        // falls after it.
        var cases = Series.Daily(
            "new cases",
            AsOf.AddDays(-20),
            Series.Of(21, t => Math.Round(60 * Math.Pow(0.85, t)))
        );
        var census = Series.Daily("severe + critical", AsOf, 80);

        var forecast = EpidemicForecasts.Census(census, cases, AsOf, 14);

        var p50 = forecast.Days.Select(d => d.P50).ToList();
        Assert.All(p50.Zip(p50.Skip(1)), p => Assert.True(p.Second < p.First));
        Assert.InRange(p50[6], 30, 60);
    }

    [Fact]
    public void UnderObservation_FollowsNewCases_AtItsOwnPace()
    {
        var cases = Series.Daily("new cases", AsOf.AddDays(-30), Series.Of(31, _ => 0));
        var observed = Series.Daily("under observation", AsOf, 7866);

        var forecast = EpidemicForecasts.UnderObservation(observed, cases, AsOf, 7);

        Assert.Equal(7866 * Math.Exp(-1), forecast.Day(7).P50, 6);
    }

    [Fact]
    public void NewCases_AreADampedTrend()
    {
        var cases = Series.Daily("new cases", AsOf.AddDays(-9), Series.Of(10, t => 100 * Math.Pow(0.9, t) - 1));

        var forecast = EpidemicForecasts.NewCases(cases, AsOf, 14);

        // The fall slows: 10 % on the first day becomes 100 · 0.9^9 · e^(ln 0.9 · 4) − 1 at most.
        Assert.Equal(100 * Math.Pow(0.9, 9) * Math.Exp(Math.Log(0.9) * 0.8) - 1, forecast.Day(1).P50, 6);
        Assert.True(forecast.Day(14).P50 > 100 * Math.Pow(0.9, 13) - 1);
        Assert.Equal("damped-trend", forecast.Method);
    }

    [Fact]
    public void Census_ForACityWithNoCountYet_WarnsAndGivesZero()
    {
        var cases = Series.Daily("Lishui new cases", AsOf.AddDays(-3), 0, 1, 0, 0);
        var census = new DailySeries("Lishui severe", [], AsOf, AsOf.AddDays(-3));

        var forecast = EpidemicForecasts.Census(census, cases, AsOf, 3);

        Assert.All(forecast.Days, d => Assert.Equal(0, d.P90));
        Assert.Equal(ForecastWarnings.NoHistory, Assert.Single(forecast.Warnings).Code);
    }
}
