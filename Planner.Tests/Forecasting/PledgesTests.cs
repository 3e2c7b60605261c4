using Planner.Solver.Forecasting;

namespace Planner.Tests.Forecasting;

public class PledgesTests
{
    [Fact]
    public void Forecast_IsThePledge_DayByDay()
    {
        var asOf = new DateOnly(2020, 2, 11);
        DailyPoint[] pledged = [new(asOf, 9), new(asOf.AddDays(1), 5_000), new(asOf.AddDays(3), 2_000)];

        var forecast = Pledges.Forecast("Jingmen N95", pledged, asOf, 3);

        Assert.Equal([5_000.0, 0, 2_000], forecast.Days.Select(d => d.P50));
        Assert.All(forecast.Days, d => Assert.Equal((d.P50, d.P50), (d.P10, d.P90)));
        Assert.Equal("as-pledged", forecast.Method);
    }
}
