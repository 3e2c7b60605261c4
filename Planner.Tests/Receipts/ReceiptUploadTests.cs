using ClosedXML.Excel;
using Planner.Api.Localization;
using Planner.Api.Receipts;
using Planner.Api.Uploads;
using Planner.Tests.Uploads;
using static Planner.Tests.Receipts.ReceiptsDatabase;

namespace Planner.Tests.Receipts;

/// <summary>
/// The receipts template and its upload, on SQLite and PostgreSQL: the lines an officer has to confirm, a filled
/// template recorded, every refusal of issue 21 item 8 named by sheet, row, column and header with nothing written,
/// and the capacity upload's checks on the file itself. Real xlsx files, written and edited with ClosedXML.
/// </summary>
public class ReceiptUploadTests
{
    private static readonly DateOnly Today = new(2020, 2, 14);

    private static async Task<byte[]> TemplateAsync(TestNode node, string? city = Hangzhou) =>
        (await ReceiptTemplate.BuildAsync(node.Planner, Run, city, Today, new UploadLimits(), Ct)).Content;

    /// <summary>The rows of the template's sheet as "to product departure shipped".</summary>
    private static List<string> Rows(byte[] file)
    {
        using var workbook = Xlsx.Open(new MemoryStream(file));
        var ws = workbook.Worksheet(1);
        return ws.RowsUsed()
            .Skip(1)
            .Select(r =>
                string.Join(
                    ' ',
                    r.Cell(4).GetString(),
                    r.Cell(6).GetString(),
                    r.Cell(8).GetDateTime().ToString("MM-dd", CultureInfo.InvariantCulture),
                    r.Cell(10).GetDouble().ToString(CultureInfo.InvariantCulture)
                )
            )
            .ToList();
    }

    /// <summary>The template with <paramref name="receipts"/> typed in: row, then the receipt's columns (K to O)
    /// from the first.</summary>
    private static byte[] Filled(byte[] template, params (int Row, object?[] Values)[] receipts) =>
        UploadFiles.Edit(template, wb =>
        {
            var ws = wb.Worksheet(1);
            foreach (var (row, values) in receipts)
            {
                for (var i = 0; i < values.Length; i++)
                {
                    var cell = ws.Cell(row, 11 + i);
                    switch (values[i])
                    {
                        case DateTime d:
                            cell.SetValue(d);
                            break;
                        case double n:
                            cell.SetValue(n);
                            break;
                        case string t when t.StartsWith('='):
                            cell.FormulaA1 = t[1..];
                            break;
                        case string t:
                            cell.SetValue(t);
                            break;
                    }
                }
            }
        });

    private static readonly DateTime Feb11 = new(2020, 2, 11);

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Template_HasTheOfficersUnconfirmedLines_AndAFilledOneIsRecorded(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var node = await PrepareAsync(db);
        var template = await TemplateAsync(node);

        Assert.Equal(
            [
                "330100 N95 02-10 1000",
                "330100 SURGICAL 02-10 100",
                "330102 N95 02-11 250.5",
                "330102 COVERALL 02-12 100",
                "330102 GLOVES 02-12 100",
                "330102 GOGGLES 02-12 100",
                "330102 SURGICAL 02-12 100",
            ],
            Rows(template)
        );
        var file = Filled(template, (2, [990.0, Feb11, 4.0, 6.0, "two cartons torn"]), (4, [250.0, "2020-02-12"]));
        var stored = await Upload(node).UploadAsync(Run, Hangzhou, file, "hangzhou", Ct);

        Assert.Equal(2, stored);
        Assert.Equal(
            "330100|N95|0|990|4|6|2020-02-11|workbook|hangzhou\n330102|N95|1|250|0|0|2020-02-12|workbook|hangzhou",
            await StateAsync(node)
        );
        Assert.Equal(5, Rows(await TemplateAsync(node)).Count);
    }

