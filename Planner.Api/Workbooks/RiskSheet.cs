using ClosedXML.Excel;
using Microsoft.Extensions.Localization;
using Planner.Api.Localization;
using Planner.Api.Planning;
using Planner.Solver.Risk;
using static Planner.Api.Workbooks.Sheet;
using RegionInfo = Planner.Api.Planning.RegionInfo;

namespace Planner.Api.Workbooks;

/// <summary>
/// The plan's risk of running out (<c>断供风险</c> / <c>Risk</c>), as measured on forecast paths the plan was not made
/// on (<see cref="RiskReport"/>), in the workbook's language (<c>RiskSheet.zh-CN.resx</c>, <c>.en.resx</c>): a sheet
/// listing, per destination, product and hedged tier, the units positioned and the stockout probability and
/// shortfalls, the rows above the target filled, then each depot's days of cover; and a section under the Summary
/// with the target, how many places with tier-1 need meet it and per product the shortfalls of the hedged tiers. The
/// province's workbook shows every destination and depot, a city's its counties and its depot.
/// </summary>
public static class RiskSheet
{
    private static readonly IStringLocalizer Text = Texts.For(typeof(RiskSheet));

    /// <summary>The row of the destinations' header; the rows above it say what the figures mean.</summary>
    public const int HeaderRow = 4;

    /// <summary>Where a destination's tier stands against the target: at or under it; above it by no more than
    /// two standard errors (which the sampling alone may cause); above it by more; or short of units to position,
    /// so that the target cannot hold.</summary>
    public enum Standing
    {
        Met,
        WithinError,
        Above,
        NoSupply,
    }

    /// <summary>Where <paramref name="line"/> stands against <paramref name="target"/>.</summary>
    public static Standing StandingOf(DestinationRisk line, double target) =>
        line.Unpositioned > 0 ? Standing.NoSupply
        : line.StockoutProbability <= target ? Standing.Met
        : line.StockoutProbability - target <= 2 * line.StandardError ? Standing.WithinError
        : Standing.Above;

