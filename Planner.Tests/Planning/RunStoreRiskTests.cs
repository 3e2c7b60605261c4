using Planner.Solver.Risk;

namespace Planner.Tests.Planning;

/// <summary>A run's risk of running out is stored with its results, the same on both databases: the report's
/// figures, row for row.</summary>
public class RunStoreRiskTests
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RecordAsync_StoresTheReportsRisk_RowForRow(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var outcome = await TestPlanner
            .Node(db)
            .RunAsync(new PlanRequest(Path.Combine(db.Directory, "out"), HorizonDays: 3), ct: Ct);
        var risk = outcome.Published!.Value.Report.Risk!;

        await using var connection = await new Database(db.Provider, db.ConnectionString).OpenAsync(Ct);
        var run = new { run = outcome.RunId };
        var stored = await connection.QuerySingleAsync<(double Target, long Paths)>(
            "SELECT stockout_target, risk_paths FROM plan_runs WHERE id = @run",
            run
        );
        var destinations = await connection.QueryAsync<Stored>(
            """
            SELECT destination_code AS Destination, product_code AS Product, tier AS Tier,
                   expected_need AS ExpectedNeed, positioned AS Positioned, buffer AS Buffer,
                   unpositioned AS Unpositioned, stockout_probability AS StockoutProbability,
                   standard_error AS StandardError, expected_shortfall AS ExpectedShortfall,
                   p95_shortfall AS P95Shortfall
            FROM plan_risk WHERE run_id = @run
            """,
            run
        );
        var tiers = await connection.QueryAsync<StoredTier>(
            """
            SELECT product_code AS Product, tier AS Tier, expected_shortfall AS ExpectedShortfall,
                   p95_shortfall AS P95Shortfall, expected_need AS ExpectedNeed, expected_fill AS ExpectedFill
            FROM plan_risk_tiers WHERE run_id = @run
            """,
            run
        );

        Assert.Equal((risk.Target, (long)risk.Paths), stored);
        Assert.NotEmpty(risk.Destinations);
        Assert.Contains(risk.Destinations, d => d.Tier == 1 && d.StockoutProbability > 0);
        Assert.Equal(Ordered(risk.Destinations), Ordered(destinations.Select(d => d.Risk)));
        Assert.Equal(
            risk.Tiers.OrderBy(t => t.Product, StringComparer.Ordinal).ThenBy(t => t.Tier),
            tiers.Select(t => t.Risk).OrderBy(t => t.Product, StringComparer.Ordinal).ThenBy(t => t.Tier)
        );
    }

    private static List<DestinationRisk> Ordered(IEnumerable<DestinationRisk> rows) =>
        rows.OrderBy(d => d.Destination, StringComparer.Ordinal)
            .ThenBy(d => d.Product, StringComparer.Ordinal)
            .ThenBy(d => d.Tier)
            .ToList();

    private sealed class Stored
    {
        public string Destination { get; set; } = "";
        public string Product { get; set; } = "";
        public long Tier { get; set; }
        public double ExpectedNeed { get; set; }
        public double Positioned { get; set; }
        public double Buffer { get; set; }
        public double Unpositioned { get; set; }
        public double StockoutProbability { get; set; }
        public double StandardError { get; set; }
        public double ExpectedShortfall { get; set; }
        public double P95Shortfall { get; set; }

        public DestinationRisk Risk =>
            new(
                Destination,
                Product,
                (int)Tier,
                ExpectedNeed,
                Positioned,
                Buffer,
                Unpositioned,
                StockoutProbability,
                StandardError,
                ExpectedShortfall,
                P95Shortfall
            );
    }

    private sealed class StoredTier
    {
        public string Product { get; set; } = "";
        public long Tier { get; set; }
        public double ExpectedShortfall { get; set; }
        public double P95Shortfall { get; set; }
        public double ExpectedNeed { get; set; }
        public double ExpectedFill { get; set; }

        public TierRisk Risk => new(Product, (int)Tier, ExpectedShortfall, P95Shortfall, ExpectedNeed, ExpectedFill);
    }
}
