using System.CommandLine;
using Planner.Api.Startup;

namespace Planner.Api.Cli;

/// <summary><c>seed-sources</c>: fill the sample source databases from data/sample when they are empty.</summary>
internal static class SeedSourcesCommand
{
    public static Command Create(CliContext cli) =>
        CliCommand.Create("seed-sources", CliText.Get("SeedSourcesCommand"), [], async (_, ct) =>
        {
            await using var services = cli.Services();
            await services.GetRequiredService<StartupWork>().PrepareAsync(cli.Progress, ct);
            return 0;
        });
}
