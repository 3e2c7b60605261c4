using System.Globalization;
using Planner.Solver.Allocation;

namespace Planner.Benchmarks;

/// <summary>The national instance's shape, and its supply against demand per product.</summary>
public sealed record NationalShape(
    int Provinces,
    int Cities,
    int Counties,
    int Sites,
    int Lanes,
    int Supplies,
    int Demands,
    double Population,
    IReadOnlyList<TierAmount> Supply
)
{
    public int TransferLanes { get; init; }
}

/// <summary>
/// A national-scale synthetic problem, generated deterministically from a seed (<c>new Random(seed)</c>):
/// 31 provinces, 340 cities, 2,850 counties (split by random weights with largest remainders), 28 days, the products
/// and consumption rates of data/reference. The network mirrors the Zhejiang one (<c>PlanSnapshot.Lanes</c>), one level
/// up:
/// <list type="bullet">
/// <item>each city depot delivers to its counties (same day, 30 unit-km a unit);</item>
/// <item>city ↔ city within a province (next day, transfer); each province's depot, which sits in its first city,
/// supplies its cities (same day there, next day elsewhere);</item>
/// <item>province depot ↔ province depot (a day per 800 km, transfer), and province depots → the two Hubei
/// sites;</item>
/// </list>
/// Demand comes from the county population through per-capita drivers calibrated on the Zhejiang sample (see
/// <see cref="DriversPerResident"/>) and the rates in data/reference/consumption-rates.csv, risk-scaled like the
/// sample; the Hubei sites ask what Zhejiang's requests ask per resident, scaled to the whole country. Supply is sized
/// per product to tiers 1–3 plus half of tier 4 over the horizon: 35 % as opening stock of the provincial reserves (10
/// % of it a reserve floor), 65 % produced by factories in about a quarter of the cities, ramping up over the horizon.
/// </summary>
public static class NationalInstance
{
    public const int ProvinceCount = 31;
    public const int CityCount = 340;
    public const int CountyCount = 2850;
    public const double TotalPopulation = 1.4e9;

