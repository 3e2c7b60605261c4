using Planner.Api.Localization;

namespace Planner.Api.Planning;

/// <summary>
/// Reads what a plan is made from (<see cref="PlanInputs"/>): SQL only, every list ordered by code so that the same
/// data reads the same on SQLite and PostgreSQL. The window of days comes from the request, else the scenario,
/// else the planning parameters.
/// </summary>
public static class InputsReader
{
    private const string RegionsSql = """
        SELECT code, name, name_en, level, parent_code, population, risk_level, lat, lon
        FROM regions ORDER BY code
        """;

    private const string ScenarioSql =
        "SELECT version AS Version, overrides_json AS OverridesJson FROM scenarios WHERE id = @id";

    /// <summary>
    /// Where a supplier's goods enter the network: provincial reserves and national allocations at the province's
    /// depot, everyone else at their city's.
    /// </summary>
    private const string DepotOfSupplier = """
        CASE WHEN s.kind IN ('provincial_reserve', 'national_allocation') THEN (SELECT r.code FROM regions r
        WHERE r.level = 'province') ELSE c.parent_code END
        """;

    /// <summary>Each supplier's reported daily output over the <see cref="HistoryDays"/> days up to the as-of day:
    /// what production is forecast from. Nothing dated later is read.</summary>
    private const string ProductionHistorySql = $"""
        SELECT p.supplier_code AS supplier, {DepotOfSupplier} AS depot, p.product_code AS product,
               p.report_date AS day, p.output AS quantity
        FROM production_reports p
        JOIN suppliers s ON s.code = p.supplier_code
        JOIN regions c ON c.code = s.county_code
        WHERE p.report_date < @start AND p.report_date >= @historyFrom
        ORDER BY 1, 3, 4
        """;

    /// <summary>Each supplier's declared daily capacity per product.</summary>
    private const string ProductionLinesSql = $"""
        SELECT p.supplier_code AS supplier, {DepotOfSupplier} AS depot, p.product_code AS product,
               p.daily_capacity AS capacity
        FROM supplier_products p
        JOIN suppliers s ON s.code = p.supplier_code
        JOIN regions c ON c.code = s.county_code
        ORDER BY 1, 3
        """;

    /// <summary>Days of reported output read before the as-of day: the trend's window and the longest release lag,
    /// with room for gaps.</summary>
    public const int HistoryDays = 28;

    /// <summary>Each supplier's latest stock report before the first planned day.</summary>
    private const string OpeningStockSql = $"""
        SELECT {DepotOfSupplier} AS depot, k.product_code AS product, MAX(k.as_of) AS day, SUM(k.quantity) AS quantity
        FROM stock_reports k
        JOIN suppliers s ON s.code = k.supplier_code
        JOIN regions c ON c.code = s.county_code
        WHERE k.as_of = (SELECT MAX(k2.as_of) FROM stock_reports k2
                         WHERE k2.supplier_code = k.supplier_code AND k2.product_code = k.product_code
                         AND k2.as_of < @start)
        GROUP BY 1, 2
        ORDER BY 1, 2
        """;

    private const string EarlierRunsSql = """
        SELECT id, plan_start, horizon_days, finished_at FROM plan_runs
        WHERE status = 'succeeded' AND scenario_id = @baseline AND plan_start < @start
        ORDER BY plan_start, id
        """;

    /// <summary>A run's lines of one day, each with its receipt when it has one (<see cref="EarlierPlans"/>).</summary>
    private const string EarlierShipmentsSql = """
        SELECT s.from_code, s.to_code, s.product_code AS product, s.quantity, x.received, x.received_on
        FROM plan_shipments s
        LEFT JOIN shipment_receipts x ON x.run_id = s.run_id AND x.from_code = s.from_code
            AND x.to_code = s.to_code AND x.product_code = s.product_code AND x.day = s.day
        WHERE s.run_id = @run AND s.day = @day
        ORDER BY s.from_code, s.to_code, s.product_code
        """;

    /// <summary>The city whose depot hosts the provincial reserve (the reserve supplier's city).</summary>
    private const string ReserveCitySql = """
        SELECT MIN(c.parent_code) FROM suppliers s JOIN regions c ON c.code = s.county_code
        WHERE s.kind = 'provincial_reserve'
        """;

