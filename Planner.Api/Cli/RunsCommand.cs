using System.CommandLine;
using Planner.Api.Runs;

namespace Planner.Api.Cli;

/// <summary><c>runs</c>: the recent runs and their state.</summary>
internal static class RunsCommand
{
    public static Command Create(CliContext cli) =>
        cli.DatabaseCommand("runs", CliText.Get("RunsCommand"), [], async (_, services, ct) =>
        {
            await using var db = await services.GetRequiredService<Database>().OpenAsync(ct);
            foreach (var r in await RunRequests.RecentAsync(db, 20))
            {
                await cli.Out.WriteLineAsync(
                    CliText.Get(
                        "RunsLine",
                        r.Id,
                        r.Kind,
                        r.ScenarioId,
                        r.Status,
                        r.Attempts,
                        r.Worker ?? "",
                        r.RunId ?? "",
                        r.Step ?? r.Error ?? ""
                    )
                );
            }
            return 0;
        });
}
