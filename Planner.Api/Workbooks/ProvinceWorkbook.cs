using System.Globalization;
using ClosedXML.Excel;
using Planner.Api.Planning;
using Planner.Solver.Allocation;
using Planner.Solver.Care;

namespace Planner.Api.Workbooks;

/// <summary>
/// The province plan workbook a logistics officer downloads: <c>Summary</c>, <c>Cities</c>, <c>Counties</c>
/// (with Hubei sites), <c>Shipments</c> and <c>Shortfalls</c> (with reasons), written from the same
/// <see cref="PlanReport"/> as <c>summary.json</c>.
/// </summary>
public static class ProvinceWorkbook
{
    internal const string Count = "#,##0";
    private const string Percent = "0.0%";
    private static readonly XLColor HeaderFill = XLColor.FromHtml("#1F4E79");

    public static void Write(string path, PlanRunInfo run, PlanSnapshot snapshot, PlanReport report, AllocationResult result, CareOutcome care)
    {
        using var workbook = new XLWorkbook();
        workbook.Properties.Title = $"Planner allocation plan {run.RunId}";
        workbook.Properties.Subject = $"Scenario {run.Scenario}, plan start {run.PlanStart:yyyy-MM-dd}, {run.HorizonDays} days";
        workbook.Properties.Author = "Planner";

        Summary(workbook.Worksheets.Add("Summary"), run, snapshot, report);
        Regions(workbook.Worksheets.Add("Cities"), "Cities", snapshot, report.Cities, withCity: false);
        Regions(workbook.Worksheets.Add("Counties"), "Counties", snapshot, report.Destinations, withCity: true);
        Towns(workbook.Worksheets.Add("Towns"), snapshot, report);
        Shipments(workbook.Worksheets.Add("Shipments"), run, snapshot, result.Shipments);
        Shortfalls(workbook.Worksheets.Add("Shortfalls"), run, report);
        CareSheets.Hubei(workbook.Worksheets.Add("Hubei"), run, snapshot, report, care);
        CareSheets.Teams(workbook.Worksheets.Add("Teams"), run, snapshot, care);
        CareSheets.Transfers(workbook.Worksheets.Add("Transfers"), snapshot, care);
        workbook.SaveAs(path);
    }

