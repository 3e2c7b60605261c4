using ClosedXML.Excel;

namespace Planner.Tests.Workbooks;

/// <summary>
/// A depot's work first in its workbook, read back from the published files: today's dispatch list is the plan's
/// day-0 lines leaving the depot, in units and cartons; the dispatch notes (one per consignee and day, a printed page
/// each) add up to the lines, with the three signature lines in the workbook's language; and the towns and villages
/// by day add up to their county's day and to their horizon quantity.
/// </summary>
public class DispatchSheetsTests(PublishedPlan plan) : IClassFixture<PublishedPlan>
{
    private const string Province = "330000";
    private const string Wenzhou = "330300";

    private PlanOutcome Outcome => plan.Outcome;

    private string CityPath(string city) =>
        Outcome.CityWorkbookPaths.Single(p =>
            Path.GetFileName(p).StartsWith($"plan-city-{city}-", StringComparison.Ordinal)
        );

    private (string Path, string Depot)[] Depots => [(Outcome.WorkbookPath!, Province), (CityPath(Wenzhou), Wenzhou)];

    [Fact]
    public void TodaysDispatch_IsTheFirstSheet_AndHoldsTheDepotsDayZeroLinesInUnitsAndCartons()
    {
        foreach (var (path, depot) in Depots)
        {
            using var workbook = Xlsx.Open(path);
            Assert.Equal(
                ["Today's dispatch", "Dispatch notes", "Dispatch by day"],
                workbook.Worksheets.Take(3).Select(w => w.Name)
            );
            var rows = workbook.Worksheet(1).Table("TodayDispatch").DataRange.Rows().ToList();
            var expected = Lines(depot, day => day == 0);
            Assert.NotEmpty(expected);
            Assert.Equal(
                expected,
                rows.Select(r =>
                        (
                            r.Field("Consignee code").GetString(),
                            r.Field("Product").GetString(),
                            (long)r.Field("Quantity").GetDouble()
                        )
                    )
                    .Order()
            );
            Assert.All(rows, r => Assert.Equal(Outcome.Summary.Run.PlanStart, Date(r.Field("Ship date"))));
            AssertCartons(rows);
            // The following days on the next list, none of today's.
            var later = workbook.Worksheet("Dispatch by day").Table("LaterDispatch").DataRange.Rows().ToList();
            Assert.Equal(
                Lines(depot, day => day > 0),
                later
                    .Select(r =>
                        (
                            r.Field("Consignee code").GetString(),
                            r.Field("Product").GetString(),
                            (long)r.Field("Quantity").GetDouble()
                        )
                    )
                    .Order()
            );
            AssertCartons(later);
        }
    }

    /// <summary>Cartons × pack size + loose units = the quantity; depot-to-depot and depot-to-county lines are whole
    /// cartons.</summary>
    private void AssertCartons(List<IXLTableRow> rows)
    {
        var packs = Outcome.Problem.PackSizes;
        Assert.All(rows, r =>
        {
            var pack = (long)r.Field("Units per carton").GetDouble();
            Assert.Equal((long)packs[r.Field("Product").GetString()], pack);
            Assert.Equal(
                (long)r.Field("Quantity").GetDouble(),
                (long)r.Field("Cartons").GetDouble() * pack + (long)r.Field("Loose units").GetDouble()
            );
            if (Outcome.Problem.Destinations.Contains(r.Field("Consignee code").GetString()) is false)
                Assert.Equal(0, r.Field("Loose units").GetDouble());
        });
    }

    private List<(string, string, long)> Lines(string depot, Func<int, bool> days) =>
        Outcome
            .Result.Shipments.Where(s => s.From == depot && days(s.Day) && Math.Round(s.Quantity) > 0)
            .Select(s => (s.To, s.Product, (long)Math.Round(s.Quantity)))
            .Order()
            .ToList();

    private static DateOnly Date(IXLCell cell) => DateOnly.FromDateTime(cell.GetDateTime());

