using Hangfire;
using Planner.Api.Jobs;
using Planner.Api.Localization;
using Planner.Api.Planning;
using Planner.Api.Sources;

namespace Planner.Api.Runs;

/// <summary>
/// The Hangfire jobs that make plans. Hangfire delivers each at least once: plan runs go through
/// <see cref="RunExecutor"/>, which makes a delivered-twice run publish once.
/// </summary>
public sealed class RunJobs(
    Database planner,
    IOptions<JobOptions> options,
    IOptions<StorageOptions> storage,
    IOptions<PlanningOptions> planning,
    TimeProvider clock,
    RunExecutor executor,
    IBackgroundJobClient jobs,
    IHostApplicationLifetime lifetime,
    ILogger<RunJobs> logger
)
{
    private CancellationToken Stopping => lifetime.ApplicationStopping;

    /// <summary>
    /// The daily plan: one request per calendar day in the configured time zone (a second firing the same day
    /// finds it and does nothing), run at once on this worker: pull, solve, publish. It plans as of the latest data,
    /// or, following the clock (<see cref="PlanningOptions.AsOf"/>), as of the clock's day, from the next.
    /// </summary>
    [Queue("plans")]
    [AutomaticRetry(Attempts = 10, DelaysInSeconds = [30, 60, 120, 300, 600])]
    public async Task DailyPlanAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), options.Value.Zone()).DateTime);
        string id;
        await using (var db = await planner.OpenAsync(ct))
        {
            id = await RunRequests.CreateAsync(
                db,
                "daily",
                new PlanRequest { AsOf = planning.Value.FollowsClock ? today : null },
                $"daily-{today:yyyy-MM-dd}",
                clock.GetUtcNow()
            );
        }
        await executor.ExecuteAsync(id, ct, Stopping);
    }

    /// <summary>A plan run queued by an operator.</summary>
    [Queue("plans")]
    [AutomaticRetry(Attempts = 10, DelaysInSeconds = [30, 60, 120, 300, 600])]
    public Task RunPlanAsync(string requestId, CancellationToken ct) => executor.ExecuteAsync(requestId, ct, Stopping);

    /// <summary>A scenario run queued by a planner.</summary>
    [Queue("scenarios")]
    [AutomaticRetry(Attempts = 10, DelaysInSeconds = [30, 60, 120, 300, 600])]
    public Task RunScenarioAsync(string requestId, CancellationToken ct) =>
        executor.ExecuteAsync(requestId, ct, Stopping);

    /// <summary>
    /// Hands queued runs and runs whose worker stopped heartbeating to Hangfire again: an embedded node's queue is
    /// lost when it restarts, and a job may have run out of retries. A run delivered twice still runs once. Also
    /// cleans up after stopped workers (<see cref="CleanUpAfterStoppedWorkersAsync"/>).
    /// </summary>
    [Queue("plans")]
    public async Task RecoverAsync(CancellationToken ct)
    {
        await using var db = await planner.OpenAsync(ct);
        foreach (var (id, kind) in await RunRequests.StrandedAsync(db, clock.GetUtcNow(), options.Value.Lease))
        {
            Enqueue(jobs, id, kind);
        }
        await CleanUpAfterStoppedWorkersAsync(db, options.Value, storage.Value, clock, logger);
    }

    /// <summary>
    /// What a killed worker leaves behind besides its runs: pull runs marked running for ever, and the files of its
    /// unfinished runs in its work folder. Done when a worker starts and by the recover job.
    /// </summary>
    public static async Task CleanUpAfterStoppedWorkersAsync(
        System.Data.Common.DbConnection db,
        JobOptions jobs,
        StorageOptions storage,
        TimeProvider clock,
        ILogger logger
    )
    {
        await FeedClaim.AbandonStaleAsync(db, clock.GetUtcNow(), jobs.Lease);
        if (WorkFolders.RemoveAbandoned(storage.WorkDirectory) is var removed and > 0)
            JobLog.WorkFoldersRemoved(logger, removed);
    }

    /// <summary>
    /// Records a plan run request and queues its job: the baseline as a daily plan (queue <c>plans</c>), any other
    /// scenario on <c>scenarios</c>. Returns the request id.
    /// </summary>
    public static async Task<string> QueueAsync(
        System.Data.Common.DbConnection db,
        IBackgroundJobClient client,
        PlanRequest request,
        DateTimeOffset now
    )
    {
        var kind = KindOf(request);
        // The run speaks the language of the page or API call that queued it.
        var id = await RunRequests.CreateAsync(
            db,
            kind,
            request with
            {
                Language = request.Language ?? LocalizationSetup.Known(CultureInfo.CurrentUICulture.Name),
            },
            null,
            now
        );
        Enqueue(client, id, kind);
        return id;
    }

    /// <summary>The baseline is a daily plan; any other scenario a scenario run.</summary>
    public static string KindOf(PlanRequest request) =>
        request.Scenario == ScenarioOverrides.Baseline ? "daily" : "scenario";

    /// <summary>Queues the job that runs a request, on the queue of its kind.</summary>
    public static string Enqueue(IBackgroundJobClient client, string requestId, string kind) =>
        kind == "scenario"
            ? client.Enqueue<RunJobs>(j => j.RunScenarioAsync(requestId, CancellationToken.None))
            : client.Enqueue<RunJobs>(j => j.RunPlanAsync(requestId, CancellationToken.None));
}
