using System.Data.Common;
using System.Globalization;
using Dapper;
using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;
using Planner.Solver.Care;

namespace Planner.Api.Planning;

// Rows read with Dapper: settable properties, because Dapper converts column types (SQLite's Int64,
// PostgreSQL's int4 or numeric) only when it maps to properties, not to constructor parameters.

public sealed record RegionInfo
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string? NameEn { get; init; }
    public string Level { get; init; } = "";
    public string? ParentCode { get; init; }
    public long? Population { get; init; }
    public int? RiskLevel { get; init; }
    public double? Lat { get; init; }
    public double? Lon { get; init; }
}

public sealed record ProductInfo
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string NameEn { get; init; } = "";
    public string Unit { get; init; } = "";
}

public sealed record TierInfo
{
    public int Tier { get; init; }
    public string Name { get; init; } = "";
    public string NameEn { get; init; } = "";
}

/// <summary>
/// The inputs of one plan run, read from the planner database at one moment: reference data, the latest
/// pulled reports, and the allocation problem built from them. Everything is ordered by code so that the same
/// data gives the same problem on SQLite and PostgreSQL.
/// </summary>
public sealed record PlanSnapshot(
    DateOnly PlanStart,
    int HorizonDays,
    IReadOnlyList<RegionInfo> Regions,
    IReadOnlyList<ProductInfo> Products,
    IReadOnlyList<TierInfo> Tiers,
    AllocationProblem Problem,
    IReadOnlyList<RegionNode> Tree,
    CareInputs Care,
    IReadOnlyList<(string Product, double Rate, int Tier)> CriticalCareRates)
{
    /// <summary>The segment whose driver is the severe and critical census, which patient transfers change.</summary>
    public const string CriticalCareSegment = "critical_care";

    /// <summary>The segment of deployed teams' PPE kits.</summary>
    public const string TeamKitSegment = "team_kit";

    /// <summary>
    /// The allocation problem with the care plan in it: critical-care demand recomputed from the census after the
    /// patient transfers (for the counties whose census changed) and the teams' PPE kits added as tier-1 demand.
    /// </summary>
    public AllocationProblem WithCare(CareOutcome care)
    {
        var before = Census(Care.Hospitals);
        var after = Census(care.Transfers.Census);
        var changed = after.Where(kv => before.GetValueOrDefault(kv.Key) != kv.Value).Select(kv => kv.Key)
            .Concat(before.Keys.Where(k => !after.ContainsKey(k))).ToHashSet(StringComparer.Ordinal);
        var demands = Problem.Demands.Where(d => !(d.Segment == CriticalCareSegment && changed.Contains(d.Destination))).ToList();
        foreach (var county in changed.Order(StringComparer.Ordinal))
        {
            foreach (var (product, rate, tier) in CriticalCareRates)
            {
                var daily = Math.Round(after.GetValueOrDefault(county) * rate, MidpointRounding.AwayFromZero);
                if (daily <= 0) continue;
                for (var day = 0; day < HorizonDays; day++) demands.Add(new Demand(county, product, day, tier, daily, CriticalCareSegment));
            }
        }
        demands.AddRange(care.KitDemands.Where(d => Problem.Products.Contains(d.Product)).Select(d => d with { Segment = TeamKitSegment }));
        return Problem with { Demands = demands };

        static Dictionary<string, long> Census(IEnumerable<HospitalCensus> hospitals) =>
            hospitals.GroupBy(h => h.County, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(h => (long)h.Severe + h.Critical), StringComparer.Ordinal);
    }

    /// <summary>Unit cost of the last leg from a city's depot to one of its counties, in unit-km (no county coordinates).</summary>
    public const double CountyLegKm = 30;

    private const string RegionsSql = """
        SELECT code, name, name_en, level, parent_code, population, risk_level, lat, lon
        FROM regions ORDER BY code
        """;

    /// <summary>
    /// Where a supplier's goods enter the network: provincial reserves and national allocations at the province's
    /// depot, everyone else at their city's.
    /// </summary>
    private const string DepotOfSupplier = """
        CASE WHEN s.kind IN ('provincial_reserve', 'national_allocation') THEN (SELECT r.code FROM regions r WHERE r.level = 'province') ELSE c.parent_code END
        """;

    private const string SupplySql = $"""
        SELECT {DepotOfSupplier} AS depot, p.product_code AS product, p.report_date AS day, SUM(p.output) AS quantity
        FROM production_reports p
        JOIN suppliers s ON s.code = p.supplier_code
        JOIN regions c ON c.code = s.county_code
        WHERE p.report_date >= @start AND p.report_date < @end
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3
        """;

    /// <summary>Each supplier's latest stock report before the first planned day.</summary>
    private const string OpeningStockSql = $"""
        SELECT {DepotOfSupplier} AS depot, k.product_code AS product, SUM(k.quantity) AS quantity
        FROM stock_reports k
        JOIN suppliers s ON s.code = k.supplier_code
        JOIN regions c ON c.code = s.county_code
        WHERE k.as_of = (SELECT MAX(k2.as_of) FROM stock_reports k2
                         WHERE k2.supplier_code = k.supplier_code AND k2.product_code = k.product_code AND k2.as_of < @start)
        GROUP BY 1, 2
        ORDER BY 1, 2
        """;

    /// <summary>The city whose depot hosts the provincial reserve (the reserve supplier's city).</summary>
    private const string ReserveCitySql = """
        SELECT MIN(c.parent_code) FROM suppliers s JOIN regions c ON c.code = s.county_code WHERE s.kind = 'provincial_reserve'
        """;

    /// <summary>Each hospital's latest capacity report before the first planned day, summed per county.</summary>
    private const string HospitalDriversSql = """
        SELECT h.county_code AS county,
               SUM(r.severe_patients + r.critical_patients) AS severe_critical,
               SUM(r.beds_general_occupied + r.beds_isolation_occupied - r.severe_patients - r.critical_patients) AS other_inpatients,
               SUM(r.staff_on_duty) AS staff
        FROM capacity_reports r
        JOIN hospitals h ON h.code = r.hospital_code
        WHERE r.report_date = (SELECT MAX(r2.report_date) FROM capacity_reports r2
                               WHERE r2.hospital_code = r.hospital_code AND r2.report_date < @start)
        GROUP BY h.county_code
        ORDER BY 1
        """;

    private const string CountyDriversSql = """
        SELECT county_code AS county, employees, key_population, fever_clinic_visits, checkpoints FROM county_drivers ORDER BY county_code
        """;

    private const string RatesSql = """
        SELECT r.segment_code AS segment, r.product_code AS product, r.rate, s.tier, s.driver, s.risk_scaled
        FROM consumption_rates r JOIN demand_segments s ON s.code = r.segment_code
        ORDER BY r.segment_code, r.product_code
        """;

    private const string HubeiSql = """
        SELECT site_code AS site, product_code AS product, quantity, start_date, duration_days
        FROM assistance_requests WHERE kind = 'supply' ORDER BY code
        """;

    /// <summary>Reads the inputs; a scenario's <paramref name="overrides"/> scale production, demand and Hubei's quota and take teams out.</summary>
    public static async Task<PlanSnapshot> ReadAsync(DbConnection db, DateOnly? start = null, int? days = null, Planner.Api.Planning.ScenarioOverrides? overrides = null)
    {
        overrides ??= new Planner.Api.Planning.ScenarioOverrides();
        var parameters = (await db.QueryAsync<ParameterRow>("SELECT name, value FROM planning_parameters"))
            .ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        var planStart = start ?? DateOnly.ParseExact(Parameter(parameters, "plan_start"), "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var horizon = days ?? overrides.HorizonDays ?? int.Parse(Parameter(parameters, "horizon_days"), CultureInfo.InvariantCulture);
        var returnShare = double.Parse(Parameter(parameters, "return_to_work_share"), CultureInfo.InvariantCulture);
        var window = new { start = planStart, end = planStart.AddDays(horizon) };

        var regions = (await db.QueryAsync<RegionInfo>(RegionsSql)).ToList();
        var products = (await db.QueryAsync<ProductInfo>("SELECT code, name, name_en, unit FROM products ORDER BY code")).ToList();
        var tiers = (await db.QueryAsync<TierInfo>("SELECT tier, name, name_en FROM priority_tiers ORDER BY tier")).ToList();
        var multipliers = (await db.QueryAsync<RiskRow>("SELECT level, multiplier FROM risk_levels"))
            .ToDictionary(r => r.Level, r => r.Multiplier);

        var province = regions.Single(r => r.Level == "province");
        var cities = regions.Where(r => r.Level == "city").ToList();
        var counties = regions.Where(r => r.Level == "county").ToList();
        var sites = regions.Where(r => r.Level == "external").ToList();

        var supplies = new List<Supply>();
        var openingReserve = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var s in await db.QueryAsync<SupplyRow>(SupplySql, window))
        {
            // A scenario's production factor applies to production, not to stock already held.
            var quantity = Math.Round(s.Quantity * overrides.Production(s.Product, s.Depot), MidpointRounding.AwayFromZero);
            supplies.Add(new Supply(s.Depot, s.Product, s.Day.DayNumber - planStart.DayNumber, quantity));
        }
        foreach (var s in await db.QueryAsync<SupplyRow>(OpeningStockSql, window))
        {
            supplies.Add(new Supply(s.Depot, s.Product, 0, s.Quantity));
            if (s.Depot == province.Code) openingReserve[s.Product] = s.Quantity;
        }
        // The provincial reserve keeps a share of its opening stock as a floor that only tier-1 needs may breach.
        var floorShare = parameters.TryGetValue("provincial_reserve_floor_share", out var share) ? double.Parse(share, CultureInfo.InvariantCulture) : 0;
        var floors = openingReserve.Where(r => r.Value > 0 && floorShare > 0)
            .Select(r => new ReserveFloor(province.Code, r.Key, Math.Floor(r.Value * floorShare))).OrderBy(f => f.Product, StringComparer.Ordinal).ToList();
        var reserveCity = await db.ExecuteScalarAsync<string?>(ReserveCitySql) ?? cities[0].Code;

        var drivers = await CountyDriversAsync(db, window, counties, returnShare);
        var demands = new List<Demand>();
        var rates = (await db.QueryAsync<RateRow>(RatesSql)).ToList();
        foreach (var rate in rates)
        {
            foreach (var county in counties)
            {
                var driver = drivers.GetValueOrDefault((county.Code, rate.Segment));
                var scale = rate.RiskScaled ? multipliers.GetValueOrDefault(county.RiskLevel ?? 3, 1.0) : 1.0;
                var daily = Math.Round(driver * rate.Rate * scale * overrides.Demand(county.Code, rate.Tier), MidpointRounding.AwayFromZero);
                if (daily <= 0) continue;
                for (var day = 0; day < horizon; day++)
                {
                    demands.Add(new Demand(county.Code, rate.Product, day, rate.Tier, daily, rate.Segment));
                }
            }
        }
        var hubeiTier = tiers.Min(t => t.Tier);
        foreach (var r in await db.QueryAsync<RequestRow>(HubeiSql))
        {
            for (var day = 0; day < horizon; day++)
            {
                var date = planStart.AddDays(day);
                if (date >= r.StartDate && date < r.StartDate.AddDays(r.DurationDays))
                {
                    var quantity = Math.Round(r.Quantity * (overrides.HubeiQuota ?? 1), MidpointRounding.AwayFromZero);
                    if (quantity > 0) demands.Add(new Demand(r.Site, r.Product, day, hubeiTier, quantity, "hubei"));
                }
            }
        }

        var problem = new AllocationProblem
        {
            Days = horizon,
            Products = products.Select(p => p.Code).ToList(),
            Depots = [province.Code, .. cities.Select(c => c.Code)],
            Destinations = counties.Concat(sites).Select(r => r.Code).ToList(),
            Supplies = supplies,
            Demands = demands,
            Lanes = Lanes(province, cities.Single(c => c.Code == reserveCity), cities, counties, sites),
            ReserveFloors = floors,
            Population = counties.ToDictionary(c => c.Code, c => (double)(c.Population ?? 0), StringComparer.Ordinal),
        };
        // The whole five-level tree, weighted by population, for breaking county plans down to villages.
        var tree = regions.Where(r => r.Level != "external").Select(r => new RegionNode(r.Code, r.ParentCode, r.Population ?? 0)).ToList();
        var care = await CarePlanning.ReadAsync(db, planStart, parameters);
        var (teams, hubeiNeeds) = overrides.Care(care.Teams, care.HubeiNeeds);
        care = care with { Teams = teams, HubeiNeeds = hubeiNeeds };
        var criticalCare = rates.Where(r => r.Segment == CriticalCareSegment).Select(r => (r.Product, r.Rate, r.Tier)).ToList();
        return new PlanSnapshot(planStart, horizon, regions, products, tiers, problem, tree, care, criticalCare);
    }

    /// <summary>
    /// The driver of every segment in every county: hospital census and staff from capacity reports,
    /// the rest from the county drivers, return-to-work employees at the target share, residents for the public.
    /// </summary>
    private static async Task<Dictionary<(string County, string Segment), double>> CountyDriversAsync(DbConnection db, object window, List<RegionInfo> counties, double returnShare)
    {
        var drivers = new Dictionary<(string, string), double>();
        foreach (var h in await db.QueryAsync<HospitalDriverRow>(HospitalDriversSql, window))
        {
            drivers[(h.County, "critical_care")] = h.SevereCritical;
            drivers[(h.County, "inpatient")] = Math.Max(0, h.OtherInpatients);
            drivers[(h.County, "staff")] = h.Staff;
        }
        foreach (var c in await db.QueryAsync<CountyDriverRow>(CountyDriversSql))
        {
            drivers[(c.County, "fever_clinic")] = c.FeverClinicVisits;
            drivers[(c.County, "small_gates")] = c.Checkpoints;
            drivers[(c.County, "key_population")] = c.KeyPopulation;
            drivers[(c.County, "return_to_work")] = c.Employees * returnShare;
        }
        foreach (var county in counties)
        {
            drivers[(county.Code, "public")] = county.Population ?? 0;
        }
        return drivers;
    }

    /// <summary>
    /// City depot → its counties (same day); city ↔ city transfers (next day: no two Zhejiang cities are more than a
    /// day's drive apart); the provincial depot, which sits in the reserve's city, → every city (same day to its own,
    /// next day to the others); every depot → each assistance site (a day per 800 km, the distance a truck on the
    /// epidemic "green channel" covered in a day). Costs are unit-km.
    /// </summary>
    private static List<Lane> Lanes(RegionInfo province, RegionInfo reserveCity, List<RegionInfo> cities, List<RegionInfo> counties, List<RegionInfo> sites)
    {
        var lanes = new List<Lane>();
        foreach (var city in cities)
        {
            lanes.AddRange(counties.Where(c => c.ParentCode == city.Code).Select(c => new Lane(city.Code, c.Code, 0, CountyLegKm)));
            foreach (var other in cities.Where(o => o.Code != city.Code))
            {
                lanes.Add(new Lane(city.Code, other.Code, 1, Distance(city, other), Kind: LaneKind.Transfer));
            }
            lanes.Add(new Lane(province.Code, city.Code, city.Code == reserveCity.Code ? 0 : 1, Distance(reserveCity, city), Kind: LaneKind.Provincial));
        }
        foreach (var site in sites)
        {
            foreach (var from in cities.Prepend(reserveCity with { Code = province.Code }))
            {
                var km = Distance(from, site);
                lanes.Add(new Lane(from.Code, site.Code, Math.Max(1, (int)Math.Ceiling(km / 800)), km));
            }
        }
        return lanes;
    }

    /// <summary>Great-circle distance in km, rounded to whole km so costs are stable across platforms.</summary>
    public static double Distance(RegionInfo a, RegionInfo b)
    {
        if (a.Lat is not { } lat1 || a.Lon is not { } lon1 || b.Lat is not { } lat2 || b.Lon is not { } lon2)
        {
            throw new PlannerException($"Region {a.Code} or {b.Code} has no coordinates; add them to data/city-coordinates.csv.");
        }
        static double Rad(double deg) => deg * Math.PI / 180;
        var h = Math.Pow(Math.Sin(Rad(lat2 - lat1) / 2), 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Pow(Math.Sin(Rad(lon2 - lon1) / 2), 2);
        return Math.Round(2 * 6371 * Math.Asin(Math.Sqrt(h)));
    }

    private sealed class ParameterRow { public string Name { get; set; } = ""; public string Value { get; set; } = ""; }
    private sealed class RiskRow { public int Level { get; set; } public double Multiplier { get; set; } }
    private sealed class SupplyRow { public string Depot { get; set; } = ""; public string Product { get; set; } = ""; public DateOnly Day { get; set; } public long Quantity { get; set; } }
    private sealed class RateRow { public string Segment { get; set; } = ""; public string Product { get; set; } = ""; public double Rate { get; set; } public int Tier { get; set; } public string Driver { get; set; } = ""; public bool RiskScaled { get; set; } }
    private sealed class RequestRow { public string Site { get; set; } = ""; public string Product { get; set; } = ""; public long Quantity { get; set; } public DateOnly StartDate { get; set; } public int DurationDays { get; set; } }
    private sealed class HospitalDriverRow { public string County { get; set; } = ""; public long SevereCritical { get; set; } public long OtherInpatients { get; set; } public long Staff { get; set; } }
    private sealed class CountyDriverRow { public string County { get; set; } = ""; public long Employees { get; set; } public long KeyPopulation { get; set; } public long FeverClinicVisits { get; set; } public long Checkpoints { get; set; } }

    private static string Parameter(Dictionary<string, string> parameters, string name) =>
        parameters.TryGetValue(name, out var value) ? value : throw new PlannerException($"Planning parameter {name} is missing from data/reference/planning-parameters.csv.");
}