    /// <summary>Each hospital's latest capacity report before the first planned day, summed per county.</summary>
    private const string HospitalDriversSql = """
        SELECT h.county_code AS county,
               SUM(r.severe_patients) AS severe, SUM(r.critical_patients) AS critical,
               SUM(r.beds_general_occupied + r.beds_isolation_occupied - r.severe_patients - r.critical_patients)
                   AS other_inpatients,
               SUM(r.staff_on_duty) AS staff
        FROM capacity_reports r
        JOIN hospitals h ON h.code = r.hospital_code
        WHERE r.report_date = (SELECT MAX(r2.report_date) FROM capacity_reports r2
                               WHERE r2.hospital_code = r.hospital_code AND r2.report_date < @start)
        GROUP BY h.county_code
        ORDER BY 1
        """;

    /// <summary>What each hospital reported on hand (days of each product) with its latest capacity report before the
    /// first planned day, and that report's census and staff.</summary>
    private const string HospitalStockSql = """
        SELECT h.county_code AS county, h.code AS hospital, s.product_code AS product, s.days_on_hand AS days,
               r.critical_patients AS critical, r.severe_patients AS severe,
               r.beds_general_occupied + r.beds_isolation_occupied - r.severe_patients - r.critical_patients
                   AS other_inpatients,
               r.staff_on_duty AS staff
        FROM capacity_supplies s
        JOIN hospitals h ON h.code = s.hospital_code
        JOIN capacity_reports r ON r.hospital_code = s.hospital_code AND r.report_date = s.report_date
        WHERE s.report_date = (SELECT MAX(r2.report_date) FROM capacity_reports r2
                               WHERE r2.hospital_code = s.hospital_code AND r2.report_date < @start)
        ORDER BY 1, 2, 3
        """;

    private const string CountyDriversSql = """
        SELECT county_code AS county, employees, key_population, fever_clinic_visits, checkpoints FROM county_drivers
        ORDER BY county_code
        """;

    /// <summary>Each county's severe and critical patients per day over the history window.</summary>
    private const string CensusHistorySql = """
        SELECT h.county_code AS county, r.report_date AS day, SUM(r.severe_patients) AS severe,
               SUM(r.critical_patients) AS critical
        FROM capacity_reports r JOIN hospitals h ON h.code = r.hospital_code
        WHERE r.report_date < @start AND r.report_date >= @historyFrom
        GROUP BY h.county_code, r.report_date
        ORDER BY 1, 2
        """;

    private const string BulletinsSql = """
        SELECT county_code AS county, report_date AS day, confirmed_cumulative, under_observation
        FROM situation_reports WHERE report_date < @start AND report_date >= @historyFrom
        ORDER BY 1, 2
        """;

    /// <summary>Every colour reported before the start: the rule that lowers a colour counts days from the
    /// last.</summary>
    private const string RiskLevelsSql = """
        SELECT county_code AS county, effective_date AS day, risk_level AS value
        FROM county_risk_levels WHERE effective_date < @start
        ORDER BY 1, 2
        """;

    private const string OnPostSql = """
        SELECT county_code AS county, report_date AS day, employees_on_post AS value
        FROM workforce_reports WHERE report_date < @start AND report_date >= @historyFrom
        ORDER BY 1, 2
        """;

    private const string ProductsSql =
        "SELECT code, name, name_en, unit, unit_zh, pack_size FROM products ORDER BY code";

    private const string TiersSql = "SELECT tier, name, name_en FROM priority_tiers ORDER BY tier";

    /// <summary>The demand segments and the tier each is served in: the priority order.</summary>
    private const string SegmentsSql = "SELECT code, name, name_en, tier FROM demand_segments ORDER BY tier, code";

    private const string RatesSql = """
        SELECT r.segment_code AS segment, r.product_code AS product, r.rate, s.tier, s.driver, s.risk_scaled
        FROM consumption_rates r JOIN demand_segments s ON s.code = r.segment_code
        ORDER BY r.segment_code, r.product_code
        """;

    /// <summary>Hubei's requests of one kind: <c>supply</c> (of a product) or <c>team</c> (staff of a
    /// specialty).</summary>
    private const string HubeiRequestsSql = """
        SELECT site_code AS site, product_code AS product, specialty, quantity, start_date, duration_days
        FROM assistance_requests WHERE kind = @kind ORDER BY code
        """;

