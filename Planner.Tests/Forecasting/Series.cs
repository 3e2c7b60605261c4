using Planner.Solver.Forecasting;

namespace Planner.Tests.Forecasting;

/// <summary>Small series for the forecasting tests.</summary>
internal static class Series
{
    /// <summary>1 February 2020, where most test series start.</summary>
    public static readonly DateOnly Feb1 = new(2020, 2, 1);

    /// <summary>A series of one value a day from <paramref name="start"/>, known on its last day (or
    /// <paramref name="asOf"/>); a null value is a missing day.</summary>
    public static DailySeries Daily(string name, DateOnly start, IEnumerable<double?> values, DateOnly? asOf = null)
    {
        var points = values
            .Select((v, i) => (Value: v, Date: start.AddDays(i)))
            .Where(p => p.Value is not null)
            .Select(p => new DailyPoint(p.Date, p.Value!.Value))
            .ToList();
        var days = values.Count();
        return new DailySeries(name, points, asOf ?? start.AddDays(days - 1), start);
    }

    /// <inheritdoc cref="Daily(string, DateOnly, IEnumerable{double?}, DateOnly?)"/>
    public static DailySeries Daily(string name, DateOnly start, params double[] values) =>
        Daily(name, start, values.Select(v => (double?)v));

    /// <summary>value(t) for t = 0 … days − 1.</summary>
    public static double?[] Of(int days, Func<int, double> value) =>
        Enumerable.Range(0, days).Select(t => (double?)value(t)).ToArray();

    /// <summary>(P90 + 1) / (P10 + 1) per day: the width of the range relative to the level.</summary>
    public static IEnumerable<double> RelativeWidths(Forecast forecast) =>
        forecast.Days.Select(d => (d.P90 + 1) / (d.P10 + 1));
}
