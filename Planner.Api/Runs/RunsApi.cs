using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Planner.Api.Access;
using Planner.Api.Localization;
using Planner.Api.Planning;

namespace Planner.Api.Runs;

/// <summary>
/// Plan runs over HTTP: queue one, follow its state, cancel it. Logistics officers and planners see runs;
/// planners alone queue and cancel them. What a run published is under <c>Plans</c>.
/// </summary>
public static class RunsApi
{
    public static RouteGroupBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(AccessSetup.PlansReaders).WithTags("Runs");

        api.Post("/runs", QueueRun, "Queue a plan run (scenario, start, days, policy); planners")
            .RequireAuthorization(AccessSetup.Planners);
        api.Get("/runs", GetRuns, "Recent runs, newest first");
        api.Get("/runs/{id}", GetRun, "A run's status, step (progress), attempts, worker and plan run");
        api.Post(
                "/runs/{id}/cancel",
                CancelRun,
                "Cancel a run: a queued one at once, a running one at its next heartbeat; planners"
            )
            .RequireAuthorization(AccessSetup.Planners);
        return api;
    }

    /// <summary>What a planner may ask for when queueing a run.</summary>
    public sealed record RunOrder(string? Scenario, DateOnly? Start, int? Days, string? Policy, DateOnly? AsOf = null);

    public static async Task<Results<Accepted<RunRequestState>, ProblemHttpResult>> QueueRun(
        RunOrder? order,
        Database planner,
        TimeProvider clock,
        IBackgroundJobClient jobs,
        CancellationToken ct
    )
    {
        try
        {
            if (order?.Days is { } d and (< 1 or > 366))
                throw new PlannerException(Messages.Get("DaysRange", d));
            var request = new PlanRequest(
                Scenario: order?.Scenario ?? ScenarioOverrides.Baseline,
                PlanStart: order?.Start,
                HorizonDays: order?.Days
            )
            {
                AsOf = order?.AsOf,
                Policy = order?.Policy is { } p ? Policies.Parse(p) : null,
            };
            await using var db = await planner.OpenAsync(ct);
            var id = await RunJobs.QueueAsync(db, jobs, request, clock.GetUtcNow());
            return TypedResults.Accepted($"/api/runs/{id}", await RunRequests.GetAsync(db, id));
        }
        catch (PlannerException e)
        {
            return Messages.Problem(e.Message, StatusCodes.Status400BadRequest);
        }
    }

    public static async Task<Ok<IReadOnlyList<RunRequestState>>> GetRuns(
        Database planner,
        int? limit,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        return TypedResults.Ok(await RunRequests.RecentAsync(db, Math.Clamp(limit ?? 20, 1, 500)));
    }

    public static async Task<Results<Ok<RunRequestState>, ProblemHttpResult>> GetRun(
        string id,
        Database planner,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        return await RunRequests.GetAsync(db, id) is { } state ? TypedResults.Ok(state) : NoRun(id);
    }

    public static async Task<Results<Accepted<RunRequestState>, ProblemHttpResult>> CancelRun(
        string id,
        Database planner,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        return await RunRequests.CancelAsync(db, id, clock.GetUtcNow()) is { } state
            ? TypedResults.Accepted($"/api/runs/{id}", state)
            : NoRun(id);
    }

    private static ProblemHttpResult NoRun(string id) =>
        Messages.Problem(Messages.Get("NoRun", id), StatusCodes.Status404NotFound);
}
