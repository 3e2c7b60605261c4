using ClosedXML.Excel;
using Planner.Api.Localization;
using Planner.Api.Planning;
using Planner.Solver.Allocation;
using static Planner.Api.Workbooks.Sheet;

namespace Planner.Api.Workbooks;

/// <summary>
/// The workbook for one city's logistics office: its plan down to the villages. <c>Summary</c> (the city's totals
/// per product and tier), <c>Counties</c> (grouped under the city subtotal), <c>Towns</c>, <c>Villages</c> (whole
/// units of the needs that go down to the villages, adding up exactly to their town, county and city),
/// <c>Hospitals</c> and <c>Enterprises</c> (the counties' other consignees), <c>Inbound</c> and <c>Outbound</c> (its
/// consignments: from suppliers' depots, the provincial depot and other cities; to its counties, other cities
/// and the Hubei sites), <c>Shortfalls</c>, <c>Gaps</c> and <c>Risk</c> (its counties' and its depot's,
/// <see cref="RiskSheet"/>).
/// </summary>
public static class CityWorkbook
{
    /// <summary>The file name: level, city code, plan start, run id and language, so that downloads never
    /// collide.</summary>
    public static string FileName(string cityCode, PlanRunInfo run, string language) =>
        $"plan-city-{cityCode}-{run.PlanStart:yyyyMMdd}-{run.RunId}-{language}.xlsx";

    public static void Write(
        string path,
        string cityCode,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        PlanReport report,
        AllocationResult result,
        int villageDays
    )
    {
        var city = snapshot.Regions.Single(r => r.Code == cityCode && r.Level == "city");
        var counties = snapshot
            .Regions.Where(r => r.ParentCode == cityCode)
            .Select(r => r.Code)
            .ToHashSet(StringComparer.Ordinal);
        var products = Products(snapshot, report, cityCode);
        var shortfalls = report.Shortfalls.Where(s => counties.Contains(s.Destination)).ToList();

        var name = Texts.Chinese ? city.Name : city.NameEn ?? city.Code;
        using var workbook = ProvinceWorkbook.NewWorkbook(run, name);
        var lists = new LongLists();
        DispatchSheets.Write(workbook, cityCode, run, snapshot, result.Shipments, report.Deliveries, lists);
        var summary = workbook.Worksheets.Add(T("Sheet.Summary"));
        ProvinceWorkbook.Summary(summary, run, snapshot, report, T("Title.City", name), products, shortfalls);
        RiskSheet.AddToSummary(summary, snapshot, report, cityCode);
        ProvinceWorkbook.Counties(
            workbook.Worksheets.Add(T("Sheet.Counties")),
            run,
            snapshot,
            report,
            [cityCode],
            withSites: false
        );
        ProvinceWorkbook.Towns(workbook.Worksheets.Add(T("Sheet.Towns")), run, snapshot, report, cityCode, lists);
        ProvinceWorkbook.Villages(workbook.Worksheets.Add(T("Sheet.Villages")), run, snapshot, report, cityCode, lists);
        DailyUnitsSheets.Write(workbook, cityCode, run, snapshot, report, result, villageDays, lists);
        ConsigneeSheets.Add(workbook, run, snapshot, report, cityCode);
        Consignments(workbook, run, snapshot, result, cityCode, counties, lists);
        ProvinceWorkbook.Shortfalls(workbook.Worksheets.Add(T("Sheet.Shortfalls")), run, snapshot, shortfalls);
        GapsSheet.Add(workbook, run, snapshot, report, cityCode, lists);
        RiskSheet.Add(workbook, run, snapshot, report, cityCode);
        ForecastSheet.Write(
            workbook.Worksheets.Add(T("Sheet.Forecast")),
            run,
            snapshot,
            new HashSet<string>(StringComparer.Ordinal) { cityCode }
        );
        lists.Save(workbook, path);
    }

    /// <summary>The city's consignments, <c>Inbound</c> and <c>Outbound</c>: its depot is the node with the city's
    /// code, its consignments the lanes into and out of it or its counties.</summary>
    private static void Consignments(
        XLWorkbook workbook,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        AllocationResult result,
        string cityCode,
        HashSet<string> counties,
        LongLists lists
    )
    {
        var inbound = result.Shipments.Where(s => s.To == cityCode || (counties.Contains(s.To) && s.From != cityCode));
        var outbound = result.Shipments.Where(s => s.From == cityCode);
        var sheets = workbook.Worksheets;
        ProvinceWorkbook.Shipments(sheets.Add(T("Sheet.Inbound")), "Inbound", run, snapshot, inbound, lists);
        ProvinceWorkbook.Shipments(sheets.Add(T("Sheet.Outbound")), "Outbound", run, snapshot, outbound, lists);
    }

    /// <summary>The city's totals per product and tier, and the worst-served county's fill rate in each tier.</summary>
    private static List<ProductTotals> Products(PlanSnapshot snapshot, PlanReport report, string cityCode) =>
        snapshot
            .Products.Select(p =>
            {
                var totals = report.Cities.Single(c => c.Code == cityCode && c.Product == p.Code);
                var counties = report.Destinations.Where(d => d.CityCode == cityCode && d.Product == p.Code).ToList();
                var tiers = snapshot
                    .Tiers.Select(
                        (t, i) =>
                            new TierTotals(
                                t.Tier,
                                t.NameEn,
                                totals.ByTier[i],
                                counties
                                    .Where(d => d.ByTier[i].Demand > 0)
                                    .Select(d => d.ByTier[i].FillRate)
                                    .DefaultIfEmpty(1)
                                    .Min()
                            )
                    )
                    .ToList();
                return new ProductTotals(p.Code, p.NameEn, p.Unit, totals.Totals, tiers);
            })
            .ToList();
}
