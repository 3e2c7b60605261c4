using Planner.Solver.Forecasting;

namespace Planner.Tests.Forecasting;

public class ForecasterTests
{
    /// <summary>A noisy epidemic: new cases rise 15 % a day for 15 days, then fall 10 % a day; a severe census fed
    /// by them, reported most days. Fixed seed.</summary>
    private static (DailySeries Census, DailySeries Cases) Epidemic(int days, int seed = 2020)
    {
        var random = new Random(seed);
        var cases = new double?[days];
        var census = new double?[days];
        double inCare = 0;
        for (var t = 0; t < days; t++)
        {
            var expected = t < 15 ? 5 * Math.Pow(1.15, t) : 5 * Math.Pow(1.15, 15) * Math.Pow(0.9, t - 15);
            cases[t] = Math.Round(expected * (0.7 + 0.6 * random.NextDouble()));
            inCare = inCare * 0.9 + 0.1 * cases[t]!.Value;
            census[t] = random.NextDouble() < 0.3 ? null : Math.Round(inCare * (0.8 + 0.4 * random.NextDouble()));
        }
        return (Series.Daily("severe", Series.Feb1, census), Series.Daily("new cases", Series.Feb1, cases));
    }

    [Fact]
    public void Forecast_ReadsNothingAfterTheAsOfDate_OfTheSeriesOrItsDriver()
    {
        var (census, cases) = Epidemic(50);
        var asOf = Series.Feb1.AddDays(30);
        var forecaster = new Forecaster(new CaseDrivenCensus());

        var withLater = forecaster.Forecast(census, asOf, 14, cases);
        var cut = forecaster.Forecast(census.At(asOf), asOf, 14, cases.At(asOf));

        Assert.Equal(cut.Days, withLater.Days);
        Assert.Equal(cut.Warnings, withLater.Warnings);
        Assert.Equal(cut.Days, forecaster.Forecast(Rebuilt(census, asOf), asOf, 14, cases).Days);
    }

    /// <summary>The series with every point after <paramref name="asOf"/> replaced by something else.</summary>
    private static DailySeries Rebuilt(DailySeries series, DateOnly asOf) =>
        new(
            series.Name,
            series.Points.Select(p => p.Date > asOf ? p with { Value = 1e6 } : p),
            series.AsOf,
            series.Start
        );

