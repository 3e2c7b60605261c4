using static Planner.SampleData.Sampling;

namespace Planner.SampleData;

internal sealed record Hospital(string Code, string Name, SampleCounty County, bool Designated, bool Hub, string Grade);

/// <summary>One day's capacity report; the columns are those of capacity.csv after hospital_code and
/// report_date.</summary>
internal sealed record Report(Hospital Hospital, DateOnly Day, int[] Values)
{
    public int Severe => Values[6];
    public int Critical => Values[7];
    public int Staff => Values[12];
    public int OtherInpatients => Values[1] + Values[3] - Values[6] - Values[7];
}

/// <summary>
/// hospitals.csv and capacity.csv: every hospital reports every day of the replay. The confirmed patients in hospital
/// of each city (<see cref="Census"/>) are in its designated hospitals; the city hub takes half of them and three
/// quarters of the severe and critical ones, the county hospitals the rest by their county's cumulative cases.
/// </summary>
internal static class Hospitals
{
    public const string CapacityHeader =
        "hospital_code,report_date,beds_general_total,beds_general_occupied,beds_isolation_total,"
        + "beds_isolation_occupied,beds_icu_total,beds_icu_occupied,severe_patients,critical_patients,"
        + "ventilators_total,ventilators_in_use,ecmo_total,ecmo_in_use,staff_on_duty";

    // Zhejiang Provincial Shilifeng Prison is in Quzhou: its patients are in Quzhou's hub.
    private const string PrisonCity = "330800";

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

    // COVID patients in each hospital on each replay day: confirmed (all), and of them severe and critical.
    private sealed record Patients(
        Dictionary<Hospital, int[]> Confirmed,
        Dictionary<Hospital, int[]> Severe,
        Dictionary<Hospital, int[]> Critical
    );

    // A hospital's beds and machines, the same every day, and its suspected patients when observation peaked.
    private sealed record Beds(int General, int Suspected, int Isolation, int Icu, int Ventilators, int Ecmo);

    public static List<Hospital> Build(Random rng, Regions regions, IReadOnlyList<SampleCounty> counties, double scale)
    {
        // One designated hospital per county and one hub per city are the skeleton; the rest are spread by population.
        var perCounty = counties.ToDictionary(
            c => c.Code,
            _ => new List<(string Name, bool Designated, bool Hub, string Grade)>(),
            StringComparer.Ordinal
        );
        foreach (var city in regions.Cities)
        {
            perCounty[regions.Of(city.Code)[0].Code].Add(($"{city.Name}第一人民医院", true, true, Grades[0]));
        }

        foreach (var c in counties)
        {
            var urban = c.Name.EndsWith('区');
            var grade = urban ? Grades[rng.Next(0, 2)] : Grades[rng.Next(1, 3)];
            perCounty[c.Code].Add(($"{c.Name}人民医院", true, false, grade));
        }

        var extra = Math.Max(0, (int)Math.Round(200 * scale) - counties.Count - regions.Cities.Count);
        var weights = counties.Select(c => (double)c.Population).ToArray();
        for (var i = 0; i < extra; i++)
        {
            var county = counties[Pick(rng, Enumerable.Range(0, counties.Count).ToArray(), weights)];
            var list = perCounty[county.Code];
            var n = list.Count(h => !h.Designated);
            var suffix = n >= ExtraHospitalNames.Length ? (n / ExtraHospitalNames.Length + 1).ToString(Inv) : "";
            var name = $"{county.Name}{ExtraHospitalNames[n % ExtraHospitalNames.Length]}{suffix}";
            list.Add((name, false, false, Pick(rng, Grades, [0.15, 0.2, 0.4, 0.25])));
        }

        var result = new List<Hospital>();
        foreach (var c in counties)
        {
            foreach (var h in perCounty[c.Code])
            {
                result.Add(new Hospital(Code("H-", result.Count + 1, 4), h.Name, c, h.Designated, h.Hub, h.Grade));
            }
        }

        return result;
    }

    /// <summary>Every hospital's report on every replay day; COVID patients only in designated hospitals.</summary>
    public static List<Report> Capacity(Random rng, History h, List<Hospital> hospitals, Census census, Cases cases)
    {
        var patients = CovidPatients(h, hospitals, census, cases);
        // Suspected patients follow the people under observation; general wards emptied as elective care was
        // postponed after the Spring Festival and filled again from mid-February.
        var peak = h.Days.Max(d => h.Province[d].Observation!.Value);
        var suspected = h.Days.Select(d => (double)h.Province[d].Observation!.Value / peak).ToArray();
        var occupancy = Interpolate(
            h.First,
            h.Last,
            [
                (new DateOnly(2020, 1, 23), 1.2),
                (new DateOnly(2020, 2, 3), 1.0),
                (new DateOnly(2020, 2, 16), 1.0),
                (new DateOnly(2020, 3, 10), 1.15),
            ]
        );
        var result = new List<Report>();
        foreach (var hospital in hospitals)
        {
            var beds = HospitalBeds(rng, hospital, patients, suspected);
            result.AddRange(HospitalReports(rng, h, hospital, beds, patients, suspected, occupancy));
        }

        return result;
    }

