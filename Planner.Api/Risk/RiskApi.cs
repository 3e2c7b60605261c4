using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Planner.Api.Access;
using Planner.Api.Localization;
using Planner.Api.Planning;
using RegionInfo = Planner.Api.Planning.RegionInfo;

namespace Planner.Api.Risk;

/// <summary>
/// A run's risk of running out over HTTP (issue 22): the target and paths it was measured with, per destination,
/// product and tier the stockout probability, expected and 95th-percentile shortfall, and per product and tier the
/// same over all destinations. A city's officer sees their city's counties (and no province-wide totals).
/// </summary>
public static class RiskApi
{
    public static RouteGroupBuilder MapRiskApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(AccessSetup.PlansReaders).WithTags("Risk");
        api.Get(
            "/runs/{id}/risk",
            GetRisk,
            "A run's risk of running out on held-out forecast paths: per county, product and tier the stockout "
                + "probability, expected and P95 shortfall (?city=, ?tier=), and per product and tier over all"
        );
        return api;
    }

    /// <summary>A run's risk: the target and paths (null for a run recorded before risk was measured), the
    /// destinations' lines, and the province's totals per product and tier (none for one city).</summary>
    public sealed record RunRisk(
        string RunId,
        double? Target,
        int? Paths,
        IReadOnlyList<Line> Lines,
        IReadOnlyList<Total> Totals
    );

    /// <summary>A destination's product in a tier.</summary>
    public sealed record Line(
        string Destination,
        string Name,
        string City,
        string Product,
        int Tier,
        double ExpectedNeed,
        double Positioned,
        double Buffer,
        double Unpositioned,
        double StockoutProbability,
        double StandardError,
        double ExpectedShortfall,
        double P95Shortfall
    );

    /// <summary>A product's tier over all destinations.</summary>
    public sealed record Total(
        string Product,
        int Tier,
        double ExpectedShortfall,
        double P95Shortfall,
        double ExpectedNeed,
        double ExpectedFill
    );

    public static async Task<Results<Ok<RunRisk>, ProblemHttpResult>> GetRisk(
        string id,
        string? city,
        int? tier,
        ClaimsPrincipal user,
        Database planner,
        CancellationToken ct
    )
    {
        if (user.City() is { } own && (city ?? own) != own)
            return Messages.Problem(Messages.Get("CityRiskOnly", own), StatusCodes.Status403Forbidden);
        city ??= user.City();
        await using var db = await planner.OpenAsync(ct);
        var run = await db.QuerySingleOrDefaultAsync<RunRow>(RunSql, new { id });
        if (run is null)
            return Messages.Problem(Messages.Get("NoPublishedPlan", id), StatusCodes.Status404NotFound);
        var regions = (
            await db.QueryAsync<RegionInfo>(
                "SELECT code, name, name_en, level, parent_code FROM regions WHERE level NOT IN ('town', 'village')"
            )
        ).ToDictionary(r => r.Code, StringComparer.Ordinal);
        var lines = (await db.QueryAsync<LineRow>(LinesSql, new { runId = run.RunId, tier }))
            .Select(l => l.Line(regions))
            .Where(l => city is null || l.City == city)
            .ToList();
        var totals = city is null
            ? (await db.QueryAsync<TotalRow>(TotalsSql, new { runId = run.RunId, tier }))
                .Select(t => t.Total())
                .ToList()
            : [];
        return TypedResults.Ok(new RunRisk(run.RunId, run.Target, (int?)run.Paths, lines, totals));
    }

    private static string Named(Dictionary<string, RegionInfo> regions, string code) =>
        regions.TryGetValue(code, out var r) ? (Texts.Chinese ? r.Name : r.NameEn ?? r.Name) : code;

    private sealed class RunRow
    {
        public string RunId { get; set; } = "";
        public double? Target { get; set; }
        public long? Paths { get; set; }
    }

    /// <summary>A stored line, as Dapper reads it on either database.</summary>
    private sealed class LineRow
    {
        public string Destination { get; set; } = "";
        public string Product { get; set; } = "";
        public long Tier { get; set; }
        public double ExpectedNeed { get; set; }
        public double Positioned { get; set; }
        public double Buffer { get; set; }
        public double Unpositioned { get; set; }
        public double StockoutProbability { get; set; }
        public double StandardError { get; set; }
        public double ExpectedShortfall { get; set; }
        public double P95Shortfall { get; set; }

        public Line Line(Dictionary<string, RegionInfo> regions) =>
            new(
                Destination,
                Named(regions, Destination),
                RegionInfo.CityOf(regions, Destination),
                Product,
                (int)Tier,
                ExpectedNeed,
                Positioned,
                Buffer,
                Unpositioned,
                StockoutProbability,
                StandardError,
                ExpectedShortfall,
                P95Shortfall
            );
    }

    private sealed class TotalRow
    {
        public string Product { get; set; } = "";
        public long Tier { get; set; }
        public double ExpectedShortfall { get; set; }
        public double P95Shortfall { get; set; }
        public double ExpectedNeed { get; set; }
        public double ExpectedFill { get; set; }

        public Total Total() => new(Product, (int)Tier, ExpectedShortfall, P95Shortfall, ExpectedNeed, ExpectedFill);
    }

    private const string RunSql = """
        SELECT p.id AS RunId, p.stockout_target AS Target, p.risk_paths AS Paths FROM plan_runs p
        LEFT JOIN run_requests r ON r.run_id = p.id
        WHERE (r.id = @id OR p.id = @id) AND p.status = 'succeeded'
        LIMIT 1
        """;

    private const string LinesSql = """
        SELECT destination_code AS Destination, product_code AS Product, tier AS Tier,
               expected_need AS ExpectedNeed, positioned AS Positioned, buffer AS Buffer,
               unpositioned AS Unpositioned, stockout_probability AS StockoutProbability,
               standard_error AS StandardError, expected_shortfall AS ExpectedShortfall,
               p95_shortfall AS P95Shortfall
        FROM plan_risk WHERE run_id = @runId AND (@tier IS NULL OR tier = @tier)
        ORDER BY stockout_probability DESC, destination_code, product_code, tier
        """;

    private const string TotalsSql = """
        SELECT product_code AS Product, tier AS Tier, expected_shortfall AS ExpectedShortfall,
               p95_shortfall AS P95Shortfall, expected_need AS ExpectedNeed, expected_fill AS ExpectedFill
        FROM plan_risk_tiers WHERE run_id = @runId AND (@tier IS NULL OR tier = @tier)
        ORDER BY product_code, tier
        """;
}
