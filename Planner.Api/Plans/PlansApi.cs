using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Planner.Api.Access;
using Planner.Api.Localization;
using Planner.Api.Workbooks;

namespace Planner.Api.Plans;

/// <summary>
/// Published plans over HTTP: the latest plans with the files the caller may download, the files themselves (a
/// city's officer only their city's workbook), and the comparison of two runs (planners).
/// </summary>
public static class PlansApi
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static RouteGroupBuilder MapPlansApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(AccessSetup.PlansReaders).WithTags("Plans");
        api.Get("/plans", GetPlans, "The latest published plans with the files you may download");
        api.Get("/plans/{id}", GetPlan, "One published plan (by its run's request id) with the files you may download");
        api.Get("/runs/compare", CompareRuns, "The comparison workbook of two runs (run or request ids); planners")
            .RequireAuthorization(AccessSetup.Planners);
        api.Get(
            "/runs/{id}/files/{kind}",
            GetPlanFile,
            "Download a published file: province, city-<code> (a city officer: their city only) or summary"
        );
        return api;
    }

    public static async Task<Ok<IReadOnlyList<PublishedPlan>>> GetPlans(
        ClaimsPrincipal user,
        Database planner,
        int? limit,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        return TypedResults.Ok(await PublishedPlans.LatestAsync(db, user, Math.Clamp(limit ?? 10, 1, 100)));
    }

    public static async Task<Results<Ok<PublishedPlan>, ProblemHttpResult>> GetPlan(
        string id,
        ClaimsPrincipal user,
        Database planner,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        return await PublishedPlans.LatestAsync(db, user, 1, id) is [var plan]
            ? TypedResults.Ok(plan)
            : Messages.Problem(Messages.Get("NoPublishedPlan", id), StatusCodes.Status404NotFound);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> CompareRuns(
        string? first,
        string? second,
        Database planner,
        CancellationToken ct
    )
    {
        if (first is null || second is null)
        {
            return Messages.Problem(Messages.Get("GiveTwoRuns"), StatusCodes.Status400BadRequest);
        }
        try
        {
            var (content, name) = await ComparisonWorkbook.BuildAsync(planner, first, second, ct);
            return TypedResults.File(content, Xlsx, name);
        }
        catch (PlannerException e)
        {
            return Messages.Problem(e.Message, StatusCodes.Status404NotFound);
        }
    }

    /// <summary>A published file; a workbook in the language asked for (<c>?lang=zh-CN|en</c>), else the request's
    /// (the page's language, or <c>Accept-Language</c>).</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetPlanFile(
        string id,
        string kind,
        string? lang,
        ClaimsPrincipal user,
        Database planner,
        CancellationToken ct
    )
    {
        if (!user.MaySee(kind))
        {
            return Messages.Problem(
                Messages.Get("CityFileOnly", user.City() ?? "", kind),
                StatusCodes.Status403Forbidden
            );
        }
        await using var db = await planner.OpenAsync(ct);
        var file = await db.QuerySingleOrDefaultAsync<PublishedFileRow>(
            """
            SELECT w.file_name AS FileName, w.content AS Content FROM published_workbooks w
            JOIN run_requests r ON r.run_id = w.run_id
            WHERE r.id = @id AND w.kind = @kind
            ORDER BY CASE WHEN w.language = @language THEN 0 WHEN w.language IS NULL THEN 1 ELSE 2 END
            LIMIT 1
            """,
            new
            {
                id,
                kind,
                language = LocalizationSetup.Known(lang) ?? CultureInfo.CurrentUICulture.Name,
            }
        );
        return file?.Content is { } content
            ? TypedResults.File(content, kind == "summary" ? "application/json" : Xlsx, file.FileName)
            : Messages.Problem(Messages.Get("NoFileOfKind", id, kind), StatusCodes.Status404NotFound);
    }

    private sealed class PublishedFileRow
    {
        public string FileName { get; set; } = "";
        public byte[]? Content { get; set; }
    }
}
