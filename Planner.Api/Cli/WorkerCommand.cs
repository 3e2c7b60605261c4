using System.CommandLine;
using Planner.Api.Startup;

namespace Planner.Api.Cli;

/// <summary><c>worker</c>: a worker node, processing the pulls, plans and scenarios queues until stopped (server
/// mode).</summary>
internal static class WorkerCommand
{
    public static Command Create(CliContext cli) =>
        CliCommand.Create("worker", CliText.Get("WorkerCommand"), [], async (_, ct) =>
        {
            var builder = Host.CreateApplicationBuilder(
                new HostApplicationBuilderSettings
                {
                    Args = [.. cli.ConfigArgs, "--Planner:Jobs:Roles=worker"],
                    ContentRootPath = AppContext.BaseDirectory,
                }
            );
            if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Planner")))
            {
                throw new PlannerException(CliText.Get("WorkerNeedsServer"));
            }
            builder.Services.AddPlanner(builder.Configuration);
            await builder.Build().RunAsync(ct);
            return 0;
        });
}
