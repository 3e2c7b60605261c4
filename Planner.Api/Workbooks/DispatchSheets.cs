using ClosedXML.Excel;
using Planner.Api.Localization;
using Planner.Api.Planning;
using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;
using static Planner.Api.Workbooks.DispatchText;
using static Planner.Api.Workbooks.Sheet;
using RegionInfo = Planner.Api.Planning.RegionInfo;

namespace Planner.Api.Workbooks;

/// <summary>
/// A depot's work, first in its workbook (issue 21 item 7): <c>Today's dispatch</c> (the lines leaving the depot on
/// the plan's first day, per consignee, in units and cartons), <c>Dispatch notes</c> (one 调拨单 per consignee and
/// day, one to a printed page, with the shipper's, carrier's and consignee's signature lines; a note to a county
/// also says who signs for each line there), <c>Dispatch by day</c> (the lines of the following days) and
/// <c>Deliveries</c> (every line into a county split among its hospitals, enterprises and villages: item 2).
/// </summary>
public static class DispatchSheets
{
    /// <summary>The columns of the dispatch lists.</summary>
    private const int ListColumns = 12;

    /// <summary>The columns of a printed note.</summary>
    private const int NoteColumns = 9;

    /// <summary>Adds the depot's three sheets to <paramref name="workbook"/> (call it first: they lead the
    /// workbook).</summary>
    public static void Write(
        XLWorkbook workbook,
        string depot,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        IReadOnlyList<Shipment> shipments,
        IReadOnlyDictionary<Shipment, IReadOnlyList<Delivery>> deliveries,
        LongLists lists
    )
    {
        var packs = snapshot.Products.ToDictionary(p => p.Code, p => p.PackSize, StringComparer.Ordinal);
        var notes = DispatchNotes.Of(depot, run.PlanStart, shipments, packs, deliveries);
        var places = new Places(snapshot, depot);
        var today = workbook.Worksheets.Add(D("Sheet.Today"));
        List(
            today,
            "TodayDispatch",
            D("Today.Title", places.Depot),
            run,
            places,
            [.. notes.Where(n => n.Day == 0)],
            lists
        );
        Notes(workbook.Worksheets.Add(D("Sheet.Notes")), run, places, notes);
        var later = workbook.Worksheets.Add(D("Sheet.Later"));
        List(
            later,
            "LaterDispatch",
            D("Later.Title", places.Depot),
            run,
            places,
            [.. notes.Where(n => n.Day > 0)],
            lists
        );
        DeliveryList(workbook.Worksheets.Add(D("Sheet.Deliveries")), run, places, notes, lists);
        today.SetTabActive();
    }

    /// <summary>A receiver's type (医疗机构, 复工复产企业, …) in the current language.</summary>
    public static string ReceiverKind(Receiver receiver) =>
        D(
            "Receiver."
                + receiver.Kind switch
                {
                    ConsigneeKind.Hospitals => "Hospitals",
                    ConsigneeKind.Enterprises => "Enterprises",
                    ConsigneeKind.Villages => "Villages",
                    _ => "Store",
                }
        );

    /// <summary>Who signs for a receiver's units: the hospital by name (its code when unnamed), or the county's
    /// body that hands them on.</summary>
    public static string ReceiverName(Receiver receiver, IReadOnlyDictionary<string, string> hospitals) =>
        receiver switch
        {
            { Hospital: { } code } => hospitals.GetValueOrDefault(code, code),
            { Kind: ConsigneeKind.Hospitals } => D("Receiver.HealthCommission"),
            { Kind: ConsigneeKind.Enterprises } => D("Receiver.EnterprisesName"),
            { Kind: ConsigneeKind.Villages } => D("Receiver.VillagesName"),
            _ => D("Receiver.StoreName"),
        };

    /// <summary>The keys of the three signature lines of a note: shipper, carrier, consignee.</summary>
    public static readonly IReadOnlyList<string> Signers = ["Note.Shipper", "Note.Carrier", "Note.Receiver"];

    /// <summary>The provincial reserve depot: the node with the province's code.</summary>
    public static string ProvinceDepot(PlanSnapshot snapshot) =>
        snapshot.Regions.Single(r => r.Level == "province").Code;

    /// <summary>The depot's name as people call it: the provincial reserve depot, or the city's depot.</summary>
    public static string DepotName(RegionInfo depot) =>
        D(depot.Level == "province" ? "Depot.Province" : "Depot.City", Name(depot));

