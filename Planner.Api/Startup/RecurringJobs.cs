using Hangfire;
using Planner.Api.Sources;
using Planner.Api.Jobs;
using Planner.Api.Runs;

namespace Planner.Api.Startup;

/// <summary>Every recurring job, with its stable id, in one place.</summary>
public static class RecurringJobs
{
    /// <summary>The ids, for operators and tests.</summary>
    public static readonly IReadOnlyList<string> Ids = ["pull-production", "pull-hospitals", "pull-teams", "daily-plan", "recover-runs"];

    /// <summary>Adds or updates the recurring jobs (idempotent: every node may call it on start). Queues come from the methods' [Queue] attributes.</summary>
    public static void Register(IRecurringJobManager manager, JobSettings settings)
    {
        var options = new RecurringJobOptions { TimeZone = settings.Zone() };
        foreach (var feed in Enum.GetValues<Feed>())
        {
            manager.AddOrUpdate<PlanJobs>($"pull-{feed.ToString().ToLowerInvariant()}", j => j.PullAsync(feed, CancellationToken.None), settings.PullCron, options);
        }
        manager.AddOrUpdate<PlanJobs>("daily-plan", j => j.DailyPlanAsync(CancellationToken.None), settings.DailyPlanCron, options);
        manager.AddOrUpdate<PlanJobs>("recover-runs", j => j.RecoverAsync(CancellationToken.None), settings.RecoverCron, options);
    }
}
