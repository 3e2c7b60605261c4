using Planner.Solver.Forecasting;

namespace Planner.Api.Planning;

/// <summary>
/// Each county's demand drivers on each planned day, forecast from what was reported before the first planned day
/// (<see cref="SituationRows"/>), each with P10, P50 and P90; the plan is made on the P50.
/// <list type="bullet">
/// <item><c>critical_care</c> (intensive care) and <c>severe_care</c> (ward): critical and severe patients, each a
/// census fed by the county's new cases (<see cref="EpidemicForecasts.Census"/>); their sum is published.</item>
/// <item><c>key_population</c>: people under medical observation, the same way with a week's stay.</item>
/// <item>the risk colour (<see cref="RiskLevels.Forecast"/>: a week without cases lowers it one colour): it scales the
/// fever-clinic visits (their reported number is at the colour of the as-of day) and, as before, the risk-scaled
/// segments' demand.</item>
/// <item><c>return_to_work</c>: employees on post ramping from the last report to <c>return_to_work_share</c> of the
/// county's employees by <c>return_to_work_target_date</c> (<see cref="EmployeesOnPost"/>).</item>
/// <item>other inpatients, staff on duty, checkpoints and the public hold their last value.</item>
/// </list>
/// A scenario can hold every driver at its last value (the baseline the forecasts were chosen against), grow the
/// census, lower the return-to-work target or hold a city's colour (<see cref="ScenarioOverrides"/>). A county with
/// no bulletins, colours or workforce reports keeps its <c>county_drivers</c> values, with a warning.
/// </summary>
public static class DemandDrivers
{
    /// <summary>The drivers per county and segment and the risk colour per county, each per planned day; what is
    /// published of them (<see cref="DriverForecast"/> per city and the province); warnings, as sentences in the
    /// current language (<see cref="WarningText"/>).</summary>
    public sealed record Result(
        Dictionary<(string County, string Segment), List<ForecastDay>> Drivers,
        Dictionary<string, List<ForecastDay>> Risk,
        List<DriverForecast> Forecasts,
        List<string> Warnings
    );

    /// <summary>The warning code of days missing from a feed.</summary>
    public const string MissingDays = "missing-days";

    /// <summary>The warning code of a county without reports of a kind, whose reference value stands in.</summary>
    public const string NoReports = "no-reports";

    public static Result Build(PlanInputs inputs, IReadOnlyList<RegionInfo> counties)
    {
        var context = new Context(inputs);
        var drivers = new Dictionary<(string, string), List<ForecastDay>>();
        var risk = new Dictionary<string, List<ForecastDay>>(StringComparer.Ordinal);
        var published = new List<(string County, string Driver, Forecast Forecast, List<DailyPoint> Observed)>();
        foreach (var county in counties)
        {
            var c = context.County(county);
            risk[county.Code] = c.Risk.Days.ToList();
            foreach (var (segment, forecast) in c.Segments)
                drivers[(county.Code, segment)] = forecast.Days.ToList();
            published.AddRange(c.Published.Select(p => (county.Code, p.Driver, p.Forecast, p.Observed)));
        }
        var warnings = context
            .Warnings.GroupBy(w => w.Code)
            .SelectMany(g => g.Count() <= 3 ? g.Select(context.Sentence) : [Summary(context, g.Key, g.ToList())])
            .ToList();
        return new Result(drivers, risk, Regional(inputs, published), warnings);
    }

    /// <summary>One line for many warnings of a kind: the first, and which other series had the same.</summary>
    private static string Summary(Context c, string code, List<ForecastWarning> warnings)
    {
        var others = warnings.Select(w => w.Series).Distinct().Where(x => x != warnings[0].Series).ToList();
        return WarningText.More(c.Sentence(warnings[0]), code, others.Select(c.Named).ToList());
    }

