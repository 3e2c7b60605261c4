using Planner.Api.Jobs;
using Planner.Api.Localization;

namespace Planner.Api.Sources;

/// <summary>One feed's pull: the pull run, or why it failed (the data held before is kept).</summary>
public sealed record PullAttempt(Feed Feed, PullRun? Run, string? Error);

/// <summary>
/// Pulls the feeds as this process: each under its claim with the jobs' lease (<see cref="FeedClaim"/>). A feed that
/// fails or is busy is reported and the others go on; a plan then uses the data held.
/// </summary>
public sealed class SourcePulls(Database planner, FeedSources sources, IOptions<JobOptions> jobs, TimeProvider clock)
{
    /// <summary>The puller, claiming feeds as this worker with the jobs' lease.</summary>
    public FeedPuller Puller() =>
        new(planner, clock, new PullLease(jobs.Value.Lease, jobs.Value.Heartbeat), JobsSetup.WorkerName);

    /// <summary>Pulls every feed, or only <paramref name="only"/>; progress and failures are reported as they
    /// happen.</summary>
    public async Task<IReadOnlyList<PullAttempt>> PullAsync(
        Feed? only,
        Action<string> progress,
        CancellationToken ct = default
    )
    {
        var puller = Puller();
        var attempts = new List<PullAttempt>();
        foreach (var source in sources.All.Where(s => only is null || s.Feed == only))
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var run = await puller.PullAsync(source, ct);
                progress(
                    Messages.Get(
                        "Pulled",
                        source.Feed.ToString().ToLowerInvariant(),
                        run.RowsRead,
                        run.RowsChanged,
                        run.RowsRejected,
                        run.Duration.TotalSeconds
                    )
                );
                attempts.Add(new PullAttempt(source.Feed, run, null));
            }
            catch (PlannerException e)
            {
                progress(Messages.Get("Warning", e.Message));
                attempts.Add(new PullAttempt(source.Feed, null, e.Message));
            }
        }
        return attempts;
    }
}
