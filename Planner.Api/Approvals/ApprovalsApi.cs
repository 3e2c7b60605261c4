using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Planner.Api.Access;
using Planner.Api.Localization;

namespace Planner.Api.Approvals;

/// <summary>
/// Approvals (签发) over HTTP: a planner approves a finished run as the dispatch plan, superseding the approval
/// before; logistics officers and planners read which plan is in force and the approvals before it.
/// </summary>
public static class ApprovalsApi
{
    public static RouteGroupBuilder MapApprovalsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(AccessSetup.PlansReaders).WithTags("Approvals");
        api.Post(
                "/runs/{id}/approve",
                ApproveRun,
                "Approve a finished run as the dispatch plan, superseding the one before; planners"
            )
            .RequireAuthorization(AccessSetup.Planners);
        api.Get("/approvals", GetApprovals, "Approvals, newest first: the first is the plan in force");
        return api;
    }

    public static async Task<Results<Ok<Approval>, ProblemHttpResult>> ApproveRun(
        string id,
        ClaimsPrincipal user,
        Database planner,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        try
        {
            return await PlanApprovals.ApproveAsync(db, id, user, clock.GetUtcNow()) is { } approval
                ? TypedResults.Ok(approval)
                : Messages.Problem(Messages.Get("NoRun", id), StatusCodes.Status404NotFound);
        }
        catch (PlannerException e)
        {
            return Messages.Problem(e.Message, StatusCodes.Status409Conflict);
        }
    }

    public static async Task<Ok<IReadOnlyList<Approval>>> GetApprovals(
        Database planner,
        int? limit,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        return TypedResults.Ok(await PlanApprovals.HistoryAsync(db, Math.Clamp(limit ?? 20, 1, 500)));
    }
}
