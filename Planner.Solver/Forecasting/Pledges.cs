namespace Planner.Solver.Forecasting;

/// <summary>
/// Hubei's requests as pledged: what the province promised a site, day by day, is what the plan must deliver, so the
/// forecast is the pledge itself (P10 = P50 = P90) and a day without a pledge asks for nothing. A pledge is a
/// commitment, not a guess; changing it is a decision, made in a scenario.
/// </summary>
public static class Pledges
{
    /// <summary>The pledged quantities on days 1 … <paramref name="horizon"/> after <paramref name="asOf"/>.</summary>
    public static Forecast Forecast(string series, IEnumerable<DailyPoint> pledged, DateOnly asOf, int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        var byDay = pledged.GroupBy(p => p.Date).ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
        var values = Enumerable.Range(1, horizon).Select(h => Math.Max(0, byDay.GetValueOrDefault(asOf.AddDays(h))));
        return Forecasting.Forecast.Exact(series, asOf, "as-pledged", values);
    }
}
