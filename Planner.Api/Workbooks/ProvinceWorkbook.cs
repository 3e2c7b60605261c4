using ClosedXML.Excel;
using Planner.Api.Localization;
using Planner.Api.Maps;
using Planner.Api.Planning;
using Planner.Api.Sources;
using Planner.Solver.Allocation;
using Planner.Solver.Care;
using static Planner.Api.Workbooks.Sheet;

namespace Planner.Api.Workbooks;

/// <summary>
/// The province plan workbook the provincial logistics office downloads (DESIGN §7): <c>Summary</c>, <c>Cities</c>,
/// <c>Counties</c> (grouped under their city, with subtotals), <c>Towns</c>, <c>Shipments</c> (the dispatch list),
/// <c>Daily</c>, <c>Hubei</c>, <c>Teams</c>, <c>Transfers</c>, <c>Shortfalls</c> (with reasons), <c>Gaps</c>,
/// <c>Risk</c> (<see cref="RiskSheet"/>) and <c>Inputs</c>,
/// written from the same <see cref="PlanReport"/> as <c>summary.json</c>.
/// </summary>
public static class ProvinceWorkbook
{
    public static void Write(
        string path,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        PlanReport report,
        AllocationResult result,
        CareOutcome care,
        MapPicture.Picture? map = null
    )
    {
        using var workbook = NewWorkbook(run, T("Level.Province"));
        var lists = new LongLists();
        DispatchSheets.Write(
            workbook,
            DispatchSheets.ProvinceDepot(snapshot),
            run,
            snapshot,
            result.Shipments,
            report.Deliveries,
            lists
        );
        var summary = workbook.Worksheets.Add(T("Sheet.Summary"));
        Summary(summary, run, snapshot, report, T("Title.Province"), report.Products);
        RiskSheet.AddToSummary(summary, snapshot, report, cityCode: null);
        OverdueReceiptsSection.Write(summary, snapshot);
        var place = map is null ? default : MapSpace(summary, map);
        Regions(workbook.Worksheets.Add(T("Sheet.Cities")), run, snapshot, report.Cities);
        Counties(
            workbook.Worksheets.Add(T("Sheet.Counties")),
            run,
            snapshot,
            report,
            snapshot.Regions.Where(r => r.Level == "city").Select(r => r.Code).ToList(),
            withSites: true
        );
        Towns(workbook.Worksheets.Add(T("Sheet.Towns")), run, snapshot, report, cityCode: null, lists);
        Shipments(workbook.Worksheets.Add(T("Sheet.Shipments")), "Shipments", run, snapshot, result.Shipments, lists);
        Daily(workbook.Worksheets.Add(T("Sheet.Daily")), run, snapshot, result);
        CareSheets.Hubei(workbook.Worksheets.Add(T("Sheet.Hubei")), run, snapshot, report, care);
        CareSheets.Teams(workbook.Worksheets.Add(T("Sheet.Teams")), run, snapshot, care);
        CareSheets.Transfers(workbook.Worksheets.Add(T("Sheet.Transfers")), run, snapshot, care);
        Shortfalls(workbook.Worksheets.Add(T("Sheet.Shortfalls")), run, snapshot, report.Shortfalls);
        GapsSheet.Add(workbook, run, snapshot, report, cityCode: null, lists);
        RiskSheet.Add(workbook, run, snapshot, report, cityCode: null);
        Inputs(workbook.Worksheets.Add(T("Sheet.Inputs")), run, snapshot);
        ForecastSheet.Write(
            workbook.Worksheets.Add(T("Sheet.Forecast")),
            run,
            snapshot,
            snapshot.Forecast.Drivers.Select(d => d.Region).ToHashSet(StringComparer.Ordinal)
        );
        lists.Save(workbook, path);
        if (map is not null)
            SheetPicture.Add(path, summary.Name, map.Png, place.Width, place.Height, place.Row, map.Title);
    }

