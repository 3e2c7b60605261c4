using ClosedXML.Excel;
using Planner.Api.Receipts;
using Planner.Solver.Allocation;

namespace Planner.Tests.Planning;

/// <summary>
/// Receipts close the loop (issue 21 item 5): the next plan starts from what consignees confirmed they received (a
/// shortage or damage is missing, a line arrives on the day it was received), and lists the dispatch plan's lines
/// not confirmed by the day after arrival on its Summary and in summary.json. Real SQLite file, real pipeline.
/// </summary>
public class ReceivedStockTests
{
    private const string Wuhan = "HB-WUHAN";

    [Fact]
    public async Task NextPlan_StartsFromTheReceivedQuantities_AndListsTheLinesOverdueForAReceipt()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = TestPlanner.Node(db, ("Planner:Teams:TimeLimitSeconds", "2"));
        await node.PrepareWithSourcesAsync(Ct);
        var first = await node.RunAsync(new PlanRequest(HorizonDays: 7) { AsOf = new(2020, 2, 9) }, ct: Ct);
        await using var connection = await node.Planner.OpenAsync(Ct);
        var before = await NextProblemAsync(connection);
        var lines = await DayZeroLinesAsync(connection, first.RunId);
        // A line into a city depot due by 11 February, received on 10 February (the as-of day) 7 units short.
        var toDepot = lines.First(l => l.ToCity && l.ArrivalDay <= 1 && l.Quantity >= 10);
        // A line to Wuhan still on the road on the as-of day: 3 units damaged, received on another day than planned
        // (days of the next plan, which starts on 11 February).
        var toWuhan = lines.First(l => l.To == Wuhan && l.ArrivalDay is >= 1 and <= 7 && l.Quantity >= 10);
        var planned = toWuhan.ArrivalDay - 1;
        var received = planned == 1 ? 2 : 1;

        var recorded = await RecordAsync(
            node,
            first.RunId,
            new(0, toDepot.From, toDepot.To, toDepot.Product, Feb(10), (decimal)toDepot.Quantity - 7, Feb(10), 7),
            new(1, toWuhan.From, Wuhan, toWuhan.Product, Feb(10), (decimal)toWuhan.Quantity - 3, Feb(11 + received))
            {
                Damaged = 3,
            }
        );
        var after = await NextProblemAsync(connection);

        Assert.Equal(2, recorded);
        // What the depot has on the next plan's first day (stock and arrivals): 7 fewer than the plan as published
        // would have it.
        Assert.Equal(
            DayZeroStock(before, toDepot.To, toDepot.Product) + Arriving(before, toDepot.To, toDepot.Product, 0) - 7,
            DayZeroStock(after, toDepot.To, toDepot.Product) + Arriving(after, toDepot.To, toDepot.Product, 0),
            3
        );
        // Wuhan: the line arrives on the day received with what was received, no longer on its planned day in full.
        Assert.Equal(
            Arriving(before, Wuhan, toWuhan.Product, received) + toWuhan.Quantity - 3,
            Arriving(after, Wuhan, toWuhan.Product, received),
            3
        );
        Assert.Equal(
            Arriving(before, Wuhan, toWuhan.Product, planned) - toWuhan.Quantity,
            Arriving(after, Wuhan, toWuhan.Product, planned),
            3
        );