    private static void Summary(IXLWorksheet ws, PlanRunInfo run, PlanSnapshot snapshot, PlanReport report)
    {
        ws.Cell(1, 1).SetValue("Zhejiang medical supplies allocation plan · 浙江省医疗物资调配方案");
        ws.Cell(1, 1).Style.Font.Bold = true;
        ws.Cell(1, 1).Style.Font.FontSize = 14;
        var facts = new (string Label, object Value)[]
        {
            ("Run", run.RunId),
            ("Scenario", run.Scenario),
            ("Plan start", run.PlanStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            ("Horizon (days)", run.HorizonDays),
            ("Policy", run.Policy),
            ("Solver", run.Solver),
            ("Solver status", run.SolverStatus),
            ("Objective (transport, unit-km)", run.Objective),
            ("City-to-city transfers", run.Transfers),
            ("Data pulled", run.DataFreshness),
        };
        var row = 3;
        foreach (var (label, value) in facts)
        {
            ws.Cell(row, 1).SetValue(label).Style.Font.Bold = true;
            if (value is string text) ws.Cell(row, 2).SetValue(text);
            else ws.Cell(row, 2).SetValue(Convert.ToDouble(value, CultureInfo.InvariantCulture)).Style.NumberFormat.Format = Count;
            row++;
        }

        row++;
        var headerRow = row;
        Header(ws, row, ["Product", "Name", "Unit", "Demand", "Served", "Shortfall", "Fill rate", .. snapshot.Tiers.Select(t => $"Tier {t.Tier} fill")]);
        foreach (var p in report.Products)
        {
            row++;
            ws.Cell(row, 1).SetValue(p.Product);
            ws.Cell(row, 2).SetValue(p.Name);
            ws.Cell(row, 3).SetValue(p.Unit);
            Numbers(ws, row, 4, p.Totals);
            for (var i = 0; i < p.Tiers.Count; i++)
            {
                ws.Cell(row, 8 + i).SetValue(p.Tiers[i].Totals.FillRate).Style.NumberFormat.Format = Percent;
            }
        }
        ws.Range(headerRow, 1, row, 7 + snapshot.Tiers.Count).CreateTable("SummaryByProduct").ShowAutoFilter = false;

        row += 2;
        ws.Cell(row, 1).SetValue("Tiers").Style.Font.Bold = true;
        foreach (var t in snapshot.Tiers)
        {
            row++;
            ws.Cell(row, 1).SetValue($"Tier {t.Tier}");
            ws.Cell(row, 2).SetValue($"{t.NameEn} · {t.Name}");
        }
        Widths(ws, 30, 36, 10, 16, 16, 16, 11, 11, 11, 11, 11, 11);
        PrintSetup(ws, run, $"A1:{XLHelper.GetColumnLetterFromNumber(7 + snapshot.Tiers.Count)}{row}");
    }

    private static void Regions(IXLWorksheet ws, string table, PlanSnapshot snapshot, IReadOnlyList<RegionTotals> rows, bool withCity)
    {
        var cityNames = snapshot.Regions.Where(r => r.Level == "city").ToDictionary(r => r.Code, r => r.Name);
        string[] identity = withCity ? ["City code", "City", "Code", "Name", "Name (EN)"] : ["Code", "Name", "Name (EN)"];
        Header(ws, 1, [.. identity, "Product", "Demand", "Served", "Shortfall", "Fill rate", .. snapshot.Tiers.Select(t => $"Tier {t.Tier} shortfall")]);
        var row = 1;
        foreach (var r in rows)
        {
            row++;
            var c = 1;
            if (withCity)
            {
                ws.Cell(row, c++).SetValue(r.CityCode ?? "");
                ws.Cell(row, c++).SetValue(r.CityCode is null ? "湖北 (assistance)" : cityNames[r.CityCode]);
            }
            ws.Cell(row, c++).SetValue(r.Code);
            ws.Cell(row, c++).SetValue(r.Name);
            ws.Cell(row, c++).SetValue(r.NameEn ?? "");
            ws.Cell(row, c++).SetValue(r.Product);
            Numbers(ws, row, c, r.Totals);
            c += 4;
            foreach (var t in r.ByTier)
            {
                ws.Cell(row, c++).SetValue(t.Shortfall).Style.NumberFormat.Format = Count;
            }
        }
        var lastColumn = identity.Length + 5 + snapshot.Tiers.Count;
        ws.Range(1, 1, Math.Max(row, 2), lastColumn).CreateTable(table);
        ws.SheetView.FreezeRows(1);
        Widths(ws, withCity ? [10, 12, 10, 16, 26, 11, 15, 15, 15, 10, 14, 14, 14, 14, 14] : [10, 12, 18, 11, 15, 15, 15, 10, 14, 14, 14, 14, 14]);
        PrintSetup(ws, null, null);
    }

    private static void Shipments(IXLWorksheet ws, PlanRunInfo run, PlanSnapshot snapshot, IReadOnlyList<Shipment> shipments)
    {
        var names = snapshot.Regions.ToDictionary(r => r.Code, r => r.Name);
        Header(ws, 1, ["From", "From name", "To", "To name", "Product", "Ship date", "Arrival date", "Quantity"]);
        var row = 1;
        foreach (var s in shipments.OrderBy(s => s.Day).ThenBy(s => s.From, StringComparer.Ordinal).ThenBy(s => s.To, StringComparer.Ordinal).ThenBy(s => s.Product, StringComparer.Ordinal))
        {
            row++;
            ws.Cell(row, 1).SetValue(s.From);
            ws.Cell(row, 2).SetValue(names[s.From]);
            ws.Cell(row, 3).SetValue(s.To);
            ws.Cell(row, 4).SetValue(names[s.To]);
            ws.Cell(row, 5).SetValue(s.Product);
            ws.Cell(row, 6).SetValue(run.PlanStart.AddDays(s.Day).ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format = "yyyy-mm-dd";
            ws.Cell(row, 7).SetValue(run.PlanStart.AddDays(s.ArrivalDay).ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format = "yyyy-mm-dd";
            ws.Cell(row, 8).SetValue(Math.Round(s.Quantity, 3)).Style.NumberFormat.Format = Count;
        }
        ws.Range(1, 1, Math.Max(row, 2), 8).CreateTable("Shipments");
        ws.SheetView.FreezeRows(1);
        Widths(ws, 10, 16, 10, 16, 11, 12, 12, 15);
        PrintSetup(ws, null, null);
    }

    /// <summary>Whole units per town over the horizon, one column per product; they add up to the county rows exactly.</summary>
    private static void Towns(IXLWorksheet ws, PlanSnapshot snapshot, PlanReport report)
    {
        var byCode = snapshot.Regions.ToDictionary(r => r.Code);
        var products = snapshot.Products.Select(p => p.Code).ToList();
        Header(ws, 1, ["City code", "City", "County code", "County", "Town code", "Town", .. products]);
        var row = 1;
        foreach (var town in snapshot.Regions.Where(r => r.Level == "town"))
        {
            var county = byCode[town.ParentCode!];
            var city = byCode[county.ParentCode!];
            row++;
            ws.Cell(row, 1).SetValue(city.Code);
            ws.Cell(row, 2).SetValue(city.Name);
            ws.Cell(row, 3).SetValue(county.Code);
            ws.Cell(row, 4).SetValue(county.Name);
            ws.Cell(row, 5).SetValue(town.Code);
            ws.Cell(row, 6).SetValue(town.Name);
            for (var i = 0; i < products.Count; i++)
            {
                ws.Cell(row, 7 + i).SetValue(report.Breakdown[products[i]].GetValueOrDefault(town.Code)).Style.NumberFormat.Format = Count;
            }
        }
        ws.Range(1, 1, Math.Max(row, 2), 6 + products.Count).CreateTable("Towns");
        ws.SheetView.FreezeRows(1);
        Widths(ws, [10, 10, 10, 14, 12, 22, .. products.Select(_ => 14.0)]);
        PrintSetup(ws, null, null);
    }

    private static void Shortfalls(IXLWorksheet ws, PlanRunInfo run, PlanReport report)
    {
        Header(ws, 1, ["Code", "Name", "Name (EN)", "Product", "Tier", "Reason", "Explanation", "From", "To", "Demand", "Shortfall", "Share short"]);
        var row = 1;
        foreach (var s in report.Shortfalls)
        {
            row++;
            ws.Cell(row, 1).SetValue(s.Destination);
            ws.Cell(row, 2).SetValue(s.Name);
            ws.Cell(row, 3).SetValue(s.NameEn ?? "");
            ws.Cell(row, 4).SetValue(s.Product);
            ws.Cell(row, 5).SetValue(s.Tier);
            ws.Cell(row, 6).SetValue(ShortfallReasons.Code(s.Reason));
            ws.Cell(row, 7).SetValue(ShortfallReasons.Explain(s.Reason));
            ws.Cell(row, 8).SetValue(run.PlanStart.AddDays(s.FirstDay).ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format = "yyyy-mm-dd";
            ws.Cell(row, 9).SetValue(run.PlanStart.AddDays(s.LastDay).ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format = "yyyy-mm-dd";
            ws.Cell(row, 10).SetValue(s.Demand).Style.NumberFormat.Format = Count;
            ws.Cell(row, 11).SetValue(s.Shortfall).Style.NumberFormat.Format = Count;
            ws.Cell(row, 12).SetValue(s.Demand > 0 ? s.Shortfall / s.Demand : 0).Style.NumberFormat.Format = Percent;
        }
        ws.Range(1, 1, Math.Max(row, 2), 12).CreateTable("Shortfalls");
        ws.SheetView.FreezeRows(1);
        Widths(ws, 11, 14, 22, 11, 6, 16, 44, 11, 11, 14, 14, 10);
        PrintSetup(ws, null, null);
    }

    internal static void Header(IXLWorksheet ws, int row, IReadOnlyList<string> titles)
    {
        for (var i = 0; i < titles.Count; i++)
        {
            var cell = ws.Cell(row, i + 1);
            cell.SetValue(titles[i]);
            cell.Style.Font.Bold = true;
            cell.Style.Font.FontColor = XLColor.White;
            cell.Style.Fill.BackgroundColor = HeaderFill;
        }
    }

    private static void Numbers(IXLWorksheet ws, int row, int column, Totals totals)
    {
        ws.Cell(row, column).SetValue(totals.Demand).Style.NumberFormat.Format = Count;
        ws.Cell(row, column + 1).SetValue(totals.Served).Style.NumberFormat.Format = Count;
        ws.Cell(row, column + 2).SetValue(totals.Shortfall).Style.NumberFormat.Format = Count;
        ws.Cell(row, column + 3).SetValue(totals.FillRate).Style.NumberFormat.Format = Percent;
    }

    /// <summary>AdjustToContents needs GDI+ and throws on Linux, so widths are set by hand.</summary>
    internal static void Widths(IXLWorksheet ws, params double[] widths)
    {
        for (var i = 0; i < widths.Length; i++)
        {
            ws.Column(i + 1).Width = widths[i];
        }
    }

    internal static void PrintSetup(IXLWorksheet ws, PlanRunInfo? run, string? area)
    {
        ws.PageSetup.PageOrientation = XLPageOrientation.Landscape;
        ws.PageSetup.FitToPages(1, 0);
        ws.PageSetup.SetRowsToRepeatAtTop(1, 1);
        if (area is not null) ws.PageSetup.PrintAreas.Add(area);
        ws.PageSetup.Footer.Center.AddText("Page &P of &N");
        if (run is not null) ws.PageSetup.Footer.Left.AddText($"Run {run.RunId}");
    }
}
