using System.Data.Common;
using Planner.Api.Configuration;
using Planner.Api.Planning;

namespace Planner.Api.Jobs;

/// <summary>Another worker holds the run and is alive; the job is retried later (by then it has finished or stopped heartbeating).</summary>
public sealed class RunBusyException(string message) : Exception(message);

/// <summary>
/// Runs a queued plan request on this worker: claims it, heartbeats while the pipeline runs (a cancellation asked
/// for through the database stops the run between steps or LP stages), and records how the attempt ended.
/// Used by the Hangfire jobs; the same pipeline runs in-process for the CLI.
/// </summary>
public sealed class RunExecutor(PlannerSettings settings, TimeProvider clock, ILogger<RunExecutor> logger)
{
    /// <summary>This process, as it appears in run requests and on the dashboard.</summary>
    public static string WorkerName { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Runs the request; returns how it ended (succeeded, failed, cancelled, or already finished elsewhere).</summary>
    /// <param name="requestId">The queued request.</param>
    /// <param name="delivery">
    /// Hangfire's token for this delivery of the job, observed until the request is claimed. Hangfire also cancels
    /// it when the job's state changes elsewhere, as a second delivery of the same job does (Hangfire.PostgreSql
    /// can deliver a job again while it runs): the claim, not the delivery, owns the run, so once claimed the run
    /// stops only for <paramref name="stopping"/>, a cancellation asked for through the database, or a lost claim.
    /// </param>
    /// <param name="stopping">This worker is shutting down: the run is given back to the queue.</param>
    public async Task<string> ExecuteAsync(string requestId, CancellationToken delivery, CancellationToken stopping)
    {
        RunClaim? claim;
        bool busy;
        using (var claiming = CancellationTokenSource.CreateLinkedTokenSource(delivery, stopping))
        await using (var db = await settings.Planner.OpenAsync(claiming.Token))
        {
            (claim, busy) = await RunRequests.ClaimAsync(db, requestId, WorkerName, clock.GetUtcNow(), settings.Jobs.Lease);
        }
        if (claim is null)
        {
            if (busy) throw new RunBusyException($"Run {requestId} is running on another worker.");
            JobLog.Ended(logger, requestId, "already finished; nothing to do");
            return "already finished";
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        string? step = null;
        var heartbeat = HeartbeatAsync(claim, () => Volatile.Read(ref step), cts);
        var pipeline = new PlanPipeline(settings, clock, message =>
        {
            Volatile.Write(ref step, message.Length <= 200 ? message : message[..200]);
            JobLog.Progress(logger, requestId, message);
        });
        try
        {
            var outcome = await pipeline.RunAsync(claim.Request, claim, cts.Token);
            JobLog.Published(logger, requestId, outcome.RunId);
            return "succeeded";
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The worker is stopping: give the run back so that the next delivery starts it at once.
            await RunRequests.ReleaseAsync(settings.Planner, claim);
            throw;
        }
        catch (OperationCanceledException)
        {
            await RunRequests.EndAsync(settings.Planner, claim, "cancelled", "cancelled while running; nothing was published", clock.GetUtcNow());
            JobLog.Ended(logger, requestId, "cancelled");
            return "cancelled";
        }
        catch (PlannerException e)
        {
            // Bad data, stale feeds, a solver failure: trying again gives the same answer, so the run ends here.
            await RunRequests.EndAsync(settings.Planner, claim, "failed", e.Message, clock.GetUtcNow());
            JobLog.Failed(logger, requestId, e.Message);
            return "failed";
        }
        catch (Exception e) when (e is DbException or IOException)
        {
            // Transient: back to the queue, and Hangfire retries the job with its back-off. If the database is what
            // failed, the release may fail too: the lease then runs out and the next delivery takes the run over.
            try
            {
                await RunRequests.ReleaseAsync(settings.Planner, claim);
            }
            catch (Exception release) when (release is DbException or PlannerException)
            {
                JobLog.ClaimUpdateFailed(logger, claim.RequestId, release.Message);
            }
            throw;
        }
        finally
        {
            await cts.CancelAsync();
            await heartbeat;
        }
    }

    private async Task HeartbeatAsync(RunClaim claim, Func<string?> step, CancellationTokenSource cts)
    {
        using var timer = new PeriodicTimer(settings.Jobs.Heartbeat);
        try
        {
            while (await timer.WaitForNextTickAsync(cts.Token))
            {
                try
                {
                    if (!await RunRequests.HeartbeatAsync(settings.Planner, claim, clock.GetUtcNow(), step()))
                    {
                        JobLog.Progress(logger, claim.RequestId, "cancellation asked for, or the run was taken over; stopping");
                        await cts.CancelAsync();
                        return;
                    }
                }
                catch (Exception e) when (e is PlannerException or DbException)
                {
                    // A failed heartbeat (the database busy or briefly away) is tried again at the next tick; only if
                    // they keep failing for the whole lease does another worker take over, and then this attempt
                    // can no longer publish (its fence is gone).
                    JobLog.HeartbeatFailed(logger, claim.RequestId, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
