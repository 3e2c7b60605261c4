using ClosedXML.Excel;
using Microsoft.Extensions.Localization;
using Planner.Api.Gaps;
using Planner.Api.Localization;
using Planner.Api.Planning;
using static Planner.Api.Workbooks.Sheet;
using RegionInfo = Planner.Api.Planning.RegionInfo;

namespace Planner.Api.Workbooks;

/// <summary>
/// The gap list (<c>缺口清单</c> / <c>Gaps</c>), for procurement and requests to the national allocation: per product,
/// city (or Hubei site), day and tier, the units the plan leaves unmet, how many of them extra supply closes, at
/// which depot and by which day, and the units unmet for each reason (<see cref="GapLine"/>). The province's workbook
/// lists every line, a city's its own.
/// </summary>
public static class GapsSheet
{
    private static readonly IStringLocalizer Text = Texts.For(typeof(GapsSheet));

    /// <summary>Adds the sheet to <paramref name="workbook"/>: every line, or those of
    /// <paramref name="cityCode"/>.</summary>
    public static void Add(
        XLWorkbook workbook,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        PlanReport report,
        string? cityCode,
        LongLists lists
    )
    {
        var ws = workbook.Worksheets.Add(Text["Sheet"]);
        var regions = snapshot.Regions.ToDictionary(r => r.Code, StringComparer.Ordinal);
        var products = snapshot.Products.ToDictionary(p => p.Code, StringComparer.Ordinal);
        var tiers = snapshot.Tiers.ToDictionary(t => t.Tier);
        var lines = GapLine
            .Group(report.Gaps, code => RegionInfo.CityOf(regions, code))
            .Where(l => cityCode is null || l.City == cityCode)
            .ToList();
        Header(ws, 1, [.. Columns.Select(c => Text[c].Value)]);
        DateTime Date(int day) => run.PlanStart.AddDays(day).ToDateTime(TimeOnly.MinValue);
        string Name(string code) => regions.TryGetValue(code, out var r) ? DispatchSheets.Name(r) : code;
        var rows = lines
            .Select(l =>
                new object[]
                {
                    l.Product,
                    ProductName(products[l.Product]),
                    l.City,
                    Name(l.City),
                    Date(l.Day),
                    l.Tier,
                    tiers.TryGetValue(l.Tier, out var tier) ? TierName(tier) : "",
                    l.Unmet,
                    l.Closable,
                    l.Depot ?? "",
                    l.Depot is { } depot ? Name(depot) : Text["NoDepot"].Value,
                    l.SupplyBy is { } by ? Date(by) : "",
                    string.Join(
                        Text["ReasonSeparator"],
                        l.Reasons.Select(r => Text["Reason", T("Reason." + r.Key), r.Value])
                    ),
                }
            )
            .ToList();
        lists.Start(ws, rows);
        foreach (var c in new[] { 1, 3, 10 })
            ws.Cell(2, c).DataType = XLDataType.Text;
        ws.Range(2, 8, 2, 9).Style.NumberFormat.Format = Count;
        // Centred or indented where a number or date would otherwise run into the text beside it in print.
        foreach (var c in new[] { 5, 12 })
            ws.Cell(2, c).Style.DateFormat.SetFormat(DateFormat).Alignment.Horizontal =
                XLAlignmentHorizontalValues.Center;
        ws.Cell(2, 6).Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        foreach (var c in new[] { 10, 13 })
            ws.Cell(2, c).Style.Alignment.Indent = 1;
        List(ws, "Gaps", 1, 2, Columns.Length);
        Widths(ws, 11, 18, 10, 14, 12, 6, 16, 12, 14, 11, 20, 13, 60);
        Finish(ws, run);
    }

    private static readonly string[] Columns =
    [
        "Col.ProductCode",
        "Col.Product",
        "Col.CityCode",
        "Col.City",
        "Col.Date",
        "Col.Tier",
        "Col.TierName",
        "Col.Unmet",
        "Col.Closable",
        "Col.DepotCode",
        "Col.Depot",
        "Col.SupplyBy",
        "Col.Reasons",
    ];
}
