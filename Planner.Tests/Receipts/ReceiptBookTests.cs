using Planner.Api.Localization;
using Planner.Api.Receipts;
using static Planner.Tests.Receipts.ReceiptsDatabase;

namespace Planner.Tests.Receipts;

/// <summary>
/// Receipts recorded in batches, on SQLite and PostgreSQL: a good batch is stored with who and when; every refusal
/// of issue 21 item 8 is named at its item and field, all at once, and nothing is written; the overdue lines.
/// </summary>
public class ReceiptBookTests
{
    private static readonly (string, string, int) By = ("api", "hangzhou", 1000);

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RecordAsync_GoodBatch_StoresEachReceiptWithWhoAndWhen(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var node = await PrepareAsync(db);

        var stored = await Book(node)
            .RecordAsync(
                Run,
                Hangzhou,
                [Input(0, 0, 990, shortage: 4, damaged: 6), Input(1, 1, 250)],
                By,
                Item,
                [],
                Ct
            );

        Assert.Equal(2, stored);
        Assert.Equal(
            "330100|N95|0|990|4|6|2020-02-13|api|hangzhou\n330102|N95|1|250|0|0|2020-02-13|api|hangzhou",
            await StateAsync(node)
        );
        await using var c = await node.Planner.OpenAsync(Ct);
        var receipts = await ShipmentLines.ReceiptsAsync(c, Run, Hangzhou);
        Assert.Equal(new DateOnly(2020, 2, 11), receipts[1].Departure);
        Assert.Equal(Clock.GetUtcNow(), receipts[0].RecordedAt);
    }

    /// <summary>Issue 21 item 8, one item each, in one batch: each problem at its item and field.</summary>
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RecordAsync_EveryKindOfBadReceipt_IsNamedAtItsPlace_AndNothingIsWritten(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var node = await PrepareAsync(db);
        ReceiptInput[] batch =
        [
            Input(0, 0, 1000) with
            {
                Product = "GLOVES",
            }, // no such line
            Input(1, 0, 999, shortage: 2), // 1,001 accounted for, 1,000 shipped
            Input(2, 1, 251), // 250.5 shipped: 251 is more
            Input(3, 3, -1), // negative
            Input(4, 4, 10.5m), // fractional
            Input(5, 5, 10, receivedOn: "2020-02-11"), // left on 02-12
            Input(6, 6, 10, receivedOn: "2020-02-15"), // after today (02-14 in Beijing)
            Input(7, 7, 10, receivedOn: "2020-02-12"),
            Input(8, 7, 10, receivedOn: "2020-02-12"), // the same line as item 7
            Input(9, 2, 10), // Ningbo's line: not Hangzhou's to confirm
        ];

        var e = await Assert.ThrowsAsync<ReceiptsRefused>(() =>
            Book(node).RecordAsync(Run, Hangzhou, batch, By, Item, [], Ct)
        );

        Assert.Equal("", await StateAsync(node));
        var found = e.Problems.Select(p => $"{p.Item} {p.Field} {p.Value}").ToList();
        Assert.Equal(
            [
                "0 Line 330000 → 330100 GLOVES 2020-02-10",
                "1 Received 999",
                "2 Received 251",
                "3 Received -1",
                "4 Received 10.5",
                "5 ReceivedOn 2020-02-11",
                "6 ReceivedOn 2020-02-15",
                "8 Line 330000 → 330100 SURGICAL 2020-02-10",
                "9 Line 330000 → 330200 N95 2020-02-10",
            ],
            found
        );
        Assert.Contains("no shipment line", e.Problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("more than the 1,000 shipped", e.Problems[1].Message, StringComparison.Ordinal);
        Assert.Contains("more than the 250.5 shipped", e.Problems[2].Message, StringComparison.Ordinal);
        Assert.Contains("negative", e.Problems[3].Message, StringComparison.Ordinal);
        Assert.Contains("fraction", e.Problems[4].Message, StringComparison.Ordinal);
        Assert.Contains("before the shipment left, on 2020-02-12", e.Problems[5].Message, StringComparison.Ordinal);
        Assert.Contains("after today (2020-02-14", e.Problems[6].Message, StringComparison.Ordinal);
        Assert.Contains("twice (also in receipts[7])", e.Problems[7].Message, StringComparison.Ordinal);
        Assert.Contains("outside your area", e.Problems[8].Message, StringComparison.Ordinal);
        Assert.StartsWith("The receipts have 9 problems; nothing was saved.", e.Message, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RecordAsync_ALineConfirmedBefore_IsRefusedNamingWhoConfirmedIt(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var node = await PrepareAsync(db);
        await Book(node).RecordAsync(Run, null, [Input(0, 1, 250)], ("workbook", "province", 1000), Item, [], Ct);
        var before = await StateAsync(node);

        var e = await Assert.ThrowsAsync<ReceiptsRefused>(() =>
            Book(node).RecordAsync(Run, Hangzhou, [Input(0, 0, 1000), Input(1, 1, 250)], By, Item, [], Ct)
        );

        Assert.Equal(before, await StateAsync(node));
        var problem = Assert.Single(e.Problems);
        Assert.Equal((1, ReceiptField.Line), (problem.Item, problem.Field));
        Assert.Contains("was confirmed by province at 2020-02-14 04:00", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_InChinese_NamesTheProblemInChinese()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = await PrepareAsync(db);
        using (Texts.Use("zh-CN"))
        {
            var e = await Assert.ThrowsAsync<ReceiptsRefused>(() =>
                Book(node).RecordAsync(Run, Hangzhou, [Input(0, 0, 1001)], By, Item, [], Ct)
            );
            Assert.Equal(
                "签收登记有1个问题，未保存任何数据。实收 1,001、短少 0、破损 0，合计超过调拨数量 1,000。",
                e.Message
            );
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task OverdueAsync_ListsLinesNotConfirmedByTheDayAfterArrival_InTheOfficersArea(
        DatabaseProvider provider
    )
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var node = await PrepareAsync(db);
        await Book(node).RecordAsync(Run, Hangzhou, [Input(0, 0, 1000)], By, Item, [], Ct);
        var today = BeijingTime.Today(Clock);

        await using var c = await node.Planner.OpenAsync(Ct);
        var hangzhou = await ShipmentLines.OverdueAsync(c, Run, Hangzhou, today);
        var everywhere = await ShipmentLines.OverdueAsync(c, Run, null, today);
        var dayEarlier = await ShipmentLines.OverdueAsync(c, Run, null, today.AddDays(-1));

        Assert.Equal(new DateOnly(2020, 2, 14), today);
        Assert.Equal(["330102 N95 2020-02-12"], hangzhou.Select(Describe));
        Assert.Equal(["330200 N95 2020-02-11", "330102 N95 2020-02-12"], everywhere.Select(Describe));
        Assert.Equal(["330200 N95 2020-02-11"], dayEarlier.Select(Describe));
    }

    private static string Describe(ShipmentLine l) =>
        FormattableString.Invariant($"{l.ToCode} {l.ProductCode} {l.Arrival:yyyy-MM-dd}");

    private static string Item(int i) => ReceiptBook.ItemPlace(i);
}