    [Theory]
    [InlineData(
        "en",
        "Medical supplies dispatch note",
        "Shipped by (signature):",
        "Carrier (signature):",
        "Received by (signature):",
        "Total"
    )]
    [InlineData("zh-CN", "医疗物资调拨单", "发货人（签字）：", "承运人（签字）：", "收货人（签字）：", "合计")]
    public void DispatchNotes_OnePerConsigneeAndDay_OnePageEach_AddingUpToTheLines_WithSignatureLines(
        string language,
        string title,
        string shipper,
        string carrier,
        string receiver,
        string total
    )
    {
        foreach (var (path, depot) in Depots)
        {
            using var workbook = Xlsx.Open(PublishedWorkbookTests.InLanguage(path, language));
            var ws = workbook.Worksheet(2);
            var titles = ws.Column(1).CellsUsed().Where(c => c.GetString() == title).Select(c => c.Address.RowNumber);
            var notes = titles.ToList();
            var expected = Outcome
                .Result.Shipments.Where(s => s.From == depot && Math.Round(s.Quantity) > 0)
                .GroupBy(s => (s.Day, s.To))
                .ToList();
            Assert.Equal(expected.Count, notes.Count);
            AssertOneNoteAPage(ws, notes, receiver);

            var lines = new Dictionary<(string Number, string Product), long>();
            foreach (var (top, i) in notes.Select((t, i) => (t, i)))
            {
                var end = i + 1 < notes.Count ? notes[i + 1] - 1 : ws.LastRowUsed()!.RowNumber();
                var cells = ws.Range(top, 1, end, 9).CellsUsed().Select(c => c.GetString()).ToList();
                Assert.Contains(shipper, cells);
                Assert.Contains(carrier, cells);
                Assert.Contains(receiver, cells);
                var number = ws.Cell(top + 1, 1).GetString().Split('：', ':')[1].Trim();
                Assert.Matches($@"^DB\d{{8}}-{depot}-\d{{3}}$", number);
                foreach (var (product, quantity) in NoteLines(ws, top, end, total))
                    lines[(number, product)] = quantity;
            }
            // Together the notes are the depot's lines; each note the lines of one consignee on one day.
            Assert.Equal(
                Outcome.Result.Shipments.Where(s => s.From == depot).Sum(s => (long)Math.Round(s.Quantity)),
                lines.Values.Sum()
            );
            Assert.Equal(expected.Sum(g => g.Count()), lines.Count);
        }
    }

    [Fact]
    public void Deliveries_SplitEveryLineIntoACountyAmongItsReceivers_OnTheSheetAndOnEachNote()
    {
        using var workbook = Xlsx.Open(CityPath(Wenzhou));
        var counties = Outcome.Published!.Value.Snapshot.Regions.Where(r => r.Level == "county").Select(r => r.Code);
        var countySet = counties.ToHashSet(StringComparer.Ordinal);
        var lists = new[] { ("Today's dispatch", "TodayDispatch"), ("Dispatch by day", "LaterDispatch") }
            .SelectMany(l => workbook.Worksheet(l.Item1).Table(l.Item2).DataRange.Rows())
            .Where(r => countySet.Contains(r.Field("Consignee code").GetString()))
            .GroupBy(r => (r.Field("Note no.").GetString(), r.Field("Product").GetString()))
            .ToDictionary(g => g.Key, g => g.Sum(r => (long)r.Field("Quantity").GetDouble()));
        var rows = workbook.Worksheet("Deliveries").Table("Deliveries").DataRange.Rows().ToList();
        var deliveries = rows.GroupBy(r => (r.Field("Note no.").GetString(), r.Field("Product").GetString()))
            .ToDictionary(g => g.Key, g => g.Sum(r => (long)r.Field("Quantity").GetDouble()));
        Assert.NotEmpty(lists);
        Assert.Equal(lists.OrderBy(kv => kv.Key), deliveries.OrderBy(kv => kv.Key));
        // A hospital receiver is one of the county's hospitals, by its code on the Hospitals sheet.
        var hospitals = workbook
            .Worksheet("Hospitals")
            .Table("Hospitals")
            .DataRange.Rows()
            .Select(r => (r.Field("County code").GetString(), r.Field("Hospital code").GetString()))
            .ToHashSet();
        var named = rows.Where(r => r.Field("Receiver code").GetString() != "").ToList();
        Assert.NotEmpty(named);
        Assert.All(named, r =>
            Assert.Contains((r.Field("Consignee code").GetString(), r.Field("Receiver code").GetString()), hospitals)
        );

        // Each printed note to a county carries the same split, adding up to its total.
        var notes = workbook.Worksheet("Dispatch notes");
        var titles = notes
            .Column(1)
            .CellsUsed()
            .Where(c => c.GetString() == "Deliveries in the county (each receiver signs for its units)");
        Assert.NotEmpty(titles);
        foreach (var title in titles)
        {
            var first = title.Address.RowNumber + 2;
            var last = Enumerable.Range(first, 500).First(r => notes.Cell(r + 1, 1).IsEmpty());
            var total = Enumerable.Range(first, last - first + 1).Sum(r => (long)notes.Cell(r, 8).GetDouble());
            var totalRow = notes.Column(1).CellsUsed().Last(c => c.Address.RowNumber < title.Address.RowNumber);
            Assert.Equal("Total", totalRow.GetString());
            Assert.Equal((long)notes.Cell(totalRow.Address.RowNumber, 8).GetDouble(), total);
        }
    }

