using ClosedXML.Excel;
using Microsoft.Extensions.Localization;
using Planner.Api.Localization;
using Planner.Api.Planning;

namespace Planner.Api.Workbooks;

/// <summary>
/// The dispatch plan's lines overdue for a receipt (<see cref="OverdueLines"/>), listed under a plan's Summary for
/// the officers to chase: depot, consignee, product, quantity and the day the receipt was due, in the workbook's
/// language (<c>OverdueReceiptsSection.zh-CN.resx</c>, <c>.en.resx</c>). The first <see cref="Listed"/> lines fit the
/// printed Summary; the rest are counted, and all of them are in <c>summary.json</c> and on the receipts page.
/// </summary>
internal static class OverdueReceiptsSection
{
    public const int Listed = 50;

    private static readonly IStringLocalizer Text = Texts.For(typeof(OverdueReceiptsSection));

    /// <summary>Writes the list under what the sheet holds and widens its print area to take it in.</summary>
    public static void Write(IXLWorksheet ws, PlanSnapshot snapshot)
    {
        var lines = snapshot.OverdueReceipts;
        var asOf = Sheet.Day(snapshot.PlanStart.AddDays(-1));
        var row = ws.LastRowUsed().RowNumber() + 2;
        ws.Cell(row, 1).SetValue(Text.Get("Heading")).Style.Font.Bold = true;
        ws.Cell(++row, 1).SetValue(lines.Count == 0 ? Text.Get("None", asOf) : Text.Get("Count", asOf, lines.Count));
        if (lines.Count > 0)
        {
            string[] titles = ["Depot", "Consignee", "Product", "Quantity", "Due"];
            Sheet.Header(ws, ++row, [.. titles.Select(t => Text.Get(t))]);
            var regions = snapshot.Regions.ToDictionary(r => r.Code, StringComparer.Ordinal);
            foreach (var line in lines.Take(Listed))
            {
                row++;
                Sheet.Text(ws.Cell(row, 1), Place(regions, line.Depot));
                Sheet.Text(ws.Cell(row, 2), Place(regions, line.Consignee));
                Sheet.Text(ws.Cell(row, 3), Sheet.ProductName(snapshot, line.Product));
                Sheet.Number(ws.Cell(row, 4), line.Quantity);
                ws.Cell(row, 5).SetValue(line.Due.ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format =
                    Sheet.DateFormat;
            }
            if (lines.Count > Listed)
                ws.Cell(++row, 1).SetValue(Text.Get("More", lines.Count - Listed));
        }
        var area = ws.PageSetup.PrintAreas.FirstOrDefault()?.RangeAddress.LastAddress.ColumnNumber ?? 5;
        ws.PageSetup.PrintAreas.Clear();
        ws.PageSetup.PrintAreas.Add(1, 1, row, Math.Max(area, 5));
        if (lines.Count > 0)
            ws.PageSetup.FitToPages(1, 0);
    }

    /// <summary>A region as "name (code)" in the workbook's language.</summary>
    private static string Place(Dictionary<string, Planning.RegionInfo> regions, string code) =>
        regions.TryGetValue(code, out var r)
            ? $"{(Texts.Chinese || string.IsNullOrEmpty(r.NameEn) ? r.Name : r.NameEn)} ({code})"
            : code;
}
