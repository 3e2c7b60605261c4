using Planner.Solver.Forecasting;

namespace Planner.Tests.Forecasting;

public class RiskLevelsTests
{
    private static readonly DateOnly Feb9 = new(2020, 2, 9);
    private static readonly DateOnly AsOf = new(2020, 2, 14);

    private static DailySeries Map(params (DateOnly Date, double Level)[] colours) =>
        new("Yueqing risk", colours.Select(c => new DailyPoint(c.Date, c.Level)), AsOf, Feb9);

    private static Forecast Cases(params (double P10, double P50, double P90)[] days) =>
        new(
            "Yueqing new cases",
            AsOf,
            "test",
            days.Select((d, i) => new ForecastDay(AsOf.AddDays(i + 1), i + 1, d.P10, d.P50, d.P90)).ToList(),
            []
        );

    /// <summary>
    /// Orange on 9 February, a case on the 10th, none since (observed to the 14th, forecast after): the seventh day
    /// without cases is the 17th (yellow), the fourteenth the 24th (blue).
    /// </summary>
    [Fact]
    public void Forecast_StepsDownAColourAWeekWithoutCases()
    {
        var observed = Series.Daily("Yueqing new cases", Feb9, 3, 1, 0, 0, 0, 0);

        var forecast = RiskLevels.Forecast(
            Map((Feb9, 4)),
            observed,
            Cases(Enumerable.Repeat((0.0, 0.0, 0.0), 14).ToArray()),
            AsOf
        );

        Assert.Equal([4.0, 4, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2], forecast.Days.Select(d => d.P50));
        Assert.Equal(new DateOnly(2020, 2, 17), forecast.Days.First(d => d.P50 == 3).Date);
        Assert.Empty(forecast.Warnings);
    }

    [Fact]
    public void Forecast_NeverGoesBelowGreen()
    {
        var observed = Series.Daily("new cases", Feb9, 0, 0, 0, 0, 0, 0);

        var forecast = RiskLevels.Forecast(
            Map((Feb9, 2)),
            observed,
            Cases(Enumerable.Repeat((0.0, 0.0, 0.0), 14).ToArray()),
            AsOf
        );

        Assert.Equal(1, forecast.Days.Min(d => d.P10));
        Assert.Equal(1, forecast.Day(14).P90);
    }

    [Fact]
    public void Forecast_HoldsTheColourWhileCasesGoOn_AndOrdersItsPercentiles()
    {
        var observed = Series.Daily("new cases", Feb9, 0, 0, 0, 0, 0, 0);
        // P10 no cases, P50 a case every other day, P90 a case a day.
        var cases = Enumerable.Range(1, 14).Select(h => (0.0, h % 2 == 0 ? 1.0 : 0, 1.0)).ToArray();

        var forecast = RiskLevels.Forecast(Map((Feb9, 5)), observed, Cases(cases), AsOf);

        // Without cases the seventh quiet day after the map is the 16th, the second forecast day.
        Assert.Equal([5.0, 4, 4], forecast.Days.Take(3).Select(d => d.P10));
        Assert.All(forecast.Days, d => Assert.Equal(5, d.P50));
        Assert.All(forecast.Days, d => Assert.Equal(5, d.P90));
        Assert.All(forecast.Days, d => Assert.True(d.P10 <= d.P50 && d.P50 <= d.P90));
    }

    [Fact]
    public void Forecast_DoesNotCountAMissingDayAsQuiet()
    {
        var observed = Series.Daily("new cases", Feb9, [0, null, null, 0, 0, 0]);

        var forecast = RiskLevels.Forecast(
            Map((Feb9, 4)),
            observed,
            Cases(Enumerable.Repeat((0.0, 0.0, 0.0), 3).ToArray()),
            AsOf
        );

        // Quiet days after the map: the 12th, 13th and 14th (the 10th and 11th were not reported), then the three
        // forecast days: six, one short of a step.
        Assert.Equal([4.0, 4, 4], forecast.Days.Select(d => d.P50));
    }

    [Fact]
    public void Forecast_ForACountyWithoutAColour_StartsFromTheFallback_AndWarns()
    {
        var observed = Series.Daily("new cases", Feb9, 0, 0, 0, 0, 0, 0);

        var forecast = RiskLevels.Forecast(Map(), observed, Cases((0, 0, 0)), AsOf, new RiskRule(FallbackLevel: 3));

        Assert.Equal(3, forecast.Day(1).P50);
        var warning = Assert.Single(forecast.Warnings);
        Assert.Equal((ForecastWarnings.NoHistory, "Yueqing risk"), (warning.Code, warning.Series));
    }

    [Fact]
    public void Scaled_MultipliesABaseByEachDaysColour()
    {
        var risk = Cases((1, 2, 5), (1, 1, 3));
        var scaling = new RiskScaling(100, [1, 1.2, 1.5, 2, 3]);

        var visits = RiskLevels.Scaled("Yueqing fever-clinic visits", scaling, risk);

        Assert.Equal((100.0, 120.0, 300.0), (visits.Day(1).P10, visits.Day(1).P50, visits.Day(1).P90));
        Assert.Equal((100.0, 100.0, 150.0), (visits.Day(2).P10, visits.Day(2).P50, visits.Day(2).P90));
        Assert.Equal("Yueqing fever-clinic visits", visits.Series);
    }

    [Fact]
    public void Scaled_NeedsFiveMultipliers()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            RiskLevels.Scaled("checkpoints", new RiskScaling(10, [1, 2, 3]), Cases((1, 1, 1)))
        );

        Assert.Equal("'checkpoints' needs 5 multipliers, green to red; got 3.", e.Message);
    }
}
