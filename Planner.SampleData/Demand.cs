using static Planner.SampleData.Sampling;

namespace Planner.SampleData;

/// <summary>The planning assumptions of data/reference the sample is sized on.</summary>
internal sealed record Assumptions(
    DateOnly PlanStart,
    int HorizonDays,
    double ReturnToWorkShare,
    Dictionary<string, (int Tier, bool RiskScaled)> Segments,
    List<(string Segment, string Product, double Rate)> Rates,
    Dictionary<int, double> RiskMultiplier,
    List<string> Sites,
    Dictionary<string, double> Kit
)
{
    public DateOnly HorizonEnd => PlanStart.AddDays(HorizonDays - 1);

    public static Assumptions Load(string referenceDir)
    {
        List<Dictionary<string, string>> Read(string name) => ReadCsv(Path.Combine(referenceDir, name));
        var parameters = Read("planning-parameters.csv")
            .ToDictionary(r => r["name"], r => r["value"], StringComparer.Ordinal);
        var products = Read("products.csv").Select(r => r["code"]).ToHashSet(StringComparer.Ordinal);
        var missing = Supply.Products.Where(p => !products.Contains(p)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"products.csv lacks the sample's products: {string.Join(", ", missing)}");
        }

        return new Assumptions(
            ParseDate(parameters["plan_start"]),
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
            Read("external-sites.csv").Select(r => r["code"]).ToList(),
            Read("team-kit.csv")
                .ToDictionary(
                    r => r["product_code"],
                    r => double.Parse(r["per_member_day"], Inv),
                    StringComparer.Ordinal
                )
        );
    }
}

/// <summary>Demand over the plan's horizon per product and tier, by the rule the plan uses (drivers from the last
/// reports before the plan starts × rates), plus the kits of the teams in Hubei; only for sizing supply.</summary>
internal static class Demand
{
    public static Dictionary<(string Product, int Tier), double> ByTier(
        Assumptions a,
        List<CountyDrivers> counties,
        List<Report> reports,
        List<Request> requests,
        List<Team> teams
    )
    {
        var latest = reports
            .Where(r => r.Day < a.PlanStart)
            .GroupBy(r => r.Hospital)
            .Select(g => g.MaxBy(r => r.Day)!)
            .ToLookup(r => r.Hospital.County.Code);
        var demand = new Dictionary<(string, int), double>();
        void Add(string product, int tier, double units) =>
            demand[(product, tier)] = demand.GetValueOrDefault((product, tier)) + units;
        foreach (var c in counties)
        {
            var hospitalReports = latest[c.Code].ToList();
            foreach (var (segment, product, rate) in a.Rates)
            {
                var (tier, riskScaled) = a.Segments[segment];
                var perDay = Driver(a, segment, c, hospitalReports) * rate;
                Add(product, tier, perDay * (riskScaled ? a.RiskMultiplier[c.Risk] : 1) * a.HorizonDays);
            }
        }

        var hubei = a.Segments["hubei"].Tier;
        foreach (var q in requests.Where(q => q.Kind == "supply"))
        {
            var first = q.Start > a.PlanStart ? q.Start : a.PlanStart;
            var last = q.Start.AddDays(q.Days - 1) < a.HorizonEnd ? q.Start.AddDays(q.Days - 1) : a.HorizonEnd;
            Add(q.Product, hubei, q.Quantity * Math.Max(0, last.DayNumber - first.DayNumber + 1));
        }

        foreach (var day in Dates(a.PlanStart, a.HorizonEnd))
        {
            var members = teams.Where(t => t.Site.Length > 0 && t.From <= day && day <= t.To).Sum(t => t.Size);
            foreach (var (product, rate) in a.Kit)
                Add(product, hubei, members * rate);
        }

        return demand;
    }

    private static double Driver(Assumptions a, string segment, CountyDrivers c, List<Report> reports) =>
        segment switch
        {
            "critical_care" => reports.Sum(r => r.Critical),
            "severe_care" => reports.Sum(r => r.Severe),
            "inpatient" => reports.Sum(r => r.OtherInpatients),
            "staff" => reports.Sum(r => r.Staff),
            "fever_clinic" => c.FeverVisits,
            "small_gates" => c.Checkpoints,
            "key_population" => c.KeyPopulation,
            "return_to_work" => c.Employees * a.ReturnToWorkShare,
            "public" => c.County.Population,
            _ => throw new InvalidDataException($"consumption-rates.csv: no driver known for segment '{segment}'"),
        };
}
