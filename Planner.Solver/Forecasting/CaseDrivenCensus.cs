namespace Planner.Solver.Forecasting;

/// <summary>
/// A census fed by new cases (the driver): the people counted leave at a rate of 1 / <see cref="MeanStayDays"/> a
/// day, and each new case brings in k more, k being what the last count implies. On day t after the last count S on
/// day l,
/// <code>S(t) = S · e^(−(t − l)/τ) + k · Σ_{l &lt; d ≤ t} N(d) · e^(−(t − d)/τ),  k = S / max(R(l), MinCases)</code>
/// where N is the new cases (observed up to the as-of date, then forecast by <see cref="NewCases"/>) and
/// R(l) = Σ_{d ≤ l} N(d) · e^(−(l − d)/τ), the recent cases still "in" the census on day l.
/// <para>Why: a census turns when new cases turn, a week or two later; a trend of the census itself only sees the
/// turn after it has happened (in February 2020 Zhejiang's severe + critical count still rose until 11 February,
/// well after new cases peaked on 29 January). The new cases are reported every day, the census often less, so the
/// days between the last count and the as-of date are filled from the cases actually reported. Backtested on the
/// real 2020 series (origins 1–25 February): τ = 10 days for severe and critical patients, 7 for people under medical
/// observation. Missing days of the driver count as no new cases; without any driver point the last count is
/// held.</para>
/// </summary>
public sealed record CaseDrivenCensus(double MeanStayDays = 10, IForecastMethod? NewCases = null) : IForecastMethod
{
    /// <summary>Below this many recent cases (R) the last count is not read as cases × k: k is the count per this
    /// many, so a stray case does not multiply a census that older cases left behind.</summary>
    public double MinCases { get; init; } = 1;

    /// <inheritdoc/>
    public string Name => "case-driven";

    /// <summary>The new-case forecast used when none is given.</summary>
    public static IForecastMethod DefaultNewCases { get; } = new DampedLogTrend();

    /// <inheritdoc/>
    public double[] Path(ForecastInput input, int horizon)
    {
        var last = input.Points[^1];
        if (input.Driver.Count == 0)
            return Enumerable.Repeat(last.Value, horizon).ToArray();
        var cases = Cases(input, horizon);
        var keep = Math.Exp(-1 / MeanStayDays);
        // R on the day of the last count, then the inflow after it (decayed to each later day).
        double recent = 0,
            inflow = 0;
        var path = new double[horizon];
        var first = input.Driver[0].Date;
        for (var d = first < last.Date ? first : last.Date; d <= input.AsOf.AddDays(horizon); d = d.AddDays(1))
        {
            var n = cases.GetValueOrDefault(d);
            if (d <= last.Date)
            {
                recent = recent * keep + n;
                continue;
            }
            inflow = inflow * keep + n;
            var h = d.DayNumber - input.AsOf.DayNumber;
            if (h >= 1)
            {
                var share = last.Value / Math.Max(recent, MinCases);
                path[h - 1] = last.Value * Math.Pow(keep, d.DayNumber - last.Date.DayNumber) + share * inflow;
            }
        }
        return path;
    }

    /// <summary>New cases by day: observed up to the as-of date, forecast after it.</summary>
    private Dictionary<DateOnly, double> Cases(ForecastInput input, int horizon)
    {
        var cases = input.Driver.ToDictionary(p => p.Date, p => p.Value);
        var forecast = (NewCases ?? DefaultNewCases).Path(new ForecastInput(input.AsOf, input.Driver, []), horizon);
        for (var h = 1; h <= horizon; h++)
            cases[input.AsOf.AddDays(h)] = Math.Max(0, forecast[h - 1]);
        return cases;
    }
}