    /// <summary>The published drivers summed per city and for the province: the last observed days, then the
    /// forecast (the counties' medians added up, their bands as <see cref="Aggregate.CountyCorrelation"/>
    /// says).</summary>
    private static List<DriverForecast> Regional(
        PlanInputs inputs,
        List<(string County, string Driver, Forecast Forecast, List<DailyPoint> Observed)> published
    )
    {
        var parent = inputs.Regions.ToDictionary(r => r.Code, r => r.ParentCode, StringComparer.Ordinal);
        var province = inputs.Regions.Single(r => r.Level == "province").Code;
        var asOf = inputs.PlanStart.AddDays(-1);
        var days = Enumerable
            .Range(0, PlanForecast.ObservedDays)
            .Select(i => asOf.AddDays(i + 1 - PlanForecast.ObservedDays));
        return published
            .SelectMany(p => new[] { (Region: parent[p.County] ?? province, p), (Region: province, p) })
            .GroupBy(x => (x.Region, x.p.Driver))
            .OrderBy(g => g.Key.Driver, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Region, StringComparer.Ordinal)
            .Select(g =>
            {
                var members = g.Select(x => x.p).ToList();
                var observed = days.Select(d => new ObservedDay(
                        d,
                        members.Sum(m => m.Observed.Where(o => o.Date == d).Sum(o => o.Value))
                    ))
                    .ToList();
                return new DriverForecast(
                    g.Key.Driver,
                    g.Key.Region,
                    null,
                    observed,
                    Aggregate.Sum(members.Select(m => m.Forecast.Days), Aggregate.CountyCorrelation)
                );
            })
            .ToList();
    }

    /// <summary>What every county's forecast reads: the rows by county, the parameters and the scenario.</summary>
    internal sealed class Context(PlanInputs inputs)
    {
        private readonly ILookup<string, CensusRow> _census = inputs.Situation.Census.ToLookup(r => r.County);
        private readonly ILookup<string, BulletinRow> _bulletins = inputs.Situation.Bulletins.ToLookup(r => r.County);
        private readonly ILookup<string, CountyDayValue> _risk = inputs.Situation.RiskLevels.ToLookup(r => r.County);
        private readonly ILookup<string, CountyDayValue> _onPost = inputs.Situation.OnPost.ToLookup(r => r.County);
        private readonly Dictionary<string, CountyDriverRow> _static = inputs.CountyDrivers.ToDictionary(
            c => c.County,
            StringComparer.Ordinal
        );
        private readonly Dictionary<string, HospitalDriverRow> _hospitals = inputs.HospitalDrivers.ToDictionary(
            h => h.County,
            StringComparer.Ordinal
        );
        private readonly Dictionary<string, string?> _city = inputs.Regions.ToDictionary(
            r => r.Code,
            r => r.ParentCode,
            StringComparer.Ordinal
        );

        private readonly Dictionary<string, RegionInfo> _regions = inputs.Regions.ToDictionary(
            r => r.Code,
            StringComparer.Ordinal
        );

        public DateOnly AsOf { get; } = inputs.PlanStart.AddDays(-1);
        public int Horizon { get; } = inputs.HorizonDays;
        public PlanInputs Inputs { get; } = inputs;
        public List<ForecastWarning> Warnings { get; } = [];

        public CountyDrivers County(RegionInfo county)
        {
            var code = county.Code;
            var hospitals = _hospitals.GetValueOrDefault(code);
            var fixedValues = _static.GetValueOrDefault(code);
            return new CountyDrivers(this, county, hospitals, fixedValues);
        }

        public DailySeries Series(string name, IEnumerable<DailyPoint> points) => new(name, points, AsOf);

        public IEnumerable<CensusRow> Census(string county) => _census[county];

        public IEnumerable<BulletinRow> Bulletins(string county) => _bulletins[county];

        public IEnumerable<CountyDayValue> RiskLevels(string county) => _risk[county];

        public IEnumerable<CountyDayValue> OnPost(string county) => _onPost[county];

