using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Planner.Api.Jobs;

namespace Planner.Api.Startup;

/// <summary>
/// <c>/health</c>: the planner database and Hangfire's storage, each checked; 200 when both answer, 503 naming the
/// failing check otherwise. Anonymous, for load balancers and operators.
/// </summary>
public static class Health
{
    public static IServiceCollection AddPlannerHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database").AddCheck<JobStorageHealthCheck>("jobs");
        return services;
    }

    public static IEndpointConventionBuilder MapPlannerHealth(this IEndpointRouteBuilder app) =>
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteAsync })
            .WithMetadata(new HttpMethodMetadata(["GET"]))
            .AllowAnonymous();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(
            JsonSerializer.Serialize(
                new
                {
                    status = report.Status == HealthStatus.Healthy ? "ok" : report.Status.ToString().ToLowerInvariant(),
                    checks = report.Entries.Select(e => new
                    {
                        name = e.Key,
                        status = e.Value.Status.ToString().ToLowerInvariant(),
                        detail = e.Value.Description,
                    }),
                },
                Json
            )
        );
    }
}