    /// <summary>Issue 21 item 8 in a file: each refusal at its row, column and header, all at once.</summary>
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Upload_EveryKindOfBadRow_IsNamedBySheetRowAndColumn_AndNothingIsWritten(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var node = await PrepareAsync(db);
        var template = await TemplateAsync(node);
        // Row 9 is a copy of row 8's line (a receipt twice in the file); row 10 names a line the run does not have.
        var copied = UploadFiles.Edit(template, wb =>
        {
            var ws = wb.Worksheet(1);
            ws.Unprotect();
            ws.Row(8).CopyTo(ws.Row(9));
            ws.Row(8).CopyTo(ws.Row(10));
            ws.Cell(10, 6).SetValue("GLOVES");
            ws.Cell(10, 4).SetValue("330100");
        });
        var file = Filled(
            copied,
            (2, [1001.0, Feb11]), // more than the 1,000 shipped
            (3, [-1.0, Feb11]), // negative
            (4, [10.5, "2020-02-12"]), // fractional
            (5, [10.0, Feb11]), // left on 02-12
            (6, ["ten", "=TODAY()"]), // no number; a formula
            (8, [10.0, "2020-02-13"]),
            (9, [10.0, "2020-02-13"]), // row 8's line again
            (10, [10.0, "2020-02-13"]) // no such line
        );

        var before = await StateAsync(node);
        var e = await Assert.ThrowsAsync<UploadInvalid>(() =>
            Upload(node).UploadAsync(Run, Hangzhou, file, "hangzhou", Ct)
        );

        Assert.Equal(before, await StateAsync(node));
        var found = e.Errors.Select(x => $"{x.Sheet}!{x.Column}{x.Row} {x.Field}: {x.Message}").ToList();
        Assert.Equal(
            [
                "Receipts!L6 Date received: The cell holds a formula (=TODAY()); type the value itself (copy and "
                    + "paste as values).",
                "Receipts!K6 Received in good order: This is not a whole number.",
                "Receipts!K2 Received in good order: Received 1,001, short 0 and damaged 0 add up to more than the "
                    + "1,000 shipped.",
                "Receipts!K3 Received in good order: The quantity is negative; it must be 0 or more.",
                "Receipts!K4 Received in good order: Quantities are whole units; this has a fraction.",
                "Receipts!L5 Date received: The date received is before the shipment left, on 2020-02-12.",
                "Receipts!B9 From code: The line 330100 → 330102 SURGICAL 2020-02-12 is confirmed twice (also in "
                    + "row 8); keep one.",
                "Receipts!B10 From code: The run has no shipment line 330100 → 330100 GLOVES 2020-02-12 (from, to, "
                    + "product and departure date must be the plan's).",
            ],
            found
        );
    }

    [Fact]
    public async Task Upload_TheChineseTemplate_IsReadBackAndItsProblemsAreInChinese()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = await PrepareAsync(db);
        using (Texts.Use("zh-CN"))
        {
            var template = await TemplateAsync(node);
            using (var wb = Xlsx.Open(new MemoryStream(template)))
            {
                Assert.Equal(["到货签收", "填报说明"], wb.Worksheets.Select(w => w.Name));
                Assert.Equal("实收数量", wb.Worksheet(1).Cell(1, 11).GetString());
                Assert.Equal("杭州市", wb.Worksheet(1).Cell(2, 5).GetString());
            }
            var bad = Filled(template, (3, [5.0, "2020-02-09"]));
            var e = await Assert.ThrowsAsync<UploadInvalid>(() =>
                Upload(node).UploadAsync(Run, Hangzhou, bad, "hangzhou", Ct)
            );
            var error = Assert.Single(e.Errors);
            Assert.Equal(("到货签收", 3, "L", "签收日期"), (error.Sheet, error.Row, error.Column, error.Field));
            Assert.Equal("签收日期早于发运日期 2020-02-10。", error.Message);

            var good = Filled(template, (3, [100.0, "2020-02-13"]));
            Assert.Equal(1, await Upload(node).UploadAsync(Run, Hangzhou, good, "hangzhou", Ct));
        }
    }

    /// <summary>The capacity upload's guard is the receipts upload's: rows are counted before any is read.</summary>
    [Fact]
    public async Task Upload_MoreRowsThanTheLimit_IsRefusedBeforeAnyRowIsRead()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = await PrepareAsync(db);
        var file = Filled(await TemplateAsync(node), (2, [1000.0, Feb11]));
        var upload = new ReceiptUpload(node.Planner, new UploadLimits { MaxReceiptRows = 3 }, Clock);

        var e = await Assert.ThrowsAsync<UploadRejected>(() => upload.UploadAsync(Run, Hangzhou, file, "x", Ct));

        Assert.Equal(413, e.Status);
        Assert.Contains("The sheet Receipts has data in row 5", e.Message, StringComparison.Ordinal);
        Assert.Contains("(Planner:Uploads:MaxReceiptRows)", e.Message, StringComparison.Ordinal);
        Assert.Equal("", await StateAsync(node));
    }

    [Fact]
    public async Task Upload_TheCapacityTemplate_IsRefusedNamingTheSheetItNeeds()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = await PrepareAsync(db);
        var capacity = (await CapacityTemplate.BuildAsync(node.Planner, [], Today, Ct)).Content;

        var e = await Assert.ThrowsAsync<UploadInvalid>(() =>
            Upload(node).UploadAsync(Run, Hangzhou, capacity, "x", Ct)
        );

        Assert.Contains(e.Errors, x => x.Message.Contains("no sheet 'Receipts'", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Message.StartsWith("Unexpected sheet 'Capacity'", StringComparison.Ordinal));
    }
}