        public string? City(string county) => _city.GetValueOrDefault(county);

        /// <summary>A series (or a county, by its code) as people read it, in the current language.</summary>
        public string Named(string series) => WarningText.Series(series, _regions);

        /// <summary>A warning's sentence in the current language.</summary>
        public string Sentence(ForecastWarning warning) => WarningText.Sentence(warning, Named(warning.Series));

        public double Parameter(string name) =>
            double.Parse(InputsReader.Parameter(Inputs.Parameters, name), CultureInfo.InvariantCulture);

        public Forecast Constant(string name, double value) =>
            Forecast.Exact(name, AsOf, "hold-last", Enumerable.Repeat(value, Horizon).ToList(), []);
    }
}

/// <summary>One county's drivers: each segment's forecast, the risk colour, and what is published with the days
/// observed.</summary>
internal sealed class CountyDrivers
{
    private readonly List<(string, Forecast)> _segments = [];

    public CountyDrivers(
        DemandDrivers.Context context,
        RegionInfo county,
        HospitalDriverRow? hospitals,
        CountyDriverRow? fixedValues
    )
    {
        var c = context;
        var code = county.Code;
        var o = c.Inputs.Overrides;
        var held = o.HoldDrivers == true;
        var cumulative = c.Series(
            $"{code} confirmed",
            c.Bulletins(code).Select(b => Point(b.Day, b.ConfirmedCumulative))
        );
        var (newCases, revisions) = DailySeries.DailyFromCumulative(cumulative);
        c.Warnings.AddRange(revisions);
        if (Gap(c, code, cumulative.Points) is { } gap)
            c.Warnings.Add(gap);
        var caseForecast =
            cumulative.Points.Count == 0
                ? c.Constant($"{code} new cases", 0)
                : EpidemicForecasts.NewCases(newCases, c.AsOf, c.Horizon);
        Risk = RiskColour(c, county, newCases, caseForecast, held);
        if (hospitals is not null)
        {
            var census = Census(c, code, newCases, hospitals, held);
            _segments.Add((PlanSnapshot.CriticalCareSegment, census.Critical));
            _segments.Add((PlanSnapshot.SevereCareSegment, census.Severe));
            Published.Add(("severe_critical", census.Sum, census.Observed));
            _segments.Add(
                ("inpatient", c.Constant($"{code} other inpatients", Math.Max(0, hospitals.OtherInpatients)))
            );
            _segments.Add(("staff", c.Constant($"{code} staff", hospitals.Staff)));
        }
        var observation = Observation(c, code, newCases, fixedValues, held);
        Add("key_population", observation.Forecast, observation.Observed, "under_observation");
        var onPost = OnPost(c, code, fixedValues, held);
        Add("return_to_work", onPost.Forecast, onPost.Observed, "employees_on_post");
        var visits = fixedValues?.FeverClinicVisits ?? 0;
        var multipliers = Enumerable
            .Range(1, 5)
            .Select(l => c.Inputs.RiskMultipliers.GetValueOrDefault(l, 1.0))
            .ToList();
        var now = Risk.Days[0].P50;
        _segments.Add(
            (
                "fever_clinic",
                RiskLevels.Scaled(
                    $"{code} fever-clinic visits",
                    new(visits / multipliers[(int)now - 1], multipliers),
                    Risk
                )
            )
        );
        _segments.Add(("small_gates", c.Constant($"{code} checkpoints", fixedValues?.Checkpoints ?? 0)));
        _segments.Add(("public", c.Constant($"{code} population", county.Population ?? 0)));
    }

    /// <summary>The county's risk colour on each planned day.</summary>
    public Forecast Risk { get; }

    public IEnumerable<(string Segment, Forecast Forecast)> Segments => _segments;

    public List<(string Driver, Forecast Forecast, List<DailyPoint> Observed)> Published { get; } = [];

