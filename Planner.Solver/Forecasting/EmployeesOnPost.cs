namespace Planner.Solver.Forecasting;

/// <summary>
/// The return-to-work plan of a county: <see cref="TargetShare"/> of its <see cref="Employees"/> on post by
/// <see cref="TargetDate"/> (Zhejiang set 70 % by the end of February 2020). Planning parameters, not data.
/// </summary>
public sealed record ReturnToWork(double Employees, double TargetShare, DateOnly TargetDate)
{
    /// <summary>The number of employees on post the plan aims at.</summary>
    public double Target => Employees * TargetShare;
}

/// <summary>
/// Employees on post follow the return-to-work plan rather than a trend: from the last reported count they rise in
/// a straight line to the target on the target date, then hold it; a county already above its target stays where it
/// is (the plan does not send people home), and once the target date has passed the target holds from the first
/// day. The result is the plan, so P10 = P50 = P90; a planner who doubts it lowers the target in a scenario.
/// </summary>
public static class EmployeesOnPost
{
    /// <summary>
    /// Employees on post on days 1 … <paramref name="horizon"/> after <paramref name="asOf"/>. With no report yet
    /// the ramp starts from zero on the as-of date, with a <see cref="ForecastWarnings.NoHistory"/> warning.
    /// </summary>
    public static Forecast Forecast(DailySeries onPost, ReturnToWork plan, DateOnly asOf, int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        var warnings = new List<ForecastWarning>();
        var last = onPost.At(asOf).LastOnOrBefore(asOf);
        if (last is null)
            warnings.Add(ForecastWarnings.NoPoints(onPost.Name, asOf, 0));
        var (from, value) = last is { } p ? (p.Date, Math.Max(0, p.Value)) : (asOf, 0.0);
        var values = Enumerable.Range(1, horizon).Select(h => OnDay(asOf.AddDays(h), from, value, plan)).ToList();
        return Forecasting.Forecast.Exact(onPost.Name, asOf, "return-to-work-ramp", values, warnings);
    }

    private static double OnDay(DateOnly day, DateOnly from, double value, ReturnToWork plan)
    {
        if (value >= plan.Target)
            return value;
        if (day >= plan.TargetDate)
            return plan.Target;
        double elapsed = day.DayNumber - from.DayNumber,
            span = plan.TargetDate.DayNumber - from.DayNumber;
        return value + (plan.Target - value) * elapsed / span;
    }
}
