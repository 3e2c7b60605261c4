using static Planner.SampleData.Sampling;

namespace Planner.SampleData;

internal sealed record Supplier(string Code, string Name, string County, string City, string Kind, List<string> Makes);

/// <summary>
/// suppliers.csv, supplier-products.csv, production.csv and stock.csv. The province's daily output follows the real
/// figures where there are any (masks) and national figures times an assumed Zhejiang share (N95, coveralls); goggles
/// and gloves, with no figure found, are sized on the demand. Factories restart one by one and share the day's output
/// within their capacity; stock is counted on the first day and every Sunday. See data/README.md for the figures.
/// </summary>
internal static class Supply
{
    public static readonly string[] Products = ["N95", "SURGICAL", "COVERALL", "GOGGLES", "GLOVES"];

    // Centrally allocated items in Feb 2020 were medical-grade PPE, not everyday masks or gloves.
    private static readonly string[] NationalProducts = ["N95", "COVERALL", "GOGGLES"];

    // ESTIMATE: the share of medical-grade masks (N95 + medical and surgical) in all masks. Nationally on 25 Feb 2020,
    // 30.28 million medical masks and about 1 million N95 of 76.19 million masks a day (NDRC, 27 Feb): 40%.
    public const double MedicalShare = 0.40;

    // ESTIMATE: Zhejiang's share of the national output of medical N95 respirators and of medical coveralls. Its share
    // of all masks was about 19% (10.30 of 54.77 million a day on 22-23 Feb), but N95 and coverall makers were
    // concentrated elsewhere.
    public const double N95Share = 0.10;
    public const double CoverallShare = 0.05;

    // The day of the one Zhejiang figure (all masks 10.3015 million a day) and "about half a month" before it.
    private static readonly DateOnly MaskDay = new(2020, 2, 23);
    private const int HalfMonth = 15;

    // A factory's declared capacity is its output at the peak of the replay divided by this utilisation.
    private const double PeakUtilisation = 0.92;

    // The national allocation point delivers a flat rate: this share of the factories' mean output over the horizon.
    private const double NationalShare = 0.15;

    // Goggles and gloves: supply over the horizon = every tier before return to work + half of return to work, of which
    // this share is opening stock.
    private const double StockShare = 0.35;
    private const double ReturnToWorkCoverShare = 0.5;

    // Every product: the reserves hold at least this many days of hospital and Hubei demand (the tiers up to frontline
    // hospital care) when the plan starts.
    private const int MinimumStockDays = 5;

    public static List<Supplier> Suppliers(Random rng, Regions regions, double scale)
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
        var cityWeights = regions.Cities.Select(c => IndustryWeight[c.Code]).ToArray();
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

    // Factories are placed by these weights: textile and medical-supply industry is concentrated in Shaoxing,
    // Hangzhou, Ningbo, Huzhou and Taizhou.
    private static readonly Dictionary<string, double> IndustryWeight = new(StringComparer.Ordinal)
    {
        ["330100"] = 3,
        ["330200"] = 2.5,
        ["330300"] = 0.5,
        ["330400"] = 1.5,
        ["330500"] = 2,
        ["330600"] = 3,
        ["330700"] = 1.5,
        ["330800"] = 0.5,
        ["330900"] = 0.5,
        ["331000"] = 2,
        ["331100"] = 0.5,
    };

    /// <summary>The province's factory output per product and replay day (see the constants above).</summary>
    public static Dictionary<string, double[]> ProvinceOutput(
        History h,
        Assumptions a,
        Dictionary<(string Product, int Tier), double> demand
    )
    {
        DateOnly D(int month, int day) => new(2020, month, day);
        var masks = h.Milestone("daily output of masks").Value * 10_000;
        var growth = h.Milestone("growth of mask output").Value;
        // All masks: the real figure and growth; 23 Jan and 1 Feb from the national output (1 Feb: 116 million / 12)
        // times Zhejiang's 19% share, at holiday level on 23 Jan; 10 Mar assumed, growing more slowly.
        var allMasks = Interpolate(
            h.First,
            h.Last,
            [
                (D(1, 23), 1.0e6),
                (D(2, 1), 1.82e6),
                (MaskDay.AddDays(-HalfMonth), masks / growth),
                (MaskDay, masks),
                (D(3, 10), 13.0e6),
            ],
            logLinear: true
        );
        // National medical N95 (NDRC): about 100,000 on 1 Feb, 919,000 on 22 Feb, 1.66 million on 29 Feb.
        var n95 = Interpolate(
            h.First,
            h.Last,
            [(D(1, 23), 50e3), (D(2, 1), 100e3), (D(2, 22), 919e3), (D(2, 29), 1.66e6), (D(3, 10), 2.0e6)],
            logLinear: true
        );
        // National medical coveralls (MIIT): 8,700 on 28 Jan, 20,000 on 1 Feb; on 4 Mar 250,000 a day went to Hubei
        // alone "for more than ten days", so at least that from about 20 Feb.
        var coveralls = Interpolate(
            h.First,
            h.Last,
            [(D(1, 28), 8.7e3), (D(2, 1), 20e3), (D(2, 20), 250e3), (D(3, 10), 300e3)],
            logLinear: true
        );
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal)
        {
            ["N95"] = n95.Select(v => v * N95Share).ToArray(),
            ["COVERALL"] = coveralls.Select(v => v * CoverallShare).ToArray(),
        };
        result["SURGICAL"] = allMasks.Select((v, i) => (v * MedicalShare) - result["N95"][i]).ToArray();
        var shape = allMasks.Select(v => v / allMasks.Max()).ToArray();
        var horizon = Dates(a.PlanStart, a.HorizonEnd).Select(h.IndexOf).ToList();
        foreach (var product in new[] { "GOGGLES", "GLOVES" })
        {
            var national = NationalProducts.Contains(product) ? NationalShare : 0;
            var scale =
                SupplyTarget(demand, product, a) * (1 - StockShare) / (1 + national) / horizon.Sum(i => shape[i]);
            result[product] = shape.Select(v => v * scale).ToArray();
        }

