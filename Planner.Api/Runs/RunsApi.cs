using System.Security.Claims;
using Dapper;
using Hangfire;
using Planner.Api.Access;
using Planner.Api.Configuration;
using Planner.Api.Planning;
using Planner.Api.Sources;
using Planner.Api.Plans;

namespace Planner.Api.Runs;

/// <summary>
/// Operations over HTTP: feed freshness and recent pull runs, triggering a pull or a plan run, a run's state,
/// cancelling it and downloading what it published. Every signed-in user sees freshness; logistics officers and
/// planners see runs and download plans (a city's officer only their city's workbook); planners alone trigger,
/// cancel and compare.
/// </summary>
public static class OperationsEndpoints
{
    /// <summary>What a planner may ask for when queueing a run.</summary>
    public sealed record RunOrder(string? Scenario, DateOnly? Start, int? Days, string? Policy);

    /// <summary>Maps the endpoints under <c>/api</c>.</summary>
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization();

        api.MapGet("/sources", async (PlannerSettings settings, TimeProvider clock) =>
        {
            await using var db = await settings.Planner.OpenAsync();
            return Results.Ok(await SourceFreshness.ReadAsync(db, settings.Freshness, clock.GetUtcNow()));
        }).WithTags("Sources").WithSummary("Each feed's last good pull and its age against its limit");
        api.MapGet("/sources/pulls", async (PlannerSettings settings, int? limit) =>
        {
            await using var db = await settings.Planner.OpenAsync();
            return Results.Ok(await SourceFreshness.RecentPullRunsAsync(db, Math.Clamp(limit ?? 20, 1, 500)));
        }).WithTags("Sources").WithSummary("Recent pull runs: rows read, changed, rejected, status, error");
        api.MapPost("/sources/{feed}/pull", (string feed, IBackgroundJobClient jobs) =>
            Enum.TryParse<Feed>(feed, ignoreCase: true, out var f) && Enum.IsDefined(f)
                ? Results.Accepted(value: new { job = jobs.Enqueue<PlanJobs>(j => j.PullAsync(f, CancellationToken.None)) })
                : Results.Problem($"There is no feed '{feed}'; the feeds are production, hospitals and teams.", statusCode: StatusCodes.Status404NotFound))
            .RequireAuthorization(AccessSetup.Planners).WithTags("Sources").WithSummary("Pull a feed now (production, hospitals or teams); planners");