    /// <summary>A region's name in the current language.</summary>
    public static string Name(RegionInfo region) => Texts.Chinese ? region.Name : region.NameEn ?? region.Name;

    /// <summary>Names of the depot, the consignees and the products, in the current language.</summary>
    private sealed class Places(PlanSnapshot snapshot, string depot)
    {
        public readonly Dictionary<string, string> Hospitals = snapshot
            .HospitalReports.GroupBy(h => h.Code, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);

        private readonly Dictionary<string, RegionInfo> _regions = snapshot.Regions.ToDictionary(
            r => r.Code,
            StringComparer.Ordinal
        );

        public readonly Dictionary<string, ProductInfo> Products = snapshot.Products.ToDictionary(
            p => p.Code,
            StringComparer.Ordinal
        );

        public string DepotCode => depot;

        public string Depot => _regions.TryGetValue(depot, out var r) ? DepotName(r) : depot;

        public string Region(string code) => _regions.TryGetValue(code, out var r) ? Name(r) : code;
    }

    /// <summary>A dispatch list: title, the day's facts, then one row per note line under a header on row 4.</summary>
    private static void List(
        IXLWorksheet ws,
        string table,
        string title,
        PlanRunInfo run,
        Places places,
        IReadOnlyList<DispatchNote> notes,
        LongLists lists
    )
    {
        ws.Cell(1, 1).SetValue(title).Style.Font.SetBold().Font.FontSize = 14;
        ws.Cell(2, 1).SetValue(Facts(table == "TodayDispatch" ? "Today" : "Later", run, notes));
        ws.Cell(2, 8).SetValue(D("Today.Plan")).Style.Font.Bold = true;
        Text(ws.Cell(2, 9), run.RunId);
        Header(ws, 4, ListTitles());
        DateTime Date(int day) => run.PlanStart.AddDays(day).ToDateTime(TimeOnly.MinValue);
        var rows = notes
            .SelectMany(note =>
                note.Lines.Select(line =>
                    new object[]
                    {
                        note.Number,
                        Date(note.Day),
                        note.To,
                        places.Region(note.To),
                        line.Product,
                        ProductName(places.Products[line.Product]),
                        Unit(places.Products[line.Product]),
                        line.Quantity,
                        line.PackSize,
                        line.Cartons,
                        line.Loose,
                        Date(line.ArrivalDay),
                    }
                )
            )
            .ToList();
        lists.Start(ws, rows, top: 5);
        foreach (var c in new[] { 1, 3, 5 })
            ws.Cell(5, c).DataType = XLDataType.Text;
        ws.Cell(5, 2).Style.DateFormat.Format = DateFormat;
        ws.Cell(5, 12).Style.DateFormat.Format = DateFormat;
        ws.Range(5, 8, 5, 11).Style.NumberFormat.Format = Count;
        Sheet.List(ws, table, 4, 5, ListColumns);
        Widths(ws, 22, 12, 13, 16, 11, 18, 7, 12, 10, 10, 10, 13);
        Finish(ws, run, headerRows: 4);
    }

    /// <summary>Every line into a county, one row per receiver, under a header on row 4.</summary>
    private static void DeliveryList(
        IXLWorksheet ws,
        PlanRunInfo run,
        Places places,
        IReadOnlyList<DispatchNote> notes,
        LongLists lists
    )
    {
        DateTime Date(int day) => run.PlanStart.AddDays(day).ToDateTime(TimeOnly.MinValue);
        var rows = notes
            .SelectMany(note =>
                note.Lines.SelectMany(line =>
                    line.Deliveries.Select(d =>
                        new object[]
                        {
                            note.Number,
                            Date(note.Day),
                            note.To,
                            places.Region(note.To),
                            ReceiverKind(d.Receiver),
                            d.Receiver.Hospital ?? "",
                            ReceiverName(d.Receiver, places.Hospitals),
                            line.Product,
                            ProductName(places.Products[line.Product]),
                            Unit(places.Products[line.Product]),
                            d.Quantity,
                            Date(line.ArrivalDay),
                        }
                    )
                )
            )
            .ToList();
        ws.Cell(1, 1).SetValue(D("Deliveries.Title", places.Depot)).Style.Font.SetBold().Font.FontSize = 14;
        ws.Cell(2, 1).SetValue(rows.Count == 0 ? D("Deliveries.None") : D("Deliveries.Facts", rows.Count));
        var t = ListTitles();
        Header(ws, 4, [.. t[..4], D("Col.ReceiverKind"), D("Col.ReceiverCode"), D("Col.Receiver"), .. t[4..8], t[^1]]);
        lists.Start(ws, rows, top: 5);
        foreach (var c in new[] { 1, 3, 6, 8 })
            ws.Cell(5, c).DataType = XLDataType.Text;
        ws.Cell(5, 2).Style.DateFormat.Format = DateFormat;
        ws.Cell(5, 12).Style.DateFormat.Format = DateFormat;
        ws.Cell(5, 11).Style.NumberFormat.Format = Count;
        Sheet.List(ws, "Deliveries", 4, 5, ListColumns);
        Widths(ws, 22, 12, 13, 16, 12, 14, 30, 11, 18, 7, 12, 13);
        Finish(ws, run, headerRows: 4);
    }

