using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Planner.Api.Localization;

namespace Planner.Api.Jobs;

/// <summary>Hangfire's storage answers: the servers it knows of (workers that heartbeat) can be listed.</summary>
public sealed class JobStorageHealthCheck(JobStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default
    )
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers().Count;
            return Task.FromResult(
                HealthCheckResult.Healthy(
                    Messages.Get(servers == 1 ? "WorkerRegistered" : "WorkersRegistered", servers)
                )
            );
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Hangfire's storages throw their own exception types (Npgsql's among them) when the database is away.
            return Task.FromResult(HealthCheckResult.Unhealthy(e.Message.Split('\n')[0]));
        }
    }
}
