using System.CommandLine;
using Planner.Api.Runs;

namespace Planner.Api.Cli;

/// <summary><c>cancel ID</c>: cancel a queued or running run (it stops between steps and publishes nothing).</summary>
internal static class CancelCommand
{
    public static Command Create(CliContext cli)
    {
        var id = new Argument<string>("ID") { Description = "the run's request id" };
        return cli.DatabaseCommand(
            "cancel",
            "cancel a queued or running run (it stops between steps and publishes nothing)",
            [id],
            async (r, services, ct) =>
            {
                await using var db = await services.GetRequiredService<Database>().OpenAsync(ct);
                var state = await RunRequests.CancelAsync(db, r.GetValue(id)!, TimeProvider.System.GetUtcNow())
                    ?? throw new PlannerException($"There is no run {r.GetValue(id)}.");
                var running = state.CancelRequested && state.Status == "running";
                await cli.Out.WriteLineAsync(
                    $"{state.Id}\t{state.Status}"
                        + (running ? " (cancellation asked for; it stops at its next heartbeat)" : "")
                );
                return 0;
            }
        );
    }
}
