using System.Globalization;
using System.Text;

namespace Planner.Solver.Forecasting;

/// <summary>
/// A method's backtest result at one horizon, over every series and origin that had an outcome then:
/// <see cref="Mae"/> the mean absolute error of P50 in the series' units; <see cref="Mase"/> the same error with each
/// series' errors divided by its in-sample one-step naive error (so large and small series weigh alike; null when
/// every series is flat); <see cref="Coverage"/> the share of outcomes inside P10 … P90 (0.8 when the range is
/// right).
/// </summary>
public sealed record BacktestRow(string Method, int Horizon, int Outcomes, double Mae, double? Mase, double Coverage);

/// <summary>A series to backtest on, with the driver its forecasts read (the new cases feeding a census).</summary>
public sealed record BacktestSeries(DailySeries Actual, DailySeries? Driver = null);

/// <summary>
/// Rolling-origin backtest: from every origin day in a range, each forecaster forecasts each series as it was known
/// on that day (nothing later), and each forecast day that was later observed is scored. Pure: series in, rows out.
/// </summary>
public static class Backtest
{
    /// <summary>
    /// Scores <paramref name="forecasters"/> on <paramref name="series"/> from every origin in
    /// <paramref name="firstOrigin"/> … <paramref name="lastOrigin"/> (days outside a series' days, or before its
    /// first point, are skipped for it) at horizons 1 … <paramref name="maxHorizon"/>: one row per method and
    /// horizon, in the order given.
    /// </summary>
    public static List<BacktestRow> Run(
        IReadOnlyList<BacktestSeries> series,
        IReadOnlyList<Forecaster> forecasters,
        DateOnly firstOrigin,
        DateOnly lastOrigin,
        int maxHorizon = 14
    )
    {
        var rows = new List<BacktestRow>();
        var scales = series.Select(s => NaiveScale(s.Actual, lastOrigin)).ToList();
        foreach (var forecaster in forecasters)
        {
            var scores = Enumerable.Range(0, maxHorizon).Select(_ => new Score()).ToArray();
            for (var i = 0; i < series.Count; i++)
                ScoreSeries(series[i], scales[i], forecaster, firstOrigin, lastOrigin, scores);
            rows.AddRange(scores.Select((s, h) => s.Row(forecaster.Method.Name, h + 1)));
        }
        return rows;
    }

    private static void ScoreSeries(
        BacktestSeries backtested,
        double scale,
        Forecaster forecaster,
        DateOnly firstOrigin,
        DateOnly lastOrigin,
        Score[] scores
    )
    {
        var series = backtested.Actual;
        for (var origin = firstOrigin; origin <= lastOrigin; origin = origin.AddDays(1))
        {
            if (!Covers(series, origin) || backtested.Driver is { } d && !Covers(d, origin))
                continue;
            if (series.LastOnOrBefore(origin) is null)
                continue;
            var reach = Math.Min(scores.Length, series.AsOf.DayNumber - origin.DayNumber);
            if (reach < 1)
                continue;
            var forecast = forecaster.Forecast(series, origin, reach, backtested.Driver);
            foreach (var day in forecast.Days)
                if (series.ValueOn(day.Date) is { } actual)
                    scores[day.Horizon - 1].Add(day, actual, scale);
        }
    }

    private static bool Covers(DailySeries series, DateOnly day) => day >= series.Start && day <= series.AsOf;

    /// <summary>
    /// The in-sample one-step naive error of a series: the mean |change| between reports on consecutive days up to
    /// <paramref name="until"/>. Reports further apart count as |change| / √gap, a random walk's change in one
    /// day, so that sparse series get a scale too.
    /// </summary>
    internal static double NaiveScale(DailySeries series, DateOnly until)
    {
        var p = series.Points.Where(x => x.Date <= until).ToList();
        var steps = p.Zip(p.Skip(1), (a, b) =>
                Math.Abs(b.Value - a.Value) / Math.Sqrt(b.Date.DayNumber - a.Date.DayNumber)
            )
            .ToList();
        return steps.Count > 0 ? steps.Average() : 0;
    }

    private sealed class Score
    {
        private int _outcomes,
            _scaled,
            _covered;
        private double _absolute,
            _scaledSum;

        public void Add(ForecastDay day, double actual, double scale)
        {
            var error = Math.Abs(day.P50 - actual);
            _outcomes++;
            _absolute += error;
            if (scale > 0)
            {
                _scaled++;
                _scaledSum += error / scale;
            }
            if (actual >= day.P10 && actual <= day.P90)
                _covered++;
        }

        public BacktestRow Row(string method, int horizon) =>
            new(
                method,
                horizon,
                _outcomes,
                _outcomes > 0 ? _absolute / _outcomes : 0,
                _scaled > 0 ? _scaledSum / _scaled : null,
                _outcomes > 0 ? (double)_covered / _outcomes : 0
            );
    }

    /// <summary>The rows as a markdown table: method, horizon, outcomes, MAE, MASE, P10–P90 coverage.</summary>
    public static string Markdown(IEnumerable<BacktestRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| method | horizon | outcomes | MAE | MASE | P10–P90 coverage |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var mase = r.Mase?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–";
            text.AppendLine(
                CultureInfo.InvariantCulture,
                $"| {r.Method} | {r.Horizon} | {r.Outcomes} | {r.Mae:0.00} | {mase} | {r.Coverage:0%} |"
            );
        }
        return text.ToString();
    }
}