        await NextPlanListsOverdueLinesAsync(node, db, lines, toDepot);
    }

    /// <summary>The next day's plan (from 12 February): the lines due to arrive on the 10th and not confirmed are
    /// overdue, in summary.json and on the province workbook's Summary in both languages.</summary>
    private static async Task NextPlanListsOverdueLinesAsync(
        TestNode node,
        TestDatabase db,
        List<Line> lines,
        Line toDepot
    )
    {
        var next = await node.RunAsync(
            new PlanRequest(Path.Combine(db.Directory, "next"), HorizonDays: 7) { AsOf = new(2020, 2, 11) },
            ct: Ct
        );
        var expected = lines
            .Where(l => l.ArrivalDay == 0 && l != toDepot)
            .Select(l => new OverdueLine(l.From, l.To, l.Product, l.Quantity, Feb(11)))
            .ToList();
        Assert.NotEmpty(expected);
        var summary = PlanSummary.FromJson(await File.ReadAllTextAsync(next.SummaryPath!, Ct));
        Assert.Equal(
            expected.OrderBy(Key, StringComparer.Ordinal),
            summary.OverdueReceipts.OrderBy(Key, StringComparer.Ordinal)
        );
        Assert.DoesNotContain(summary.OverdueReceipts, o =>
            o.Consignee == toDepot.To && o.Depot == toDepot.From && o.Product == toDepot.Product
        );

        var shown = expected.First();
        AssertListed(next.WorkbookPath!, "Summary", "Shipment lines overdue for a receipt", "Receipt due", shown);
        var chinese = Directory.GetFiles(Path.GetDirectoryName(next.WorkbookPath)!, "plan-province-*-zh-CN.xlsx");
        AssertListed(Assert.Single(chinese), "汇总", "逾期未签收的调拨明细", "应签收日期", shown);
    }

    private static Task<int> RecordAsync(TestNode node, string run, params ReceiptInput[] receipts) =>
        new ReceiptBook(node.Planner, TimeProvider.System).RecordAsync(
            run,
            null,
            receipts,
            ("api", "test", 1000),
            ReceiptBook.ItemPlace,
            [],
            Ct
        );

    private static DateOnly Feb(int day) => new(2020, 2, day);

    private static string Key(OverdueLine o) => $"{o.Depot}|{o.Consignee}|{o.Product}";

    /// <summary>The Summary sheet lists the line under its heading: consignee by code, quantity and due date.</summary>
    private static void AssertListed(string path, string sheetName, string heading, string dueTitle, OverdueLine line)
    {
        using var workbook = Xlsx.Open(path);
        var sheet = workbook.Worksheets.FirstOrDefault(w => w.Name == sheetName) ?? workbook.Worksheet(1);
        var title = sheet.CellsUsed().Single(c => c.GetString() == heading);
        var header = sheet.CellsUsed().Single(c => c.GetString() == dueTitle).Address.RowNumber;
        Assert.True(header > title.Address.RowNumber);
        var row = sheet
            .RowsUsed()
            .Where(r => r.RowNumber() > header)
            .First(r =>
                r.Cell(1).GetString().EndsWith($"({line.Depot})", StringComparison.Ordinal)
                && r.Cell(2).GetString().EndsWith($"({line.Consignee})", StringComparison.Ordinal)
            );
        Assert.Equal(line.Quantity, row.Cell(4).GetDouble(), 3);
        Assert.Equal(line.Due.ToDateTime(TimeOnly.MinValue), row.Cell(5).GetDateTime());
    }

    private static async Task<AllocationProblem> NextProblemAsync(System.Data.Common.DbConnection db) =>
        ProblemBuilder
            .Build(
                await InputsReader.ReadAsync(
                    db,
                    PlanScenario.Baseline,
                    new PlanRequest { AsOf = new(2020, 2, 10) },
                    days: 7
                )
            )
            .Problem;

    private static double DayZeroStock(AllocationProblem p, string depot, string product) =>
        p.Supplies.Where(s => s.Depot == depot && s.Product == product && s.Day == 0).Sum(s => s.Quantity);

    private static double Arriving(AllocationProblem p, string node, string product, int day) =>
        p.Arrivals.Where(a => a.Node == node && a.Product == product && a.Day == day).Sum(a => a.Quantity);

    private sealed record Line(string From, string To, string Product, double Quantity, int ArrivalDay, bool ToCity);

    /// <summary>The run's lines that left on its first day (10 February), with their arrival day.</summary>
    private static async Task<List<Line>> DayZeroLinesAsync(System.Data.Common.DbConnection db, string run) => (
            await db.QueryAsync<(string, string, string, double, long, long)>(
                """
                SELECT s.from_code, s.to_code, s.product_code, s.quantity, s.arrival_day,
                    CASE WHEN t.level = 'city' THEN 1 ELSE 0 END
                FROM plan_shipments s JOIN regions t ON t.code = s.to_code
                WHERE s.run_id = @run AND s.day = 0 ORDER BY s.from_code, s.to_code, s.product_code
                """,
                new { run }
            )
        ).Select(r => new Line(r.Item1, r.Item2, r.Item3, r.Item4, (int)r.Item5, r.Item6 == 1)).ToList();
}
