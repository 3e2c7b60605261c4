using Planner.Solver.Forecasting;

namespace Planner.Tests.Forecasting;

public class DailySeriesTests
{
    private static readonly DateOnly Feb8 = new(2020, 2, 8);

    [Fact]
    public void Constructor_DropsPointsAfterTheAsOfDate_AndKeepsGaps()
    {
        var series = Series.Daily("s", Series.Feb1, [1, 2, null, 4, 5], asOf: Series.Feb1.AddDays(3));

        Assert.Equal([1.0, 2, 4], series.Points.Select(p => p.Value));
        Assert.Null(series.ValueOn(Series.Feb1.AddDays(2)));
        Assert.Equal(2, series.LastOnOrBefore(Series.Feb1.AddDays(2))?.Value);
        Assert.Null(series.LastOnOrBefore(Series.Feb1.AddDays(-1)));
    }

    [Fact]
    public void Constructor_RejectsTwoPointsOnOneDay()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new DailySeries("Hangzhou severe", [new(Feb8, 1), new(Feb8, 2)], Feb8)
        );

        Assert.Equal("Series 'Hangzhou severe' has two points on 2020-02-08.", e.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(5)]
    public void At_RejectsAnAsOfOutsideTheSeries_NamingItsDays(int day)
    {
        var series = Series.Daily("Ningbo severe", Series.Feb1, 1, 2, 3);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => series.At(Series.Feb1.AddDays(day)));

        Assert.Contains("outside series 'Ningbo severe', which covers 2020-02-01 … 2020-02-03", e.Message);
    }

    [Fact]
    public void At_GivesTheSeriesAsKnownThen()
    {
        var series = Series.Daily("s", Series.Feb1, 1, 2, 3, 4);

        var earlier = series.At(Series.Feb1.AddDays(1));

        Assert.Equal(Series.Feb1.AddDays(1), earlier.AsOf);
        Assert.Equal(Series.Feb1, earlier.Start);
        Assert.Equal([1.0, 2], earlier.Points.Select(p => p.Value));
    }

    /// <summary>Hangzhou's confirmed cases went 165 → 155 on 9 February 2020 (12 cases reassigned to other
    /// provinces).</summary>
    [Fact]
    public void DailyFromCumulative_ClampsARevisionDownwards_AndWarns()
    {
        var cumulative = Series.Daily("Hangzhou confirmed", new DateOnly(2020, 2, 7), 151, 165, 155, 157);

        var (daily, warnings) = DailySeries.DailyFromCumulative(cumulative);

        Assert.Equal(
            [(Feb8, 14.0), (Feb8.AddDays(1), 0), (Feb8.AddDays(2), 2)],
            daily.Points.Select(p => (p.Date, p.Value))
        );
        var warning = Assert.Single(warnings);
        Assert.Equal(ForecastWarnings.NegativeRevision, warning.Code);
        Assert.Equal(("Hangzhou confirmed", Feb8, Feb8.AddDays(1)), (warning.Series, warning.From, warning.To));
        // The numbers, for a sentence in the reader's language.
        Assert.Equal((165.0, 155.0), (warning.Before, warning.After));
        Assert.Equal(
            "Series 'Hangzhou confirmed' went down from 165 on 2020-02-08 to 155 on 2020-02-09; "
                + "new count on 2020-02-09 taken as 0.",
            warning.Message
        );
    }

    [Fact]
    public void DailyFromCumulative_SpreadsAGapEvenly()
    {
        var cumulative = Series.Daily("c", Series.Feb1, [10, null, null, 16, 17]);

        var (daily, warnings) = DailySeries.DailyFromCumulative(cumulative);

        Assert.Equal([2.0, 2, 2, 1], daily.Points.Select(p => p.Value));
        Assert.Equal(Series.Feb1.AddDays(1), daily.Start);
        Assert.Empty(warnings);
    }

    [Fact]
    public void DailyFromCumulative_OfAnEmptySeries_IsEmpty()
    {
        var (daily, warnings) = DailySeries.DailyFromCumulative(new DailySeries("c", [], Series.Feb1));

        Assert.Empty(daily.Points);
        Assert.Equal(Series.Feb1, daily.AsOf);
        Assert.Empty(warnings);
    }
}
