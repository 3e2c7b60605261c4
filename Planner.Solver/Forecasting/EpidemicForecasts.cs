namespace Planner.Solver.Forecasting;

/// <summary>
/// The epidemic drivers of a county (or city), each from its own reports and the county's new cases. The methods
/// were chosen by a rolling-origin backtest on Zhejiang's real 2020 series (origins 1–25 February, horizons 1–14):
/// trends of a census itself (hold-last, log-linear, damped) missed the turn in February, a census fed by the new
/// cases (<see cref="CaseDrivenCensus"/>) did not.
/// </summary>
public static class EpidemicForecasts
{
    /// <summary>Mean days a patient stays severe (or critical) after being confirmed: 10 fitted the 2020 severe,
    /// critical and severe + critical series best.</summary>
    public const double SevereStayDays = 10;

    /// <summary>Mean days a person stays under medical observation in the census: 7 fitted the 2020 series best
    /// (close contacts were observed for 14 days from their last contact, many for less after it).</summary>
    public const double ObservationStayDays = 7;

    /// <summary>
    /// New confirmed cases per day: a damped trend in log(x + 1) (<see cref="DampedLogTrend"/>), so a fall in cases
    /// is carried forward but levels off. Daily counts come from a cumulative series with
    /// <see cref="DailySeries.DailyFromCumulative"/> (which clamps and reports revisions downwards).
    /// </summary>
    public static Forecast NewCases(
        DailySeries newCases,
        DateOnly asOf,
        int horizon,
        ForecastSettings? settings = null
    ) => new Forecaster(CaseDrivenCensus.DefaultNewCases, settings).Forecast(newCases, asOf, horizon);

    /// <summary>
    /// A patient census (severe, or critical: call it once for each, so each keeps its own share of new cases) fed
    /// by the county's new cases: the patients counted leave at 1 / <paramref name="meanStayDays"/> a day, new cases
    /// add in the proportion the last count shows (<see cref="CaseDrivenCensus"/>). Fractional: round with
    /// <see cref="Forecast.Rounded"/> where whole patients are needed.
    /// </summary>
    public static Forecast Census(
        DailySeries census,
        DailySeries newCases,
        DateOnly asOf,
        int horizon,
        double meanStayDays = SevereStayDays,
        ForecastSettings? settings = null
    ) => new Forecaster(new CaseDrivenCensus(meanStayDays), settings).Forecast(census, asOf, horizon, newCases);

    /// <summary>The severe and the critical census, separately (<see cref="Census"/>), from the same new
    /// cases.</summary>
    public static (Forecast Severe, Forecast Critical) SevereAndCritical(
        DailySeries severe,
        DailySeries critical,
        DailySeries newCases,
        DateOnly asOf,
        int horizon
    ) => (Census(severe, newCases, asOf, horizon), Census(critical, newCases, asOf, horizon));

    /// <summary>
    /// People under medical observation, a census of close contacts fed by the new cases they were traced from
    /// (<see cref="CaseDrivenCensus"/> with <see cref="ObservationStayDays"/>): in 2020 it fell from 14,526 on 7
    /// February to 775 on 29 February as new cases dried up.
    /// </summary>
    public static Forecast UnderObservation(
        DailySeries underObservation,
        DailySeries newCases,
        DateOnly asOf,
        int horizon,
        ForecastSettings? settings = null
    ) =>
        new Forecaster(new CaseDrivenCensus(ObservationStayDays), settings).Forecast(
            underObservation,
            asOf,
            horizon,
            newCases
        );
}
