using Hangfire;
using Planner.Api.Jobs;

namespace Planner.Api.Sources;

/// <summary>The pull job. Hangfire delivers it at least once; a pull is idempotent, and one per feed runs at a
/// time.</summary>
public sealed class PullJobs(
    SourcePulls pulls,
    FeedSources sources,
    IBackgroundJobClient jobs,
    ILogger<PullJobs> logger
)
{
    /// <summary>
    /// Pulls one feed. A source that cannot be reached fails the pull run (the data held stays) and is retried with
    /// back-off. One pull of a feed at a time is kept by the feed's claim, not by a Hangfire lock: a feed another
    /// process is pulling is tried again when that holder's lease would run out, and this worker is free meanwhile.
    /// </summary>
    [Queue("pulls")]
    [AutomaticRetry(Attempts = 4, DelaysInSeconds = [30, 120, 300, 600])]
    public async Task PullAsync(Feed feed, CancellationToken ct)
    {
        try
        {
            var run = await pulls.Puller().PullAsync(sources[feed], ct);
            JobLog.Pulled(logger, run.Id, run.RowsRead, run.RowsChanged, run.RowsRejected);
        }
        catch (FeedBusyException busy)
        {
            JobLog.PullBusy(logger, busy.Message, busy.RetryAfter.TotalSeconds);
            jobs.Schedule<PullJobs>(
                j => j.PullAsync(feed, CancellationToken.None),
                busy.RetryAfter + TimeSpan.FromSeconds(1)
            );
        }
    }
}
