using ClosedXML.Excel;
using Planner.Tests.Solver;

namespace Planner.Tests.Planning;

/// <summary>The whole daily plan on the shipped Zhejiang sample: real databases, real solver, real workbook.</summary>
public class PlanPipelineTests
{
    private static async Task<PlanOutcome> RunAsync(TestDatabase db) =>
        await TestPlanner.Node(db).RunAsync(new PlanRequest(Path.Combine(db.Directory, "out")), ct: Ct);

    [Fact]
    public async Task Run_WritesAWorkbook_WhoseNumbersMatchSummaryJson()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        var outcome = await RunAsync(db);

        var summary = PlanSummary.FromJson(await File.ReadAllTextAsync(outcome.SummaryPath!, Ct));
        Assert.Equal(outcome.RunId, summary.Run.RunId);
        Assert.Equal("Optimal", summary.Run.SolverStatus);
        Assert.Equal(5, summary.Products.Count);
        using var workbook = Xlsx.Open(outcome.WorkbookPath);
        Assert.Contains(workbook.Worksheets, w => w.Name == "Summary");
        Assert.Contains(workbook.Worksheets, w => w.Name == "Counties");

        var byProduct = workbook
            .Worksheet("Summary")
            .Table("SummaryByProduct")
            .DataRange.Rows()
            .ToDictionary(
                r => r.Field("Product").GetString(),
                r => (Demand: r.Field("Demand").GetDouble(), Served: r.Field("Served").GetDouble())
            );
        // The Counties list holds a subtotal row per city and product above that city's counties.
        var counties = workbook
            .NamedRange("Counties")
            .Ranges.Single()
            .Rows()
            .Skip(1)
            .Where(r => r.Cell(1).GetString() is "county" or "site")
            .Select(r => new CountyRow(r))
            .ToList();
        Assert.Equal(92 * 5, counties.Count); // 90 counties and 2 Hubei sites, 5 products
        foreach (var product in summary.Products)
        {
            Assert.Equal(product.Totals.Demand, byProduct[product.Product].Demand, 3);
            Assert.Equal(product.Totals.Served, byProduct[product.Product].Served, 3);
            var rows = counties.Where(r => r.Field("Product").GetString() == product.Product).ToList();
            Assert.Equal(product.Totals.Demand, rows.Sum(r => r.Field("Demand").GetDouble()), 0);
            Assert.Equal(product.Totals.Served, rows.Sum(r => r.Field("Served").GetDouble()), 0);
            Assert.True(product.Totals.Served > 0);
            Assert.Equal(product.Totals.Demand, product.Tiers.Sum(t => t.Demand), 0);
        }
        // Codes are text, never numbers.
        Assert.All(counties, r => Assert.Equal(XLDataType.Text, r.Field("Code").DataType));
        Assert.Equal("330102", counties[0].Field("Code").GetString());
    }

    [Fact]
    public async Task Run_HedgesTiersOneAndTwo_AndReportsTheRiskOnHeldOutPaths()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        var outcome = await RunAsync(db);

        var (_, snapshot, report) = outcome.Published!.Value;
        var risk = report.Risk!;
        var settings = RiskSettings.Default;
        Assert.Equal((settings.Paths, settings.Target), (risk.Paths, risk.Target));
        // Buffers for both protected tiers, at counties, and the checker (run above) accepts them after their tier.
        Assert.Contains(outcome.Result.Buffers, b => b.Tier == 1 && b.Served > 0);
        Assert.Contains(outcome.Result.Buffers, b => b.Tier == 2 && b.Served > 0);
        Assert.All(outcome.Result.Buffers, b => Assert.InRange(b.Tier, 1, 2));
        // Where the plan positioned the need and its buffer, the chance of running out is at most the target, within
        // sampling error (1,000 held-out paths: 3 standard errors).
        var positioned = risk
            .Destinations.Where(d => d.Tier <= 2 && d.ExpectedNeed > 0 && d.Unpositioned == 0 && d.Buffer > 0)
            .ToList();
        Assert.True(positioned.Count >= 100, $"{positioned.Count} lines positioned");
        Assert.All(positioned, d =>
            Assert.True(d.StockoutProbability <= risk.Target + 3 * d.StandardError, d.ToString())
        );
        // The buffers are held at the hospitals of the tier they protect.
        Assert.Contains(report.Consignees, l => l.Segment == ConsigneeRoutes.CriticalCareBuffer && l.Hospital != null);
        // summary.json carries the same figures, rounded.
        var summary = PlanSummary.FromJson(await File.ReadAllTextAsync(outcome.SummaryPath!, Ct));
        Assert.Equal(risk.Destinations.Count, summary.Risk!.Destinations.Count);
        var first = positioned[0];
        var written = summary.Risk.Destinations.Single(d =>
            (d.Destination, d.Product, d.Tier) == (first.Destination, first.Product, first.Tier)
        );
        Assert.Equal(first.StockoutProbability, written.StockoutProbability, 4);
        Assert.Equal(first.P95Shortfall, written.P95Shortfall);
        Assert.NotEmpty(summary.Risk.Depots);
        // Production is uncertain too: every depot that makes a product has a series.
        Assert.Contains(snapshot.Uncertain, u => u.Key.StartsWith("supply:", StringComparison.Ordinal));
    }

    /// <summary>A row of the Counties list, its cells found by the header above.</summary>
    private sealed class CountyRow(IXLRangeRow row)
    {
        public IXLCell Field(string header) =>
            row.Cell(row.Worksheet.Row(1).CellsUsed().Single(c => c.GetString() == header).Address.ColumnNumber);
    }

    /// <summary>The consignee lines pass their checker, and the hospitals have some.</summary>
    private static void AssertConsigneesAddUp(PlanOutcome outcome)
    {
        var (_, snapshot, report) = outcome.Published!.Value;
        var errors = ConsigneeChecker.Check(outcome.Problem, outcome.Result, snapshot, report);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
        Assert.Contains(report.Consignees, l => l.Kind == Planner.Solver.Breakdown.ConsigneeKind.Hospitals);
    }

    [Fact]
    public async Task Run_RecordsAPlanThatPassesTheIndependentChecker()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = TestPlanner.Node(db);

        var outcome = await RunAsync(db);

        var errors = AllocationChecker.Check(outcome.Problem, outcome.Result);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
        AssertConsigneesAddUp(outcome);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        Assert.Equal(
            Rows(
                outcome.Result.Allocations.Select(a =>
                    (
                        a.Destination,
                        a.Product,
                        (long)a.Day,
                        (long)a.Tier,
                        a.Served,
                        a.Reason is { } r ? ShortfallReasons.Code(r) : null
                    )
                )
            ),
            Rows(
                await connection.QueryAsync<(string, string, long, long, double, string?)>(
                    "SELECT destination_code, product_code, day, tier, served, reason FROM plan_allocations WHERE "
                        + "run_id = @id",
                    new { id = outcome.RunId }
                )
            )
        );
        Assert.Equal(
            outcome.Result.Shipments.Count,
            await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM plan_shipments WHERE run_id = @id",
                new { id = outcome.RunId }
            )
        );
        // Each line's arrival day is stored with it: receipts fall overdue by it.
        Assert.Equal(
            outcome.Result.Shipments.Select(s => $"{s.From} {s.To} {s.Product} {s.Day} {s.ArrivalDay}").Order(),
            (
                await connection.QueryAsync<string>(
                    "SELECT from_code || ' ' || to_code || ' ' || product_code || ' ' || day || ' ' || arrival_day "
                        + "FROM plan_shipments WHERE run_id = @id",
                    new { id = outcome.RunId }
                )
            ).Order()
        );
        var run = await connection.QuerySingleAsync<(string Status, string SolverStatus)>(
            "SELECT status, solver_status FROM plan_runs WHERE id = @id",
            new { id = outcome.RunId }
        );
        Assert.Equal(("succeeded", "Optimal"), run);
        await AssertPublishedWithItsLineageAsync(connection, outcome);
    }

    /// <summary>Allocations as text in one order, to compare the plan with what was recorded of it.</summary>
    private static List<string> Rows(IEnumerable<(string, string, long, long, double, string?)> rows) =>
        rows.Select(r =>
                string.Join(
                    '|',
                    r.Item1,
                    r.Item2,
                    r.Item3,
                    r.Item4,
                    r.Item5.ToString("R", CultureInfo.InvariantCulture),
                    r.Item6
                )
            )
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The province workbook is recorded as published, with the file's name and sha256, and the run's
    /// inputs (one pull per feed).</summary>
    private static async Task AssertPublishedWithItsLineageAsync(
        System.Data.Common.DbConnection connection,
        PlanOutcome outcome
    )
    {
        var published = await connection.QuerySingleAsync<(string File, string Sha)>(
            "SELECT file_name, sha256 FROM published_workbooks "
                + "WHERE run_id = @id AND kind = 'province' AND language = 'en'",
            new { id = outcome.RunId }
        );
        Assert.Equal(Path.GetFileName(outcome.WorkbookPath), published.File);
        Assert.Equal(
            Convert.ToHexStringLower(
                System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(outcome.WorkbookPath!, Ct))
            ),
            published.Sha
        );
        Assert.Equal(
            4,
            await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM plan_run_inputs WHERE run_id = @id",
                new { id = outcome.RunId }
            )
        );
    }

    [Fact]
    public async Task Run_GivesTheSameAllocation_OnSqliteAndPostgres()
    {
        await using var sqlite = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var postgres = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);

        var a = await RunAsync(sqlite);
        var b = await RunAsync(postgres);

        Assert.Equal(a.Summary.Products, b.Summary.Products, (x, y) =>
            x.Totals == y.Totals && x.Tiers.SequenceEqual(y.Tiers)
        );
        Assert.Equal(a.Summary.Run.Objective, b.Summary.Run.Objective);
        Assert.Equal(await AllocationsAsync(sqlite, a.RunId), await AllocationsAsync(postgres, b.RunId));
    }

    private static async Task<List<string>> AllocationsAsync(TestDatabase db, string runId)
    {
        await using var connection = await new Database(db.Provider, db.ConnectionString).OpenAsync(Ct);
        var rows = await connection.QueryAsync<(
            string Destination,
            string Product,
            long Day,
            long Tier,
            double Served
        )>(
            "SELECT destination_code, product_code, day, tier, served FROM plan_allocations WHERE run_id = @runId",
            new { runId }
        );
        return rows.Select(r => $"{r.Destination}|{r.Product}|{r.Day}|{r.Tier}|{r.Served:R}")
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