    /// <summary>The lines the workbook shows: the hedged tiers of every destination, or of
    /// <paramref name="cityCode"/>'s counties; tier by tier, the highest stockout probability first.</summary>
    public static List<DestinationRisk> Lines(RiskReport risk, PlanSnapshot snapshot, string? cityCode)
    {
        var regions = Regions(snapshot);
        return risk
            .Destinations.Where(d =>
                RiskPlanning.ProtectedTiers.Contains(d.Tier)
                && (cityCode is null || regions.GetValueOrDefault(d.Destination)?.ParentCode == cityCode)
            )
            .OrderBy(d => d.Tier)
            .ThenByDescending(d => d.StockoutProbability)
            .ThenByDescending(d => d.Unpositioned)
            .ThenByDescending(d => d.ExpectedShortfall)
            .ThenBy(d => d.Destination, StringComparer.Ordinal)
            .ThenBy(d => d.Product, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The depots the workbook shows: every one, or <paramref name="cityCode"/>'s.</summary>
    public static List<DepotCover> Depots(RiskReport risk, string? cityCode) =>
        [.. risk.Depots.Where(d => cityCode is null || d.Depot == cityCode)];

    /// <summary>Adds the sheet to <paramref name="workbook"/>: every destination and depot, or those of
    /// <paramref name="cityCode"/>.</summary>
    public static void Add(
        XLWorkbook workbook,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        PlanReport report,
        string? cityCode
    )
    {
        var ws = workbook.Worksheets.Add(Text.Get("Sheet"));
        var risk = report.Risk;
        Heading(ws, run, risk);
        var lines = risk is null ? [] : Lines(risk, snapshot, cityCode);
        var last = DestinationList(ws, snapshot, lines, risk?.Target ?? 0);
        DepotList(ws, run, snapshot, risk is null ? [] : Depots(risk, cityCode), last + 3);
        Widths(ws, 11, 16, 11, 14, 16, 10, 12, 12, 12, 12, 12, 11, 9, 12, 12, 30);
        Finish(ws, run, headerRows: HeaderRow);
        // On paper the title and the notes once, the columns' header on every page.
        ws.PageSetup.SetRowsToRepeatAtTop(HeaderRow, HeaderRow);
    }

    /// <summary>The title, the target and paths, and what the columns mean, above the destinations' header.</summary>
    private static void Heading(IXLWorksheet ws, PlanRunInfo run, RiskReport? risk)
    {
        var last = Day(run.PlanStart.AddDays(run.HorizonDays - 1));
        ws.Cell(1, 1).SetValue(Text.Get("Title", Day(run.PlanStart), last)).Style.Font.SetBold().Font.FontSize = 14;
        ws.Cell(2, 1)
            .SetValue(risk is null ? Text.Get("NoRisk") : Text.Get("Settings", Target(risk.Target), risk.Paths))
            .Style.Font.Bold = true;
        var explain = ws.Range(3, 1, 3, Columns.Length).Merge();
        explain.FirstCell().SetValue(Text.Get("Explain"));
        explain.Style.Alignment.WrapText = true;
        explain.Style.Alignment.Vertical = XLAlignmentVerticalValues.Top;
        ws.Row(3).Height = Texts.Chinese ? 44 : 58;
    }

    /// <summary>The target as people write it: 5%, 2.5%.</summary>
    public static string Target(double target) => (target * 100).ToString("0.##", CultureInfo.CurrentCulture) + "%";

    /// <summary>The destinations' list under its header on <see cref="HeaderRow"/>, the rows above the target filled
    /// (conditional formats, so that sorting and filtering keep them); returns its last row.</summary>
    private static int DestinationList(
        IXLWorksheet ws,
        PlanSnapshot snapshot,
        List<DestinationRisk> lines,
        double target
    )
    {
        Header(ws, HeaderRow, [.. Columns.Select(c => Text.Get(c))]);
        ws.Row(HeaderRow).Height = HeaderHeight;
        var regions = Regions(snapshot);
        var products = snapshot.Products.ToDictionary(p => p.Code, StringComparer.Ordinal);
        var tiers = snapshot.Tiers.ToDictionary(t => t.Tier);
        var row = HeaderRow;
        foreach (var line in lines)
        {
            row++;
            var place = regions.GetValueOrDefault(line.Destination);
            Sheet.Text(ws.Cell(row, 1), line.Destination);
            ws.Cell(row, 2).SetValue(place is null ? line.Destination : DispatchSheets.Name(place));
            ws.Cell(row, 3).SetValue(CityName(regions, place));
            Sheet.Text(ws.Cell(row, 4), line.Product);
            ws.Cell(row, 5).SetValue(products.TryGetValue(line.Product, out var p) ? ProductName(p) : line.Product);
            ws.Cell(row, 6).SetValue(line.Tier).Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
            ws.Cell(row, 7).SetValue(tiers.TryGetValue(line.Tier, out var tier) ? TierName(tier) : "");
            Figures(ws, row, line, target);
        }
        var range = ws.Range(HeaderRow + 1, 1, Math.Max(row, HeaderRow + 1), Columns.Length);
        Highlight(range, target);
        List(ws, "Risk", HeaderRow, row, Columns.Length);
        return Math.Max(row, HeaderRow + 1);
    }

    /// <summary>A line's units, probability, shortfalls and note, from column 8.</summary>
    private static void Figures(IXLWorksheet ws, int row, DestinationRisk line, double target)
    {
        Number(ws.Cell(row, 8), line.ExpectedNeed, Tenths);
        Number(ws.Cell(row, 9), line.Positioned);
        Number(ws.Cell(row, 10), line.Buffer);
        Number(ws.Cell(row, 11), line.Unpositioned);
        Number(ws.Cell(row, 12), line.StockoutProbability, Percent);
        Number(ws.Cell(row, 13), line.StandardError, PlusMinus);
        Number(ws.Cell(row, 14), line.ExpectedShortfall, Tenths);
        Number(ws.Cell(row, 15), line.P95Shortfall);
        var standing = StandingOf(line, target);
        ws.Cell(row, 16).SetValue(standing == Standing.Met ? "" : Text.Get("Note." + standing));
        ws.Cell(row, 16).Style.Alignment.Indent = 1;
    }

    private const string Tenths = "#,##0.0";

    private const string PlusMinus = "\"±\"0.0%";

    /// <summary>Red where the target does not hold (no supply for it, or above it by more than two standard errors),
    /// yellow where it is exceeded within sampling error: formulas on the row's own cells, with the target
    /// written in.</summary>
    private static void Highlight(IXLRange range, double target)
    {
        var row = range.FirstRow().RowNumber();
        var t = target.ToString("R", CultureInfo.InvariantCulture);
        var (unpositioned, p, se) = ($"$K{row}", $"$L{row}", $"$M{row}");
        range
            .AddConditionalFormat()
            .WhenIsTrue($"OR({unpositioned}>0,{p}-{t}>2*{se})")
            .Fill.SetBackgroundColor(XLColor.FromHtml("#F8CBAD"));
        range
            .AddConditionalFormat()
            .WhenIsTrue($"AND({unpositioned}<=0,{p}>{t},{p}-{t}<=2*{se})")
            .Fill.SetBackgroundColor(XLColor.FromHtml("#FFF2CC"));
    }

    /// <summary>
    /// The depots' days of cover from <paramref name="top"/>: a title, a line saying what they mean, then the list
    /// <c>DepotCover</c>, a row per depot with each product's days of cover and stock (under a line naming the two
    /// groups of columns); returns the list's last row.
    /// </summary>
    private static int DepotList(
        IXLWorksheet ws,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        List<DepotCover> depots,
        int top
    )
    {
        ws.Cell(top, 1).SetValue(Text.Get("Depots")).Style.Font.Bold = true;
        ws.Cell(top + 1, 1).SetValue(Text.Get("DepotsExplain"));
        var products = snapshot.Products;
        var header = top + 3;
        Group(ws.Range(header - 1, 3, header - 1, 2 + products.Count), Text.Get("Col.Days"));
        Group(
            ws.Range(header - 1, 3 + products.Count, header - 1, 2 + 2 * products.Count),
            Text.Get("Col.Stock", Day(run.PlanStart))
        );
        Header(
            ws,
            header,
            [
                Text.Get("Col.DepotCode"),
                Text.Get("Col.Depot"),
                .. products.Select(p => Text.Get("Col.DaysOf", ProductName(p), p.Code)),
                .. products.Select(p => Text.Get("Col.StockOf", ProductColumn(p))),
            ]
        );
        ws.Row(header).Height = HeaderHeight;
        var regions = Regions(snapshot);
        var row = header;
        foreach (var depot in depots.GroupBy(d => d.Depot))
        {
            row++;
            Sheet.Text(ws.Cell(row, 1), depot.Key);
            ws.Cell(row, 2).SetValue(regions.TryGetValue(depot.Key, out var r) ? DispatchSheets.Name(r) : depot.Key);
            var cover = depot.ToDictionary(d => d.Product, StringComparer.Ordinal);
            for (var i = 0; i < products.Count; i++)
            {
                if (!cover.TryGetValue(products[i].Code, out var d))
                    continue;
                if (d.Days is { } days)
                    Number(ws.Cell(row, 3 + i), days, Tenths);
                else
                    ws.Cell(row, 3 + i).SetValue(Text.Get("NoOutflow")).Style.Alignment.Horizontal =
                        XLAlignmentHorizontalValues.Right;
                Number(ws.Cell(row, 3 + products.Count + i), d.Stock);
            }
        }
        List(ws, "DepotCover", header, row, 2 + 2 * products.Count).ShowAutoFilter = false;
        return Math.Max(row, header + 1);
    }

    /// <summary>A bold centred title over a group of columns.</summary>
    private static void Group(IXLRange range, string title)
    {
        range.Merge().FirstCell().SetValue(title);
        range.Style.Font.Bold = true;
        range.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        range.Style.Border.BottomBorder = XLBorderStyleValues.Thin;
    }

    /// <summary>Room for a header of two lines.</summary>
    private const double HeaderHeight = 30;

    /// <summary>
    /// The risk under what the Summary holds: the target and the paths, how many places with tier-1 need stand where
    /// against it, and per product each hedged tier's expected and 95th-percentile shortfall and the buffers
    /// positioned: the province's over all destinations (<see cref="TierRisk"/>); a city's expected shortfall over its
    /// counties (95th percentiles do not add up over counties). Widens the print area to take it in.
    /// </summary>
    public static void AddToSummary(IXLWorksheet ws, PlanSnapshot snapshot, PlanReport report, string? cityCode)
    {
        var risk = report.Risk;
        var row = ws.LastRowUsed().RowNumber() + 2;
        ws.Cell(row, 1).SetValue(Text.Get("Summary.Heading")).Style.Font.Bold = true;
        if (risk is null)
            ws.Cell(++row, 1).SetValue(Text.Get("NoRisk"));
        else
        {
            var lines = Lines(risk, snapshot, cityCode);
            row = SummaryFacts(ws, row + 1, risk, lines, cityCode is null);
            row = SummaryProducts(ws, row + 1, snapshot, risk, lines, cityCode is null);
            if (cityCode is not null)
                ws.Cell(++row, 1).SetValue(Text.Get("Summary.CityP95"));
        }
        var area = ws.PageSetup.PrintAreas.FirstOrDefault()?.RangeAddress.LastAddress.ColumnNumber ?? SummaryColumns;
        ws.PageSetup.PrintAreas.Clear();
        ws.PageSetup.PrintAreas.Add(1, 1, row, Math.Max(area, SummaryColumns));
    }

    /// <summary>The columns of the Summary's list: product code, name and unit, expected and P95 shortfall per hedged
    /// tier, and the buffers.</summary>
    private static int SummaryColumns => 4 + 2 * RiskPlanning.ProtectedTiers.Count;

    /// <summary>The target, the paths, and the places with tier-1 need by where they stand (the worst of their
    /// products), a row each from <paramref name="row"/>; returns the last.</summary>
    private static int SummaryFacts(
        IXLWorksheet ws,
        int row,
        RiskReport risk,
        List<DestinationRisk> lines,
        bool province
    )
    {
        var places = lines
            .Where(l => l.Tier == 1 && l.ExpectedNeed > 0)
            .GroupBy(l => l.Destination)
            .Select(g => g.Max(l => StandingOf(l, risk.Target)))
            .ToList();
        Fact(ws, row, Text.Get("Summary.Target"), risk.Target, Percent);
        Fact(ws, ++row, Text.Get("Summary.Paths"), risk.Paths);
        Fact(ws, ++row, Text.Get(province ? "Summary.Places" : "Summary.PlacesCity"), places.Count);
        foreach (var standing in Enum.GetValues<Standing>())
        {
            Fact(ws, ++row, Text.Get("Summary." + standing), places.Count(p => p == standing));
            ws.Cell(row, 1).Style.Alignment.Indent = 1;
        }
        return row;
    }

    private static void Fact(IXLWorksheet ws, int row, string label, double value, string format = Count)
    {
        ws.Cell(row, 1).SetValue(label).Style.Font.Bold = true;
        Number(ws.Cell(row, 2), value, format).Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Left;
    }

    /// <summary>Per product, each hedged tier's expected and P95 shortfall and the buffers positioned, as the list
    /// <c>SummaryRisk</c> under a header on <paramref name="header"/>; returns its last row.</summary>
    private static int SummaryProducts(
        IXLWorksheet ws,
        int header,
        PlanSnapshot snapshot,
        RiskReport risk,
        List<DestinationRisk> lines,
        bool province
    )
    {
        var tiers = RiskPlanning.ProtectedTiers.Order().ToList();
        Header(
            ws,
            header,
            [
                T("ProductCode"),
                T("ProductName"),
                T("Unit"),
                .. tiers.SelectMany(t => new[] { Text.Get("Summary.Expected", t), Text.Get("Summary.P95", t) }),
                Text.Get("Summary.Buffer"),
            ]
        );
        var totals = risk.Tiers.ToDictionary(t => (t.Product, t.Tier));
        var row = header;
        foreach (var p in snapshot.Products)
        {
            row++;
            Sheet.Text(ws.Cell(row, 1), p.Code);
            ws.Cell(row, 2).SetValue(ProductName(p));
            ws.Cell(row, 3).SetValue(Unit(p));
            var column = 4;
            foreach (var tier in tiers)
            {
                var mine = lines.Where(l => l.Product == p.Code && l.Tier == tier).ToList();
                var total = totals.GetValueOrDefault((p.Code, tier));
                Number(
                    ws.Cell(row, column++),
                    province ? total?.ExpectedShortfall ?? 0 : mine.Sum(l => l.ExpectedShortfall),
                    Tenths
                );
                if (province)
                    Number(ws.Cell(row, column), total?.P95Shortfall ?? 0);
                column++;
            }
            Number(ws.Cell(row, column), lines.Where(l => l.Product == p.Code).Sum(l => l.Buffer));
        }
        List(ws, "SummaryRisk", header, row, SummaryColumns).ShowAutoFilter = false;
        return row;
    }

    /// <summary>The city a destination lies in; for a Hubei site, the assistance.</summary>
    private static string CityName(Dictionary<string, RegionInfo> regions, RegionInfo? place) =>
        place is { Level: "county", ParentCode: { } city } && regions.TryGetValue(city, out var c)
            ? DispatchSheets.Name(c)
            : T("HubeiAssistance");

    private static Dictionary<string, RegionInfo> Regions(PlanSnapshot snapshot) =>
        snapshot.Regions.ToDictionary(r => r.Code, StringComparer.Ordinal);

    private static readonly string[] Columns =
    [
        "Col.CountyCode",
        "Col.County",
        "Col.City",
        "Col.ProductCode",
        "Col.Product",
        "Col.Tier",
        "Col.TierName",
        "Col.ExpectedNeed",
        "Col.Positioned",
        "Col.Buffer",
        "Col.Unpositioned",
        "Col.Probability",
        "Col.StandardError",
        "Col.ExpectedShortfall",
        "Col.P95Shortfall",
        "Col.Note",
    ];
}
