using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Planner.Api.Access;
using Planner.Api.Localization;
using Planner.Api.Planning;
using Planner.Api.Runs;
using Planner.Solver.Allocation;
using RegionInfo = Planner.Api.Planning.RegionInfo;

namespace Planner.Api.Gaps;

/// <summary>
/// The gap list (缺口清单) of a run over HTTP, for procurement and requests to the national allocation: per product,
/// city, day and tier, what the plan leaves unmet and the units, depot and day that would close it. A city's officer
/// sees their city's lines.
/// </summary>
public static class GapsApi
{
    public static RouteGroupBuilder MapGapsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(AccessSetup.PlansReaders).WithTags("Gaps");
        api.Get(
            "/runs/{id}/gaps",
            GetGaps,
            "A run's gap list: unmet need per product, city, day and tier, and the units, depot and day closing it"
        );
        return api;
    }

    /// <summary>The list of a run: its plan's first day, then the lines (days as dates).</summary>
    public sealed record RunGaps(string RunId, DateOnly PlanStart, IReadOnlyList<Line> Lines);

    /// <summary>A line: product, city (or Hubei site), date and tier; units unmet, those extra supply at
    /// <paramref name="Depot"/> by <paramref name="SupplyBy"/> closes (none when no depot), and the units unmet per
    /// reason.</summary>
    public sealed record Line(
        string Product,
        string City,
        string CityName,
        DateOnly Date,
        int Tier,
        double Unmet,
        double Closable,
        string? Depot,
        DateOnly? SupplyBy,
        IReadOnlyDictionary<string, double> Reasons
    );

    public static async Task<Results<Ok<RunGaps>, ProblemHttpResult>> GetGaps(
        string id,
        string? city,
        ClaimsPrincipal user,
        Database planner,
        CancellationToken ct
    )
    {
        if (user.City() is { } own && (city ?? own) != own)
            return Messages.Problem(Messages.Get("CityGapsOnly", own), StatusCodes.Status403Forbidden);
        city ??= user.City();
        await using var db = await planner.OpenAsync(ct);
        var run = await db.QuerySingleOrDefaultAsync<(string RunId, DateOnly PlanStart)>(RunSql, new { id });
        if (run.RunId is null)
            return Messages.Problem(Messages.Get("NoPublishedPlan", id), StatusCodes.Status404NotFound);
        var regions = (
            await db.QueryAsync<RegionInfo>(
                "SELECT code, name, name_en, level, parent_code FROM regions WHERE level NOT IN ('town', 'village')"
            )
        ).ToDictionary(r => r.Code, StringComparer.Ordinal);
        var rows = await db.QueryAsync<Row>(GapsSql, new { runId = run.RunId });
        var lines = GapLine
            .Group(rows.Select(r => r.Gap()), code => RegionInfo.CityOf(regions, code))
            .Where(l => city is null || l.City == city)
            .Select(l => new Line(
                l.Product,
                l.City,
                regions.TryGetValue(l.City, out var c) ? (Texts.Chinese ? c.Name : c.NameEn ?? c.Name) : l.City,
                run.PlanStart.AddDays(l.Day),
                l.Tier,
                l.Unmet,
                l.Closable,
                l.Depot,
                l.SupplyBy is { } by ? run.PlanStart.AddDays(by) : null,
                l.Reasons
            ))
            .ToList();
        return TypedResults.Ok(new RunGaps(run.RunId, run.PlanStart, lines));
    }

    private const string RunSql = """
        SELECT p.id AS RunId, p.plan_start AS PlanStart FROM plan_runs p
        LEFT JOIN run_requests r ON r.run_id = p.id
        WHERE (r.id = @id OR p.id = @id) AND p.status = 'succeeded'
        LIMIT 1
        """;

    private const string GapsSql = """
        SELECT destination_code AS Destination, product_code AS Product, day AS Day, tier AS Tier, unmet AS Unmet,
               reason AS Reason, closable AS Closable, depot_code AS Depot, supply_by AS SupplyBy
        FROM plan_gaps WHERE run_id = @runId
        """;

    private sealed class Row
    {
        public string Destination { get; set; } = "";
        public string Product { get; set; } = "";
        public int Day { get; set; }
        public int Tier { get; set; }
        public double Unmet { get; set; }
        public string Reason { get; set; } = "";
        public double Closable { get; set; }
        public string? Depot { get; set; }
        public int? SupplyBy { get; set; }

        public Gap Gap() =>
            new(Product, Destination, Day, Tier, Unmet, ShortfallReasons.Parse(Reason), Depot, SupplyBy, Closable);
    }
}