    /// <summary>The products and quantities of the note from <paramref name="top"/> to <paramref name="end"/>: the
    /// rows between its header (row top + 5) and its total, which they add up to.</summary>
    private static List<(string Product, long Quantity)> NoteLines(IXLWorksheet ws, int top, int end, string total)
    {
        var totalRow = Enumerable.Range(top + 6, end - top).First(r => ws.Cell(r, 1).GetString() == total);
        var lines = Enumerable
            .Range(top + 6, totalRow - top - 6)
            .Select(r => (ws.Cell(r, 2).GetString(), (long)ws.Cell(r, 8).GetDouble()))
            .ToList();
        Assert.NotEmpty(lines);
        Assert.Equal(lines.Sum(l => l.Item2), (long)ws.Cell(totalRow, 8).GetDouble());
        return lines;
    }

    /// <summary>A page break after each note (the row before the next note's title, and after the last note),
    /// the print area ending with the last, portrait and one page wide.</summary>
    private static void AssertOneNoteAPage(IXLWorksheet ws, List<int> notes, string receiver)
    {
        Assert.Equal([.. notes.Skip(1).Select(r => r - 1), NoteEnd(ws, notes[^1], receiver)], ws.PageSetup.RowBreaks);
        Assert.Equal(1, ws.PageSetup.PagesWide);
        Assert.Equal(XLPageOrientation.Portrait, ws.PageSetup.PageOrientation);
        Assert.Equal(ws.PageSetup.RowBreaks[^1], ws.PageSetup.PrintAreas.Single().RangeAddress.LastAddress.RowNumber);
    }

    /// <summary>The row after the last signature line of the note that starts at <paramref name="top"/>.</summary>
    private static int NoteEnd(IXLWorksheet ws, int top, string receiver) =>
        ws.Column(3).CellsUsed().First(c => c.Address.RowNumber > top && c.GetString() == receiver).Address.RowNumber
        + 1;

    [Fact]
    public void TodaysDispatch_InChinese_HasChineseHeadersAndTheDepotsName()
    {
        using var workbook = Xlsx.Open(PublishedWorkbookTests.InLanguage(CityPath(Wenzhou), "zh-CN"));
        var today = workbook.Worksheet(1);
        Assert.Equal("今日调拨", today.Name);
        Assert.Equal("温州市医疗物资储备库 今日调拨清单", today.Cell(1, 1).GetString());
        Assert.Equal(
            [
                "调拨单号",
                "发运日期",
                "收货单位代码",
                "收货单位",
                "物资代码",
                "物资名称",
                "单位",
                "数量",
                "每箱数量",
                "箱数",
                "零散数量",
                "预计到达日期",
            ],
            today.Table("TodayDispatch").Fields.Select(f => f.Name)
        );
        using var province = Xlsx.Open(PublishedWorkbookTests.InLanguage(Outcome.WorkbookPath!, "zh-CN"));
        Assert.Equal("浙江省省级医疗物资储备库 今日调拨清单", province.Worksheet(1).Cell(1, 1).GetString());
    }