    private void Add(string segment, Forecast forecast, List<DailyPoint> observed, string driver)
    {
        _segments.Add((segment, forecast));
        Published.Add((driver, forecast, observed));
    }

    private static DailyPoint Point(DateOnly day, double value) => new(day, value);

    /// <summary>Critical and severe patients: each census forecast from the new cases, grown by the scenario; their
    /// sum as published. Without a census in the history window, the hospitals' latest one holds.</summary>
    private static (Forecast Critical, Forecast Severe, Forecast Sum, List<DailyPoint> Observed) Census(
        DemandDrivers.Context c,
        string code,
        DailySeries newCases,
        HospitalDriverRow latest,
        bool held
    )
    {
        var rows = c.Census(code).ToList();
        if (rows.Count == 0)
        {
            c.Warnings.Add(NoReports(c, code, "NoCensus"));
            return Census(
                c,
                code,
                c.Constant($"{code} critical", latest.Critical),
                c.Constant($"{code} severe", latest.Severe),
                []
            );
        }
        var severe = c.Series($"{code} severe", rows.Select(r => Point(r.Day, r.Severe)));
        var critical = c.Series($"{code} critical", rows.Select(r => Point(r.Day, r.Critical)));
        var observed = rows.Select(r => Point(r.Day, r.Severe + r.Critical)).ToList();
        if (held)
        {
            var last = rows[^1];
            return Census(
                c,
                code,
                c.Constant($"{code} critical", last.Critical),
                c.Constant($"{code} severe", last.Severe),
                observed
            );
        }
        var (s, k) = (
            EpidemicForecasts.Census(severe, newCases, c.AsOf, c.Horizon),
            EpidemicForecasts.Census(critical, newCases, c.AsOf, c.Horizon)
        );
        c.Warnings.AddRange(s.Warnings.Where(w => w.Series != newCases.Name));
        return Census(c, code, Grown(c, k), Grown(c, s), observed);
    }

    private static (Forecast Critical, Forecast Severe, Forecast Sum, List<DailyPoint> Observed) Census(
        DemandDrivers.Context c,
        string code,
        Forecast critical,
        Forecast severe,
        List<DailyPoint> observed
    )
    {
        var sum = new Forecast(
            $"{code} severe + critical",
            c.AsOf,
            severe.Method,
            Aggregate.Sum([severe.Days, critical.Days]),
            []
        );
        return (critical, severe, sum, observed);
    }

    /// <summary>People under observation, from the bulletins (the static key population when there are none).</summary>
    private static (Forecast Forecast, List<DailyPoint> Observed) Observation(
        DemandDrivers.Context c,
        string code,
        DailySeries newCases,
        CountyDriverRow? fixedValues,
        bool held
    )
    {
        var observed = c.Bulletins(code).Select(b => Point(b.Day, b.UnderObservation)).ToList();
        if (observed.Count == 0)
        {
            c.Warnings.Add(NoReports(c, code, "NoBulletins"));
            return (c.Constant($"{code} under observation", fixedValues?.KeyPopulation ?? 0), observed);
        }
        if (held)
            return (c.Constant($"{code} under observation", observed[^1].Value), observed);
        var series = c.Series($"{code} under observation", observed);
        var forecast = EpidemicForecasts.UnderObservation(series, newCases, c.AsOf, c.Horizon);
        c.Warnings.AddRange(forecast.Warnings.Where(w => w.Series != newCases.Name));
        return (Grown(c, forecast), observed);
    }

