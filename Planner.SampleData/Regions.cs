using static Planner.SampleData.Sampling;

namespace Planner.SampleData;

internal sealed record Division(string Code, string Name, string Level, string Parent);

/// <summary>The real divisions (without the statistics-only zone) and the cities' census populations.</summary>
internal sealed record Regions(
    List<Division> Cities,
    Dictionary<string, List<Division>> Children,
    Dictionary<string, long> CityPopulation
)
{
    // The statistics-only Wenzhou development zone: not one of the 90 official counties.
    private const string StatisticsOnlyZone = "330371";

    public List<Division> Of(string code) => Children.TryGetValue(code, out var list) ? list : [];

    public IEnumerable<Division> Counties => Cities.SelectMany(c => Of(c.Code));

    public static Regions Load(string dataDir)
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

    /// <summary>Counties (without the statistics-only zone), towns and villages, each with an estimated
    /// population.</summary>
    public SortedDictionary<string, (string Level, long Population)> EstimatePopulations()
    {
        // Weights are doubled so that 1.0 (村委会) and 2.5 (residents' committees, communities) stay integers
        // and the split below is exact integer arithmetic.
        static long VillageWeight(Division v) => v.Name.EndsWith("村委会", StringComparison.Ordinal) ? 2 : 5;
        long TownWeight(Division t) => Of(t.Code) is { Count: > 0 } villages ? villages.Sum(VillageWeight) : 2;
        long CountyWeight(Division c) => Of(c.Code) is { Count: > 0 } towns ? towns.Sum(TownWeight) : 2;

        var result = new SortedDictionary<string, (string, long)>(StringComparer.Ordinal);
        void SplitInto(List<Division> parts, long total, Func<Division, long> weight)
        {
            var shares = Split(total, parts.Select(weight).ToList());
            for (var i = 0; i < parts.Count; i++)
            {
                result[parts[i].Code] = (parts[i].Level, shares[i]);
            }
        }

        foreach (var city in Cities)
        {
            SplitInto(Of(city.Code), CityPopulation[city.Code], CountyWeight);
            foreach (var county in Of(city.Code))
            {
                SplitInto(Of(county.Code), result[county.Code].Item2, TownWeight);
                foreach (var town in Of(county.Code))
                {
                    SplitInto(Of(town.Code), result[town.Code].Item2, VillageWeight);
                }
            }
        }

        return result;
    }

    /// <summary>The counties with their estimated population and their number of villages.</summary>
    public List<SampleCounty> SampleCounties(SortedDictionary<string, (string Level, long Population)> population) =>
        Counties
            .Select(c => new SampleCounty(
                c.Code,
                c.Name,
                c.Parent,
                population[c.Code].Population,
                Of(c.Code).Sum(t => Of(t.Code).Count)
            ))
            .ToList();
}

/// <summary>A county of the sample: its estimated population and its villages.</summary>
internal sealed record SampleCounty(string Code, string Name, string City, long Population, int Villages);

/// <summary>A county's row of county-drivers.csv: its level on the first map and its demand drivers.</summary>
internal sealed record CountyDrivers(
    SampleCounty County,
    int Risk,
    long Employees,
    long KeyPopulation,
    long FeverVisits,
    long Checkpoints
)
{
    public string Code => County.Code;

    /// <summary>Employees 45-55% of the population; key population = people under observation on the first map day;
    /// fever-clinic visits population / 10,000 × (0.6 + 0.4 × level), ±20%; checkpoints every village plus 2-8
    /// transport checkpoints.</summary>
    public static List<CountyDrivers> Build(
        Random rng,
        IReadOnlyList<SampleCounty> counties,
        Func<SampleCounty, int> risk,
        Func<SampleCounty, long> observation
    ) =>
        counties
            .Select(c =>
            {
                var level = risk(c);
                var employees = Round(c.Population * (0.45 + (0.10 * rng.NextDouble())));
                var fever = Round(c.Population / 10_000.0 * (0.6 + (0.4 * level)) * (0.8 + (0.4 * rng.NextDouble())));
                // Every village or community ran a gate; add highway exits, stations and ports.
                var checkpoints = c.Villages + 2 + rng.Next(0, 7);
                return new CountyDrivers(c, level, employees, observation(c), fever, checkpoints);
            })
            .ToList();
}