    [Fact]
    public void VillagesByDay_AddUpToTheirTownsDay_TownsToTheirCountysDay_AndDaysToTheHorizon()
    {
        using var workbook = Xlsx.Open(CityPath(Wenzhou));
        var products = Outcome.Summary.Products.Select(p => p.Product).ToList();
        var towns = Table(workbook, "Towns by day", "TownsByDay");
        var villages = Table(workbook, "Villages by day", "VillagesByDay");
        var horizonVillages = Table(workbook, "Villages", "Villages");
        var horizonTowns = Table(workbook, "Towns", "Towns");
        Assert.NotEmpty(villages);
        var start = Outcome.Summary.Run.PlanStart;
        var horizon = Outcome.Summary.Run.HorizonDays;
        // Villages one by one for the first days (3 by default), then one line each for the rest of the horizon.
        var spans = villages.Select(r => (Day(r["Date"]), Day(r["Through"]))).Distinct().Order().ToList();
        List<(DateOnly, DateOnly)> expected =
        [
            .. Enumerable.Range(0, 3).Select(d => (start.AddDays(d), start.AddDays(d))),
            (start.AddDays(3), start.AddDays(horizon - 1)),
        ];
        Assert.Equal(expected, spans);
        Assert.All(towns, r => Assert.Equal(Day(r["Date"]), Day(r["Through"])));
        foreach (var product in products)
        {
            AssertTownsFollowTheirCountysDays(product, towns, horizonTowns);
            // A village line adds up with its town's days from its date through its last.
            var townDays = towns.ToLookup(r => r["Town code"].GetString());
            Assert.All(villages.GroupBy(r => (r["Town code"].GetString(), Day(r["Date"]), Day(r["Through"]))), g =>
                Assert.Equal(
                    townDays[g.Key.Item1]
                        .Where(t => Day(t["Date"]) >= g.Key.Item2 && Day(t["Date"]) <= g.Key.Item3)
                        .Sum(t => Whole(t[product])),
                    g.Sum(r => Whole(r[product]))
                )
            );
            var overDays = villages
                .GroupBy(r => r["Village code"].GetString())
                .ToDictionary(g => g.Key, g => g.Sum(r => Whole(r[product])));
            Assert.All(horizonVillages, v =>
                Assert.Equal(Whole(v[product]), overDays.GetValueOrDefault(v["Village code"].GetString()))
            );
        }
        Assert.Equal(XLDataType.Text, villages[^1]["Village code"].DataType);
        Assert.Equal(XLDataType.Text, horizonVillages[^1]["Village code"].DataType);
    }

    /// <summary>What goes down to a county's towns over the horizon (the Towns sheet; hospitals and enterprises take
    /// the rest) is spread over the days as the plan serves the county: each day within a unit of its share.</summary>
    private void AssertTownsFollowTheirCountysDays(
        string product,
        List<Dictionary<string, IXLCell>> towns,
        List<Dictionary<string, IXLCell>> horizonTowns
    )
    {
        var (start, horizon) = (Outcome.Summary.Run.PlanStart, Outcome.Summary.Run.HorizonDays);
        var served = Outcome
            .Result.Allocations.Where(a => a.Product == product && a.Day >= 0 && a.Day < horizon)
            .GroupBy(a => (a.Destination, start.AddDays(a.Day)))
            .ToDictionary(g => g.Key, g => g.Sum(a => a.Served));
        var townsHorizon = horizonTowns
            .GroupBy(r => r["County code"].GetString())
            .ToDictionary(g => g.Key, g => g.Sum(r => Whole(r[product])));
        var townsOfCounty = towns.GroupBy(r => (r["County code"].GetString(), Day(r["Date"]))).ToList();
        Assert.NotEmpty(townsOfCounty);
        Assert.All(townsOfCounty, g =>
        {
            var county = served.Where(s => s.Key.Destination == g.Key.Item1).Sum(s => s.Value);
            var share = townsHorizon[g.Key.Item1] * served.GetValueOrDefault(g.Key) / county;
            Assert.InRange(g.Sum(r => Whole(r[product])), share - 1, share + 1);
        });
        Assert.All(townsHorizon, c =>
            Assert.Equal(c.Value, towns.Where(r => r["County code"].GetString() == c.Key).Sum(r => Whole(r[product])))
        );
    }

    private static List<Dictionary<string, IXLCell>> Table(XLWorkbook workbook, string sheet, string table)
    {
        var t = workbook.Worksheet(sheet).Table(table);
        var fields = t.Fields.Select(f => f.Name).ToList();
        return t
            .DataRange.Rows()
            .Select(r => fields.Select((f, i) => (f, r.Cell(i + 1))).ToDictionary(x => x.f, x => x.Item2))
            .ToList();
    }

    private static DateOnly Day(IXLCell cell) => DateOnly.FromDateTime(cell.GetDateTime());

    private static long Whole(IXLCell cell) => (long)cell.GetDouble();
}
