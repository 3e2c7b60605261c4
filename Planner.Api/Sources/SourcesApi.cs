using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Planner.Api.Access;
using Planner.Api.Storage;

namespace Planner.Api.Sources;

/// <summary>
/// The feeds over HTTP: how fresh each is, the recent pull runs, and pulling one now. Every signed-in user sees
/// freshness; planners alone trigger a pull.
/// </summary>
public static class SourcesApi
{
    public static RouteGroupBuilder MapSourcesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().WithTags("Sources");

        api.MapGet("/sources", GetFreshness)
            .WithName("GetSourceFreshness")
            .WithSummary("Each feed's last good pull and its age against its limit");
        api.MapGet("/sources/pulls", GetPullRuns)
            .WithName("GetPullRuns")
            .WithSummary("Recent pull runs: rows read, changed, rejected, status, error");
        api.MapPost("/sources/{feed}/pull", Pull)
            .WithName("PullFeed")
            .RequireAuthorization(AccessSetup.Planners)
            .WithSummary("Pull a feed now (production, hospitals or teams); planners");
        return api;
    }

    /// <summary>A queued pull: the Hangfire job's id.</summary>
    public sealed record QueuedPull(string Job);

    public static async Task<Ok<IReadOnlyList<SourceAge>>> GetFreshness(
        Database planner,
        IOptions<FreshnessOptions> freshness,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        return TypedResults.Ok(await SourceFreshness.ReadAsync(db, freshness.Value, clock.GetUtcNow()));
    }

    public static async Task<Ok<IReadOnlyList<PullRunRecord>>> GetPullRuns(
        Database planner,
        int? limit,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        return TypedResults.Ok(await SourceFreshness.RecentPullRunsAsync(db, Math.Clamp(limit ?? 20, 1, 500)));
    }

    public static Results<Accepted<QueuedPull>, ProblemHttpResult> Pull(string feed, IBackgroundJobClient jobs) =>
        Enum.TryParse<Feed>(feed, ignoreCase: true, out var f) && Enum.IsDefined(f)
            ? TypedResults.Accepted(
                (string?)null,
                new QueuedPull(jobs.Enqueue<PullJobs>(j => j.PullAsync(f, CancellationToken.None)))
            )
            : TypedResults.Problem(
                $"There is no feed '{feed}'; the feeds are production, hospitals and teams.",
                statusCode: StatusCodes.Status404NotFound
            );
}