        return result;
    }

    /// <summary>Declared daily capacity per producing supplier and product: factories share the peak output divided
    /// by the utilisation; the national allocation its flat rate.</summary>
    public static SortedDictionary<(string Supplier, string Product), long> Capacities(
        Random rng,
        List<Supplier> suppliers,
        Dictionary<string, double[]> output,
        Assumptions a,
        History h
    )
    {
        var horizon = Dates(a.PlanStart, a.HorizonEnd).Select(h.IndexOf).ToList();
        var result = new SortedDictionary<(string, string), long>();
        foreach (var product in Products)
        {
            var makers = suppliers.Where(s => s.Kind == "factory" && s.Makes.Contains(product)).ToList();
            var split = Split(
                (long)Math.Ceiling(output[product].Max() / PeakUtilisation),
                makers.Select(_ => (long)rng.Next(50, 151)).ToList()
            );
            for (var i = 0; i < makers.Count; i++)
                result[(makers[i].Code, product)] = split[i];
            foreach (var s in suppliers.Where(s => s.Kind == "national_allocation" && s.Makes.Contains(product)))
                result[(s.Code, product)] = Round(NationalShare * horizon.Average(i => output[product][i]));
        }

        return result;
    }

    /// <summary>Output per supplier, product and replay day. Each factory restarts on a day from 23 Jan to 8 Feb,
    /// working at 30% of its capacity before and reaching it a week after; the day's province output is shared among
    /// the factories by their capacity then, ±10%, none above it.</summary>
    public static SortedDictionary<(string Supplier, string Product), long[]> Production(
        Random rng,
        History h,
        List<Supplier> suppliers,
        SortedDictionary<(string Supplier, string Product), long> capacity,
        Dictionary<string, double[]> output
    )
    {
        var kinds = suppliers.ToDictionary(s => s.Code, s => s.Kind, StringComparer.Ordinal);
        var restart = suppliers.ToDictionary(s => s.Code, _ => rng.Next(0, 17), StringComparer.Ordinal);
        var result = new SortedDictionary<(string, string), long[]>();
        foreach (var ((supplier, product), cap) in capacity.Where(c => kinds[c.Key.Supplier] != "factory"))
            result[(supplier, product)] = h.Days.Select(_ => cap).ToArray();
        foreach (var product in Products)
        {
            var makers = capacity.Where(c => c.Key.Product == product && kinds[c.Key.Supplier] == "factory").ToList();
            var days = makers.Select(_ => new long[h.Days.Count]).ToList();
            for (var i = 0; i < h.Days.Count; i++)
            {
                var caps = makers
                    .Select(m => (long)(m.Value * Math.Clamp(0.3 + (0.1 * (i - restart[m.Key.Supplier])), 0.3, 1)))
                    .ToList();
                var weights = caps.Select(c => c * (0.9 + (0.2 * rng.NextDouble()))).ToList();
                var split = CappedSplit(Round(output[product][i]), weights, caps);
                for (var k = 0; k < makers.Count; k++)
                    days[k][i] = split[k];
            }

            for (var k = 0; k < makers.Count; k++)
                result[makers[k].Key] = days[k];
        }

        return result;
    }

    public static IEnumerable<string> ProductionRows(
        History h,
        SortedDictionary<(string Supplier, string Product), long[]> production
    ) => production.SelectMany(p => h.Days.Select((d, i) => Row(p.Key.Supplier, p.Key.Product, Date(d), p.Value[i])));

    // Calibration target: every tier before return to work in full plus half of return to work (see data/README.md).
    public static double SupplyTarget(
        Dictionary<(string Product, int Tier), double> demand,
        string product,
        Assumptions a
    )
    {
        var returnToWork = a.Segments["return_to_work"].Tier;
        return demand.Where(d => d.Key.Product == product && d.Key.Tier < returnToWork).Sum(d => d.Value)
            + (ReturnToWorkCoverShare * demand.GetValueOrDefault((product, returnToWork)));
    }

    /// <summary>The reserves' stock of every product on the last count before the plan starts: what the target
    /// needs beyond the horizon's output and the factories' stock, and never less than
    /// <see cref="MinimumStockDays"/> days of the hospitals' and Hubei's demand.</summary>
    public static long ReserveStock(
        string product,
        Dictionary<(string Product, int Tier), double> demand,
        Assumptions a,
        double horizonSupply,
        double factoryStock
    )
    {
        var frontline = a.Segments["fever_clinic"].Tier;
        var minimum =
            MinimumStockDays
            * demand.Where(d => d.Key.Product == product && d.Key.Tier <= frontline).Sum(d => d.Value)
            / a.HorizonDays;
        return Round(Math.Max(minimum, SupplyTarget(demand, product, a) - horizonSupply - factoryStock));
    }
}
