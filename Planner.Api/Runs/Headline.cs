namespace Planner.Api.Runs;

/// <summary>
/// A run's headline figures for its page: per product the demand, served, shortfall and fill rate in all and per
/// tier, and the largest gaps (county, product, tier); a city officer's are their city's. Read from the run's
/// allocations, the same rows the workbooks are written from.
/// </summary>
public sealed record Headline(IReadOnlyList<Headline.Product> Products, IReadOnlyList<Headline.Gap> Gaps)
{
    public sealed record Tier(int Number, string Name, string NameEn, double Demand, double Served)
    {
        public double FillRate => Demand > 0 ? Served / Demand : 1;
    }

    public sealed record Product(string Code, string Name, string NameEn, string Unit, IReadOnlyList<Tier> Tiers)
    {
        public double Demand => Tiers.Sum(t => t.Demand);
        public double Served => Tiers.Sum(t => t.Served);
        public double Shortfall => Math.Max(0, Demand - Served);
        public double FillRate => Demand > 0 ? Served / Demand : 1;
    }

    public sealed record Gap(
        string County,
        string Name,
        string? NameEn,
        string Product,
        string ProductName,
        string ProductNameEn,
        int Tier,
        double Demand,
        double Served,
        bool InProvince
    )
    {
        public double Shortfall => Demand - Served;
    }

    // One pass over the run's allocations (about 23,000 rows for 14 days), grouped by county, product and tier;
    // the names come from the small tables.
    private const string LinesSql = """
        SELECT destination_code AS County, product_code AS Product, tier AS Tier,
               SUM(demand) AS Demand, SUM(served) AS Served
        FROM plan_allocations WHERE run_id = @runId
        GROUP BY destination_code, product_code, tier
        """;

    private const string NamesSql = """
        SELECT code AS Code, name AS Name, name_en AS NameEn, parent_code AS Parent FROM regions
        WHERE level IN ('county', 'external');
        SELECT code AS Code, name AS Name, name_en AS NameEn, unit AS Unit, unit_zh AS UnitZh FROM products;
        SELECT tier AS Number, name AS Name, name_en AS NameEn FROM priority_tiers ORDER BY tier;
        """;

    /// <summary>The figures of run <paramref name="runId"/>, for one city or (null) the whole plan.</summary>
    public static async Task<Headline> ReadAsync(DbConnection db, string runId, string? city, int gaps = 10)
    {
        using var names = await db.QueryMultipleAsync(NamesSql);
        var regions = (await names.ReadAsync<Place>()).ToDictionary(r => r.Code, StringComparer.Ordinal);
        var products = (await names.ReadAsync<Item>()).ToDictionary(p => p.Code, StringComparer.Ordinal);
        var tiers = (await names.ReadAsync<TierRow>()).ToList();
        var lines = (await db.QueryAsync<Line>(LinesSql, new { runId }))
            .Where(l => regions.TryGetValue(l.County, out var r) && (city is null || r.Parent == city))
            .ToList();
        var byProduct = lines
            .GroupBy(l => l.Product)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var p = products[g.Key];
                var unit = Localization.Texts.Chinese && p.UnitZh.Length > 0 ? p.UnitZh : p.Unit;
                var byTier = tiers
                    .Select(t =>
                    {
                        var rows = g.Where(l => l.Tier == t.Number).ToList();
                        return new Tier(
                            (int)t.Number,
                            t.Name,
                            t.NameEn,
                            rows.Sum(l => l.Demand),
                            rows.Sum(l => l.Served)
                        );
                    })
                    .ToList();
                return new Product(g.Key, p.Name, p.NameEn, unit, byTier);
            })
            .ToList();
        var largest = lines
            .Where(l => l.Demand - l.Served >= 1)
            .OrderBy(l => l.Tier)
            .ThenByDescending(l => l.Demand - l.Served)
            .ThenBy(l => l.County, StringComparer.Ordinal)
            .ThenBy(l => l.Product, StringComparer.Ordinal)
            .Take(gaps)
            .Select(l => new Gap(
                l.County,
                regions[l.County].Name,
                regions[l.County].NameEn,
                l.Product,
                products[l.Product].Name,
                products[l.Product].NameEn,
                (int)l.Tier,
                l.Demand,
                l.Served,
                regions[l.County].Parent is not null
            ))
            .ToList();
        return new Headline(byProduct, largest);
    }

    private sealed class Line
    {
        public string County { get; set; } = "";
        public string Product { get; set; } = "";
        public long Tier { get; set; }
        public double Demand { get; set; }
        public double Served { get; set; }
    }

    private sealed class Place
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public string? NameEn { get; set; }
        public string? Parent { get; set; }
    }

    private sealed class Item
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public string NameEn { get; set; } = "";
        public string Unit { get; set; } = "";
        public string UnitZh { get; set; } = "";
    }

    private sealed class TierRow
    {
        public long Number { get; set; }
        public string Name { get; set; } = "";
        public string NameEn { get; set; } = "";
    }
}
