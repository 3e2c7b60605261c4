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
/// <para>Villages go by day for the plan's first <see cref="WorkbookOptions.VillageDays"/> days, then one line for
/// the rest of the horizon: the plan is re-run every day, so a village's later days will change before its town
/// delivers them, and a line per village and day for all 14 days (51,000 rows in Wenzhou) made publishing a plan
/// five times slower.</para>
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
        AllocationResult result,
        int villageDays,
        LongLists lists
    )
    {
        var days = Split(cityCode, run, snapshot, report, result);
        var regions = snapshot.Regions.ToDictionary(r => r.Code, StringComparer.Ordinal);
        var counties = snapshot.Regions.Where(r => r.ParentCode == cityCode && r.Level == "county").ToList();
        var towns = counties.SelectMany(c => snapshot.Regions.Where(r => r.ParentCode == c.Code)).ToList();
        var villages = towns.SelectMany(t => snapshot.Regions.Where(r => r.ParentCode == t.Code)).ToList();
        var all = run.HorizonDays;
        Units(
            workbook.Worksheets.Add(D("Sheet.TownsByDay")),
            "TownsByDay",
            run,
            snapshot,
            towns,
            days,
            regions,
            all,
            lists
        );
        var byDay = Math.Clamp(villageDays, 1, all);
        var sheet = workbook.Worksheets.Add(D("Sheet.VillagesByDay"));
        Units(sheet, "VillagesByDay", run, snapshot, villages, days, regions, byDay, lists);
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

    /// <summary>One row per place and day for the first <paramref name="byDay"/> days, then one per place for the
    /// rest of the horizon (from its first day through its last), a column per product; rows with nothing for the
    /// place left out.</summary>
    private static void Units(
        IXLWorksheet ws,
        string table,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        IReadOnlyList<RegionInfo> places,
        Dictionary<string, IReadOnlyDictionary<string, long[]>> days,
        Dictionary<string, RegionInfo> regions,
        int byDay,
        LongLists lists
    )
    {
        var village = table == "VillagesByDay";
        string[] identity = village
            ?
            [
                D("Col.Date"),
                D("Col.Through"),
                T("CountyCode"),
                T("County"),
                T("TownCode"),
                T("Town"),
                T("VillageCode"),
                T("Village"),
            ]
            : [D("Col.Date"), D("Col.Through"), T("CountyCode"), T("County"), T("TownCode"), T("Town")];
        var products = snapshot.Products.Select(p => p.Code).ToList();
        Header(ws, 1, [.. identity, .. snapshot.Products.Select(ProductColumn)]);
        var rows = Rows(run, products, places, days, regions, village, byDay);
        lists.Start(ws, rows);
        foreach (var c in Enumerable.Range(3, identity.Length - 2).Where(c => c % 2 == 1))
            ws.Cell(2, c).DataType = XLDataType.Text;
        // Centred: flush right, a date ran into the code beside it in print ("2020-02-17 330302").
        ws.Range(2, 1, 2, 2).Style.DateFormat.SetFormat(DateFormat).Alignment.Horizontal =
            XLAlignmentHorizontalValues.Center;
        ws.Range(2, identity.Length + 1, 2, identity.Length + products.Count).Style.NumberFormat.Format = Count;
        Sheet.List(ws, table, 1, 2, identity.Length + products.Count);
        Widths(
            ws,
            [12, 12, .. identity.Skip(2).Select((_, i) => i % 2 == 0 ? 14.0 : 18.0), .. products.Select(_ => 14.0)]
        );
        Finish(ws, run);
    }

    /// <summary>The rows of <see cref="Units"/>: identity, then the products' quantities.</summary>
    private static List<object[]> Rows(
        PlanRunInfo run,
        List<string> products,
        IReadOnlyList<RegionInfo> places,
        Dictionary<string, IReadOnlyDictionary<string, long[]>> days,
        Dictionary<string, RegionInfo> regions,
        bool village,
        int byDay
    )
    {
        var spans = Enumerable.Range(0, byDay).Select(d => (First: d, Last: d)).ToList();
        if (byDay < run.HorizonDays)
            spans.Add((byDay, run.HorizonDays - 1));
        var rows = new List<object[]>();
        foreach (var (first, final) in spans)
        {
            var from = run.PlanStart.AddDays(first).ToDateTime(TimeOnly.MinValue);
            var through = run.PlanStart.AddDays(final).ToDateTime(TimeOnly.MinValue);
            foreach (var place in places)
            {
                var quantities = products
                    .Select(p => days[p].TryGetValue(place.Code, out var d) ? d[first..(final + 1)].Sum() : 0)
                    .ToList();
                if (quantities.All(q => q == 0))
                    continue;
                var town = village ? regions[place.ParentCode!] : place;
                var county = regions[town.ParentCode!];
                object[] names = village
                    ? [from, through, county.Code, county.Name, town.Code, town.Name, place.Code, place.Name]
                    : [from, through, county.Code, county.Name, town.Code, town.Name];
                rows.Add([.. names, .. quantities.Cast<object>()]);
            }
        }
        return rows;
    }
}
