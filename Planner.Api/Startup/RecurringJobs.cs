using Hangfire;
using Planner.Api.Jobs;
using Planner.Api.Runs;
using Planner.Api.Sources;

namespace Planner.Api.Startup;

/// <summary>Every recurring job, with its stable id, in one place.</summary>
public static class RecurringJobs
{
    /// <summary>The ids, for operators and tests.</summary>
    public static readonly IReadOnlyList<string> Ids =
    [
        "pull-production",
        "pull-hospitals",
        "pull-teams",
        "pull-situation",
        "daily-plan",
        "recover-runs",
    ];

    /// <summary>
    /// Adds or updates the recurring jobs (idempotent: every node may call it on start). Queues come from the methods'
    /// [Queue] attributes.
    /// </summary>
    public static void Register(IRecurringJobManager manager, JobOptions jobs)
    {
        var options = new RecurringJobOptions { TimeZone = jobs.Zone() };
        foreach (var feed in Enum.GetValues<Feed>())
        {
            manager.AddOrUpdate<PullJobs>(
                $"pull-{feed.ToString().ToLowerInvariant()}",
                j => j.PullAsync(feed, CancellationToken.None),
                jobs.PullCron,
                options
            );
        }
        manager.AddOrUpdate<RunJobs>(
            "daily-plan",
            j => j.DailyPlanAsync(CancellationToken.None),
            jobs.DailyPlanCron,
            options
        );
        manager.AddOrUpdate<RunJobs>(
            "recover-runs",
            j => j.RecoverAsync(CancellationToken.None),
            jobs.RecoverCron,
            options
        );
    }
}