        api.MapPost("/runs", async (RunOrder? order, PlannerSettings settings, TimeProvider clock, IBackgroundJobClient jobs) =>
        {
            PlanRequest request;
            try
            {
                request = new PlanRequest(Scenario: order?.Scenario ?? "baseline", PlanStart: order?.Start, HorizonDays: order?.Days is { } d and (< 1 or > 366) ? throw new PlannerException($"days is {d}; it must be from 1 to 366.") : order?.Days)
                {
                    Policy = order?.Policy is { } p ? PlannerSettings.ParsePolicy(p) : null,
                };
                await using var db = await settings.Planner.OpenAsync();
                var id = await PlanJobs.QueueAsync(db, jobs, request, clock.GetUtcNow());
                return Results.Accepted($"/api/runs/{id}", await RunRequests.GetAsync(db, id));
            }
            catch (PlannerException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
            }
        }).RequireAuthorization(AccessSetup.Planners).WithTags("Runs").WithSummary("Queue a plan run (scenario, start, days, policy); planners");
        api.MapGet("/plans", async (ClaimsPrincipal user, PlannerSettings settings, int? limit) =>
        {
            await using var db = await settings.Planner.OpenAsync();
            return Results.Ok(await PublishedPlans.LatestAsync(db, user, Math.Clamp(limit ?? 10, 1, 100)));
        }).RequireAuthorization(AccessSetup.PlansReaders).WithTags("Plans").WithSummary("The latest published plans with the files you may download");
        api.MapGet("/plans/{id}", async (string id, ClaimsPrincipal user, PlannerSettings settings) =>
        {
            await using var db = await settings.Planner.OpenAsync();
            return await PublishedPlans.LatestAsync(db, user, 1, id) is [var plan]
                ? Results.Ok(plan)
                : Results.Problem($"There is no published plan of run {id}.", statusCode: StatusCodes.Status404NotFound);
        }).RequireAuthorization(AccessSetup.PlansReaders).WithTags("Plans").WithSummary("One published plan (by its run's request id) with the files you may download");
        api.MapGet("/runs", async (PlannerSettings settings, int? limit) =>
        {
            await using var db = await settings.Planner.OpenAsync();
            return Results.Ok(await RunRequests.RecentAsync(db, Math.Clamp(limit ?? 20, 1, 500)));
        }).RequireAuthorization(AccessSetup.PlansReaders).WithTags("Runs").WithSummary("Recent runs, newest first");
        api.MapGet("/runs/{id}", async (string id, PlannerSettings settings) =>
        {
            await using var db = await settings.Planner.OpenAsync();
            return await RunRequests.GetAsync(db, id) is { } state ? Results.Ok(state) : NoRun(id);
        }).RequireAuthorization(AccessSetup.PlansReaders).WithTags("Runs").WithSummary("A run's status, step (progress), attempts, worker and plan run");
        api.MapPost("/runs/{id}/cancel", async (string id, PlannerSettings settings, TimeProvider clock) =>
        {
            await using var db = await settings.Planner.OpenAsync();
            return await RunRequests.CancelAsync(db, id, clock.GetUtcNow()) is { } state ? Results.Accepted($"/api/runs/{id}", state) : NoRun(id);
        }).RequireAuthorization(AccessSetup.Planners).WithTags("Runs").WithSummary("Cancel a run: a queued one at once, a running one at its next heartbeat; planners");
        api.MapGet("/runs/compare", async (string? first, string? second, PlannerSettings settings, CancellationToken ct) =>
        {
            if (first is null || second is null) return Results.Problem("Give the two runs to compare: ?first=RUN&second=RUN (run or request ids).", statusCode: StatusCodes.Status400BadRequest);
            try
            {
                var (content, name) = await Workbooks.ComparisonWorkbook.BuildAsync(settings.Planner, first, second, ct);
                return Results.File(content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
            }
            catch (PlannerException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status404NotFound);
            }
        }).RequireAuthorization(AccessSetup.Planners).WithTags("Plans").WithSummary("The comparison workbook of two runs (run or request ids); planners");
        api.MapGet("/runs/{id}/files/{kind}", async (string id, string kind, ClaimsPrincipal user, PlannerSettings settings) =>
        {
            if (!user.MaySee(kind))
            {
                return Results.Problem($"You may download the workbook of city {user.City()} only (city-{user.City()}), not '{kind}'.", statusCode: StatusCodes.Status403Forbidden);
            }
            await using var db = await settings.Planner.OpenAsync();
            var file = await db.QuerySingleOrDefaultAsync<PublishedFile>("""
                SELECT w.file_name AS FileName, w.content AS Content FROM published_workbooks w
                JOIN run_requests r ON r.run_id = w.run_id
                WHERE r.id = @id AND w.kind = @kind
                """, new { id, kind });
            return file?.Content is { } content
                ? Results.File(content, kind == "summary" ? "application/json" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file.FileName)
                : Results.Problem($"Run {id} has published no '{kind}' file (yet); kinds are province, city-<city code> (e.g. city-330100) and summary.", statusCode: StatusCodes.Status404NotFound);
        }).RequireAuthorization(AccessSetup.PlansReaders).WithTags("Plans")
            .WithSummary("Download a published file: province, city-<code> (a city officer: their city only) or summary");
        return app;
    }

    private static IResult NoRun(string id) => Results.Problem($"There is no run {id}.", statusCode: StatusCodes.Status404NotFound);

    private sealed class PublishedFile
    {
        public string FileName { get; set; } = "";
        public byte[]? Content { get; set; }
    }
}