    [Theory]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(30)]
    [InlineData(40)]
    public void Forecast_RangeWidensWithTheHorizon_AndKeepsItsOrder(int day)
    {
        var (census, cases) = Epidemic(50, seed: 7);
        var asOf = Series.Feb1.AddDays(day);
        foreach (var method in new IForecastMethod[] { new HoldLast(), new DampedLogTrend(), new CaseDrivenCensus() })
        {
            var forecast = new Forecaster(method).Forecast(census, asOf, 14, cases);

            Assert.All(forecast.Days, d => Assert.True(0 <= d.P10 && d.P10 <= d.P50 && d.P50 <= d.P90, $"{d}"));
            var widths = Series.RelativeWidths(forecast).ToList();
            Assert.All(widths.Zip(widths.Skip(1)), w => Assert.True(w.Second >= w.First - 1e-12, $"{asOf}: {w}"));
            Assert.True(widths[13] > widths[0], $"{method.Name} from {asOf}: {widths[0]} … {widths[13]}");
        }
    }

    /// <summary>One point, no past errors: the range is ± 1.28 σ √h in log(x + 1), σ = 0.2, around 9 (log 10):
    /// 10 · e^(∓0.2563 √h) − 1.</summary>
    [Fact]
    public void Forecast_WithoutPastErrors_GivesARandomWalkRange_ByHand()
    {
        var forecast = new Forecaster(new HoldLast()).Forecast(Series.Daily("s", Series.Feb1, 9), Series.Feb1, 3);

        Assert.Equal([9.0, 9, 9], forecast.Days.Select(d => d.P50));
        Assert.Equal([6.73902, 5.95950, 5.41502], forecast.Days.Select(d => Math.Round(d.P10, 5)));
        Assert.Equal([11.92154, 13.36885, 14.58841], forecast.Days.Select(d => Math.Round(d.P90, 5)));
        Assert.Equal([Series.Feb1.AddDays(1), Series.Feb1.AddDays(2)], forecast.Days.Take(2).Select(d => d.Date));
        Assert.Empty(forecast.Warnings);
    }

    [Fact]
    public void Forecast_OfAnExactTrend_HasPastErrorsOfZero_SoNoRange()
    {
        var series = Series.Daily("s", Series.Feb1, Series.Of(30, t => 100 * Math.Pow(1.05, t) - 1));

        var forecast = new Forecaster(new LogLinearTrend()).Forecast(series, series.AsOf, 7);

        Assert.All(forecast.Days, d => Assert.Equal(d.P10, d.P90, 6));
        Assert.Equal(100 * Math.Pow(1.05, 36) - 1, forecast.Day(7).P50, 6);
    }

    [Fact]
    public void Forecast_OfAnEmptySeries_WarnsAndGivesTheFallback()
    {
        var empty = new DailySeries("Lishui severe", [], Series.Feb1.AddDays(5), Series.Feb1);
        var forecaster = new Forecaster(new CaseDrivenCensus(), new ForecastSettings { Fallback = 0 });

        var forecast = forecaster.Forecast(empty, Series.Feb1.AddDays(5), 3);

        Assert.All(forecast.Days, d => Assert.Equal((0.0, 0.0, 0.0), (d.P10, d.P50, d.P90)));
        var warning = Assert.Single(forecast.Warnings);
        Assert.Equal(ForecastWarnings.NoHistory, warning.Code);
        Assert.Equal("Series 'Lishui severe' has no data on or before 2020-02-06; forecast from 0.", warning.Message);
    }

    [Fact]
    public void Forecast_FromAnOldReport_WarnsThatItIsStale()
    {
        var series = Series.Daily("Zhoushan severe", Series.Feb1, [2, 2, null, null, null, null, null]);

        var forecast = new Forecaster(new HoldLast()).Forecast(series, series.AsOf, 2);

        Assert.Equal(2, forecast.Day(1).P50);
        var warning = Assert.Single(forecast.Warnings);
        Assert.Equal(
            (ForecastWarnings.StaleHistory, Series.Feb1.AddDays(1), Series.Feb1.AddDays(6)),
            (warning.Code, warning.From, warning.To)
        );
        Assert.Equal(
            "Series 'Zhoushan severe' has no data from 2020-02-03 to 2020-02-07; forecast from 2020-02-02.",
            warning.Message
        );
    }

    [Fact]
    public void Forecast_ReadsNegativeReportsAsZero_AndWarns()
    {
        var series = Series.Daily("s", Series.Feb1, 3, -2, 4);

        var forecast = new Forecaster(new HoldLast()).Forecast(series, Series.Feb1.AddDays(1), 1);

        Assert.Equal(0, forecast.Day(1).P50);
        var warning = Assert.Single(forecast.Warnings);
        Assert.Equal((ForecastWarnings.NegativeValue, 1), (warning.Code, warning.Count));
    }

    [Fact]
    public void Forecast_ThatWouldGoNegative_IsClampedToZero_AndWarns()
    {
        // log(x + 1) falls by log 4 − log 1 over three days: the line goes below 0 (x below zero) the next day.
        var series = Series.Daily("Quzhou observation", Series.Feb1, 3, 2, 1, 0);

        var forecast = new Forecaster(new LogLinearTrend()).Forecast(series, series.AsOf, 3);

        Assert.All(forecast.Days, d => Assert.Equal((0.0, 0.0), (d.P10, d.P50)));
        var warning = Assert.Single(forecast.Warnings);
        Assert.Equal(ForecastWarnings.ClampedNegative, warning.Code);
        Assert.Equal(
            "Forecast of 'Quzhou observation' went below 0 between 2020-02-05 and 2020-02-07; clamped to 0.",
            warning.Message
        );
    }

    [Fact]
    public void Forecast_FromAnAsOfOutsideTheSeries_IsAClearError()
    {
        var series = Series.Daily("Wenzhou severe", Series.Feb1, 24, 30);
        var forecaster = new Forecaster(new HoldLast());

        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            forecaster.Forecast(series, new DateOnly(2020, 3, 20), 14)
        );

        Assert.StartsWith(
            "As-of 2020-03-20 is outside series 'Wenzhou severe', which covers 2020-02-01 … 2020-02-02.",
            e.Message,
            StringComparison.Ordinal
        );
    }

    [Fact]
    public void Forecast_WithADriverThatEndsEarlier_IsAClearError()
    {
        var census = Series.Daily("Wenzhou severe", Series.Feb1, 24, 30, 28);
        var cases = Series.Daily("Wenzhou new cases", Series.Feb1, 5, 4);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new Forecaster(new CaseDrivenCensus()).Forecast(census, census.AsOf, 7, cases)
        );

        Assert.Contains("'Wenzhou new cases'", e.Message, StringComparison.Ordinal);
    }
}