    /// <summary>
    /// Drivers per resident in the Zhejiang sample (64.6 million residents; hospital census of 2020-02-09, county
    /// drivers; employees on post at the 70 % return-to-work share).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, double> DriversPerResident = new Dictionary<string, double>(
        StringComparer.Ordinal
    )
    {
        // 162 severe and critical patients, split as the sample's census of 2020-02-09 (24 critical of 80).
        ["critical_patients"] = 162 * 0.3 / 64.6e6,
        ["severe_patients"] = 162 * 0.7 / 64.6e6,
        ["other_inpatients"] = 103_098 / 64.6e6,
        ["staff_on_duty"] = 92_379 / 64.6e6,
        ["fever_clinic_visits"] = 10_974 / 64.6e6,
        ["checkpoints"] = 26_038 / 64.6e6,
        ["key_population"] = 101_485 / 64.6e6,
        ["employees_on_post"] = 32_336_111 / 64.6e6 * 0.7,
        ["population"] = 1,
    };

    /// <summary>Zhejiang's first-week daily requests per million residents (data/sample/assistance-requests.csv), for
    /// the whole country.</summary>
    private static readonly Dictionary<(string Site, string Product), double> HubeiPerMillion = new()
    {
        [("HB-WUHAN", "N95")] = 19_000 / 64.6,
        [("HB-WUHAN", "SURGICAL")] = 73_500 / 64.6,
        [("HB-WUHAN", "COVERALL")] = 8_200 / 64.6,
        [("HB-WUHAN", "GOGGLES")] = 3_200 / 64.6,
        [("HB-WUHAN", "GLOVES")] = 31_100 / 64.6,
        [("HB-JINGMEN", "N95")] = 5_800 / 64.6,
        [("HB-JINGMEN", "SURGICAL")] = 24_500 / 64.6,
        [("HB-JINGMEN", "COVERALL")] = 2_600 / 64.6,
        [("HB-JINGMEN", "GOGGLES")] = 900 / 64.6,
        [("HB-JINGMEN", "GLOVES")] = 8_500 / 64.6,
    };

    private sealed record Place(string Code, double Lat, double Lon)
    {
        public LanePlace Region => new(Code, null, Lat, Lon);
    }

    private sealed record Segment(string Code, int Tier, string Driver, bool RiskScaled);

    private sealed record Reference(
        Dictionary<string, Segment> Segments,
        List<(Segment Segment, string Product, double Rate)> Rates,
        Dictionary<int, double> Multipliers,
        List<string> Products
    );

    /// <summary>The generated regions: provinces, their cities and counties (with a random weight each), the county
    /// populations, and the Hubei sites.</summary>
    private sealed record Map(
        List<Place> Provinces,
        List<(Place Province, Place City)> Cities,
        List<(Place Province, Place City, string Code, double Weight)> Counties,
        Dictionary<string, double> Population,
        Place[] Sites
    );

    public static (AllocationProblem Problem, NationalShape Shape) Build(
        int seed,
        int days = 28,
        string? dataDirectory = null
    )
    {
        var data = dataDirectory
            ?? (
                Planner.Api.Storage.StorageOptions.FindDataDirectory()
                ?? throw new InvalidOperationException("No data folder found.")
            );
        var reference = ReadReference(data);
        var random = new Random(seed);
        var map = Regions(random);
        var demands = Demands(random, reference, map, days);
        var (supplies, floors) = Supplies(random, reference.Products, map, demands, days);
        var lanes = new List<Lane>();
        CityLanes(lanes, map);
        ProvinceLanes(lanes, map);
        var (provinces, cities, counties, population, sites) = map;
        var products = reference.Products;
        var problem = new AllocationProblem
        {
            Days = days,
            Products = products,
            Depots = [.. provinces.Select(p => p.Code), .. cities.Select(c => c.City.Code)],
            Destinations = [.. counties.Select(c => c.Code), .. sites.Select(s => s.Code)],
            Supplies = supplies,
            Demands = demands,
            Lanes = lanes,
            ReserveFloors = floors,
            Population = population,
        };
        var shape = new NationalShape(
            provinces.Count,
            cities.Count,
            counties.Count,
            sites.Length,
            lanes.Count,
            supplies.Count,
            demands.Count,
            population.Values.Sum(),
            SolveOutcome.Sum(supplies.Select(s => (s.Product, 0, s.Quantity)))
        )
        {
            TransferLanes = lanes.Count(l => l.Kind == LaneKind.Transfer),
        };
        return (problem, shape);
    }

    /// <summary>The segments, consumption rates and risk multipliers of data/reference.</summary>
    private static Reference ReadReference(string data)
    {
        var segments = Csv(Path.Combine(data, "reference", "segments.csv"))
            .Select(r => new Segment(r[0], int.Parse(r[^3], CultureInfo.InvariantCulture), r[^2], r[^1] == "1"))
            .ToDictionary(s => s.Code, StringComparer.Ordinal);
        var rates = Csv(Path.Combine(data, "reference", "consumption-rates.csv"))
            .Select(r =>
                (Segment: segments[r[0]], Product: r[1], Rate: double.Parse(r[2], CultureInfo.InvariantCulture))
            )
            .ToList();
        var multipliers = Csv(Path.Combine(data, "reference", "risk-levels.csv"))
            .ToDictionary(
                r => int.Parse(r[0], CultureInfo.InvariantCulture),
                r => double.Parse(r[^1], CultureInfo.InvariantCulture)
            );
        var products = rates.Select(r => r.Product).Distinct().Order(StringComparer.Ordinal).ToList();

        return new Reference(segments, rates, multipliers, products);
    }

    private static Map Regions(Random random)
    {
        // Regions: province centres in China's rough box, cities around them, counties under cities.
        var provinces = Enumerable
            .Range(1, ProvinceCount)
            .Select(p => new Place(
                $"P{p:00}",
                Math.Round(Uniform(random, 21, 47), 2),
                Math.Round(Uniform(random, 86, 128), 2)
            ))
            .ToList();
        var citiesPer = Split(CityCount, provinces.Count, 5, () => Uniform(random, 0.6, 1.4));
        var cities = Number(provinces, citiesPer, (p, c) =>
            (
                Province: p,
                City: new Place(
                    $"{p.Code}-C{c:00}",
                    Math.Round(p.Lat + Uniform(random, -1.8, 1.8), 2),
                    Math.Round(p.Lon + Uniform(random, -2.2, 2.2), 2)
                )
            )
        );
        var countiesPer = Split(CountyCount, cities.Count, 3, () => Uniform(random, 0.5, 1.5));
        var counties = Number(cities, countiesPer, (c, k) =>
            (c.Province, c.City, Code: $"{c.City.Code}-K{k:00}", Weight: LogNormal(random, 0.6))
        );
        var weightSum = counties.Sum(c => c.Weight);
        var population = counties.ToDictionary(
            c => c.Code,
            c => Math.Round(TotalPopulation * c.Weight / weightSum),
            StringComparer.Ordinal
        );
        var sites = new[] { new Place("HB-WUHAN", 30.59, 114.31), new Place("HB-JINGMEN", 31.04, 112.20) };
        return new Map(provinces, cities, counties, population, sites);
    }

    private static List<Demand> Demands(Random random, Reference reference, Map map, int days)
    {
        var (_, _, counties, population, sites) = map;
        var (segments, rates, multipliers, products) = reference;
        // Demand: drivers from population, rounded per segment like PlanSnapshot, summed per tier; constant over the
        // horizon.
        var demands = new List<Demand>();
        var riskWeights = new[] { 0.15, 0.30, 0.30, 0.17, 0.08 };
        foreach (var county in counties)
        {
            var risk = Pick(riskWeights, random.NextDouble()) + 1;
            var drivers = DriversPerResident.ToDictionary(
                d => d.Key,
                d => population[county.Code] * d.Value * (d.Key == "population" ? 1 : LogNormal(random, 0.3)),
                StringComparer.Ordinal
            );
            foreach (var census in new[] { "critical_patients", "severe_patients" })
                drivers[census] = Math.Round(drivers[census] * multipliers[risk]);
            var daily = rates
                .Select(r =>
                    (
                        r.Product,
                        r.Segment.Tier,
                        Quantity: Math.Round(
                            drivers.GetValueOrDefault(r.Segment.Driver)
                                * r.Rate
                                * (r.Segment.RiskScaled ? multipliers[risk] : 1),
                            MidpointRounding.AwayFromZero
                        )
                    )
                )
                .Where(x => x.Quantity > 0)
                .GroupBy(x => (x.Product, x.Tier))
                .OrderBy(g => g.Key.Product, StringComparer.Ordinal)
                .ThenBy(g => g.Key.Tier);
            foreach (var g in daily)
            {
                var quantity = g.Sum(x => x.Quantity);
                for (var day = 0; day < days; day++)
                    demands.Add(new Demand(county.Code, g.Key.Product, day, g.Key.Tier, quantity));
            }
        }
        var hubeiTier = segments.TryGetValue("hubei", out var hubei) ? hubei.Tier : segments.Values.Min(s => s.Tier);
        foreach (var site in sites)
        {
            foreach (var product in products)
            {
                var perDay = Math.Round(
                    HubeiPerMillion.GetValueOrDefault((site.Code, product)) * TotalPopulation / 1e6
                );
                if (perDay <= 0)
                    continue;
                for (var day = 0; day < days; day++)
                    demands.Add(
                        new Demand(site.Code, product, day, hubeiTier, Math.Round(perDay * (1 + 0.15 * (day / 7))))
                    );
            }
        }
        return demands;
    }

    private static (List<Supply> Supplies, List<ReserveFloor> Floors) Supplies(
        Random random,
        List<string> products,
        Map map,
        List<Demand> demands,
        int days
    )
    {
        var (provinces, cities, counties, population, _) = map;
        // Supply: tiers 1–3 plus half of tier 4 over the horizon; 35 % provincial reserves, 65 % factories.
        var supplies = new List<Supply>();
        var floors = new List<ReserveFloor>();
        var provincePopulation = counties
            .GroupBy(c => c.Province.Code)
            .ToDictionary(g => g.Key, g => g.Sum(c => population[c.Code]), StringComparer.Ordinal);
        var ramp = Enumerable.Range(0, days).Select(d => 0.6 + 0.8 * d / Math.Max(1, days - 1)).ToList();
        foreach (var product in products)
        {
            var need = demands
                .Where(d => d.Product == product && d.Tier <= 4)
                .Sum(d => d.Tier == 4 ? d.Quantity / 2 : d.Quantity);
            var shares = provinces.Select(p => provincePopulation[p.Code] * Uniform(random, 0.6, 1.4)).ToList();
            for (var i = 0; i < provinces.Count; i++)
            {
                var reserve = Math.Round(0.35 * need * shares[i] / shares.Sum());
                supplies.Add(new Supply(provinces[i].Code, product, 0, reserve));
                floors.Add(new ReserveFloor(provinces[i].Code, product, Math.Floor(0.1 * reserve)));
            }
            var factories = cities
                .Where(_ => random.NextDouble() < 0.25)
                .Select(c => (c.City.Code, Weight: LogNormal(random, 0.8)))
                .ToList();
            if (factories.Count == 0)
                factories.Add((cities[0].City.Code, 1));
            var factoryWeight = factories.Sum(f => f.Weight);
            foreach (var (code, weight) in factories)
            {
                for (var day = 0; day < days; day++)
                {
                    supplies.Add(
                        new Supply(
                            code,
                            product,
                            day,
                            Math.Round(0.65 * need * weight / factoryWeight * ramp[day] / ramp.Sum())
                        )
                    );
                }
            }
        }
        return (supplies, floors);
    }

    /// <summary>Lanes within each province: city depot to its counties, city to city, province depot to its
    /// cities.</summary>
    private static void CityLanes(List<Lane> lanes, Map map)
    {
        var (_, cities, counties, _, _) = map;
        // Lanes, as in PlanSnapshot.Lanes: costs in unit-km, a day per 800 km between provinces.
        foreach (var group in cities.GroupBy(c => c.Province))
        {
            var host = group.First().City;
            foreach (var (_, city) in group)
            {
                lanes.AddRange(
                    counties
                        .Where(k => k.City == city)
                        .Select(k => new Lane(city.Code, k.Code, 0, LaneRules.CountyLegKm))
                );
                lanes.AddRange(
                    group
                        .Where(o => o.City != city)
                        .Select(o => new Lane(
                            city.Code,
                            o.City.Code,
                            1,
                            LaneRules.Distance(city.Region, o.City.Region),
                            Kind: LaneKind.Transfer
                        ))
                );
                lanes.Add(
                    new Lane(
                        group.Key.Code,
                        city.Code,
                        city == host ? 0 : 1,
                        LaneRules.Distance(host.Region, city.Region),
                        Kind: LaneKind.Provincial
                    )
                );
            }
        }
    }

    /// <summary>Lanes between province depots, and from each to the Hubei sites.</summary>
    private static void ProvinceLanes(List<Lane> lanes, Map map)
    {
        var (provinces, cities, _, _, sites) = map;
        var depotAt = cities
            .GroupBy(c => c.Province)
            .ToDictionary(g => g.Key.Code, g => g.First().City with { Code = g.Key.Code }, StringComparer.Ordinal);
        foreach (var from in provinces.Select(p => depotAt[p.Code]))
        {
            foreach (var to in provinces.Where(p => p.Code != from.Code).Select(p => depotAt[p.Code]))
            {
                var km = LaneRules.Distance(from.Region, to.Region);
                lanes.Add(
                    new Lane(from.Code, to.Code, Math.Max(1, (int)Math.Ceiling(km / 800)), km, Kind: LaneKind.Transfer)
                );
            }
            foreach (var site in sites)
            {
                var km = LaneRules.Distance(from.Region, site.Region);
                lanes.Add(new Lane(from.Code, site.Code, Math.Max(1, (int)Math.Ceiling(km / 800)), km));
            }
        }
    }

    private static double Uniform(Random random, double low, double high) => low + (high - low) * random.NextDouble();

    private static double LogNormal(Random random, double sigma) =>
        Math.Exp(
            sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())
        );

    /// <summary>The children of each parent, numbered from 1, as many as <paramref name="counts"/> says; made in
    /// order, parent by parent (the random draws depend on it).</summary>
    private static List<TChild> Number<TParent, TChild>(
        List<TParent> parents,
        int[] counts,
        Func<TParent, int, TChild> child
    ) => parents.SelectMany((parent, i) => Enumerable.Range(1, counts[i]).Select(n => child(parent, n))).ToList();

    /// <summary>Splits total into parts of at least minimum each, in proportion to random weights, by largest
    /// remainder.</summary>
    private static int[] Split(int total, int parts, int minimum, Func<double> weight)
    {
        var weights = Enumerable.Range(0, parts).Select(_ => weight()).ToArray();
        var free = total - parts * minimum;
        var exact = weights.Select(w => free * w / weights.Sum()).ToArray();
        var counts = exact.Select(e => minimum + (int)Math.Floor(e)).ToArray();
        foreach (
            var i in Enumerable
                .Range(0, parts)
                .OrderByDescending(i => exact[i] - Math.Floor(exact[i]))
                .ThenBy(i => i)
                .Take(total - counts.Sum())
        )
        {
            counts[i]++;
        }
        return counts;
    }

    private static int Pick(double[] weights, double u)
    {
        for (var i = 0; i < weights.Length; i++)
        {
            u -= weights[i];
            if (u < 0)
                return i;
        }
        return weights.Length - 1;
    }

    /// <summary>Data rows of a simple CSV file (no quoted fields), header skipped.</summary>
    private static IEnumerable<string[]> Csv(string path) =>
        File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','));
}
