using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Planner.Api.Storage;

/// <summary>The planner database answers a query.</summary>
public sealed class DatabaseHealthCheck(Database planner) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default
    )
    {
        try
        {
            await using var db = await planner.OpenAsync(cancellationToken);
            await db.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
            return HealthCheckResult.Healthy(planner.Describe());
        }
        catch (Exception e) when (e is PlannerException or System.Data.Common.DbException)
        {
            Database.ForgetBrokenConnections(e);
            return HealthCheckResult.Unhealthy(Database.FirstLine(e.Message));
        }
    }
}
