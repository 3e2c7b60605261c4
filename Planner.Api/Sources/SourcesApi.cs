using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Planner.Api.Access;
using Planner.Api.Localization;

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

        api.Get("/sources", GetSourceFreshness, "Each feed's last good pull and its age against its limit");
        api.Get("/sources/pulls", GetPullRuns, "Recent pull runs: rows read, changed, rejected, status, error");
        api.Post(
                "/sources/{feed}/pull",
                PullFeed,
                "Pull a feed now (production, hospitals, teams or situation); planners"
            )
            .RequireAuthorization(AccessSetup.Planners);
        return api;
    }

    /// <summary>A queued pull: the Hangfire job's id.</summary>
    public sealed record QueuedPull(string Job);

    public static async Task<Ok<IReadOnlyList<SourceAge>>> GetSourceFreshness(
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

    public static Results<Accepted<QueuedPull>, ProblemHttpResult> PullFeed(string feed, IBackgroundJobClient jobs) =>
        Enum.TryParse<Feed>(feed, ignoreCase: true, out var f) && Enum.IsDefined(f)
            ? TypedResults.Accepted(
                (string?)null,
                new QueuedPull(jobs.Enqueue<PullJobs>(j => j.PullAsync(f, CancellationToken.None)))
            )
            : Messages.Problem(Messages.Get("NoFeed", feed), StatusCodes.Status404NotFound);
}