    /// <summary>What the list holds: its days, notes, lines and cartons (or that it is empty).</summary>
    private static string Facts(string list, PlanRunInfo run, IReadOnlyList<DispatchNote> notes) =>
        notes.Count == 0
            ? D(list + ".None")
            : D(
                list + ".Facts",
                Day(run.PlanStart.AddDays(notes[0].Day)),
                Day(run.PlanStart.AddDays(notes[^1].Day)),
                notes.Count,
                notes.Sum(n => n.Lines.Count),
                notes.Sum(n => n.Cartons).ToString("#,0", CultureInfo.CurrentCulture)
            );

    private static string[] ListTitles() =>
        [
            D("Col.NoteNumber"),
            D("Col.ShipDate"),
            D("Col.ConsigneeCode"),
            D("Col.Consignee"),
            D("Col.ProductCode"),
            D("Col.ProductName"),
            D("Col.Unit"),
            D("Col.Quantity"),
            D("Col.PackSize"),
            D("Col.Cartons"),
            D("Col.Loose"),
            D("Col.ArrivalDate"),
        ];

    /// <summary>Every note of the depot, one below the other with a page break after each, portrait, one page
    /// wide.</summary>
    private static void Notes(IXLWorksheet ws, PlanRunInfo run, Places places, List<DispatchNote> notes)
    {
        var row = 1;
        var kinds = new Kinds();
        if (notes.Count == 0)
            ws.Cell(1, 1).SetValue(D("Note.None"));
        foreach (var note in notes)
        {
            var last = Note(ws, row, run, places, note, kinds);
            ws.PageSetup.AddHorizontalPageBreak(last);
            row = last + 1;
        }
        Widths(ws, 6, 11, 22, 7, 10, 9, 9, 12, 13);
        Finish(ws, run, headerRows: 0, area: $"A1:I{Math.Max(row - 1, 1)}");
        ws.PageSetup.PageOrientation = XLPageOrientation.Portrait;
        ws.PageSetup.Margins.Top = 0.6;
        ws.PageSetup.CenterHorizontally = true;
    }

