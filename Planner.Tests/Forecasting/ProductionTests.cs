using Planner.Solver.Forecasting;

namespace Planner.Tests.Forecasting;

public class ProductionTests
{
    /// <summary>Output with log(x + 1) growing exactly 10 % a day: 99, 109, 120, 132.1 (100 · 1.1^t − 1).</summary>
    private static readonly DailySeries Output = Series.Daily(
        "Zhende masks output",
        Series.Feb1,
        Series.Of(4, t => 100 * Math.Pow(1.1, t) - 1)
    );

    private static readonly DateOnly AsOf = Series.Feb1.AddDays(3);

    [Fact]
    public void Forecast_GrowsAtTheRecentRate_UpToTheDeclaredCapacity()
    {
        var line = new ProductionLine("Zhende", "N95", DailyCapacity: 150);

        var forecast = Production.Forecast(line, Output, AsOf, 3);

        Assert.Equal(145.41, forecast.Output.Day(1).P50, 6); // 100 · 1.1^4 − 1
        Assert.Equal(150, forecast.Output.Day(2).P50); // 160.05 capped
        Assert.All(forecast.Output.Days, d => Assert.True(d.P90 <= 150));
        Assert.Equal(forecast.Output.Days, forecast.Available.Days);
    }

    [Fact]
    public void Forecast_ReleasesEthyleneOxideSterilisedOutput_AfterTheLag()
    {
        var line = new ProductionLine("Zhende", "surgical masks", 150, Production.EthyleneOxideLagDays);
        var longer = Series.Daily("output", Series.Feb1, Series.Of(10, t => 100 * Math.Pow(1.1, t) - 1));
        var asOf = Series.Feb1.AddDays(9);

        var forecast = Production.Forecast(line, longer, asOf, 10);

        // Day h releases what was made on day h − 7: reported for h ≤ 7, exactly; forecast after.
        for (var h = 1; h <= 7; h++)
        {
            var made = 100 * Math.Pow(1.1, 9 + h - 7) - 1;
            var day = forecast.Available.Day(h);
            Assert.Equal(made, day.P50, 9);
            Assert.Equal((day.P50, day.P50), (day.P10, day.P90));
        }
        Assert.Equal(forecast.Output.Day(1) with { Date = asOf.AddDays(8), Horizon = 8 }, forecast.Available.Day(8));
        Assert.Equal(asOf.AddDays(10), forecast.Available.Day(10).Date);
    }

    [Fact]
    public void Forecast_ReleasesTheLastReportBeforeAnUnreportedDay_AndNothingBeforeTheFirst()
    {
        var line = new ProductionLine("Zhende", "coveralls", 1_000, ReleaseLagDays: 4);
        var output = Series.Daily("output", Series.Feb1, [null, 40, null, 50]);

        var forecast = Production.Forecast(line, output, Series.Feb1.AddDays(3), 3);

        // Released on 5, 6 and 7 February: made on the 1st (before any report), the 2nd (40), the 3rd (not reported:
        // 40 again).
        Assert.Equal([0.0, 40, 40], forecast.Available.Days.Select(d => d.P50));
    }

    [Fact]
    public void Forecast_WithoutOutput_IsZero_AndWarns()
    {
        var line = new ProductionLine("New line", "goggles", 500);
        var output = new DailySeries("goggles output", [], AsOf, Series.Feb1);

        var forecast = Production.Forecast(line, output, AsOf, 3);

        Assert.All(forecast.Available.Days, d => Assert.Equal(0, d.P90));
        Assert.Equal(ForecastWarnings.NoHistory, Assert.Single(forecast.Available.Warnings).Code);
    }
}
