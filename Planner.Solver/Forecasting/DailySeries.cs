namespace Planner.Solver.Forecasting;

/// <summary>One observed value of a series on one day (what the report for that day says).</summary>
public readonly record struct DailyPoint(DateOnly Date, double Value);

/// <summary>
/// A daily series as known on <see cref="AsOf"/>: the points observed from <see cref="Start"/> through
/// <see cref="AsOf"/>, in date order, at most one a day, with missing days allowed (a report not sent is a gap, not a
/// zero). Points dated after <see cref="AsOf"/> are dropped when the series is made, so nothing built on it can look
/// ahead; <see cref="At"/> gives the series as it was known on an earlier day.
/// </summary>
public sealed class DailySeries
{
    /// <summary>A series of <paramref name="points"/> known on <paramref name="asOf"/>, covering the days from
    /// <paramref name="start"/> (by default the first point, or <paramref name="asOf"/> when there is none).</summary>
    /// <exception cref="ArgumentException">Two points share a date, a value is not a number, or the start is after
    /// the as-of date.</exception>
    public DailySeries(string name, IEnumerable<DailyPoint> points, DateOnly asOf, DateOnly? start = null)
    {
        var known = points.Where(p => p.Date <= asOf).OrderBy(p => p.Date).ToList();
        for (var i = 0; i < known.Count; i++)
        {
            if (!double.IsFinite(known[i].Value))
                throw new ArgumentException($"Series '{name}' has no number on {known[i].Date:yyyy-MM-dd}.");
            if (i > 0 && known[i].Date == known[i - 1].Date)
                throw new ArgumentException($"Series '{name}' has two points on {known[i].Date:yyyy-MM-dd}.");
        }
        Start = start ?? (known.Count > 0 ? known[0].Date : asOf);
        if (Start > asOf)
            throw new ArgumentException(
                $"Series '{name}' starts on {Start:yyyy-MM-dd}, after its as-of {asOf:yyyy-MM-dd}."
            );
        Name = name;
        AsOf = asOf;
        Points = known.Where(p => p.Date >= Start).ToList();
    }

    /// <summary>What the series is (a county and driver, a supplier and product), as warnings and errors name
    /// it.</summary>
    public string Name { get; }

    /// <summary>The first day the series covers (its feed's first day).</summary>
    public DateOnly Start { get; }

    /// <summary>The day the series is known on: it holds nothing dated later.</summary>
    public DateOnly AsOf { get; }

    /// <summary>The observed points, in date order.</summary>
    public IReadOnlyList<DailyPoint> Points { get; }

    /// <summary>The series as it was known on <paramref name="asOf"/>: the points dated on or before it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOf"/> is outside <see cref="Start"/> …
    /// <see cref="AsOf"/>.</exception>
    public DailySeries At(DateOnly asOf)
    {
        if (asOf < Start || asOf > AsOf)
            throw new ArgumentOutOfRangeException(
                nameof(asOf),
                asOf,
                $"As-of {asOf:yyyy-MM-dd} is outside series '{Name}', "
                    + $"which covers {Start:yyyy-MM-dd} … {AsOf:yyyy-MM-dd}."
            );
        return asOf == AsOf ? this : new DailySeries(Name, Points, asOf, Start);
    }

    /// <summary>The value observed on <paramref name="date"/>, or null on a missing day.</summary>
    public double? ValueOn(DateOnly date)
    {
        var i = IndexOn(date);
        return i >= 0 ? Points[i].Value : null;
    }

    /// <summary>The last point dated on or before <paramref name="date"/>, or null when there is none.</summary>
    public DailyPoint? LastOnOrBefore(DateOnly date)
    {
        var i = IndexOn(date);
        if (i >= 0)
            return Points[i];
        var before = ~i - 1;
        return before >= 0 ? Points[before] : null;
    }

    /// <summary>Binary search by date: the index, or the complement of where it would go.</summary>
    private int IndexOn(DateOnly date)
    {
        int lo = 0,
            hi = Points.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            var c = Points[mid].Date.CompareTo(date);
            if (c == 0)
                return mid;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid - 1;
        }
        return ~lo;
    }

    /// <summary>
    /// Daily new counts from a cumulative series, each the difference from the previous report. A cumulative count
    /// revised down (Hangzhou's confirmed cases fell 165 → 155 on 9 Feb 2020 when 12 cases were reassigned to other
    /// provinces) would make a negative day: it is clamped to 0 and named in a
    /// <see cref="ForecastWarnings.NegativeRevision"/> warning. After a gap the difference covers several days and is
    /// spread evenly over them, so a missing report neither loses cases nor puts them all on one day. The first point
    /// has no previous report and gives no daily value.
    /// </summary>
    public static (DailySeries Daily, List<ForecastWarning> Warnings) DailyFromCumulative(DailySeries cumulative)
    {
        var daily = new List<DailyPoint>();
        var warnings = new List<ForecastWarning>();
        var p = cumulative.Points;
        for (var i = 1; i < p.Count; i++)
        {
            var change = p[i].Value - p[i - 1].Value;
            if (change < 0)
            {
                warnings.Add(ForecastWarnings.Revision(cumulative.Name, p[i - 1], p[i]));
                change = 0;
            }
            var days = p[i].Date.DayNumber - p[i - 1].Date.DayNumber;
            for (var d = 1; d <= days; d++)
                daily.Add(new DailyPoint(p[i - 1].Date.AddDays(d), change / days));
        }
        var start = p.Count > 0 ? p[0].Date.AddDays(1) : cumulative.Start;
        start = start > cumulative.AsOf ? cumulative.AsOf : start;
        return (new DailySeries(cumulative.Name, daily, cumulative.AsOf, start), warnings);
    }
}
