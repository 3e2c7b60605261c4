namespace Planner.Solver.Forecasting;

/// <summary>
/// How a county's risk colour (1 green, 2 blue, 3 yellow, 4 orange, 5 red) is carried forward.
/// <see cref="DaysWithoutCasesPerStep"/> days in a row without new cases (a day's cases below
/// <see cref="CaseThreshold"/>) lower it by one colour, never below green; a day with cases starts the count again.
/// <see cref="FallbackLevel"/> is the colour of a county with no colour reported yet.
/// </summary>
public sealed record RiskRule(int DaysWithoutCasesPerStep = 7, double CaseThreshold = 0.5, int FallbackLevel = 3);

/// <summary>
/// A forecaster's base value scaled by the risk colour: on a day at colour c, <see cref="Base"/> ×
/// <see cref="PerLevel"/>[c − 1] (five multipliers, green first). Fever-clinic visits and small-gate checkpoints
/// follow the colour this way.
/// </summary>
public sealed record RiskScaling(double Base, IReadOnlyList<double> PerLevel);

/// <summary>
/// County risk colours forecast from the county's new cases, and what follows them. Zhejiang's five-colour map
/// (县域疫情风险五色图, first drawn on 9 February 2020) was driven by recent cases: it was revised on 12 February from
/// the cases of the past week, and of the 37 counties lowered that day 17 had gone 6–10 days without a case, 20 longer;
/// by 27 February, six days after the province's last new case, no county was above blue. Hence the rule
/// (<see cref="RiskRule"/>): a week without new cases lowers the colour by one. It never raises a colour: a county
/// whose cases come back is held at its colour, and a planner who expects worse sets the colour in a scenario.
/// </summary>
public static class RiskLevels
{
    /// <summary>The lowest and highest colours.</summary>
    public const int Green = 1,
        Red = 5;

    /// <summary>
    /// The colour on each forecast day of <paramref name="newCaseForecast"/>: from the last reported colour
    /// (<paramref name="levels"/>, on or before <paramref name="asOf"/>), the rule is played over the reported new
    /// cases up to the as-of date (a missing day neither counts as a day without cases nor starts the count again)
    /// and then over the forecast: P10 of the colour from P10 of the cases, and so on (fewer cases, lower colour).
    /// </summary>
    public static Forecast Forecast(
        DailySeries levels,
        DailySeries newCases,
        Forecast newCaseForecast,
        DateOnly asOf,
        RiskRule? rule = null
    )
    {
        rule ??= new RiskRule();
        var warnings = new List<ForecastWarning>();
        var last = levels.At(asOf).LastOnOrBefore(asOf);
        if (last is null)
            warnings.Add(ForecastWarnings.NoPoints(levels.Name, asOf, rule.FallbackLevel));
        var start = last ?? new DailyPoint(asOf, rule.FallbackLevel);
        var observed = newCases.At(asOf);
        var paths = new Func<ForecastDay, double>[] { d => d.P10, d => d.P50, d => d.P90 }
            .Select(q => Play(rule, start, observed, newCaseForecast.Days.Select(q).ToList(), asOf))
            .ToList();
        var days = newCaseForecast
            .Days.Select(
                (d, i) =>
                {
                    var sorted = paths.Select(p => p[i]).Order().ToList();
                    return new ForecastDay(d.Date, d.Horizon, sorted[0], sorted[1], sorted[2]);
                }
            )
            .ToList();
        return new Forecast(levels.Name, asOf, "risk-step-down", days, warnings);
    }

    /// <summary>The rule played from the last reported colour to the end of the forecast: the colour on each forecast
    /// day.</summary>
    private static List<double> Play(
        RiskRule rule,
        DailyPoint start,
        DailySeries observed,
        List<double> forecast,
        DateOnly asOf
    )
    {
        var level = Math.Clamp((int)Math.Round(start.Value), Green, Red);
        var quiet = 0;
        var colours = new List<double>(forecast.Count);
        for (var day = start.Date.AddDays(1); day <= asOf.AddDays(forecast.Count); day = day.AddDays(1))
        {
            var cases = day <= asOf ? observed.ValueOn(day) : forecast[day.DayNumber - asOf.DayNumber - 1];
            if (cases is { } n)
            {
                quiet = n < rule.CaseThreshold ? quiet + 1 : 0;
                if (quiet >= rule.DaysWithoutCasesPerStep)
                    (level, quiet) = (Math.Max(Green, level - 1), 0);
            }
            if (day > asOf)
                colours.Add(level);
        }
        return colours;
    }

    /// <summary>
    /// <paramref name="scaling"/> applied to the forecast colours: on each day, the base times the multiplier of the
    /// P10, P50 and P90 colour, put in order (so a multiplier list that is not increasing still gives
    /// P10 ≤ P50 ≤ P90).
    /// </summary>
    public static Forecast Scaled(string series, RiskScaling scaling, Forecast risk)
    {
        if (scaling.PerLevel.Count != Red)
            throw new ArgumentException(
                $"'{series}' needs {Red} multipliers, green to red; got {scaling.PerLevel.Count}."
            );
        double Value(double level) => Math.Max(0, scaling.Base * scaling.PerLevel[(int)level - 1]);
        var days = risk
            .Days.Select(d =>
            {
                var v = new[] { Value(d.P10), Value(d.P50), Value(d.P90) }.Order().ToList();
                return d with { P10 = v[0], P50 = v[1], P90 = v[2] };
            })
            .ToList();
        return new Forecast(series, risk.AsOf, "risk-scaled", days, risk.Warnings);
    }
}