    private static Patients CovidPatients(History h, List<Hospital> hospitals, Census census, Cases cases)
    {
        var n = h.Days.Count;
        var patients = new Patients(
            hospitals.ToDictionary(x => x, _ => new int[n]),
            hospitals.ToDictionary(x => x, _ => new int[n]),
            hospitals.ToDictionary(x => x, _ => new int[n])
        );
        foreach (var group in hospitals.Where(x => x.Designated).GroupBy(x => x.County.City))
        {
            var list = group.ToList();
            for (var i = 0; i < n; i++)
            {
                var line = census.Days[group.Key][i];
                Place(patients, list, i, line, x => cases.Cumulative[x.County.Code][i] + 1);
                if (group.Key == PrisonCity)
                    Place(patients, list.Where(x => x.Hub).ToList(), i, census.Days[Census.Prison][i], _ => 1);
            }
        }

        return patients;
    }

    /// <summary>Adds a line's patients of day <paramref name="i"/> to <paramref name="list"/>: the hub half of the
    /// cases and three quarters of the severe and critical ones, the others by <paramref name="weight"/>.</summary>
    private static void Place(Patients patients, List<Hospital> list, int i, LineDay line, Func<Hospital, long> weight)
    {
        var others = list.Where(x => !x.Hub).Sum(weight);
        var caseWeights = list.Select(x => x.Hub ? Math.Max(1, others) : weight(x)).ToList();
        var sickWeights = list.Select(x => x.Hub ? Math.Max(1, 3 * others) : weight(x)).ToList();
        var severe = Split(line.Severe, sickWeights);
        var critical = Split(line.Critical, sickWeights);
        var mild = Split(line.InHospital - line.SevereAndCritical, caseWeights);
        for (var k = 0; k < list.Count; k++)
        {
            patients.Severe[list[k]][i] += (int)severe[k];
            patients.Critical[list[k]][i] += (int)critical[k];
            patients.Confirmed[list[k]][i] += (int)(severe[k] + critical[k] + mild[k]);
        }
    }

    private static Beds HospitalBeds(Random rng, Hospital h, Patients patients, double[] suspectedShare)
    {
        int Between(int lo, int hi) => rng.Next(lo, hi + 1);
        var grade = Array.IndexOf(Grades, h.Grade);
        var general = grade switch
        {
            0 => Between(800, 2500),
            1 => Between(400, 1000),
            2 => Between(200, 600),
            _ => Between(80, 250),
        };
        var suspected = h.Designated ? Between(2, 15) : Between(0, 5);
        var isolationNeed = suspectedShare
            .Select((share, d) => patients.Confirmed[h][d] + (int)Round(suspected * share))
            .Max();
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

    private static List<Report> HospitalReports(
        Random rng,
        History h,
        Hospital hospital,
        Beds b,
        Patients patients,
        double[] suspectedShare,
        double[] occupancyFactor
    )
    {
        var occupancy = 0.55 + (0.2 * rng.NextDouble()); // elective care was postponed
        var icuOccupancy = 0.4 + (0.3 * rng.NextDouble());
        var staffPerBed = 0.45 + (0.15 * rng.NextDouble());
        var result = new List<Report>();
        for (var d = 0; d < h.Days.Count; d++)
        {
            var jitter = 0.97 + (0.06 * rng.NextDouble());
            var confirmed = patients.Confirmed[hospital][d];
            var crit = patients.Critical[hospital][d];
            var icuOther = Round((b.Icu - crit) * icuOccupancy * jitter);
            var ventInUse = (int)Math.Min(b.Ventilators, crit + Round(icuOther * 0.5));
            var staff = Round((b.General + b.Isolation + b.Icu) * staffPerBed * jitter) + (confirmed * 3 / 2);
            int[] values =
            [
                b.General,
                (int)Math.Min(b.General, Round(b.General * occupancy * occupancyFactor[d] * jitter)),
                b.Isolation,
                confirmed + (int)Round(b.Suspected * suspectedShare[d]),
                b.Icu,
                crit + (int)icuOther,
                patients.Severe[hospital][d],
                crit,
                b.Ventilators,
                ventInUse,
                b.Ecmo,
                Math.Min(b.Ecmo, crit / 5),
                (int)staff,
            ];
            result.Add(new Report(hospital, h.Days[d], values));
        }

        return result;
    }

    public static IEnumerable<string> Rows(List<Report> reports) =>
        reports.Select(r => Row([r.Hospital.Code, Date(r.Day), .. r.Values.Select(v => (object)v)]));
}
