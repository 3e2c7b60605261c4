using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Planner.Api.Access;
using Planner.Api.Planning;
using Planner.Api.Workbooks;
using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;
using RegionInfo = Planner.Api.Planning.RegionInfo;

namespace Planner.Api.Runs;

/// <summary>
/// A depot's dispatch notes (调拨单) of one day of a run, to print in the browser one note to a page: the same notes,
/// numbers and words as the depot's workbook (<see cref="DispatchSheets"/>). The depot is named as the run's files
/// are (<c>province</c>: the provincial reserve; <c>city-330300</c>: Wenzhou's depot); a city's officer sees their
/// own city's depot only. A note to a county says who signs for each line there, split as the workbook splits it
/// (<see cref="Consignees.Deliveries"/> over all the run's shipments and its consignee lines).
/// </summary>
[Authorize(Policy = AccessSetup.PlansReaders)]
public sealed class DispatchModel(Database planner) : PageModel
{
    public RunRequestState Run { get; private set; } = null!;

    public string Kind { get; private set; } = "";

    public RegionInfo Depot { get; private set; } = null!;

    public DateOnly PlanStart { get; private set; }

    /// <summary>The day shown (0: the plan's first day).</summary>
    public int Day { get; private set; }

    /// <summary>The days on which something leaves the depot, with their number of notes.</summary>
    public IReadOnlyList<(int Day, int Notes)> Days { get; private set; } = [];

    public IReadOnlyList<DispatchNote> Notes { get; private set; } = [];

    public IReadOnlyDictionary<string, RegionInfo> Regions { get; private set; } = new Dictionary<string, RegionInfo>();

    public IReadOnlyDictionary<string, ProductInfo> Products { get; private set; } =
        new Dictionary<string, ProductInfo>();

    /// <summary>Hospitals' names by code.</summary>
    public IReadOnlyDictionary<string, string> Hospitals { get; private set; } = new Dictionary<string, string>();

    public async Task<IActionResult> OnGetAsync(string id, string kind, int? day)
    {
        if (!User.MaySee(kind))
            return Forbid();
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        if (await RunRequests.GetAsync(db, id) is not { RunId: { } runId } run)
            return NotFound();
        var start = await db.QueryFirstOrDefaultAsync<DateOnly?>(
            "SELECT plan_start FROM plan_runs WHERE id = @runId AND status = 'succeeded'",
            new { runId }
        );
        Regions = (
            await db.QueryAsync<RegionInfo>(
                "SELECT code, name, name_en, level, parent_code FROM regions WHERE level NOT IN ('town', 'village')"
            )
        ).ToDictionary(r => r.Code, StringComparer.Ordinal);
        var depot =
            kind == "province"
                ? Regions.Values.FirstOrDefault(r => r.Level == "province")
                : Regions.GetValueOrDefault(kind.StartsWith("city-", StringComparison.Ordinal) ? kind[5..] : "");
        if (start is null || depot is null || (kind != "province" && depot.Level != "city"))
            return NotFound();
        Products = (
            await db.QueryAsync<ProductInfo>("SELECT code, name, name_en, unit, unit_zh, pack_size FROM products")
        ).ToDictionary(p => p.Code, StringComparer.Ordinal);
        var shipments = (await db.QueryAsync<Line>(LinesSql, new { runId })).Select(l => l.Shipment()).ToList();
        var consignees = (await db.QueryAsync<ConsigneeRow>(ConsigneesSql, new { runId })).ToList();
        Hospitals = (await db.QueryAsync<(string Code, string Name)>("SELECT code, name FROM hospitals")).ToDictionary(
            h => h.Code,
            h => h.Name,
            StringComparer.Ordinal
        );
        var notes = DispatchNotes.Of(
            depot.Code,
            start.Value,
            shipments,
            Products.Values.ToDictionary(p => p.Code, p => p.PackSize, StringComparer.Ordinal),
            // A run recorded before its consignees were stored has none: no split, rather than all to the store.
            consignees.Count == 0
                ? null
                : Consignees.Deliveries(
                    shipments,
                    consignees.Select(c => c.Line()),
                    RegionInfo.Counties(Regions.Values)
                )
        );
        (Run, Kind, Depot, PlanStart, Day) = (run, kind, depot, start.Value, Math.Max(0, day ?? 0));
        Days = notes.GroupBy(n => n.Day).Select(g => (g.Key, g.Count())).ToList();
        Notes = notes.Where(n => n.Day == Day).ToList();
        return Page();
    }

    /// <summary>A region's name in the page's language (a code the regions do not know stays a code).</summary>
    public string Name(string code) => Regions.TryGetValue(code, out var r) ? DispatchSheets.Name(r) : code;

    public string Date(int day) => Sheet.Day(PlanStart.AddDays(day));

    private const string LinesSql = """
        SELECT from_code, to_code, product_code, day, COALESCE(arrival_day, day) AS arrival_day, quantity
        FROM plan_shipments WHERE run_id = @runId
        """;

    private const string ConsigneesSql = """
        SELECT county_code, kind, hospital_code, product_code, segment, quantity
        FROM plan_consignees WHERE run_id = @runId
        """;

    private sealed class ConsigneeRow
    {
        public string CountyCode { get; set; } = "";
        public string Kind { get; set; } = "";
        public string? HospitalCode { get; set; }
        public string ProductCode { get; set; } = "";
        public string Segment { get; set; } = "";
        public long Quantity { get; set; }

        public ConsigneeLine Line() =>
            new(CountyCode, Enum.Parse<ConsigneeKind>(Kind, true), HospitalCode, ProductCode, Segment, Quantity);
    }

    private sealed class Line
    {
        public string FromCode { get; set; } = "";
        public string ToCode { get; set; } = "";
        public string ProductCode { get; set; } = "";
        public int Day { get; set; }
        public int ArrivalDay { get; set; }
        public double Quantity { get; set; }

        public Shipment Shipment() => new(FromCode, ToCode, ProductCode, Day, ArrivalDay, Quantity);
    }
}
