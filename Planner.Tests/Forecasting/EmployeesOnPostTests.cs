using Planner.Solver.Forecasting;

namespace Planner.Tests.Forecasting;

public class EmployeesOnPostTests
{
    private static readonly DateOnly Feb19 = new(2020, 2, 19);
    private static readonly ReturnToWork Plan = new(Employees: 10_000, TargetShare: 0.7, new DateOnly(2020, 2, 29));

    [Fact]
    public void Forecast_RampsInAStraightLine_ReachingTheTargetOnTheTargetDate_ThenHolds()
    {
        var onPost = Series.Daily("Yiwu employees on post", Feb19, 3_000);

        var forecast = EmployeesOnPost.Forecast(onPost, Plan, Feb19, 14);

        // 3,000 on the 19th to 7,000 on the 29th: 400 a day.
        Assert.Equal(3_400, forecast.Day(1).P50, 9);
        Assert.Equal(5_000, forecast.Day(5).P50, 9);
        Assert.Equal(new DateOnly(2020, 2, 29), forecast.Day(10).Date);
        Assert.Equal(7_000, forecast.Day(10).P50, 9);
        Assert.All(forecast.Days.Skip(10), d => Assert.Equal(7_000, d.P50, 9));
        Assert.All(forecast.Days, d => Assert.Equal((d.P50, d.P50), (d.P10, d.P90)));
    }

    [Fact]
    public void Forecast_RampsFromTheLastReport_WhenItIsOlder()
    {
        var onPost = Series.Daily("employees on post", new DateOnly(2020, 2, 15), [1_400, null, null, null, null]);

        var forecast = EmployeesOnPost.Forecast(onPost, Plan, Feb19, 1);

        // 1,400 on the 15th to 7,000 on the 29th: 400 a day, 5 days on.
        Assert.Equal(3_400, forecast.Day(1).P50, 9);
    }

    [Fact]
    public void Forecast_AboveTheTarget_Holds()
    {
        var onPost = Series.Daily("employees on post", Feb19, 8_000);

        Assert.All(EmployeesOnPost.Forecast(onPost, Plan, Feb19, 14).Days, d => Assert.Equal(8_000, d.P50));
    }

    [Fact]
    public void Forecast_AfterTheTargetDate_IsTheTarget()
    {
        var march = new DateOnly(2020, 3, 2);
        var onPost = Series.Daily("employees on post", march, 5_000);

        Assert.All(EmployeesOnPost.Forecast(onPost, Plan, march, 3).Days, d => Assert.Equal(7_000, d.P50, 9));
    }

    [Fact]
    public void Forecast_WithoutReports_RampsFromZero_AndWarns()
    {
        var onPost = new DailySeries("Pan'an employees on post", [], Feb19, Feb19.AddDays(-5));

        var forecast = EmployeesOnPost.Forecast(onPost, Plan, Feb19, 10);

        Assert.Equal(700, forecast.Day(1).P50, 9);
        Assert.Equal(7_000, forecast.Day(10).P50, 9);
        Assert.Equal(ForecastWarnings.NoHistory, Assert.Single(forecast.Warnings).Code);
    }
}
