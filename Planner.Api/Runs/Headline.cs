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
        double Served
    )
    {
        public double Shortfall => Demand - Served;
    }

    private const string TiersSql = """
        SELECT a.product_code AS Code, p.name AS Name, p.name_en AS NameEn, p.unit AS Unit, p.unit_zh AS UnitZh,
               a.tier AS Number, t.name AS TierName, t.name_en AS TierNameEn,
               SUM(a.demand) AS Demand, SUM(a.served) AS Served
        FROM plan_allocations a
        JOIN products p ON p.code = a.product_code
        JOIN priority_tiers t ON t.tier = a.tier
        JOIN regions r ON r.code = a.destination_code
        WHERE a.run_id = @runId AND (@city IS NULL OR r.parent_code = @city)
        GROUP BY a.product_code, p.name, p.name_en, p.unit, p.unit_zh, a.tier, t.name, t.name_en
        ORDER BY a.product_code, a.tier
        """;

    private const string GapsSql = """
        SELECT a.destination_code AS County, r.name AS Name, r.name_en AS NameEn, a.product_code AS Product,
               p.name AS ProductName, p.name_en AS ProductNameEn, a.tier AS Tier,
               SUM(a.demand) AS Demand, SUM(a.served) AS Served
        FROM plan_allocations a
        JOIN products p ON p.code = a.product_code
        JOIN regions r ON r.code = a.destination_code
        WHERE a.run_id = @runId AND (@city IS NULL OR r.parent_code = @city)
        GROUP BY a.destination_code, r.name, r.name_en, a.product_code, p.name, p.name_en, a.tier
        HAVING SUM(a.demand) - SUM(a.served) >= 1
        ORDER BY a.tier, SUM(a.demand) - SUM(a.served) DESC, a.destination_code, a.product_code
        LIMIT @limit
        """;

    /// <summary>The figures of run <paramref name="runId"/>, for one city or (null) the whole plan.</summary>
    public static async Task<Headline> ReadAsync(DbConnection db, string runId, string? city, int gaps = 10)
    {
        var rows = await db.QueryAsync<Row>(TiersSql, new { runId, city });
        var products = rows.GroupBy(r => r.Code)
            .Select(g =>
            {
                var first = g.First();
                var unit = Localization.Texts.Chinese && first.UnitZh.Length > 0 ? first.UnitZh : first.Unit;
                return new Product(
                    g.Key,
                    first.Name,
                    first.NameEn,
                    unit,
                    g.Select(r => new Tier((int)r.Number, r.TierName, r.TierNameEn, r.Demand, r.Served)).ToList()
                );
            })
            .ToList();
        var largest = await db.QueryAsync<GapRow>(
            GapsSql,
            new
            {
                runId,
                city,
                limit = gaps,
            }
        );
        return new Headline(
            products,
            largest
                .Select(g => new Gap(
                    g.County,
                    g.Name,
                    g.NameEn,
                    g.Product,
                    g.ProductName,
                    g.ProductNameEn,
                    (int)g.Tier,
                    g.Demand,
                    g.Served
                ))
                .ToList()
        );
    }

    private sealed class Row
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public string NameEn { get; set; } = "";
        public string Unit { get; set; } = "";
        public string UnitZh { get; set; } = "";
        public long Number { get; set; }
        public string TierName { get; set; } = "";
        public string TierNameEn { get; set; } = "";
        public double Demand { get; set; }
        public double Served { get; set; }
    }

    private sealed class GapRow
    {
        public string County { get; set; } = "";
        public string Name { get; set; } = "";
        public string? NameEn { get; set; }
        public string Product { get; set; } = "";
        public string ProductName { get; set; } = "";
        public string ProductNameEn { get; set; } = "";
        public long Tier { get; set; }
        public double Demand { get; set; }
        public double Served { get; set; }
    }
}
