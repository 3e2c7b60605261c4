using System.CommandLine;
using Planner.Api.Runs;
using Planner.Api.Startup;
using Planner.Api.Storage;

namespace Planner.Api.Cli;

/// <summary><c>cancel ID</c>: cancel a queued or running run (it stops between steps and publishes nothing).</summary>
internal static class CancelCommand
{
    public static Command Create(CliContext cli)
    {
        var id = new Argument<string>("ID") { Description = "the run's request id" };
        var command = new Command(
            "cancel",
            "cancel a queued or running run (it stops between steps and publishes nothing)"
        )
        {
            id,
        };
        command.SetAction(
            async (r, ct) =>
            {
                await using var services = cli.Services();
                await services.GetRequiredService<StartupWork>().PrepareDatabaseAsync(cli.Progress, ct);
                await using var db = await services.GetRequiredService<Database>().OpenAsync(ct);
                var state = await RunRequests.CancelAsync(db, r.GetValue(id)!, TimeProvider.System.GetUtcNow())
                    ?? throw new PlannerException($"There is no run {r.GetValue(id)}.");
                await cli.Out.WriteLineAsync(
                    $"{state.Id}\t{state.Status}"
                        + (
                            state.CancelRequested && state.Status == "running"
                                ? " (cancellation asked for; it stops at its next heartbeat)"
                                : ""
                        )
                );
                return 0;
            }
        );
        return command;
    }
}