    /// <summary>Each hospital's latest capacity report before the first planned day.</summary>
    private const string HospitalsSql = """
        SELECT h.code, h.name, h.county_code AS county, c.parent_code AS city, h.designated,
               r.beds_general_total + r.beds_isolation_total + r.beds_icu_total AS beds,
               r.beds_general_occupied + r.beds_isolation_occupied AS occupied_beds,
               r.beds_icu_total AS icu_beds, r.beds_icu_occupied AS icu_occupied,
               r.ventilators_total AS ventilators, r.ventilators_in_use,
               r.severe_patients AS severe, r.critical_patients AS critical, r.staff_on_duty
        FROM capacity_reports r
        JOIN hospitals h ON h.code = r.hospital_code
        JOIN regions c ON c.code = h.county_code
        WHERE r.report_date = (SELECT MAX(r2.report_date) FROM capacity_reports r2
                               WHERE r2.hospital_code = r.hospital_code AND r2.report_date < @start)
        ORDER BY h.code
        """;

    private const string TeamsSql = """
        SELECT code, home_city_code AS home_city, available_from, available_to, rest_days, current_site
        FROM medical_teams ORDER BY code
        """;

    /// <summary>The saved scenario <paramref name="id"/>: its version and overrides.</summary>
    public static async Task<PlanScenario> ScenarioAsync(DbConnection db, string id)
    {
        var row = await db.QuerySingleOrDefaultAsync<ScenarioRow>(ScenarioSql, new { id })
            ?? throw new ScenarioNotFound(id);
        return new PlanScenario(id, (int)row.Version, ScenarioOverrides.Parse(row.OverridesJson));
    }

    /// <summary>The inputs of a plan of <paramref name="scenario"/> for the request's days (<see
    /// cref="PlanDates"/>), for <paramref name="days"/> days.</summary>
    public static async Task<PlanInputs> ReadAsync(
        DbConnection db,
        PlanScenario scenario,
        PlanRequest? request = null,
        int? days = null
    )
    {
        var parameters = (
            await db.QueryAsync<ParameterRow>("SELECT name, value FROM planning_parameters")
        ).ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        var overrides = scenario.Overrides;
        var planStart = await PlanDates.StartAsync(db, request ?? new PlanRequest(), parameters);
        var horizon = days
            ?? overrides.HorizonDays
            ?? int.Parse(Parameter(parameters, "horizon_days"), CultureInfo.InvariantCulture);
        var window = new
        {
            start = planStart,
            end = planStart.AddDays(horizon),
            historyFrom = planStart.AddDays(-HistoryDays),
        };
        return new PlanInputs
        {
            PlanStart = planStart,
            HorizonDays = horizon,
            ScenarioId = scenario.Id,
            ScenarioVersion = scenario.Version,
            Overrides = overrides,
            Parameters = parameters,
            Regions = (await db.QueryAsync<RegionInfo>(RegionsSql)).ToList(),
            Products = (await db.QueryAsync<ProductInfo>(ProductsSql)).ToList(),
            Tiers = (await db.QueryAsync<TierInfo>(TiersSql)).ToList(),
            Segments = (await db.QueryAsync<SegmentInfo>(SegmentsSql)).ToList(),
            RiskMultipliers = (await db.QueryAsync<RiskRow>("SELECT level, multiplier FROM risk_levels")).ToDictionary(
                r => r.Level,
                r => r.Multiplier
            ),
            ProductionHistory = (await db.QueryAsync<OutputRow>(ProductionHistorySql, window)).ToList(),
            ProductionLines = (await db.QueryAsync<LineRow>(ProductionLinesSql)).ToList(),
            OpeningStock = (await db.QueryAsync<SupplyRow>(OpeningStockSql, window)).ToList(),
            ReserveCity = await db.ExecuteScalarAsync<string?>(ReserveCitySql),
            HospitalDrivers = (await db.QueryAsync<HospitalDriverRow>(HospitalDriversSql, window)).ToList(),
            HospitalStock = (await db.QueryAsync<HospitalStockRow>(HospitalStockSql, window)).ToList(),
            CountyDrivers = (await db.QueryAsync<CountyDriverRow>(CountyDriversSql)).ToList(),
            Situation = await SituationAsync(db, window),
            Rates = (await db.QueryAsync<RateRow>(RatesSql)).ToList(),
            HubeiSupplyRequests = (
                await db.QueryAsync<AssistanceRequestRow>(HubeiRequestsSql, new { kind = "supply" })
            ).ToList(),
            Care = await CareAsync(db, planStart),
            EarlierShipments = await EarlierShipmentsAsync(db, planStart),
            OverdueReceipts = await OverdueLines.ReadAsync(db, planStart),
        };
    }