    /// <summary>
    /// Room for the county map below the Summary, on a printed page of its own: the map's title, the rows the picture
    /// covers (20 pixels each), the print area over both pages. Returns the row the picture starts at and its size on
    /// the sheet: 1.3 times the page's map, which fills the second page about as the Summary fills the first.
    /// (LibreOffice keeps the page break only when the height is not fitted: one page wide, as tall as needed.)
    /// </summary>
    private static (int Row, int Width, int Height) MapSpace(IXLWorksheet ws, MapPicture.Picture map)
    {
        var (width, height) = ((int)(map.Width * 1.3), (int)(map.Height * 1.3));
        var heading = ws.LastRowUsed().RowNumber() + 2;
        var lastColumn = ws.PageSetup.PrintAreas.First().RangeAddress.LastAddress.ColumnNumber;
        ws.Cell(heading, 1).SetValue(map.Title).Style.Font.Bold = true;
        ws.PageSetup.AddHorizontalPageBreak(heading - 1);
        ws.PageSetup.PrintAreas.Clear();
        ws.PageSetup.PrintAreas.Add(1, 1, heading + (height + 19) / 20, lastColumn);
        ws.PageSetup.FitToPages(1, 0);
        return (heading + 1, width, height);
    }

    /// <summary>A workbook whose properties carry the run id, scenario and data freshness.</summary>
    internal static XLWorkbook NewWorkbook(PlanRunInfo run, string level)
    {
        var workbook = new XLWorkbook();
        workbook.Properties.Title = T("Properties.Title", run.RunId, level);
        workbook.Properties.Subject = T("Properties.Subject", run.Scenario, Day(run.PlanStart), run.HorizonDays);
        workbook.Properties.Author = "Planner";
        workbook.Properties.Keywords = $"run {run.RunId}; scenario {run.Scenario}";
        workbook.Properties.Comments = T("Properties.Comments", SourceFreshness.LineageText(run.Pulls));
        // Fixed, so that identical runs give identical files; the run's own time is in plan_runs.
        workbook.Properties.Created = run.PlanStart.ToDateTime(TimeOnly.MinValue);
        workbook.Properties.Modified = run.PlanStart.ToDateTime(TimeOnly.MinValue);
        return workbook;
    }

    /// <summary>Run facts, totals and fill rate by tier per product, the tiers and the largest shortfalls: one printed
    /// page.</summary>
    internal static void Summary(
        IXLWorksheet ws,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        PlanReport report,
        string title,
        IReadOnlyList<ProductTotals> products,
        IReadOnlyList<ShortfallGroup>? shortfalls = null
    )
    {
        ws.Cell(1, 1).SetValue(title);
        ws.Cell(1, 1).Style.Font.Bold = true;
        ws.Cell(1, 1).Style.Font.FontSize = 14;
        var row = RunFacts(ws, run);
        row = ProductTotalsList(ws, row + 1, snapshot, products);

        row += 2;
        ws.Cell(row, 1).SetValue(T("Tiers")).Style.Font.Bold = true;
        foreach (var t in snapshot.Tiers)
        {
            row++;
            ws.Cell(row, 1).SetValue(T("Tier", t.Tier));
            ws.Cell(row, 2).SetValue(TierName(t));
            ws.Cell(row, 3).SetValue(SegmentNames(snapshot, t.Tier));
            ws.Cell(row + 1, 3).SetValue(RoundingCosts(snapshot, products, t.Tier));
            if (ws.Cell(row + 1, 3).GetString().Length > 0)
                row++;
        }

        if (snapshot.HospitalHeld.Count > 0)
        {
            row += 2;
            ws.Cell(row, 1).SetValue(T("HeldAboveCover")).Style.Font.Bold = true;
            ws.Cell(row, 2).SetValue(HeldAboveCover(snapshot));
        }

        var top = (shortfalls ?? report.Shortfalls).Take(5).ToList();
        if (top.Count > 0)
        {
            row += 2;
            ws.Cell(row, 1).SetValue(T("LargestShortfalls")).Style.Font.Bold = true;
            foreach (var s in top)
            {
                row++;
                ws.Cell(row, 1).SetValue($"{s.Name} ({s.Destination})");
                ws.Cell(row, 2)
                    .SetValue(T("ShortfallLine", ProductName(snapshot, s.Product), s.Tier, Reason(s.Reason)));
                Headline(ws.Cell(row, 6), s.Shortfall);
            }
        }
        var lastColumn = 7 + snapshot.Tiers.Count;
        Widths(ws, [30, 36, 10, 16, 16, 16, 11, .. snapshot.Tiers.Select(_ => 11.0)]);
        Finish(
            ws,
            run,
            headerRows: 0,
            area: $"A1:{XLHelper.GetColumnLetterFromNumber(lastColumn)}{row}",
            onePage: true
        );
    }

