using System.CommandLine;
using Hangfire;
using Planner.Api.Runs;
using Planner.Api.Startup;

namespace Planner.Api.Cli;

/// <summary><c>enqueue</c>: queue a plan run for the workers (server mode); prints the run's request id.</summary>
internal static class EnqueueCommand
{
    public static Command Create(CliContext cli)
    {
        var plan = CliOptions.PlanRequest();
        return CliCommand.Create("enqueue", CliText.Get("EnqueueCommand"), [.. plan.All], async (r, ct) =>
        {
            var request = plan.Request(r);
            await using var services = cli.Services();
            var planner = services.GetRequiredService<Database>();
            if (planner.Provider != DatabaseProvider.Postgres)
            {
                throw new PlannerException(CliText.Get("EnqueueNeedsServer"));
            }
            await services.GetRequiredService<StartupWork>().PrepareDatabaseAsync(cli.Progress, ct);
            await using var db = await planner.OpenAsync(ct);
            var jobs = services.GetRequiredService<IBackgroundJobClient>();
            await cli.Out.WriteLineAsync(await RunJobs.QueueAsync(db, jobs, request, TimeProvider.System.GetUtcNow()));
            return 0;
        });
    }
}
