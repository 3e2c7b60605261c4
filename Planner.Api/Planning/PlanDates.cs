using Planner.Api.Localization;
using Planner.Api.Sources;

namespace Planner.Api.Planning;

/// <summary>
/// Which days a plan is about. A plan is made <em>as of</em> a day, with the data known on it (reports dated on or
/// before it), and plans from the next day. The as-of day is the request's, else the day before its start, else the
/// latest day on which both daily feeds (hospital capacity and production) have reported: the newest day everything
/// is known for. Without any report, the planning parameter <c>plan_start</c> stands in.
/// </summary>
public static class PlanDates
{
    private const string ReportDatesSql = """
        SELECT (SELECT MIN(report_date) FROM capacity_reports) AS FirstCapacity,
               (SELECT MAX(report_date) FROM capacity_reports) AS LastCapacity,
               (SELECT MAX(report_date) FROM production_reports) AS LastProduction
        """;

    /// <summary>The first planned day of <paramref name="request"/>, or a one-line error naming the dates.</summary>
    public static async Task<DateOnly> StartAsync(
        DbConnection db,
        PlanRequest request,
        IReadOnlyDictionary<string, string> parameters
    )
    {
        if (request is { AsOf: { } asOf, PlanStart: { } start } && start != asOf.AddDays(1))
        {
            throw new PlannerException(Messages.Get("StartAsOfDisagree", start, asOf));
        }
        var dates = await db.QuerySingleAsync<ReportDates>(ReportDatesSql);
        var chosen = request.AsOf ?? request.PlanStart?.AddDays(-1);
        if (chosen is { } day && dates.FirstCapacity is { } first && day < first)
        {
            throw new PlannerException(Messages.Get("AsOfBeforeFirstReport", day, first));
        }
        if (chosen is { } given)
            return given.AddDays(1);
        if (dates is { LastCapacity: { } capacity, LastProduction: { } production })
            return (capacity < production ? capacity : production).AddDays(1);
        return DateOnly.ParseExact(
            InputsReader.Parameter(parameters, "plan_start"),
            "yyyy-MM-dd",
            CultureInfo.InvariantCulture
        );
    }

    private const string LatestReportsSql = """
        SELECT (SELECT MAX(report_date) FROM capacity_reports WHERE report_date <= @asOf) AS LastCapacity,
               (SELECT MAX(report_date) FROM production_reports WHERE report_date <= @asOf) AS LastProduction,
               (SELECT MAX(report_date) FROM situation_reports WHERE report_date <= @asOf) AS LastSituation
        """;

    /// <summary>
    /// The freshness gate on the dates the data are about: each daily feed's latest report on or before the as-of
    /// day may be at most <see cref="FreshnessOptions.MaxDataAge"/> days older than it. An older one refuses the run
    /// (or, with <c>Planner:Freshness:Mode=warn</c>, gives a warning), naming the dates.
    /// </summary>
    public static async Task<IReadOnlyList<string>> GateAsync(DbConnection db, DateOnly asOf, FreshnessOptions options)
    {
        var dates = await db.QuerySingleAsync<ReportDates>(LatestReportsSql, new { asOf });
        var stale = new[]
        {
            Stale(Messages.Get("CapacityReports"), dates.LastCapacity, options.MaxDataAge(Feed.Hospitals)),
            Stale(Messages.Get("ProductionReports"), dates.LastProduction, options.MaxDataAge(Feed.Production)),
            Stale(Messages.Get("CaseBulletins"), dates.LastSituation, options.MaxDataAge(Feed.Situation)),
        }
            .OfType<string>()
            .ToList();
        if (stale.Count > 0 && options.Refuse)
        {
            throw new PlannerException(
                Messages.Get("DataTooOldForPlan", asOf, string.Join(Messages.Get("ListSeparator"), stale))
            );
        }
        return stale.Select(s => Messages.Get("StaleData", s)).ToList();

        string? Stale(string what, DateOnly? last, int limit) =>
            last switch
            {
                null => Messages.Get("ReportsNone", what, asOf),
                { } day when asOf.DayNumber - day.DayNumber > limit => Messages.Get(
                    "ReportsEnd",
                    what,
                    day,
                    asOf.DayNumber - day.DayNumber,
                    asOf,
                    limit
                ),
                _ => null,
            };
    }

    private sealed class ReportDates
    {
        public DateOnly? FirstCapacity { get; set; }
        public DateOnly? LastCapacity { get; set; }
        public DateOnly? LastProduction { get; set; }
        public DateOnly? LastSituation { get; set; }
    }
}
