using ClosedXML.Excel;
using Planner.Api.Planning;
using static Planner.Api.Workbooks.Sheet;

namespace Planner.Api.Workbooks;

/// <summary>
/// The forecast the plan is made on: per driver, region and product, the last days observed, then P10, P50 and P90
/// for each planned day (an observed day has no percentiles; a planned day no observation), so that a reader can
/// chart history and fan from one table.
/// </summary>
internal static class ForecastSheet
{
    public static void Write(IXLWorksheet ws, PlanRunInfo run, PlanSnapshot snapshot, IReadOnlySet<string> regions)
    {
        var names = snapshot.Regions.ToDictionary(r => r.Code, r => r.Name, StringComparer.Ordinal);
        Header(
            ws,
            1,
            [
                T("Driver"),
                T("RegionCode"),
                T("Region"),
                T("ProductCode"),
                T("Date"),
                T("Observed"),
                T("P10"),
                T("P50"),
                T("P90"),
            ]
        );
        var row = 1;
        foreach (var d in snapshot.Forecast.Drivers.Where(d => regions.Contains(d.Region)))
        {
            foreach (var o in d.Observed)
            {
                row++;
                Identity(ws, row, d, names, o.Date);
                Number(ws.Cell(row, 6), o.Value);
            }
            foreach (var f in d.Days)
            {
                row++;
                Identity(ws, row, d, names, f.Date);
                Number(ws.Cell(row, 7), f.P10);
                Number(ws.Cell(row, 8), f.P50);
                Number(ws.Cell(row, 9), f.P90);
            }
        }
        ws.Range(1, 1, Math.Max(row, 2), 9).CreateTable("Forecast");
        Widths(ws, 12, 10, 14, 10, 12, 14, 14, 14, 14);
        Finish(ws, run);
    }

    private static void Identity(
        IXLWorksheet ws,
        int row,
        DriverForecast d,
        Dictionary<string, string> names,
        DateOnly date
    )
    {
        ws.Cell(row, 1).SetValue(T("Driver." + d.Driver));
        Text(ws.Cell(row, 2), d.Region);
        ws.Cell(row, 3).SetValue(names.GetValueOrDefault(d.Region, ""));
        Text(ws.Cell(row, 4), d.Product);
        ws.Cell(row, 5).SetValue(date.ToDateTime(TimeOnly.MinValue));
        ws.Cell(row, 5).Style.DateFormat.Format = DateFormat;
    }
}
