using ClosedXML.Excel;
using Planner.Api.Planning;
using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;
using static Planner.Api.Workbooks.DispatchText;
using static Planner.Api.Workbooks.Sheet;
using RegionInfo = Planner.Api.Planning.RegionInfo;

namespace Planner.Api.Workbooks;

/// <summary>
/// A city's towns and villages by day (<c>Towns by day</c>, <c>Villages by day</c>): each county's quantity of each
/// day, as the plan serves it, shared below the county in whole units by <see cref="DailyBreakdown"/>. Each day's
/// towns add up to their county's day, each day's villages to their town's, and a place's days add up to its
/// quantity on the <c>Towns</c> and <c>Villages</c> sheets (the horizon breakdown of <see cref="PlanReport"/>,
/// whatever decides it).
/// </summary>
public static class DailyUnitsSheets
{
    /// <summary>Adds the two sheets for <paramref name="cityCode"/>.</summary>
    public static void Write(
        XLWorkbook workbook,
        string cityCode,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        PlanReport report,
        AllocationResult result
    )
    {
        var days = Split(cityCode, run, snapshot, report, result);
        var regions = snapshot.Regions.ToDictionary(r => r.Code, StringComparer.Ordinal);
        var counties = snapshot.Regions.Where(r => r.ParentCode == cityCode && r.Level == "county").ToList();
        var towns = counties.SelectMany(c => snapshot.Regions.Where(r => r.ParentCode == c.Code)).ToList();
        var villages = towns.SelectMany(t => snapshot.Regions.Where(r => r.ParentCode == t.Code)).ToList();
        Units(workbook.Worksheets.Add(D("Sheet.TownsByDay")), "TownsByDay", run, snapshot, towns, days, regions);
        Units(
            workbook.Worksheets.Add(D("Sheet.VillagesByDay")),
            "VillagesByDay",
            run,
            snapshot,
            villages,
            days,
            regions
        );
    }

    /// <summary>Per product, the days of every region of the city below (and at) its counties.</summary>
    public static Dictionary<string, IReadOnlyDictionary<string, long[]>> Split(
        string cityCode,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        PlanReport report,
        AllocationResult result
    )
    {
        var counties = snapshot
            .Regions.Where(r => r.ParentCode == cityCode && r.Level == "county")
            .Select(r => r.Code)
            .ToHashSet(StringComparer.Ordinal);
        var served = result
            .Allocations.Where(a => counties.Contains(a.Destination) && a.Day >= 0 && a.Day < run.HorizonDays)
            .ToLookup(a => a.Product);
        return snapshot.Products.ToDictionary(
            p => p.Code,
            p =>
            {
                var daily = counties.ToDictionary(
                    c => c,
                    c => (IReadOnlyList<double>)new double[run.HorizonDays],
                    StringComparer.Ordinal
                );
                foreach (var a in served[p.Code])
                    ((double[])daily[a.Destination])[a.Day] += a.Served;
                return DailyBreakdown.Split(snapshot.Tree, report.Breakdown[p.Code], daily);
            },
            StringComparer.Ordinal
        );
    }

    /// <summary>One row per place and day (days with nothing for the place left out), a column per product.</summary>
    private static void Units(
        IXLWorksheet ws,
        string table,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        IReadOnlyList<RegionInfo> places,
        Dictionary<string, IReadOnlyDictionary<string, long[]>> days,
        Dictionary<string, RegionInfo> regions
    )
    {
        var village = table == "VillagesByDay";
        string[] identity = village
            ? [D("Col.Date"), T("CountyCode"), T("County"), T("TownCode"), T("Town"), T("VillageCode"), T("Village")]
            : [D("Col.Date"), T("CountyCode"), T("County"), T("TownCode"), T("Town")];
        var products = snapshot.Products.Select(p => p.Code).ToList();
        Header(ws, 1, [.. identity, .. snapshot.Products.Select(ProductColumn)]);
        var rows = new List<object[]>();
        for (var day = 0; day < run.HorizonDays; day++)
        {
            var date = run.PlanStart.AddDays(day).ToDateTime(TimeOnly.MinValue);
            foreach (var place in places)
            {
                var quantities = products.Select(p => days[p].TryGetValue(place.Code, out var d) ? d[day] : 0).ToList();
                if (quantities.All(q => q == 0))
                    continue;
                var town = village ? regions[place.ParentCode!] : place;
                var county = regions[town.ParentCode!];
                object[] names = village
                    ? [date, county.Code, county.Name, town.Code, town.Name, place.Code, place.Name]
                    : [date, county.Code, county.Name, town.Code, town.Name];
                rows.Add([.. names, .. quantities.Cast<object>()]);
            }
        }
        // One insert and one style per block: cell by cell, 30,000 village-days took seconds per workbook.
        if (rows.Count > 0)
            ws.Cell(2, 1).InsertData(rows);
        var last = rows.Count + 1;
        foreach (var c in Enumerable.Range(2, identity.Length - 1).Where(c => c % 2 == 0))
            ws.Range(2, c, Math.Max(last, 2), c).DataType = XLDataType.Text;
        ws.Range(2, 1, Math.Max(last, 2), 1).Style.DateFormat.Format = DateFormat;
        ws.Range(
            2,
            identity.Length + 1,
            Math.Max(last, 2),
            identity.Length + products.Count
        ).Style.NumberFormat.Format = Count;
        Sheet.List(ws, table, 1, last, identity.Length + products.Count);
        Widths(ws, [12, .. identity.Skip(1).Select((_, i) => i % 2 == 0 ? 14.0 : 18.0), .. products.Select(_ => 14.0)]);
        Finish(ws, run);
    }
}
