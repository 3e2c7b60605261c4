namespace Planner.Api.Runs;

/// <summary>
/// A run's risk of running out for its page (issue 22): the target and paths it was measured with, and per product and
/// protected tier the mean need, the buffer positioned, the expected shortfall, the destinations over the target
/// (beyond two standard errors) and those supply cannot bring to it; a city officer's are their city's counties. Null
/// for a run recorded before the risk was measured.
/// </summary>
public sealed record RiskSummary(double Target, int Paths, IReadOnlyList<RiskSummary.Row> Rows)
{
    /// <summary>A product's tier; <see cref="P95Shortfall"/> is the province's (null for one city: the 95th percentile
    /// of a sum is not the sum of the counties').</summary>
    public sealed record Row(
        string Product,
        string ProductName,
        string ProductNameEn,
        int Tier,
        double ExpectedNeed,
        double Buffer,
        double ExpectedShortfall,
        double? P95Shortfall,
        int Destinations,
        int OverTarget,
        int CannotReach
    );

    private const string RunSql =
        "SELECT stockout_target AS Target, risk_paths AS Paths FROM plan_runs WHERE id = @runId";

    private const string LinesSql = """
        SELECT k.destination_code AS Destination, r.parent_code AS Parent, k.product_code AS Product, k.tier AS Tier,
               k.expected_need AS ExpectedNeed, k.buffer AS Buffer, k.unpositioned AS Unpositioned,
               k.stockout_probability AS Probability, k.standard_error AS StandardError,
               k.expected_shortfall AS ExpectedShortfall
        FROM plan_risk k JOIN regions r ON r.code = k.destination_code
        WHERE k.run_id = @runId AND k.tier <= 2 AND k.expected_need > 0
        """;

    private const string TotalsSql = """
        SELECT product_code AS Product, tier AS Tier, p95_shortfall AS P95Shortfall FROM plan_risk_tiers
        WHERE run_id = @runId AND tier <= 2
        """;

    /// <summary>The summary of run <paramref name="runId"/> for <paramref name="city"/> (null: the province).</summary>
    public static async Task<RiskSummary?> ReadAsync(DbConnection db, string runId, string? city)
    {
        var run = await db.QuerySingleOrDefaultAsync<RunRow>(RunSql, new { runId });
        if (run?.Target is not { } target || run.Paths is not { } paths)
            return null;
        var names = (
            await db.QueryAsync<(string Code, string Name, string NameEn)>(Maps.MapPanel.ProductsSql)
        ).ToDictionary(p => p.Code, StringComparer.Ordinal);
        var p95 = city is null
            ? (await db.QueryAsync<TotalRow>(TotalsSql, new { runId })).ToDictionary(
                t => (t.Product, t.Tier),
                t => t.P95Shortfall
            )
            : [];
        var rows = (await db.QueryAsync<LineRow>(LinesSql, new { runId }))
            .Where(l => city is null || l.Parent == city)
            .GroupBy(l => (l.Product, l.Tier))
            .OrderBy(g => g.Key.Product, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Tier)
            .Select(g => new Row(
                g.Key.Product,
                names.TryGetValue(g.Key.Product, out var n) ? n.Name : g.Key.Product,
                names.TryGetValue(g.Key.Product, out var e) ? e.NameEn : g.Key.Product,
                (int)g.Key.Tier,
                g.Sum(l => l.ExpectedNeed),
                g.Sum(l => l.Buffer),
                g.Sum(l => l.ExpectedShortfall),
                p95.TryGetValue(g.Key, out var total) ? total : null,
                g.Count(),
                g.Count(l => l.Unpositioned <= 0 && l.Probability > target + 2 * l.StandardError),
                g.Count(l => l.Unpositioned > 0)
            ))
            .ToList();
        return new RiskSummary(target, (int)paths, rows);
    }

    private sealed class RunRow
    {
        public double? Target { get; set; }
        public long? Paths { get; set; }
    }

    private sealed class LineRow
    {
        public string Destination { get; set; } = "";
        public string? Parent { get; set; }
        public string Product { get; set; } = "";
        public long Tier { get; set; }
        public double ExpectedNeed { get; set; }
        public double Buffer { get; set; }
        public double Unpositioned { get; set; }
        public double Probability { get; set; }
        public double StandardError { get; set; }
        public double ExpectedShortfall { get; set; }
    }

    private sealed class TotalRow
    {
        public string Product { get; set; } = "";
        public long Tier { get; set; }
        public double P95Shortfall { get; set; }
    }
}