    /// <summary>One note from <paramref name="top"/>: heading, from/to, lines with their total, the remarks and the
    /// three signature lines. Returns its last row. Texts run on into the empty cells beside them rather than into
    /// merged cells: ClosedXML checks every merge against all the others, and 3,000 merges took seconds a
    /// workbook.</summary>
    private static int Note(IXLWorksheet ws, int top, PlanRunInfo run, Places places, DispatchNote note, Kinds kinds)
    {
        ws.Cell(top, 1).SetValue(D("Note.Title"));
        for (var c = 1; c <= NoteColumns; c++)
        {
            kinds.Apply(ws.Cell(top, c), "title", style =>
            {
                style.Alignment.Horizontal = XLAlignmentHorizontalValues.CenterContinuous;
                if (c == 1)
                    style.Font.SetBold().Font.FontSize = 16;
            });
        }
        ws.Row(top).Height = 30;
        var arrivals = note.Lines.Select(l => Day(run.PlanStart.AddDays(l.ArrivalDay))).Distinct().ToList();
        Pair(top + 1, D("Note.Number", note.Number), D("Note.Date", Day(run.PlanStart.AddDays(note.Day))));
        Pair(top + 2, D("Note.From", places.Depot, places.DepotCode), D("Note.To", places.Region(note.To), note.To));
        ws.Cell(top + 3, 1).SetValue(D("Note.Arrival", string.Join(" ~ ", arrivals)));
        // The plan on a line of its own: beside the arrival it ran into it in print.
        ws.Cell(top + 4, 1).SetValue(D("Note.Plan", run.RunId, Day(run.PlanStart)));
        var row = NoteLines(ws, top + 5, run, places, note, kinds);
        // Today's notes carry who signs for what in the county; later days' point to the Deliveries sheet: the plan
        // is re-run daily, and a table on every note of the horizon made publishing a third slower.
        if (note.Lines.Any(l => l.Deliveries.Count > 0))
            row =
                note.Day == 0
                    ? DeliveryLines(ws, row + 2, places, note)
                    : ws.Cell(row + 2, 1).SetValue(D("Note.DeliveriesElsewhere", note.Number)).Address.RowNumber;
        row += 2;
        // Each sentence on a row of its own, running on over the empty cells: no merged cell (ClosedXML checks every
        // merge against all the others on the sheet, and one a note cost a depot's notes a third of their time).
        ws.Cell(row, 1).SetValue(D("Note.Remark.Count"));
        ws.Cell(++row, 1).SetValue(D("Note.Remark.Confirm"));
        ws.Cell(++row, 1).SetValue(D("Note.Copies"));
        foreach (var signer in Signers)
        {
            row += 2;
            Signature(ws, row, D(signer), kinds);
        }
        return row + 1;

        void Pair(int r, string left, string right)
        {
            ws.Cell(r, 1).SetValue(left);
            ws.Cell(r, 5).SetValue(right);
        }
    }

    /// <summary>The note's table: header at <paramref name="header"/>, a row per product, the total. Returns the
    /// total's row.</summary>
    private static int NoteLines(
        IXLWorksheet ws,
        int header,
        PlanRunInfo run,
        Places places,
        DispatchNote note,
        Kinds kinds
    )
    {
        Header(
            ws,
            header,
            [
                D("Col.Line"),
                D("Col.ProductCode"),
                D("Col.ProductName"),
                D("Col.Unit"),
                D("Col.PackSize"),
                D("Col.Cartons"),
                D("Col.Loose"),
                D("Col.Quantity"),
                D("Col.ArrivalDate"),
            ]
        );
        // Two lines for the titles that wrap ("Units per carton" printed as "carton" in a row of one).
        ws.Row(header).Height = 30;
        var row = header;
        foreach (var (line, i) in note.Lines.Select((l, i) => (l, i)))
        {
            row++;
            ws.Cell(row, 1).SetValue(i + 1);
            Text(ws.Cell(row, 2), line.Product);
            ws.Cell(row, 3).SetValue(ProductName(places.Products[line.Product]));
            ws.Cell(row, 4).SetValue(Unit(places.Products[line.Product]));
            ws.Cell(row, 5).SetValue(line.PackSize);
            ws.Cell(row, 6).SetValue(line.Cartons);
            ws.Cell(row, 7).SetValue(line.Loose);
            ws.Cell(row, 8).SetValue(line.Quantity);
            Date(ws.Cell(row, 9), run, line.ArrivalDay);
        }
        row++;
        ws.Cell(row, 1).SetValue(D("Note.Total"));
        ws.Cell(row, 6).SetValue(note.Cartons);
        ws.Cell(row, 7).SetValue(note.Loose);
        ws.Cell(row, 8).SetValue(note.Quantity);
        Rules(ws, header, row, kinds);
        return row;
    }

    /// <summary>The note's table ruled: every line boxed, the line numbers centred, the quantities counted; the
    /// total's label runs on over the first five columns (no lines between them), the sums ruled apart.</summary>
    private static void Rules(IXLWorksheet ws, int header, int total, Kinds kinds)
    {
        for (var r = header; r <= total; r++)
        {
            var part =
                r == header ? "header"
                : r < total ? "line"
                : "total";
            for (var c = 1; c <= NoteColumns; c++)
            {
                kinds.Apply(ws.Cell(r, c), part, style =>
                {
                    if (part != "total" || c >= 5)
                        style.Border.OutsideBorder = XLBorderStyleValues.Thin;
                    else
                    {
                        style.Border.TopBorder = XLBorderStyleValues.Thin;
                        style.Border.BottomBorder = XLBorderStyleValues.Thin;
                        if (c == 1)
                            style.Border.LeftBorder = XLBorderStyleValues.Thin;
                    }
                    if (part != "header" && c is >= 5 and <= 8)
                        style.NumberFormat.Format = Count;
                    if (part != "total" && c == 1)
                        style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
                    if (part == "total")
                        style.Font.SetBold().Fill.BackgroundColor = SubtotalFill;
                });
            }
        }
    }

