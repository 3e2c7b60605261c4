using System.Globalization;
using System.Text;
using Planner.Api.ReferenceData;
using Planner.Solver.Care;

namespace Planner.SampleData;

/// <summary>
/// Writes the synthetic Zhejiang sample (data/sample/*.csv) from the real division and census files
/// and the hand-written planning assumptions in data/reference. Everything it invents is seeded, so
/// the same seed and scale always give byte-identical files; see data/README.md for the method.
/// </summary>
public static class SampleGenerator
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    // The statistics-only Wenzhou development zone: not one of the 90 official counties.
    private const string StatisticsOnlyZone = "330371";

    // Supply is calibrated to cover tiers 1-3 in full and this share of tier 4; tier 5 gets what is left.
    private const double Tier4CoverShare = 0.5;

    // Of the calibrated supply, this share is already in stock the day before the plan starts.
    private const double StockShare = 0.35;

    // Output noise is uniform in [0.9, 1.0]: factories rarely beat their capacity.
    private const double MeanNoise = 0.95;

    private static readonly string[] Products = ["N95", "SURGICAL", "COVERALL", "GOGGLES", "GLOVES"];

    // Centrally allocated items in Feb 2020 were medical-grade PPE, not everyday masks or gloves.
    private static readonly string[] NationalProducts = ["N95", "COVERALL", "GOGGLES"];

    private static readonly string[] Grades = ["三级甲等", "三级乙等", "二级甲等", "二级乙等"];

    private static readonly string[] ExtraHospitalNames =
    [
        "第二人民医院",
        "中医院",
        "妇幼保健院",
        "中西医结合医院",
        "第三人民医院",
        "骨伤医院",
    ];

    // Per city: confirmed patients in hospital on the last report day, shaped on the public daily reports (about
    // 1,100 cumulative cases by 2020-02-10, Wenzhou first; approximate, not official figures), and the weight by which
    // factories are placed there (textile and medical-supply industry is concentrated in Shaoxing, Hangzhou, Ningbo,
    // Huzhou and Taizhou).
    private static readonly Dictionary<string, (int ConfirmedInHospital, double IndustryWeight)> CityFigures = new(
        StringComparer.Ordinal
    )
    {
        ["330100"] = (150, 3), // Hangzhou
        ["330200"] = (135, 2.5), // Ningbo
        ["330300"] = (410, 0.5), // Wenzhou
        ["330400"] = (35, 1.5), // Jiaxing
        ["330500"] = (9, 2), // Huzhou
        ["330600"] = (37, 3), // Shaoxing
        ["330700"] = (45, 1.5), // Jinhua
        ["330800"] = (18, 0.5), // Quzhou
        ["330900"] = (9, 0.5), // Zhoushan
        ["331000"] = (125, 2), // Taizhou
        ["331100"] = (15, 0.5), // Lishui
    };

    private sealed record Division(string Code, string Name, string Level, string Parent);

    private sealed record Regions(
        List<Division> Cities,
        Dictionary<string, List<Division>> Children,
        Dictionary<string, long> CityPopulation
    )
    {
        public List<Division> Of(string code) => Children.TryGetValue(code, out var list) ? list : [];

        public IEnumerable<Division> Counties => Cities.SelectMany(c => Of(c.Code));
    }

    private sealed record County(
        Division Division,
        string City,
        long Population,
        int Villages,
        int Risk,
        long Employees,
        long KeyPopulation,
        long FeverVisits,
        long Checkpoints
    );

    private sealed record Hospital(string Code, string Name, County County, bool Designated, bool Hub, string Grade);

    // One day's capacity report; the columns are those of capacity.csv after hospital_code and report_date.
    private sealed record Report(Hospital Hospital, DateOnly Day, int[] Values)
    {
        public int Severe => Values[6];
        public int Critical => Values[7];
        public int Staff => Values[12];
        public int OtherInpatients => Values[1] + Values[3] - Values[6] - Values[7];
    }

    // COVID patients in each hospital on each of the report days: confirmed (all), and of them severe and critical.
    private sealed record Patients(
        int Days,
        Dictionary<Hospital, int[]> Confirmed,
        Dictionary<Hospital, int[]> Severe,
        Dictionary<Hospital, int[]> Critical
    );

    // A hospital's beds and machines, the same on each report day, and its suspected patients (in isolation beds).
    private sealed record Beds(int General, int[] Suspected, int Isolation, int Icu, int Ventilators, int Ecmo);

    private sealed record Request(
        string Code,
        string Site,
        string Kind,
        string Product,
        string Specialty,
        int Quantity,
        DateOnly Start,
        int Days
    );

    private sealed record Supplier(
        string Code,
        string Name,
        string County,
        string City,
        string Kind,
        List<string> Makes
    );

    private sealed record Assumptions(
        DateOnly PlanStart,
        int HorizonDays,
        double ReturnToWorkShare,
        Dictionary<string, (int Tier, bool RiskScaled)> Segments,
        List<(string Segment, string Product, double Rate)> Rates,
        Dictionary<int, double> RiskMultiplier,
        List<string> Sites
    )
    {
        public DateOnly HorizonEnd => PlanStart.AddDays(HorizonDays - 1);
    }

    public static IReadOnlyList<string> Write(string dataDir, string outDir, int seed = 2020, double scale = 1.0)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDir);
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);

        var regions = LoadRegions(dataDir);
        var assumptions = LoadAssumptions(Path.Combine(dataDir, "reference"));
        var rng = new Random(seed);
        var files = new CsvFiles(outDir);

        // The order of the calls below is the order the random stream is consumed in: do not reorder.
        var counties = WriteRegions(files, rng, regions);
        var (reports, requests) = WriteCare(files, rng, regions, counties, scale, assumptions);
        var demand = HorizonDemandByTier(assumptions, counties, reports, requests);
        WriteSupply(files, rng, regions, scale, demand, assumptions);
        return files.Written;
    }

    /// <summary>The files written so far, in order.</summary>
    private sealed class CsvFiles(string outDir)
    {
        public List<string> Written { get; } = [];

        public void Save(string name, string header, IEnumerable<string> rows) =>
            Written.Add(WriteCsv(Path.Combine(outDir, name), header, rows));
    }

    /// <summary>populations.csv and county-drivers.csv.</summary>
    private static List<County> WriteRegions(CsvFiles files, Random rng, Regions regions)
    {
        var population = EstimatePopulations(regions);
        files.Save(
            "populations.csv",
            "code,level,population",
            population.Select(p => Row(p.Key, p.Value.Level, p.Value.Population))
        );

        var counties = CountyDrivers(rng, regions, population);
        files.Save(
            "county-drivers.csv",
            "county_code,risk_level,employees,key_population,fever_clinic_visits,checkpoints",
            counties.Select(c =>
                Row(c.Division.Code, c.Risk, c.Employees, c.KeyPopulation, c.FeverVisits, c.Checkpoints)
            )
        );
        return counties;
    }

    /// <summary>hospitals.csv, capacity.csv, teams.csv, team-members.csv and assistance-requests.csv.</summary>
    private static (List<Report> Reports, List<Request> Requests) WriteCare(
        CsvFiles files,
        Random rng,
        Regions regions,
        List<County> counties,
        double scale,
        Assumptions assumptions
    )
    {
        var hospitals = Hospitals(rng, regions, counties, scale);
        files.Save(
            "hospitals.csv",
            "code,name,county_code,designated,grade",
            hospitals.Select(h => Row(h.Code, h.Name, h.County.Division.Code, h.Designated ? 1 : 0, h.Grade))
        );

        var reports = CapacityReports(rng, hospitals, assumptions.PlanStart);
        files.Save(
            "capacity.csv",
            "hospital_code,report_date,beds_general_total,beds_general_occupied,beds_isolation_total,"
                + "beds_isolation_occupied,beds_icu_total,beds_icu_occupied,severe_patients,critical_patients,"
                + "ventilators_total,ventilators_in_use,ecmo_total,ecmo_in_use,staff_on_duty",
            reports.Select(r => Row([r.Hospital.Code, Date(r.Day), .. r.Values.Select(v => (object)v)]))
        );

        var (teams, members) = Teams(rng, regions, scale, assumptions);
        files.Save(
            "teams.csv",
            "code,name,home_city_code,level,available_from,available_to,rest_days,current_site",
            teams
        );
        files.Save("team-members.csv", "team_code,specialty,members", members);

        var requests = AssistanceRequests(rng, assumptions);
        files.Save(
            "assistance-requests.csv",
            "code,site_code,kind,product_code,specialty,quantity,start_date,duration_days",
            requests.Select(q => Row(q.Code, q.Site, q.Kind, q.Product, q.Specialty, q.Quantity, Date(q.Start), q.Days))
        );
        return (reports, requests);
    }

    /// <summary>suppliers.csv, supplier-products.csv, production.csv and stock.csv, calibrated on the demand.</summary>
    private static void WriteSupply(
        CsvFiles files,
        Random rng,
        Regions regions,
        double scale,
        Dictionary<(string Product, int Tier), double> demand,
        Assumptions assumptions
    )
    {
        var suppliers = Suppliers(rng, regions, scale);
        files.Save(
            "suppliers.csv",
            "code,name,county_code,kind",
            suppliers.Select(s => Row(s.Code, s.Name, s.County, s.Kind))
        );

        var capacity = DailyCapacities(rng, suppliers, demand, assumptions);
        files.Save(
            "supplier-products.csv",
            "supplier_code,product_code,daily_capacity",
            capacity.Select(c => Row(c.Key.Supplier, c.Key.Product, c.Value))
        );
        files.Save(
            "production.csv",
            "supplier_code,product_code,report_date,output",
            Production(rng, suppliers, capacity, assumptions)
        );
        files.Save(
            "stock.csv",
            "supplier_code,product_code,as_of,quantity",
            Stock(regions, suppliers, capacity, demand, assumptions)
        );
    }

    /// <summary>Counties (without the statistics-only zone), towns and villages, each with an estimated
    /// population.</summary>
    private static SortedDictionary<string, (string Level, long Population)> EstimatePopulations(Regions regions)
    {
        // Weights are doubled so that 1.0 (村委会) and 2.5 (residents' committees, communities) stay integers
        // and the split below is exact integer arithmetic.
        static long VillageWeight(Division v) => v.Name.EndsWith("村委会", StringComparison.Ordinal) ? 2 : 5;
        long TownWeight(Division t) => regions.Of(t.Code) is { Count: > 0 } villages ? villages.Sum(VillageWeight) : 2;
        long CountyWeight(Division c) => regions.Of(c.Code) is { Count: > 0 } towns ? towns.Sum(TownWeight) : 2;

        var result = new SortedDictionary<string, (string, long)>(StringComparer.Ordinal);
        void SplitInto(List<Division> parts, long total, Func<Division, long> weight)
        {
            var shares = Split(total, parts.Select(weight).ToList());
            for (var i = 0; i < parts.Count; i++)
            {
                result[parts[i].Code] = (parts[i].Level, shares[i]);
            }
        }

        foreach (var city in regions.Cities)
        {
            SplitInto(regions.Of(city.Code), regions.CityPopulation[city.Code], CountyWeight);
            foreach (var county in regions.Of(city.Code))
            {
                SplitInto(regions.Of(county.Code), result[county.Code].Item2, TownWeight);
                foreach (var town in regions.Of(county.Code))
                {
                    SplitInto(regions.Of(town.Code), result[town.Code].Item2, VillageWeight);
                }
            }
        }

        return result;
    }

    private static List<County> CountyDrivers(
        Random rng,
        Regions regions,
        SortedDictionary<string, (string Level, long Population)> population
    )
    {
        var result = new List<County>();
        foreach (var county in regions.Counties)
        {
            var city = county.Parent;
            // Wenzhou was the worst-hit city outside Hubei; Hangzhou, Ningbo and Taizhou followed.
            var risk = city switch
            {
                "330300" => Pick(rng, [3, 4, 5], [0.15, 0.45, 0.40]),
                "330100" or "330200" or "331000" => Pick(rng, [2, 3, 4], [0.3, 0.5, 0.2]),
                _ => Pick(rng, [1, 2, 3], [0.35, 0.45, 0.2]),
            };
            var pop = population[county.Code].Population;
            var villages = regions.Of(county.Code).Sum(t => regions.Of(t.Code).Count);
            var employees = Round(pop * (0.45 + (0.10 * rng.NextDouble())));
            var keyPopulation = Round(pop * (0.0005 + (0.0025 * (risk - 1) / 4.0)) * (0.8 + (0.4 * rng.NextDouble())));
            var feverVisits = Round(pop / 10_000.0 * (0.6 + (0.4 * risk)) * (0.8 + (0.4 * rng.NextDouble())));
            // Every village or community ran a gate; add highway exits, stations and ports.
            var checkpoints = villages + 2 + rng.Next(0, 7);
            result.Add(
                new County(county, city, pop, villages, risk, employees, keyPopulation, feverVisits, checkpoints)
            );
        }

        return result;
    }

    private static List<Hospital> Hospitals(Random rng, Regions regions, List<County> counties, double scale)
    {
        // One designated hospital per county and one hub per city are the skeleton; the rest are spread by population.
        var perCounty = counties.ToDictionary(
            c => c.Division.Code,
            _ => new List<(string Name, bool Designated, bool Hub, string Grade)>(),
            StringComparer.Ordinal
        );
        foreach (var city in regions.Cities)
        {
            perCounty[regions.Of(city.Code)[0].Code].Add(($"{city.Name}第一人民医院", true, true, Grades[0]));
        }

        foreach (var c in counties)
        {
            var urban = c.Division.Name.EndsWith('区');
            perCounty[c.Division.Code]
                .Add(
                    ($"{c.Division.Name}人民医院", true, false, urban ? Grades[rng.Next(0, 2)] : Grades[rng.Next(1, 3)])
                );
        }

        var extra = Math.Max(0, (int)Math.Round(200 * scale) - counties.Count - regions.Cities.Count);
        var weights = counties.Select(c => (double)c.Population).ToArray();
        for (var i = 0; i < extra; i++)
        {
            var county = counties[Pick(rng, Enumerable.Range(0, counties.Count).ToArray(), weights)].Division;
            var list = perCounty[county.Code];
            var n = list.Count(h => !h.Designated);
            var suffix = n >= ExtraHospitalNames.Length ? (n / ExtraHospitalNames.Length + 1).ToString(Inv) : "";
            list.Add(
                (
                    $"{county.Name}{ExtraHospitalNames[n % ExtraHospitalNames.Length]}{suffix}",
                    false,
                    false,
                    Pick(rng, Grades, [0.15, 0.2, 0.4, 0.25])
                )
            );
        }

        var result = new List<Hospital>();
        foreach (var c in counties)
        {
            foreach (var h in perCounty[c.Division.Code])
            {
                result.Add(new Hospital(Code("H-", result.Count + 1, 4), h.Name, c, h.Designated, h.Hub, h.Grade));
            }
        }

        return result;
    }

    /// <summary>Three daily reports per hospital before the plan starts; COVID patients only in designated
    /// hospitals.</summary>
    private static List<Report> CapacityReports(Random rng, List<Hospital> hospitals, DateOnly planStart)
    {
        double[] dayFactor = [0.94, 0.97, 1.0]; // cases were still rising slowly
        var patients = CovidPatients(rng, hospitals, dayFactor);
        var result = new List<Report>();
        foreach (var h in hospitals)
        {
            result.AddRange(HospitalReports(rng, h, patients, planStart));
        }

        return result;
    }

    private static Patients CovidPatients(Random rng, List<Hospital> hospitals, double[] dayFactor)
    {
        var days = dayFactor.Length;
        var patients = new Patients(
            days,
            hospitals.ToDictionary(h => h, _ => new int[days]),
            hospitals.ToDictionary(h => h, _ => new int[days]),
            hospitals.ToDictionary(h => h, _ => new int[days])
        );
        foreach (
            var group in hospitals
                .Where(h => h.Designated)
                .GroupBy(h => h.County.City)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
        )
        {
            var list = group.ToList();
            // Patients were concentrated in the city hubs: half of all cases, three quarters of severe and critical.
            var others = list.Where(h => !h.Hub).Sum(h => (long)h.County.Risk);
            var caseWeights = list.Select(h => h.Hub ? Math.Max(1, others) : h.County.Risk).ToList();
            var sickWeights = list.Select(h => h.Hub ? Math.Max(1, 3 * others) : h.County.Risk).ToList();
            for (var d = 0; d < days; d++)
            {
                var total = (long)Math.Round(CityFigures[group.Key].ConfirmedInHospital * dayFactor[d]);
                var sev = Round(total * (0.10 + (0.05 * rng.NextDouble())));
                var crit = Round(total * (0.02 + (0.02 * rng.NextDouble())));
                var sevSplit = Split(sev, sickWeights);
                var critSplit = Split(crit, sickWeights);
                var mildSplit = Split(total - sev - crit, caseWeights);
                for (var i = 0; i < list.Count; i++)
                {
                    patients.Severe[list[i]][d] = (int)sevSplit[i];
                    patients.Critical[list[i]][d] = (int)critSplit[i];
                    patients.Confirmed[list[i]][d] = (int)(sevSplit[i] + critSplit[i] + mildSplit[i]);
                }
            }
        }

        return patients;
    }

    private static Beds HospitalBeds(Random rng, Hospital h, int grade, Patients patients)
    {
        int Between(int lo, int hi) => rng.Next(lo, hi + 1);
        var general = grade switch
        {
            0 => Between(800, 2500),
            1 => Between(400, 1000),
            2 => Between(200, 600),
            _ => Between(80, 250),
        };
        var suspected = Enumerable
            .Range(0, patients.Days)
            .Select(_ => h.Designated ? Between(2, 15) : Between(0, 5))
            .ToArray();
        var isolationNeed = Enumerable.Range(0, patients.Days).Max(d => patients.Confirmed[h][d] + suspected[d]);
        var isolation = Math.Max(
            h.Hub ? Between(100, 300)
                : h.Designated ? Between(40, 150)
                : Between(4, 20),
            isolationNeed + 5
        );
        var icuNeed = patients.Critical[h].Max() + 2;
        var icu = Math.Max(
            grade switch
            {
                0 => Between(30, 100),
                1 => Between(15, 40),
                2 => Between(6, 20),
                _ => Between(2, 8),
            },
            icuNeed
        );
        var ventilators = (int)Math.Max(Round(icu * (0.8 + (0.4 * rng.NextDouble()))), icuNeed);
        var ecmo =
            h.Hub ? Between(2, 6)
            : grade == 0 ? Between(0, 3)
            : 0;
        return new Beds(general, suspected, isolation, icu, ventilators, ecmo);
    }

    private static List<Report> HospitalReports(Random rng, Hospital h, Patients patients, DateOnly planStart)
    {
        var b = HospitalBeds(rng, h, Array.IndexOf(Grades, h.Grade), patients);
        var occupancy = 0.55 + (0.2 * rng.NextDouble()); // elective care was postponed
        var icuOccupancy = 0.4 + (0.3 * rng.NextDouble());
        var staffPerBed = 0.45 + (0.15 * rng.NextDouble());
        var result = new List<Report>();
        for (var d = 0; d < patients.Days; d++)
        {
            var jitter = 0.97 + (0.06 * rng.NextDouble());
            var confirmed = patients.Confirmed[h][d];
            var crit = patients.Critical[h][d];
            var icuOther = Round((b.Icu - crit) * icuOccupancy * jitter);
            var ventInUse = (int)Math.Min(b.Ventilators, crit + Round(icuOther * 0.5));
            var staff = Round((b.General + b.Isolation + b.Icu) * staffPerBed * jitter) + (confirmed * 3 / 2);
            int[] values =
            [
                b.General,
                (int)Math.Min(b.General, Round(b.General * occupancy * jitter)),
                b.Isolation,
                confirmed + b.Suspected[d],
                b.Icu,
                crit + (int)icuOther,
                patients.Severe[h][d],
                crit,
                b.Ventilators,
                ventInUse,
                b.Ecmo,
                Math.Min(b.Ecmo, crit / 5),
                (int)staff,
            ];
            result.Add(new Report(h, planStart.AddDays(d - patients.Days), values));
        }

        return result;
    }

    private static (List<string> Teams, List<string> Members) Teams(
        Random rng,
        Regions regions,
        double scale,
        Assumptions a
    )
    {
        // A quarter are high-level provincial teams drawn from the provincial hospitals in Hangzhou;
        // the rest are city teams in proportion to population. The first few are already in Hubei.
        var total = Math.Max(12, (int)Math.Round(60 * scale));
        var provincial = total / 4;
        var perCity = Split(total - provincial, regions.Cities.Select(c => regions.CityPopulation[c.Code]).ToList());
        var homes = Enumerable
            .Repeat((City: regions.Cities[0], Level: "provincial"), provincial)
            .Concat(regions.Cities.SelectMany((c, i) => Enumerable.Repeat((City: c, Level: "city"), (int)perCity[i])))
            .ToList();
        var deployed = Math.Max(1, provincial / 3);
        var teams = new List<string>();
        var members = new List<string>();
        var seqInCity = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < homes.Count; i++)
        {
            var (city, level) = homes[i];
            var code = Code("T-", i + 1, 3);
            var n = seqInCity[city.Code + level] = seqInCity.GetValueOrDefault(city.Code + level) + 1;
            var name = level == "provincial" ? $"浙江省第{n}支高级别医疗队" : $"{city.Name}医疗队{n}";
            var site = i < deployed ? a.Sites[i % a.Sites.Count] : "";
            var from =
                site.Length > 0 ? new DateOnly(2020, 1, 25).AddDays(2 * i) : a.PlanStart.AddDays(rng.Next(-7, 4));
            teams.Add(Row(code, name, city.Code, level, Date(from), Date(new DateOnly(2020, 4, 30)), 14, site));
            // Members per specialty, from lo to hi, in the order of Specialties.All.
            int[] lo = level == "provincial" ? [3, 2, 2, 10, 5, 1] : [0, 1, 0, 3, 3, 0];
            int[] hi = level == "provincial" ? [8, 6, 5, 30, 20, 3] : [3, 3, 2, 10, 10, 1];
            for (var s = 0; s < Specialties.All.Count; s++)
            {
                var count = rng.Next(lo[s], hi[s] + 1);
                if (count > 0)
                {
                    members.Add(Row(code, Specialties.All[s], count));
                }
            }
        }

        return (teams, members);
    }

    /// <summary>Two weekly supply requests per Hubei site and product (units per day), plus a few team
    /// requests.</summary>
    private static List<Request> AssistanceRequests(Random rng, Assumptions a)
    {
        // Per-day base quantities for the first site (Wuhan); the paired city asks for about a third.
        int[] basePerDay = [20_000, 80_000, 8_000, 3_000, 30_000];
        var result = new List<Request>();
        string NextCode() => Code("AR-", result.Count + 1, 4);
        for (var s = 0; s < a.Sites.Count; s++)
        {
            var siteFactor = s == 0 ? 1.0 : 0.3;
            for (var p = 0; p < Products.Length; p++)
            {
                var week1 = basePerDay[p] * siteFactor * (0.9 + (0.2 * rng.NextDouble()));
                var week2 = week1 * (1.0 + (0.3 * rng.NextDouble()));
                foreach (var (perDay, start) in new[] { (week1, a.PlanStart), (week2, a.PlanStart.AddDays(7)) })
                {
                    var quantity = (int)Math.Round(perDay / 100) * 100;
                    result.Add(new Request(NextCode(), a.Sites[s], "supply", Products[p], "", quantity, start, 7));
                }
            }
        }

        (int Site, string Specialty, int People, int StartOffset, int Days)[] teams =
        [
            (0, "critical_care", 10, 2, 28),
            (0, "respiratory", 6, 2, 28),
            (0, "icu_nursing", 40, 2, 28),
            (0, "infection_control", 4, 7, 21),
            (0, "general_nursing", 30, 7, 21),
            (1, "infectious_disease", 5, 3, 21),
            (1, "icu_nursing", 15, 3, 21),
            (1, "general_nursing", 20, 3, 21),
        ];
        foreach (var t in teams.Where(t => t.Site < a.Sites.Count))
        {
            result.Add(
                new Request(
                    NextCode(),
                    a.Sites[t.Site],
                    "team",
                    "",
                    t.Specialty,
                    t.People,
                    a.PlanStart.AddDays(t.StartOffset),
                    t.Days
                )
            );
        }

        return result;
    }

    /// <summary>Demand over the horizon per product and tier, by the same rule the plan uses; only for calibrating
    /// supply.</summary>
    private static Dictionary<(string Product, int Tier), double> HorizonDemandByTier(
        Assumptions a,
        List<County> counties,
        List<Report> reports,
        List<Request> requests
    )
    {
        var latest = reports
            .GroupBy(r => r.Hospital)
            .Select(g => g.MaxBy(r => r.Day)!)
            .ToLookup(r => r.Hospital.County);
        var demand = new Dictionary<(string, int), double>();
        void Add(string product, int tier, double units) =>
            demand[(product, tier)] = demand.GetValueOrDefault((product, tier)) + units;
        foreach (var c in counties)
        {
            var hospitalReports = latest[c].ToList();
            foreach (var (segment, product, rate) in a.Rates)
            {
                double driver = segment switch
                {
                    "critical_care" => hospitalReports.Sum(r => r.Severe + r.Critical),
                    "inpatient" => hospitalReports.Sum(r => r.OtherInpatients),
                    "staff" => hospitalReports.Sum(r => r.Staff),
                    "fever_clinic" => c.FeverVisits,
                    "small_gates" => c.Checkpoints,
                    "key_population" => c.KeyPopulation,
                    "return_to_work" => c.Employees * a.ReturnToWorkShare,
                    "public" => c.Population,
                    _ => throw new InvalidDataException(
                        $"consumption-rates.csv: no driver known for segment '{segment}'"
                    ),
                };
                var (tier, riskScaled) = a.Segments[segment];
                Add(product, tier, driver * rate * (riskScaled ? a.RiskMultiplier[c.Risk] : 1) * a.HorizonDays);
            }
        }

        foreach (var q in requests.Where(q => q.Kind == "supply"))
        {
            var first = q.Start > a.PlanStart ? q.Start : a.PlanStart;
            var last = q.Start.AddDays(q.Days - 1) < a.HorizonEnd ? q.Start.AddDays(q.Days - 1) : a.HorizonEnd;
            Add(q.Product, a.Segments["hubei"].Tier, q.Quantity * Math.Max(0, last.DayNumber - first.DayNumber + 1));
        }

        return demand;
    }

    private static List<Supplier> Suppliers(Random rng, Regions regions, double scale)
    {
        // Fixed part first so codes stay stable across scales: provincial reserve, city reserves, national allocation.
        var result = new List<Supplier>();
        void Add(string name, Division county, string kind, List<string> makes) =>
            result.Add(new Supplier(Code("SUP-", result.Count + 1, 4), name, county.Code, county.Parent, kind, makes));
        var hangzhou = regions.Of(regions.Cities[0].Code)[0];
        Add("浙江省医疗物资储备库", hangzhou, "provincial_reserve", []);
        foreach (var city in regions.Cities)
        {
            Add($"{city.Name}医疗物资储备库", regions.Of(city.Code)[0], "city_reserve", []);
        }

        Add("国家调拨物资浙江接收点", hangzhou, "national_allocation", [.. NationalProducts]);

        // The first five factories cover one product line each so every product has a maker at any scale.
        (string Label, string[] Makes)[] lines =
        [
            ("口罩厂", ["N95", "SURGICAL"]),
            ("口罩厂", ["SURGICAL"]),
            ("防护服厂", ["COVERALL"]),
            ("护目镜厂", ["GOGGLES"]),
            ("手套厂", ["GLOVES"]),
        ];
        double[] lineWeights = [0.2, 0.25, 0.25, 0.15, 0.15];
        var cityWeights = regions.Cities.Select(c => CityFigures[c.Code].IndustryWeight).ToArray();
        var factories = Math.Max(lines.Length, (int)Math.Round(40 * scale));
        for (var i = 0; i < factories; i++)
        {
            var line = i < lines.Length ? lines[i] : Pick(rng, lines, lineWeights);
            var city = Pick(rng, regions.Cities.ToArray(), cityWeights);
            var county = regions.Of(city.Code)[rng.Next(regions.Of(city.Code).Count)];
            Add($"{county.Name}{line.Label}{(i + 1).ToString("00", Inv)}", county, "factory", [.. line.Makes]);
        }

        return result;
    }

    /// <summary>Daily capacity per producing supplier and product, sized so that supply over the horizon meets the
    /// calibration target.</summary>
    private static SortedDictionary<(string Supplier, string Product), long> DailyCapacities(
        Random rng,
        List<Supplier> suppliers,
        Dictionary<(string Product, int Tier), double> demand,
        Assumptions a
    )
    {
        var horizonRamp = Dates(a.PlanStart, a.HorizonEnd).Sum(d => Ramp(d, a)) * MeanNoise;
        var result = new SortedDictionary<(string, string), long>();
        foreach (var product in Products)
        {
            var production = SupplyTarget(demand, product) * (1 - StockShare);
            var national = suppliers.Where(s => s.Kind == "national_allocation" && s.Makes.Contains(product)).ToList();
            // The national allocation delivers a flat 15% of the horizon's production; factories ramp up for the rest.
            var nationalShare = national.Count > 0 ? 0.15 : 0;
            foreach (var s in national)
            {
                result[(s.Code, product)] = (long)
                    Math.Ceiling(production * nationalShare / national.Count / (a.HorizonDays * MeanNoise));
            }

            var makers = suppliers.Where(s => s.Kind == "factory" && s.Makes.Contains(product)).ToList();
            var factoryTotal = (long)Math.Ceiling(production * (1 - nationalShare) / horizonRamp);
            var split = Split(factoryTotal, makers.Select(_ => (long)rng.Next(50, 151)).ToList());
            for (var i = 0; i < makers.Count; i++)
            {
                result[(makers[i].Code, product)] = split[i];
            }
        }

        return result;
    }

    private static List<string> Production(
        Random rng,
        List<Supplier> suppliers,
        SortedDictionary<(string Supplier, string Product), long> capacity,
        Assumptions a
    )
    {
        // A week of history before the plan plus the horizon; output is noisy and never above capacity.
        var kinds = suppliers.ToDictionary(s => s.Code, s => s.Kind, StringComparer.Ordinal);
        var rows = new List<string>();
        foreach (var ((supplier, product), cap) in capacity)
        {
            foreach (var day in Dates(a.PlanStart.AddDays(-7), a.HorizonEnd))
            {
                var ramp = kinds[supplier] == "factory" ? Ramp(day, a) : 1.0;
                rows.Add(Row(supplier, product, Date(day), Round(cap * ramp * (0.9 + (0.1 * rng.NextDouble())))));
            }
        }

        return rows;
    }

    /// <summary>Opening stock: the provincial reserve holds 45%, the city reserves 35% (by population), the factories
    /// 20% (by capacity).</summary>
    private static IEnumerable<string> Stock(
        Regions regions,
        List<Supplier> suppliers,
        SortedDictionary<(string Supplier, string Product), long> capacity,
        Dictionary<(string Product, int Tier), double> demand,
        Assumptions a
    )
    {
        var asOf = Date(a.PlanStart.AddDays(-1));
        var stock = new SortedDictionary<(string, string), long>();
        foreach (var product in Products)
        {
            var total = (long)Math.Round(SupplyTarget(demand, product) * StockShare);
            var byHolder = Split(total, [45, 35, 20]);
            var provincial = suppliers.Single(s => s.Kind == "provincial_reserve");
            stock[(provincial.Code, product)] = byHolder[0];
            var cityReserves = suppliers.Where(s => s.Kind == "city_reserve").ToList();
            var cityStock = Split(byHolder[1], cityReserves.Select(s => regions.CityPopulation[s.City]).ToList());
            for (var i = 0; i < cityReserves.Count; i++)
            {
                stock[(cityReserves[i].Code, product)] = cityStock[i];
            }

            var makers = capacity
                .Where(c =>
                    c.Key.Product == product && suppliers.Any(s => s.Code == c.Key.Supplier && s.Kind == "factory")
                )
                .ToList();
            var factoryStock = Split(byHolder[2], makers.Select(m => m.Value).ToList());
            for (var i = 0; i < makers.Count; i++)
            {
                stock[makers[i].Key] = factoryStock[i];
            }
        }

        return stock.Select(s => Row(s.Key.Item1, s.Key.Item2, asOf, s.Value));
    }

    // Calibration target: tiers 1-3 in full plus half of tier 4 (see data/README.md).
    private static double SupplyTarget(Dictionary<(string Product, int Tier), double> demand, string product) =>
        Enumerable.Range(1, 3).Sum(t => demand.GetValueOrDefault((product, t)))
        + (Tier4CoverShare * demand.GetValueOrDefault((product, 4)));

    // Industry restarting after the holiday: 40% of capacity on the first history day, 100% on the last planned day.
    private static double Ramp(DateOnly day, Assumptions a)
    {
        var first = a.PlanStart.AddDays(-7).DayNumber;
        return 0.4 + (0.6 * (day.DayNumber - first) / (a.HorizonEnd.DayNumber - first));
    }

    private static IEnumerable<DateOnly> Dates(DateOnly first, DateOnly last)
    {
        for (var d = first; d <= last; d = d.AddDays(1))
        {
            yield return d;
        }
    }

    /// <summary>Splits total proportionally to weights by largest remainder: exact integers summing to total (ties to
    /// the earlier part).</summary>
    private static long[] Split(long total, List<long> weights)
    {
        var sum = weights.Sum();
        var result = new long[weights.Count];
        if (weights.Count == 0 || sum == 0)
        {
            return result;
        }

        var remainders = new Int128[weights.Count];
        for (var i = 0; i < weights.Count; i++)
        {
            result[i] = (long)((Int128)total * weights[i] / sum);
            remainders[i] = (Int128)total * weights[i] % sum;
        }

        var left = total - result.Sum();
        foreach (
            var i in Enumerable
                .Range(0, weights.Count)
                .OrderByDescending(i => remainders[i])
                .ThenBy(i => i)
                .Take((int)left)
        )
        {
            result[i]++;
        }

        return result;
    }

    private static T Pick<T>(Random rng, T[] items, double[] weights)
    {
        var x = rng.NextDouble() * weights.Sum();
        for (var i = 0; i < items.Length - 1; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return items[i];
            }
        }

        return items[^1];
    }

    private static long Round(double x) => (long)Math.Round(x, MidpointRounding.AwayFromZero);

    private static string Code(string prefix, int n, int digits) => prefix + n.ToString(Inv).PadLeft(digits, '0');

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", Inv);

    private static string Row(params object[] fields) => string.Join(',', fields.Select(f => Convert.ToString(f, Inv)));

    private static string WriteCsv(string path, string header, IEnumerable<string> rows)
    {
        var text = new StringBuilder(header).Append('\n');
        foreach (var row in rows)
        {
            text.Append(row).Append('\n');
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    /// <summary>Header-keyed rows of a data file, read by the same reader (and with the same errors) as the
    /// importer.</summary>
    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        var file = CsvFile.Read(path);
        return file.Rows.Select(r => file.Columns.ToDictionary(c => c, r.Text, StringComparer.Ordinal)).ToList();
    }

    private static Regions LoadRegions(string dataDir)
    {
        var divisions = ReadCsv(Path.Combine(dataDir, "zhejiang-divisions.csv"))
            .Select(r => new Division(r["code"], r["name"], r["level"], r["parent_code"]))
            .Where(d => !d.Code.StartsWith(StatisticsOnlyZone, StringComparison.Ordinal))
            .OrderBy(d => d.Code, StringComparer.Ordinal)
            .ToList();
        var children = divisions
            .GroupBy(d => d.Parent, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var population = ReadCsv(Path.Combine(dataDir, "zhejiang-population.csv"))
            .ToDictionary(r => r["code"], r => long.Parse(r["population"], Inv), StringComparer.Ordinal);
        return new Regions(divisions.Where(d => d.Level == "city").ToList(), children, population);
    }

    private static Assumptions LoadAssumptions(string referenceDir)
    {
        List<Dictionary<string, string>> Read(string name) => ReadCsv(Path.Combine(referenceDir, name));
        var parameters = Read("planning-parameters.csv")
            .ToDictionary(r => r["name"], r => r["value"], StringComparer.Ordinal);
        var products = Read("products.csv").Select(r => r["code"]).ToHashSet(StringComparer.Ordinal);
        var missing = Products.Where(p => !products.Contains(p)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"products.csv lacks the sample's products: {string.Join(", ", missing)}");
        }

        return new Assumptions(
            DateOnly.ParseExact(parameters["plan_start"], "yyyy-MM-dd", Inv),
            int.Parse(parameters["horizon_days"], Inv),
            double.Parse(parameters["return_to_work_share"], Inv),
            Read("segments.csv")
                .ToDictionary(
                    r => r["code"],
                    r => (int.Parse(r["tier"], Inv), r["risk_scaled"] == "1"),
                    StringComparer.Ordinal
                ),
            Read("consumption-rates.csv")
                .Select(r => (r["segment"], r["product_code"], double.Parse(r["rate_per_driver_day"], Inv)))
                .ToList(),
            Read("risk-levels.csv")
                .ToDictionary(r => int.Parse(r["level"], Inv), r => double.Parse(r["multiplier"], Inv)),
            Read("external-sites.csv").Select(r => r["code"]).ToList()
        );
    }
}