    /// <summary>Per product, the hospitals' stock above their safety cover that their need is net of.</summary>
    private static string HeldAboveCover(PlanSnapshot snapshot) =>
        string.Join(
            T("ListSeparator"),
            snapshot
                .HospitalHeld.GroupBy(h => h.Product)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => T("HeldProduct", ProductName(snapshot, g.Key), g.Sum(h => h.Quantity), g.Count()))
        );

    /// <summary>The demand segments served in the tier, in the current language.</summary>
    private static string SegmentNames(PlanSnapshot snapshot, int tier) =>
        string.Join(
            T("ListSeparator"),
            snapshot.Segments.Where(s => s.Tier == tier).Select(s => Texts.Chinese ? s.Name : s.NameEn)
        );

    /// <summary>What rounding to whole cartons and units cost the tier, per product ("" when nothing).</summary>
    private static string RoundingCosts(PlanSnapshot snapshot, IReadOnlyList<ProductTotals> products, int tier)
    {
        var costs = products
            .Select(p => (p.Product, Cost: p.Tiers.FirstOrDefault(t => t.Tier == tier)?.RoundingCost ?? 0))
            .Where(c => Math.Abs(c.Cost) >= 0.5)
            .Select(c =>
                T(
                    "RoundingCost",
                    ProductName(snapshot, c.Product),
                    c.Cost.ToString("#,0", CultureInfo.CurrentCulture),
                    Unit(snapshot.Products.First(p => p.Code == c.Product))
                )
            )
            .ToList();
        return costs.Count == 0 ? "" : T("RoundingCosts", string.Join(T("ListSeparator"), costs));
    }

    /// <summary>The run's facts, a row each from row 3; returns the row after them.</summary>
    private static int RunFacts(IXLWorksheet ws, PlanRunInfo run)
    {
        var facts = new (string Label, object Value)[]
        {
            (T("Fact.Run"), run.RunId),
            (T("Fact.Scenario"), run.Scenario),
            (T("Fact.PlanStart"), Day(run.PlanStart)),
            (T("Fact.Horizon"), run.HorizonDays),
            (T("Fact.Policy"), run.Policy),
            (T("Fact.Solver"), run.Solver),
            (T("Fact.SolverStatus"), run.SolverStatus),
            (T("Fact.Objective"), run.Objective),
            (T("Fact.Transfers"), run.Transfers),
            (T("Fact.DataPulled"), SourceFreshness.LineageText(run.Pulls)),
        };
        var row = 3;
        foreach (var (label, value) in facts)
        {
            ws.Cell(row, 1).SetValue(label).Style.Font.Bold = true;
            if (value is string text)
                Text(ws.Cell(row, 2), text);
            else
                Number(ws.Cell(row, 2), Convert.ToDouble(value, CultureInfo.InvariantCulture));
            row++;
        }
        return row;
    }

    /// <summary>Totals and fill rate by tier per product, under a header on <paramref name="headerRow"/>; returns the
    /// last row written.</summary>
    private static int ProductTotalsList(
        IXLWorksheet ws,
        int headerRow,
        PlanSnapshot snapshot,
        IReadOnlyList<ProductTotals> products
    )
    {
        var row = headerRow;
        var lastColumn = 7 + snapshot.Tiers.Count;
        Header(
            ws,
            row,
            [
                T("ProductCode"),
                T("ProductName"),
                T("Unit"),
                .. TotalsTitles,
                .. snapshot.Tiers.Select(t => T("TierFill", t.Tier)),
            ]
        );
        var byCode = snapshot.Products.ToDictionary(p => p.Code, StringComparer.Ordinal);
        foreach (var p in products)
        {
            row++;
            Text(ws.Cell(row, 1), p.Product);
            ws.Cell(row, 2).SetValue(ProductName(byCode[p.Product]));
            ws.Cell(row, 3).SetValue(Unit(byCode[p.Product]));
            Totals(ws, row, 4, p.Totals, headline: true);
            for (var i = 0; i < p.Tiers.Count; i++)
            {
                Number(ws.Cell(row, 8 + i), p.Tiers[i].Totals.FillRate, Percent);
            }
        }
        List(ws, "SummaryByProduct", headerRow, row, lastColumn).ShowAutoFilter = false;
        FillRateScale(ws.Range(headerRow + 1, 7, Math.Max(row, headerRow + 1), lastColumn));
        return row;
    }

    /// <summary>One row per region and product (cities, or the Hubei sites), with shortfall per tier.</summary>
    private static void Regions(
        IXLWorksheet ws,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        IReadOnlyList<RegionTotals> rows
    )
    {
        var lastColumn = 8 + snapshot.Tiers.Count;
        Header(ws, 1, RegionTitles(snapshot));
        var row = 1;
        foreach (var r in rows)
        {
            row++;
            RegionColumns(ws, row, 1, r.Code, r.Name, r.NameEn, r);
        }
        List(ws, "Cities", 1, row, lastColumn);
        FillRateScale(ws.Range(2, 8, Math.Max(row, 2), 8));
        Widths(ws, [10, 12, 18, 11, 15, 15, 15, 10, .. snapshot.Tiers.Select(_ => 14.0)]);
        Finish(ws, run);
    }

    /// <summary>The titles of the columns <see cref="RegionColumns"/> writes.</summary>
    private static string[] RegionTitles(PlanSnapshot snapshot) =>
        [
            T("Code"),
            T("Name"),
            T("NameEn"),
            T("ProductCode"),
            .. TotalsTitles,
            .. snapshot.Tiers.Select(t => T("TierShortfall", t.Tier)),
        ];

    /// <summary>A region's code and names, the product, its totals and its shortfall per tier, from
    /// <paramref name="column"/>.</summary>
    private static void RegionColumns(
        IXLWorksheet ws,
        int row,
        int column,
        string code,
        string name,
        string? nameEn,
        RegionTotals totals
    )
    {
        Text(ws.Cell(row, column), code);
        ws.Cell(row, column + 1).SetValue(name);
        ws.Cell(row, column + 2).SetValue(nameEn ?? "");
        Text(ws.Cell(row, column + 3), totals.Product);
        Totals(ws, row, column + 4, totals.Totals);
        for (var t = 0; t < totals.ByTier.Count; t++)
            Number(ws.Cell(row, column + 8 + t), totals.ByTier[t].Shortfall);
    }

    /// <summary>
    /// Counties grouped under their city: per city and product a subtotal row (level "city") followed by its
    /// counties (level "county", outline level 1, so a city folds to its subtotal), then the Hubei sites. The
    /// subtotals are the sums of the rows under them. The whole list is the named range <c>Counties</c> with a filter.
    /// </summary>
    internal static void Counties(
        IXLWorksheet ws,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        PlanReport report,
        IReadOnlyList<string> cities,
        bool withSites
    )
    {
        var names = snapshot.Regions.ToDictionary(r => r.Code, StringComparer.Ordinal);
        var lastColumn = 11 + snapshot.Tiers.Count;
        Header(ws, 1, [T("Level"), T("CityCode"), T("City"), .. RegionTitles(snapshot)]);
        ws.Outline.SummaryVLocation = XLOutlineSummaryVLocation.Top;
        var byCity = report.Destinations.Where(d => d.CityCode is not null).ToLookup(d => (d.CityCode!, d.Product));
        var cityTotals = report.Cities.ToDictionary(c => (c.Code, c.Product));
        var row = 1;
        foreach (var city in cities)
        {
            foreach (var product in snapshot.Products.Select(p => p.Code))
            {
                row++;
                var total = cityTotals[(city, product)];
                Line(row, T("Level.city"), city, city, names[city].Name, names[city].NameEn, total);
                Subtotal(ws.Range(row, 1, row, lastColumn));
                var first = row + 1;
                foreach (var county in byCity[(city, product)])
                {
                    row++;
                    Line(row, T("Level.county"), city, county.Code, county.Name, county.NameEn, county);
                }
                if (row >= first)
                    ws.Rows(first, row).Group();
            }
        }
        if (withSites)
        {
            foreach (
                var site in report.Destinations.Where(d => d.CityCode is null && names[d.Code].Level == "external")
            )
            {
                row++;
                Line(row, T("Level.site"), null, site.Code, site.Name, site.NameEn, site);
            }
        }
        var list = ws.Range(1, 1, Math.Max(row, 2), lastColumn);
        list.SetAutoFilter();
        ws.Workbook.NamedRanges.Add("Counties", list);
        FillRateScale(ws.Range(2, 11, Math.Max(row, 2), 11));
        Widths(ws, [8, 10, 12, 10, 16, 24, 11, 15, 15, 15, 10, .. snapshot.Tiers.Select(_ => 14.0)]);
        Finish(ws, run);

        void Line(int r, string level, string? cityCode, string code, string name, string? nameEn, RegionTotals totals)
        {
            Text(ws.Cell(r, 1), level);
            Text(ws.Cell(r, 2), cityCode);
            ws.Cell(r, 3).SetValue(cityCode is null ? T("HubeiAssistance") : names[cityCode].Name);
            RegionColumns(ws, r, 4, code, name, nameEn, totals);
        }
    }

    /// <summary>The dispatch list: one row per consignment (from, to, lane, product, ship and arrival dates,
    /// quantity).</summary>
    internal static void Shipments(
        IXLWorksheet ws,
        string table,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        IEnumerable<Shipment> shipments,
        LongLists lists
    )
    {
        var names = snapshot.Regions.ToDictionary(r => r.Code, r => r.Name, StringComparer.Ordinal);
        var lanes = snapshot.Problem.Lanes.GroupBy(l => (l.From, l.To)).ToDictionary(g => g.Key, g => g.First());
        Header(
            ws,
            1,
            [
                T("Ship.From"),
                T("Ship.FromName"),
                T("Ship.To"),
                T("Ship.ToName"),
                T("Ship.Lane"),
                T("Ship.LeadDays"),
                T("ProductCode"),
                T("Ship.ShipDate"),
                T("Ship.ArrivalDate"),
                T("Ship.Quantity"),
            ]
        );
        var rows = ShipmentRows(run, names, lanes, shipments);
        lists.Start(ws, rows);
        foreach (var c in new[] { 1, 3, 7 })
            ws.Cell(2, c).DataType = XLDataType.Text;
        // Lead days as a whole number centred in its column: in General format the number sat flush right against
        // the product code beside it, and a printed page read "0 COVERALL".
        var leadDays = ws.Cell(2, 6).Style;
        leadDays.NumberFormat.Format = Days;
        leadDays.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        ws.Range(2, 8, 2, 9).Style.DateFormat.Format = DateFormat;
        ws.Cell(2, 10).Style.NumberFormat.Format = Count;
        List(ws, table, 1, 2, 10);
        Widths(ws, 10, 16, 12, 16, 12, 8, 11, 12, 12, 15);
        Finish(ws, run);
    }

    /// <summary>A sheet's consignments in day, origin, destination and product order.</summary>
    private static List<object[]> ShipmentRows(
        PlanRunInfo run,
        Dictionary<string, string> names,
        Dictionary<(string From, string To), Lane> lanes,
        IEnumerable<Shipment> shipments
    ) =>
        shipments
            .OrderBy(s => s.Day)
            .ThenBy(s => s.From, StringComparer.Ordinal)
            .ThenBy(s => s.To, StringComparer.Ordinal)
            .ThenBy(s => s.Product, StringComparer.Ordinal)
            .Select(s =>
            {
                var lane = lanes.GetValueOrDefault((s.From, s.To));
                return new object[]
                {
                    s.From,
                    names[s.From],
                    s.To,
                    names[s.To],
                    lane is null ? "" : LaneName(lane.Kind),
                    s.ArrivalDay - s.Day,
                    s.Product,
                    run.PlanStart.AddDays(s.Day).ToDateTime(TimeOnly.MinValue),
                    run.PlanStart.AddDays(s.ArrivalDay).ToDateTime(TimeOnly.MinValue),
                    Math.Round(s.Quantity, 3),
                };
            })
            .ToList();

    private static string LaneName(LaneKind kind) =>
        kind switch
        {
            LaneKind.Transfer => T("Lane.transfer"),
            LaneKind.Delivery => T("Lane.delivery"),
            _ => T("Lane.provincial"),
        };

    /// <summary>Per day and product: demand, served, shortfall, fill rate, units shipped and transferred, stock held at
    /// the end of the day.</summary>
    private static void Daily(IXLWorksheet ws, PlanRunInfo run, PlanSnapshot snapshot, AllocationResult result)
    {
        var transfers = snapshot
            .Problem.Lanes.Where(l => l.Kind == LaneKind.Transfer)
            .Select(l => (l.From, l.To))
            .ToHashSet();
        var allocations = result.Allocations.ToLookup(a => (a.Day, a.Product));
        var shipped = result.Shipments.ToLookup(s => (s.Day, s.Product));
        var stock = result.Stock.ToLookup(s => (s.Day, s.Product));
        Header(
            ws,
            1,
            [T("Date"), T("ProductCode"), .. TotalsTitles, T("Daily.Shipped"), T("Daily.Transferred"), T("Daily.Stock")]
        );
        var row = 1;
        for (var day = 0; day < run.HorizonDays; day++)
        {
            foreach (var product in snapshot.Products.Select(p => p.Code))
            {
                row++;
                Date(ws.Cell(row, 1), run, day);
                Text(ws.Cell(row, 2), product);
                Totals(ws, row, 3, Planning.Totals.Of(allocations[(day, product)]));
                var leaving = shipped[(day, product)].ToList();
                Number(ws.Cell(row, 7), Math.Round(leaving.Sum(s => s.Quantity), 3));
                Number(
                    ws.Cell(row, 8),
                    Math.Round(leaving.Where(s => transfers.Contains((s.From, s.To))).Sum(s => s.Quantity), 3)
                );
                Number(ws.Cell(row, 9), Math.Round(stock[(day, product)].Sum(s => s.Quantity), 3));
            }
        }
        List(ws, "Daily", 1, row, 9);
        FillRateScale(ws.Range(2, 6, Math.Max(row, 2), 6));
        Widths(ws, 12, 11, 15, 15, 15, 10, 15, 15, 15);
        Finish(ws, run);
    }

    /// <summary>Whole units per town over the horizon, one column per product; they add up to the county totals
    /// exactly.</summary>
    internal static void Towns(
        IXLWorksheet ws,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        PlanReport report,
        string? cityCode,
        LongLists lists
    ) => Units(ws, run, snapshot, report, "town", cityCode, "Towns", lists);

    internal static void Villages(
        IXLWorksheet ws,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        PlanReport report,
        string cityCode,
        LongLists lists
    ) => Units(ws, run, snapshot, report, "village", cityCode, "Villages", lists);

    private static void Units(
        IXLWorksheet ws,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        PlanReport report,
        string level,
        string? cityCode,
        string table,
        LongLists lists
    )
    {
        var byCode = snapshot.Regions.ToDictionary(r => r.Code, StringComparer.Ordinal);
        var products = snapshot.Products.Select(p => p.Code).ToList();
        string[] identity =
            level == "village"
                ?
                [
                    T("CityCode"),
                    T("CountyCode"),
                    T("County"),
                    T("TownCode"),
                    T("Town"),
                    T("VillageCode"),
                    T("Village"),
                ]
                : [T("CityCode"), T("City"), T("CountyCode"), T("County"), T("TownCode"), T("Town")];
        Header(ws, 1, [.. identity, .. snapshot.Products.Select(ProductColumn)]);
        var rows = new List<object[]>();
        foreach (var region in snapshot.Regions.Where(r => r.Level == level))
        {
            // [county, city] for a town; [town, county, city] for a village
            var chain = Ancestors(byCode, region).ToList();
            if (cityCode is not null && chain[^1].Code != cityCode)
                continue;
            rows.Add([
                .. Places(level, chain),
                region.Code,
                region.Name,
                .. products.Select(p => (object)report.Breakdown[p].GetValueOrDefault(region.Code)),
            ]);
        }
        lists.Start(ws, rows);
        foreach (var c in level == "village" ? new[] { 1, 2, 4, 6 } : [1, 3, 5])
            ws.Cell(2, c).DataType = XLDataType.Text;
        ws.Range(2, identity.Length + 1, 2, identity.Length + products.Count).Style.NumberFormat.Format = Count;
        List(ws, table, 1, 2, identity.Length + products.Count);
        Widths(
            ws,
            [
                .. identity.Select(
                    (_, i) => (level == "village" ? i is 0 or 1 or 3 or 5 : i is 0 or 2 or 4) ? 14.0 : 18.0
                ),
                .. products.Select(_ => Texts.Chinese ? 16.0 : 13.0),
            ]
        );
        Finish(ws, run);
    }

    /// <summary>The places a town or village lies in: the city's code, then the county's and (for a village) the
    /// town's code and name, with the city's name for a town.</summary>
    private static object[] Places(string level, List<Planning.RegionInfo> chain)
    {
        var city = chain[^1];
        if (level == "village")
        {
            var (town, county) = (chain[0], chain[1]);
            return [city.Code, county.Code, county.Name, town.Code, town.Name];
        }
        return [city.Code, city.Name, chain[0].Code, chain[0].Name];
    }

    /// <summary>The regions above <paramref name="region"/>, nearest first, up to its city.</summary>
    private static IEnumerable<Planning.RegionInfo> Ancestors(
        Dictionary<string, Planning.RegionInfo> byCode,
        Planning.RegionInfo region
    )
    {
        for (
            var p = region.ParentCode;
            p is not null && byCode.TryGetValue(p, out var parent) && parent.Level != "province";
            p = parent.ParentCode
        )
        {
            yield return parent;
        }
    }

    internal static void Shortfalls(
        IXLWorksheet ws,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        IEnumerable<ShortfallGroup> shortfalls
    )
    {
        Header(
            ws,
            1,
            [
                T("Code"),
                T("Name"),
                T("NameEn"),
                T("ProductCode"),
                T("Tier.Column"),
                T("Short.Reason"),
                T("Short.Explanation"),
                T("Short.From"),
                T("Short.To"),
                T("Demand"),
                T("Shortfall"),
                T("Short.Share"),
            ]
        );
        var row = 1;
        foreach (var s in shortfalls)
        {
            row++;
            Text(ws.Cell(row, 1), s.Destination);
            ws.Cell(row, 2).SetValue(s.Name);
            ws.Cell(row, 3).SetValue(s.NameEn ?? "");
            Text(ws.Cell(row, 4), s.Product);
            ws.Cell(row, 5).SetValue(s.Tier);
            Text(ws.Cell(row, 6), ShortfallReasons.Code(s.Reason));
            ws.Cell(row, 7).SetValue(Reason(s.Reason));
            Date(ws.Cell(row, 8), run, s.FirstDay);
            Date(ws.Cell(row, 9), run, s.LastDay);
            Number(ws.Cell(row, 10), s.Demand);
            Number(ws.Cell(row, 11), s.Shortfall);
            Number(ws.Cell(row, 12), s.Demand > 0 ? s.Shortfall / s.Demand : 0, Percent);
        }
        List(ws, "Shortfalls", 1, row, 12);
        Widths(ws, 11, 14, 22, 11, 6, 16, 44, 12, 12, 14, 14, 10);
        Finish(ws, run);
    }

    /// <summary>What the plan was made from: the run, the data pulled, the tiers, supply per depot and demand per
    /// segment.</summary>
    private static void Inputs(IXLWorksheet ws, PlanRunInfo run, PlanSnapshot snapshot)
    {
        var row = RunSettings(ws, run);
        row = SupplyList(ws, row + 2, snapshot);
        row = DemandList(ws, row + 2, snapshot.Problem);
        Widths(ws, 26, 40, 12, 22, 16);
        Finish(ws, run);
    }

    /// <summary>The run's settings as a list from row 1; returns its last row.</summary>
    private static int RunSettings(IXLWorksheet ws, PlanRunInfo run)
    {
        Header(ws, 1, [T("Setting"), T("Value")]);
        var row = 1;
        foreach (
            var (label, value) in new (string, string)[]
            {
                (T("Fact.Run"), run.RunId),
                (T("Fact.Scenario"), run.Scenario),
                (T("Fact.PlanStart"), Day(run.PlanStart)),
                (T("Fact.Horizon"), run.HorizonDays.ToString(CultureInfo.InvariantCulture)),
                (T("Fact.Policy"), run.Policy),
                (T("Fact.Solver"), run.Solver),
                (T("Fact.InputDigest"), run.InputDigest),
                (T("Fact.DataPulled"), SourceFreshness.LineageText(run.Pulls)),
            }
        )
        {
            row++;
            ws.Cell(row, 1).SetValue(label);
            Text(ws.Cell(row, 2), value);
        }
        List(ws, "RunSettings", 1, row, 2).ShowAutoFilter = false;
        return row;
    }

    /// <summary>Supply over the horizon and reserve floor per depot and product, from <paramref name="first"/> (the
    /// header); returns the last row.</summary>
    private static int SupplyList(IXLWorksheet ws, int first, PlanSnapshot snapshot)
    {
        var problem = snapshot.Problem;
        var names = snapshot.Regions.ToDictionary(r => r.Code, r => r.Name, StringComparer.Ordinal);
        var row = first;
        Header(ws, row, [T("Depot"), T("DepotName"), T("ProductCode"), T("SupplyOverHorizon"), T("ReserveFloor")]);
        var floors = problem.ReserveFloors.ToDictionary(f => (f.Depot, f.Product), f => f.Floor);
        foreach (
            var g in problem
                .Supplies.GroupBy(s => (s.Depot, s.Product))
                .OrderBy(g => g.Key.Depot, StringComparer.Ordinal)
                .ThenBy(g => g.Key.Product, StringComparer.Ordinal)
        )
        {
            row++;
            Text(ws.Cell(row, 1), g.Key.Depot);
            ws.Cell(row, 2).SetValue(names.GetValueOrDefault(g.Key.Depot, ""));
            Text(ws.Cell(row, 3), g.Key.Product);
            Number(ws.Cell(row, 4), Math.Round(g.Sum(s => s.Quantity), 3));
            Number(ws.Cell(row, 5), floors.GetValueOrDefault(g.Key));
        }
        List(ws, "Supply", first, row, 5);
        return row;
    }

    /// <summary>Demand over the horizon per segment, tier and product, from <paramref name="first"/> (the header);
    /// returns the last row.</summary>
    private static int DemandList(IXLWorksheet ws, int first, AllocationProblem problem)
    {
        var row = first;
        Header(ws, row, [T("Segment"), T("Tier.Column"), T("ProductCode"), T("DemandOverHorizon")]);
        foreach (
            var g in problem
                .Demands.GroupBy(d => (d.Segment, d.Tier, d.Product))
                .OrderBy(g => g.Key.Tier)
                .ThenBy(g => g.Key.Segment, StringComparer.Ordinal)
                .ThenBy(g => g.Key.Product, StringComparer.Ordinal)
        )
        {
            row++;
            Text(ws.Cell(row, 1), g.Key.Segment);
            ws.Cell(row, 2).SetValue(g.Key.Tier);
            Text(ws.Cell(row, 3), g.Key.Product);
            Number(ws.Cell(row, 4), Math.Round(g.Sum(d => d.Quantity), 3));
        }
        List(ws, "DemandBySegment", first, row, 4);
        return row;
    }
}