    private static async Task<SituationRows> SituationAsync(DbConnection db, object window) =>
        new(
            (await db.QueryAsync<CensusRow>(CensusHistorySql, window)).ToList(),
            (await db.QueryAsync<BulletinRow>(BulletinsSql, window)).ToList(),
            (await db.QueryAsync<CountyDayValue>(RiskLevelsSql, window)).ToList(),
            (await db.QueryAsync<CountyDayValue>(OnPostSql, window)).ToList()
        );

    /// <summary>What the baseline plans in force sent on each day before <paramref name="start"/>.</summary>
    private static async Task<List<EarlierShipment>> EarlierShipmentsAsync(DbConnection db, DateOnly start)
    {
        var runs = (
            await db.QueryAsync<EarlierRun>(EarlierRunsSql, new { baseline = ScenarioOverrides.Baseline, start })
        ).ToList();
        var shipments = new List<EarlierShipment>();
        foreach (var (day, run, runStart) in EarlierPlans.InForce(runs, start))
        {
            var rows = await db.QueryAsync<ShipmentRow>(
                EarlierShipmentsSql,
                new { run, day = day.DayNumber - runStart.DayNumber }
            );
            shipments.AddRange(
                rows.Select(r => new EarlierShipment(day, r.FromCode, r.ToCode, r.Product, r.Quantity)
                {
                    Received = r.Received,
                    ReceivedOn = r.ReceivedOn,
                })
            );
        }
        return shipments;
    }

    private sealed class ShipmentRow
    {
        public string FromCode { get; set; } = "";
        public string ToCode { get; set; } = "";
        public string Product { get; set; } = "";
        public double Quantity { get; set; }
        public long? Received { get; set; }
        public DateOnly? ReceivedOn { get; set; }
    }

    private static async Task<CareRows> CareAsync(DbConnection db, DateOnly planStart) =>
        new(
            (await db.QueryAsync<HospitalRow>(HospitalsSql, new { start = planStart })).ToList(),
            (await db.QueryAsync<TeamRow>(TeamsSql)).ToList(),
            (
                await db.QueryAsync<MemberRow>(
                    "SELECT team_code, specialty, members FROM team_members ORDER BY team_code, specialty"
                )
            ).ToList(),
            (await db.QueryAsync<AssistanceRequestRow>(HubeiRequestsSql, new { kind = "team" })).ToList(),
            (
                await db.QueryAsync<RatioRow>(
                    "SELECT specialty, per_critical_patient, per_severe_patient, share_of_staff_on_duty FROM "
                        + "staffing_ratios ORDER BY specialty"
                )
            ).ToList(),
            (
                await db.QueryAsync<KitRow>("SELECT product_code, per_member_day FROM team_kits ORDER BY product_code")
            ).ToDictionary(k => k.ProductCode, k => k.PerMemberDay, StringComparer.Ordinal)
        );

    /// <summary>A planning parameter, or a message naming the file it comes from.</summary>
    public static string Parameter(IReadOnlyDictionary<string, string> parameters, string name) =>
        parameters.TryGetValue(name, out var value)
            ? value
            : throw new PlannerException(Messages.Get("ParameterMissing", name));

    private sealed class ParameterRow
    {
        public string Name { get; set; } = "";
        public string Value { get; set; } = "";
    }

    private sealed class RiskRow
    {
        public int Level { get; set; }
        public double Multiplier { get; set; }
    }

    private sealed class KitRow
    {
        public string ProductCode { get; set; } = "";
        public double PerMemberDay { get; set; }
    }

    private sealed class ScenarioRow
    {
        public long Version { get; set; }
        public string OverridesJson { get; set; } = "";
    }
}
