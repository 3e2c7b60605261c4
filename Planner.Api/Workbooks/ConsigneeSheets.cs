using ClosedXML.Excel;
using Microsoft.Extensions.Localization;
using Planner.Api.Localization;
using Planner.Api.Planning;
using Planner.Solver.Breakdown;
using static Planner.Api.Workbooks.Sheet;

namespace Planner.Api.Workbooks;

/// <summary>
/// The county consignees other than the villages, in a city's workbook: <c>Hospitals</c> (医疗机构: each county's
/// hospitals, what each receives per product for each hospital segment and in total) and <c>Enterprises</c>
/// (复工复产企业: each county's return-to-work supplies, one line per county and product for the county's economy
/// and information bureau to hand on). With the <c>Villages</c> sheet they add up to what each county is served.
/// </summary>
public static class ConsigneeSheets
{
    /// <summary>The texts of these sheets (<c>ConsigneeText.*.resx</c>).</summary>
    public static readonly IStringLocalizer Text = Texts.For(typeof(ConsigneeSheets));

    /// <summary>Adds both sheets for the counties of <paramref name="cityCode"/>.</summary>
    public static void Add(
        XLWorkbook workbook,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        PlanReport report,
        string cityCode
    )
    {
        var counties = snapshot
            .Regions.Where(r => r.ParentCode == cityCode && r.Level == "county")
            .ToDictionary(r => r.Code, StringComparer.Ordinal);
        var lines = report.Consignees.Where(l => counties.ContainsKey(l.County)).ToList();
        Hospitals(workbook.Worksheets.Add(Text["Sheet.Hospitals"]), run, snapshot, counties, lines);
        Enterprises(workbook.Worksheets.Add(Text["Sheet.Enterprises"]), run, snapshot, counties, lines);
    }

    /// <summary>One row per county, hospital and product: a column per hospital segment, then the total.</summary>
    private static void Hospitals(
        IXLWorksheet ws,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        Dictionary<string, Planning.RegionInfo> counties,
        List<ConsigneeLine> lines
    )
    {
        var hospitals = lines.Where(l => l.Kind == ConsigneeKind.Hospitals).ToList();
        var segments = Segments(hospitals);
        var names = snapshot.HospitalReports.ToDictionary(h => h.Code, h => h.Name, StringComparer.Ordinal);
        string[] identity =
        [
            Sheet.T("CountyCode"),
            Sheet.T("County"),
            Text["HospitalCode"],
            Text["Hospital"],
            Text["Product"],
            Text["Unit"],
        ];
        Header(ws, 1, [.. identity, .. segments.Select(SegmentTitle), Text["Total"]]);
        var row = 1;
        foreach (
            var g in hospitals
                .GroupBy(l => (l.County, l.Hospital, l.Product))
                .OrderBy(g => g.Key.County, StringComparer.Ordinal)
                .ThenBy(g => g.Key.Hospital, StringComparer.Ordinal)
                .ThenBy(g => snapshot.Products.ToList().FindIndex(p => p.Code == g.Key.Product))
        )
        {
            row++;
            var county = counties[g.Key.County];
            Sheet.Text(ws.Cell(row, 1), county.Code);
            ws.Cell(row, 2).SetValue(Texts.Chinese ? county.Name : county.NameEn ?? county.Name);
            Sheet.Text(ws.Cell(row, 3), g.Key.Hospital ?? "");
            ws.Cell(row, 4)
                .SetValue(
                    g.Key.Hospital is { } code ? names.GetValueOrDefault(code, code) : Text["HealthCommission"].Value
                );
            WriteProduct(ws, row, 5, snapshot, g.Key.Product);
            var c = identity.Length + 1;
            foreach (var segment in segments)
                Number(ws.Cell(row, c++), g.Where(l => l.Segment == segment).Sum(l => l.Quantity));
            Number(ws.Cell(row, c), g.Sum(l => l.Quantity));
        }
        List(ws, "Hospitals", 1, row, identity.Length + segments.Count + 1);
        Widths(ws, [14, 16, 12, 26, 22, 8, .. segments.Select(_ => 14.0), 14]);
        Finish(ws, run);
    }

    /// <summary>The hospital segments the lines carry, in the order of <see cref="ConsigneeRoutes.HospitalOrder"/>
    /// (any other after them by code).</summary>
    private static List<string> Segments(List<ConsigneeLine> hospitals)
    {
        var present = hospitals.Select(l => l.Segment).ToHashSet(StringComparer.Ordinal);
        return ConsigneeRoutes
            .HospitalOrder.Where(present.Contains)
            .Concat(present.Where(s => !ConsigneeRoutes.IsHospital(s)).Order(StringComparer.Ordinal))
            .ToList();
    }

    /// <summary>A segment's column title: its name in the current language, its code when it has none.</summary>
    private static string SegmentTitle(string segment) =>
        Text["Segment." + segment] is { ResourceNotFound: false } title ? title.Value : segment;

    /// <summary>One row per county and product: what the county's enterprises back at work receive.</summary>
    private static void Enterprises(
        IXLWorksheet ws,
        PlanRunInfo run,
        PlanSnapshot snapshot,
        Dictionary<string, Planning.RegionInfo> counties,
        List<ConsigneeLine> lines
    )
    {
        Header(
            ws,
            1,
            [Sheet.T("CountyCode"), Sheet.T("County"), Text["Consignee"], Text["Product"], Text["Unit"], Text["Total"]]
        );
        var row = 1;
        foreach (
            var g in lines
                .Where(l => l.Kind == ConsigneeKind.Enterprises)
                .GroupBy(l => (l.County, l.Product))
                .OrderBy(g => g.Key.County, StringComparer.Ordinal)
                .ThenBy(g => snapshot.Products.ToList().FindIndex(p => p.Code == g.Key.Product))
        )
        {
            row++;
            var county = counties[g.Key.County];
            Sheet.Text(ws.Cell(row, 1), county.Code);
            ws.Cell(row, 2).SetValue(Texts.Chinese ? county.Name : county.NameEn ?? county.Name);
            ws.Cell(row, 3).SetValue(Text["Enterprises"].Value);
            WriteProduct(ws, row, 4, snapshot, g.Key.Product);
            Number(ws.Cell(row, 6), g.Sum(l => l.Quantity));
        }
        List(ws, "Enterprises", 1, row, 6);
        Widths(ws, 14, 16, 34, 22, 8, 14);
        Finish(ws, run);
    }

    /// <summary>The product's name and unit in two cells from <paramref name="column"/>.</summary>
    private static void WriteProduct(IXLWorksheet ws, int row, int column, PlanSnapshot snapshot, string code)
    {
        var product = snapshot.Products.FirstOrDefault(p => p.Code == code);
        ws.Cell(row, column).SetValue(product is null ? code : ProductName(product));
        ws.Cell(row, column + 1).SetValue(product is null ? "" : Unit(product));
    }
}
