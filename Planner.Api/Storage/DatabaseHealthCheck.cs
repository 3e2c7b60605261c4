using Microsoft.Extensions.Diagnostics.HealthChecks;
using Planner.Api.Localization;

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
        catch (Exception e) when (e is PlannerException or DbException)
        {
            Database.ForgetBrokenConnections(e);
            // Opening fails when the server is away; a pooled connection opened before it went fails on the query.
            // The answer names the database either way.
            return HealthCheckResult.Unhealthy(
                e is PlannerException
                    ? Database.FirstLine(e.Message)
                    : Messages.Get("DatabaseNoAnswer", planner.Describe(), Database.FirstLine(e.Message))
            );
        }
    }
}
