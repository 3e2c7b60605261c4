using System.CommandLine;
using Planner.Api.Runs;

namespace Planner.Api.Cli;

/// <summary><c>runs</c>: the recent runs and their state.</summary>
internal static class RunsCommand
{
    public static Command Create(CliContext cli) =>
        cli.DatabaseCommand("runs", "the recent queued runs and their state", [], async (_, services, ct) =>
        {
            await using var db = await services.GetRequiredService<Database>().OpenAsync(ct);
            foreach (var r in await RunRequests.RecentAsync(db, 20))
            {
                await cli.Out.WriteLineAsync(
                    $"{r.Id}\t{r.Kind}\t{r.ScenarioId}\t{r.Status}\tattempts "
                        + $"{r.Attempts}\t{r.Worker}\t{r.RunId}\t{r.Step ?? r.Error}"
                );
            }
            return 0;
        });
}
