using Microsoft.Extensions.Localization;
using Planner.Api.Jobs;
using Planner.Api.Localization;
using Planner.Api.Planning;

namespace Planner.Api.Runs;

/// <summary>Another worker holds the run and is alive; the job is retried later (by then it has finished or stopped
/// heartbeating).</summary>
public sealed class RunBusyException(string message) : Exception(message);

/// <summary>How a run ended on this worker: succeeded, failed, cancelled or already finished (elsewhere), with its
/// outcome or error.</summary>
public sealed record RunEnd(string Status, PlanOutcome? Outcome = null, string? Error = null);

/// <summary>
/// Runs a plan request on this worker: claims it, heartbeats while the pipeline runs (a cancellation asked for
/// through the database stops the run between steps or LP stages), and records how the attempt ended. The Hangfire
/// jobs run queued requests through it; the <c>plan</c> command runs its own request through it in-process, so
/// that a run from the command line is a run like any other.
/// </summary>
public sealed class RunExecutor(
    Database planner,
    PlanPipeline pipeline,
    IOptions<JobOptions> options,
    TimeProvider clock,
    ILogger<RunExecutor> logger
)
{
    /// <summary>What it tells people as it goes, in the run's language.</summary>
    private static readonly IStringLocalizer Text = Texts.For<RunExecutor>();

    /// <summary>Waits before each in-process retry after the database connection was lost (a restart takes about a
    /// second).</summary>
    private static readonly TimeSpan[] ReconnectDelays =
    [
        TimeSpan.FromSeconds(1),
        TimeSpan.FromSeconds(3),
        TimeSpan.FromSeconds(10),
    ];

    /// <summary>Runs the request; returns how it ended (succeeded, failed, cancelled, or already finished
    /// elsewhere).</summary>
    /// <param name="requestId">The queued request.</param>
    /// <param name="delivery">
    /// Hangfire's token for this delivery of the job, observed until the request is claimed. Hangfire also cancels
    /// it when the job's state changes elsewhere, as a second delivery of the same job does (Hangfire.PostgreSql
    /// can deliver a job again while it runs): the claim, not the delivery, owns the run, so once claimed the run
    /// stops only for <paramref name="stopping"/>, a cancellation asked for through the database, or a lost claim.
    /// </param>
    /// <param name="stopping">This worker is shutting down: the run is given back to the queue.</param>
    public async Task<string> ExecuteAsync(string requestId, CancellationToken delivery, CancellationToken stopping) =>
        (
            await ExecuteAsync(
                requestId,
                null,
                message => JobLog.Progress(logger, requestId, message),
                delivery,
                stopping
            )
        ).Status;

    /// <summary>
    /// The <c>plan</c> command: records <paramref name="request"/> as a run from the command line, claims it and runs
    /// it here, writing its files into the request's output folder as well as publishing them. Throws a
    /// <see cref="PlannerException"/> when the run fails.
    /// </summary>
    public async Task<PlanOutcome> RunHereAsync(PlanRequest request, Action<string> progress, CancellationToken ct)
    {
        string id;
        await using (var db = await planner.OpenAsync(ct))
        {
            id = await RunRequests.CreateAsync(
                db,
                RunJobs.KindOf(request),
                request,
                null,
                clock.GetUtcNow(),
                RunRequests.FromCommandLine
            );
        }
        progress(Text["Recorded", id]);
        var end = await ExecuteAsync(id, request, progress, ct, ct);
        return end.Outcome
            ?? throw (
                end.Status == "cancelled"
                    ? new OperationCanceledException($"Run {id} was cancelled; nothing was published.")
                    : new PlannerException(end.Error ?? Messages.Get("RunEnded", id, end.Status))
            );
    }

    /// <summary>
    /// Claims and runs the request. A lost database connection (a restart, a failover) is not the run's fault: the
    /// pools are cleared at once, the claim is given back and taken again, and the run starts over after a short wait,
    /// a few times, before Hangfire's slower retries take over.
    /// </summary>
    private async Task<RunEnd> ExecuteAsync(
        string requestId,
        PlanRequest? local,
        Action<string> progress,
        CancellationToken delivery,
        CancellationToken stopping
    )
    {
        for (var retry = 0; ; retry++)
        {
            RunClaim? claim = null;
            try
            {
                bool busy;
                using (var claiming = CancellationTokenSource.CreateLinkedTokenSource(delivery, stopping))
                await using (var db = await planner.OpenAsync(claiming.Token))
                {
                    (claim, busy) = await RunRequests.ClaimAsync(
                        db,
                        requestId,
                        JobsSetup.WorkerName,
                        clock.GetUtcNow(),
                        options.Value.Lease
                    );
                }
                if (claim is null)
                {
                    if (busy)
                        throw new RunBusyException($"Run {requestId} is running on another worker.");
                    JobLog.Ended(logger, requestId, "already finished; nothing to do");
                    return new RunEnd("already finished");
                }
                return await RunClaimedAsync(
                    local is null ? claim : claim with { Request = local },
                    progress,
                    stopping
                );
            }
            catch (Exception e) when (Database.IsConnectionLost(e) && !stopping.IsCancellationRequested)
            {
                Database.ForgetBrokenConnections(e);
                if (claim is not null)
                    await ReleaseAsync(claim);
                if (retry >= ReconnectDelays.Length)
                    throw;
                JobLog.Reconnecting(
                    logger,
                    requestId,
                    Database.FirstLine(e.Message),
                    ReconnectDelays[retry].TotalSeconds
                );
                progress(Text["Reconnect", Database.FirstLine(e.Message)]);
                await Task.Delay(ReconnectDelays[retry], stopping);
            }
        }
    }

    private async Task<RunEnd> RunClaimedAsync(RunClaim claim, Action<string> progress, CancellationToken stopping)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var language = claim.Request.Language is { } chosen ? Texts.Use(chosen) : null;
        string? step = null;
        var heartbeat = HeartbeatAsync(claim, () => Volatile.Read(ref step), cts);
        void Report(string message)
        {
            Volatile.Write(ref step, message.Length <= 200 ? message : message[..200]);
            progress(message);
        }
        try
        {
            var outcome = await pipeline.RunAsync(claim.Request, Report, claim, cts.Token);
            JobLog.Published(logger, claim.RequestId, outcome.RunId);
            return new RunEnd("succeeded", outcome);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The worker is stopping: give the run back so that the next delivery starts it at once.
            await ReleaseAsync(claim);
            throw;
        }
        catch (OperationCanceledException)
        {
            await RunRequests.EndAsync(
                planner,
                claim,
                "cancelled",
                "cancelled while running; nothing was published",
                clock.GetUtcNow()
            );
            JobLog.Ended(logger, claim.RequestId, "cancelled");
            return new RunEnd("cancelled", Error: "cancelled while running; nothing was published");
        }
        catch (PlannerException e) when (!Database.IsConnectionLost(e))
        {
            // Bad data, stale feeds, a solver failure: trying again gives the same answer, so the run ends here.
            await RunRequests.EndAsync(planner, claim, "failed", e.Message, clock.GetUtcNow());
            JobLog.Failed(logger, claim.RequestId, e.Message);
            return new RunEnd("failed", Error: e.Message);
        }
        catch (Exception e) when ((e is DbException or IOException) && !Database.IsConnectionLost(e))
        {
            // Transient: back to the queue, and Hangfire retries the job with its back-off.
            await ReleaseAsync(claim);
            throw;
        }
        finally
        {
            await cts.CancelAsync();
            await heartbeat;
        }
    }

    /// <summary>Gives the run back to the queue; if the database is what failed, this may fail too, and the lease then
    /// runs out.</summary>
    private async Task ReleaseAsync(RunClaim claim)
    {
        try
        {
            await RunRequests.ReleaseAsync(planner, claim);
        }
        catch (Exception release) when (release is DbException or PlannerException)
        {
            Database.ForgetBrokenConnections(release);
            JobLog.ClaimUpdateFailed(logger, claim.RequestId, release.Message);
        }
    }

    private async Task HeartbeatAsync(RunClaim claim, Func<string?> step, CancellationTokenSource cts)
    {
        using var timer = new PeriodicTimer(options.Value.Heartbeat);
        try
        {
            while (await timer.WaitForNextTickAsync(cts.Token))
            {
                try
                {
                    if (!await RunRequests.HeartbeatAsync(planner, claim, clock.GetUtcNow(), step()))
                    {
                        JobLog.Progress(
                            logger,
                            claim.RequestId,
                            "cancellation asked for, or the run was taken over; stopping"
                        );
                        await cts.CancelAsync();
                        return;
                    }
                }
                catch (Exception e) when (e is PlannerException or DbException)
                {
                    // A failed heartbeat (the database busy or briefly away) is tried again at the next tick, on a
                    // fresh connection if this one was lost; only if they keep failing for the whole lease does
                    // another worker take over, and then this attempt can no longer publish (its fence is gone).
                    Database.ForgetBrokenConnections(e);
                    JobLog.HeartbeatFailed(logger, claim.RequestId, e.Message);
                }
            }
        }
        catch (OperationCanceledException) { }
    }
}