    /// <summary>Employees on post ramping to the target; the target itself when nothing is reported.</summary>
    private static (Forecast Forecast, List<DailyPoint> Observed) OnPost(
        DemandDrivers.Context c,
        string code,
        CountyDriverRow? fixedValues,
        bool held
    )
    {
        var employees = fixedValues?.Employees ?? 0;
        var share = c.Inputs.Overrides.ReturnToWorkShare ?? c.Parameter("return_to_work_share");
        var observed = c.OnPost(code).Select(r => Point(r.Day, r.Value)).ToList();
        if (observed.Count == 0)
        {
            c.Warnings.Add(NoReports(c, code, "NoWorkforce"));
            return (c.Constant($"{code} employees on post", employees * share), observed);
        }
        if (held)
            return (c.Constant($"{code} employees on post", observed[^1].Value), observed);
        var target = DateOnly.ParseExact(
            InputsReader.Parameter(c.Inputs.Parameters, "return_to_work_target_date"),
            "yyyy-MM-dd",
            CultureInfo.InvariantCulture
        );
        var forecast = EmployeesOnPost.Forecast(
            c.Series($"{code} employees on post", observed),
            new ReturnToWork(employees, share, target),
            c.AsOf,
            c.Horizon
        );
        c.Warnings.AddRange(forecast.Warnings);
        return (forecast, observed);
    }

    /// <summary>The colour: forecast from the last reported one (the county's reference colour when none), or held
    /// at the scenario's colour for its city.</summary>
    private static Forecast RiskColour(
        DemandDrivers.Context c,
        RegionInfo county,
        DailySeries newCases,
        Forecast caseForecast,
        bool held
    )
    {
        var name = $"{county.Code} risk colour";
        var hold = c.Inputs.Overrides.RiskHolds.LastOrDefault(h => h.City == c.City(county.Code));
        if (hold is not null)
            return c.Constant(name, hold.Level);
        var reported = c.RiskLevels(county.Code).Select(r => Point(r.Day, r.Value)).ToList();
        var fallback = county.RiskLevel ?? 3;
        if (reported.Count == 0 || held)
            return c.Constant(name, reported.Count == 0 ? fallback : reported[^1].Value);
        return RiskLevels.Forecast(
            c.Series(name, reported),
            newCases,
            caseForecast,
            c.AsOf,
            new RiskRule(FallbackLevel: fallback)
        );
    }

    /// <summary>A census grown by the scenario's weekly rate: day h × (1 + rate)^(h / 7).</summary>
    private static Forecast Grown(DemandDrivers.Context c, Forecast forecast)
    {
        if (c.Inputs.Overrides.CensusGrowthPerWeek is not { } rate || rate == 0)
            return forecast;
        return forecast with
        {
            Days = forecast
                .Days.Select(d =>
                {
                    var f = Math.Pow(1 + rate, d.Horizon / 7.0);
                    return d with { P10 = d.P10 * f, P50 = d.P50 * f, P90 = d.P90 * f };
                })
                .ToList(),
        };
    }

    /// <summary>Days without a bulletin between the county's first in the window and the as-of day: named, since the
    /// cases reported after a gap are spread over its days.</summary>
    private static ForecastWarning? Gap(DemandDrivers.Context c, string code, IReadOnlyList<DailyPoint> points)
    {
        if (points.Count == 0)
            return null;
        var reported = points.Select(p => p.Date).ToHashSet();
        var missing = Enumerable
            .Range(0, c.AsOf.DayNumber - points[0].Date.DayNumber + 1)
            .Select(i => points[0].Date.AddDays(i))
            .Where(d => !reported.Contains(d))
            .ToList();
        if (missing.Count == 0)
            return null;
        return new(
            DemandDrivers.MissingDays,
            code,
            missing[0],
            missing[^1],
            WarningText.MissingDays(c.Named(code), missing)
        )
        {
            Count = missing.Count,
        };
    }

    /// <summary>A county without reports of a kind (<paramref name="kind"/>: the text saying which and what stands
    /// in), its sentence made here in the current language.</summary>
    private static ForecastWarning NoReports(DemandDrivers.Context c, string code, string kind) =>
        new(DemandDrivers.NoReports, code, c.AsOf, c.AsOf, WarningText.NoReports(kind, c.Named(code), c.AsOf));
}