    /// <summary>
    /// The styles of a sheet's notes, each kind of cell (a kind, a column) styled once and its style copied whole to
    /// the others: ClosedXML 0.95 restyles a cell for every property set, and styling each note's ranges took most
    /// of a depot's notes' time (11 s of 15 for a run's notes in both languages).
    /// </summary>
    private sealed class Kinds
    {
        private readonly Dictionary<(string Kind, int Column), IXLStyle> _styles = [];

        /// <summary>Gives <paramref name="cell"/> the style of its kind; the first cell of a kind is styled by
        /// <paramref name="make"/> from the style it has.</summary>
        public void Apply(IXLCell cell, string kind, Action<IXLStyle> make)
        {
            var key = (kind, cell.Address.ColumnNumber);
            if (_styles.TryGetValue(key, out var style))
            {
                cell.Style = style;
                return;
            }
            make(cell.Style);
            _styles[key] = cell.Style;
        }
    }

    /// <summary>The note's deliveries in the county from <paramref name="top"/>: its title, a header and a row per
    /// line and receiver (the line's number, product, receiver's type and name, units, and a column for what the
    /// receiver counts on arrival). Returns the last row. The name runs on over three empty cells: no merges.</summary>
    private static int DeliveryLines(IXLWorksheet ws, int top, Places places, DispatchNote note)
    {
        ws.Cell(top, 1).SetValue(D("Note.Deliveries")).Style.Font.Bold = true;
        var header = top + 1;
        string[] titles = [D("Col.Line"), D("Col.ProductCode"), D("Col.ReceiverKind"), D("Col.Receiver")];
        Header(ws, header, [.. titles, "", "", "", D("Col.Quantity"), D("Col.Received")]);
        // The receiver's title runs on over the three blank header cells, as the names below it do (wrapped in its
        // narrow column, English printed only its last letter).
        ws.Cell(header, 4).Style.Alignment.WrapText = false;
        var row = header;
        foreach (var (line, i) in note.Lines.Select((l, i) => (l, i + 1)))
        {
            foreach (var delivery in line.Deliveries)
            {
                row++;
                ws.Cell(row, 1).SetValue(i);
                Text(ws.Cell(row, 2), line.Product);
                ws.Cell(row, 3).SetValue(ReceiverKind(delivery.Receiver));
                ws.Cell(row, 4).SetValue(ReceiverName(delivery.Receiver, places.Hospitals));
                ws.Cell(row, 8).SetValue(delivery.Quantity);
            }
        }
        var table = ws.Range(header, 1, row, NoteColumns);
        table.Style.Border.OutsideBorder = XLBorderStyleValues.Thin;
        table.Style.Border.BottomBorder = XLBorderStyleValues.Thin;
        foreach (var c in new[] { 2, 3, 4, 8, 9 })
            ws.Range(header, c, row, c).Style.Border.LeftBorder = XLBorderStyleValues.Thin;
        ws.Range(header + 1, 1, row, 1).Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        ws.Range(header + 1, 8, row, 8).Style.NumberFormat.Format = Count;
        return row;
    }

    /// <summary>A signature line: who signs, a line to sign on, the date and a line for it.</summary>
    private static void Signature(IXLWorksheet ws, int row, string who, Kinds kinds)
    {
        ws.Cell(row, 3).SetValue(who);
        ws.Cell(row, 7).SetValue(D("Note.SignDate"));
        ws.Row(row).Height = 28;
        for (var c = 1; c <= NoteColumns; c++)
        {
            kinds.Apply(ws.Cell(row, c), "signature", style =>
            {
                style.Alignment.Vertical = XLAlignmentVerticalValues.Bottom;
                if (c is 3 or 7)
                    style.Alignment.Horizontal = XLAlignmentHorizontalValues.Right;
                if (c is >= 4 and <= 6 or >= 8)
                    style.Border.BottomBorder = XLBorderStyleValues.Thin;
            });
        }
    }
}
