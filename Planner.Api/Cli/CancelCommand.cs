using System.CommandLine;
using Planner.Api.Localization;
using Planner.Api.Runs;

namespace Planner.Api.Cli;

/// <summary><c>cancel ID</c>: cancel a queued or running run (it stops between steps and publishes nothing).</summary>
internal static class CancelCommand
{
    public static Command Create(CliContext cli)
    {
        var id = new Argument<string>("ID") { Description = CliText.Get("CancelId") };
        return cli.DatabaseCommand("cancel", CliText.Get("CancelCommand"), [id], async (r, services, ct) =>
        {
            await using var db = await services.GetRequiredService<Database>().OpenAsync(ct);
            var state = await RunRequests.CancelAsync(db, r.GetValue(id)!, TimeProvider.System.GetUtcNow())
                ?? throw new PlannerException(Messages.Get("NoRun", r.GetValue(id)!));
            var running = state.CancelRequested && state.Status == "running";
            await cli.Out.WriteLineAsync($"{state.Id}\t{state.Status}" + (running ? CliText.Get("CancelAsked") : ""));
            return 0;
        });
    }
}
