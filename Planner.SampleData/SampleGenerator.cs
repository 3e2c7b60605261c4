using static Planner.SampleData.Sampling;

namespace Planner.SampleData;

/// <summary>
/// Writes the Zhejiang sample (data/sample/*.csv): a day-by-day replay of 23 January - 10 March 2020 calibrated on the
/// real series in data/ (the epidemic by province and city, the county risk map, the supply milestones), on the real
/// division and census files, and on the planning assumptions in data/reference. Everything it invents is seeded, each
/// part with its own stream, so the same seed and scale always give byte-identical files; see data/README.md for what
/// is real, what is derived and how.
/// </summary>
public static class SampleGenerator
{
    // The random stream of each part (Sampling.Stream).
    private const int CasesPart = 1;
    private const int DriversPart = 2;
    private const int HospitalsPart = 3;
    private const int CapacityPart = 4;
    private const int TeamsPart = 5;
    private const int RequestsPart = 6;
    private const int SuppliersPart = 7;
    private const int ProductionPart = 8;
    private const int StockPart = 9;
    private const int CapacitiesPart = 10;

    private sealed record Situation(List<SampleCounty> Counties, List<CountyDrivers> Drivers, Cases Cases);

    public static IReadOnlyList<string> Write(string dataDir, string outDir, int seed = 2020, double scale = 1.0)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDir);
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);

        var regions = Regions.Load(dataDir);
        var assumptions = Assumptions.Load(Path.Combine(dataDir, "reference"));
        var history = History.Load(dataDir);
        var census = Census.Build(history, regions.Cities.Select(c => c.Code).ToList());
        var files = new CsvFiles(outDir);

        var situation = WriteSituation(files, seed, regions, history, census);
        var (reports, requests, teams) = WriteCare(
            files,
            seed,
            scale,
            regions,
            history,
            census,
            situation,
            assumptions
        );
        var demand = Demand.ByTier(assumptions, situation.Drivers, reports, requests, teams);
        WriteSupply(files, seed, scale, regions, history, demand, assumptions);
        return files.Written;
    }

    /// <summary>populations.csv, case-bulletins.csv, risk-map.csv, county-drivers.csv and workforce.csv.</summary>
    private static Situation WriteSituation(CsvFiles files, int seed, Regions regions, History h, Census census)
    {
        var population = regions.EstimatePopulations();
        files.Save(
            "populations.csv",
            "code,level,population",
            population.Select(p => Row(p.Key, p.Value.Level, p.Value.Population))
        );

        var counties = regions.SampleCounties(population);
        var cases = Cases.Build(Stream(seed, CasesPart), h, census, counties, RiskMap.Boost(h, counties));
        files.Save(
            "case-bulletins.csv",
            "county_code,report_date,confirmed_cumulative,new_confirmed,under_observation",
            cases.Rows(h)
        );

        var map = RiskMap.Build(h, counties, cases);
        files.Save("risk-map.csv", "county_code,effective_date,risk_level", RiskMap.Rows(map));

        // The drivers are those of the first map day, the day before Zhejiang's enterprises reopened.
        var firstMap = map.Keys.Min(k => k.Day);
        var drivers = CountyDrivers.Build(
            Stream(seed, DriversPart),
            counties,
            c => map[(c.Code, firstMap)],
            c => cases.Observation[c.Code][h.IndexOf(firstMap)]
        );
        files.Save(
            "county-drivers.csv",
            "county_code,risk_level,employees,key_population,fever_clinic_visits,checkpoints",
            drivers.Select(c => Row(c.Code, c.Risk, c.Employees, c.KeyPopulation, c.FeverVisits, c.Checkpoints))
        );
        files.Save("workforce.csv", "county_code,report_date,employees_on_post", Workforce.Rows(h, drivers));
        return new Situation(counties, drivers, cases);
    }

    /// <summary>hospitals.csv, capacity.csv, teams.csv, team-members.csv and assistance-requests.csv.</summary>
    private static (List<Report> Reports, List<Request> Requests, List<Team> Teams) WriteCare(
        CsvFiles files,
        int seed,
        double scale,
        Regions regions,
        History h,
        Census census,
        Situation situation,
        Assumptions assumptions
    )
    {
        var hospitals = Hospitals.Build(Stream(seed, HospitalsPart), regions, situation.Counties, scale);
        files.Save(
            "hospitals.csv",
            "code,name,county_code,designated,grade",
            hospitals.Select(x => Row(x.Code, x.Name, x.County.Code, x.Designated ? 1 : 0, x.Grade))
        );
        var reports = Hospitals.Capacity(Stream(seed, CapacityPart), h, hospitals, census, situation.Cases);
        files.Save("capacity.csv", Hospitals.CapacityHeader, Hospitals.Rows(reports));

        var teams = Teams.Build(Stream(seed, TeamsPart), h, regions, scale, assumptions.PlanStart);
        files.Save(
            "teams.csv",
            "code,name,home_city_code,level,available_from,available_to,rest_days,current_site",
            Teams.Rows(teams)
        );
        files.Save("team-members.csv", "team_code,specialty,members", Teams.MemberRows(teams));

        var requests = Requests.Build(Stream(seed, RequestsPart), assumptions);
        files.Save("assistance-requests.csv", Requests.Header, Requests.Rows(requests));
        return (reports, requests, teams);
    }

    /// <summary>suppliers.csv, supplier-products.csv, production.csv and stock.csv.</summary>
    private static void WriteSupply(
        CsvFiles files,
        int seed,
        double scale,
        Regions regions,
        History h,
        Dictionary<(string Product, int Tier), double> demand,
        Assumptions assumptions
    )
    {
        var suppliers = Supply.Suppliers(Stream(seed, SuppliersPart), regions, scale);
        files.Save(
            "suppliers.csv",
            "code,name,county_code,kind",
            suppliers.Select(s => Row(s.Code, s.Name, s.County, s.Kind))
        );

        var output = Supply.ProvinceOutput(h, assumptions, demand);
        var capacity = Supply.Capacities(Stream(seed, CapacitiesPart), suppliers, output, assumptions, h);
        files.Save(
            "supplier-products.csv",
            "supplier_code,product_code,daily_capacity",
            capacity.Select(c => Row(c.Key.Supplier, c.Key.Product, c.Value))
        );
        var production = Supply.Production(Stream(seed, ProductionPart), h, suppliers, capacity, output);
        files.Save(
            "production.csv",
            "supplier_code,product_code,report_date,output",
            Supply.ProductionRows(h, production)
        );
        files.Save(
            "stock.csv",
            "supplier_code,product_code,as_of,quantity",
            Stock.Rows(Stream(seed, StockPart), h, regions, suppliers, production, demand, assumptions)
        );
    }
}
