using System.CommandLine;
using Planner.Api.Startup;
using Planner.Api.Storage;

namespace Planner.Api.Cli;

/// <summary><c>migrate</c>: create or upgrade the planner database and import the reference data.</summary>
internal static class MigrateCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("migrate", "create or upgrade the planner database and import reference data");
        command.SetAction(
            async (_, ct) =>
            {
                await using var services = cli.Services();
                await services.GetRequiredService<StartupWork>().PrepareDatabaseAsync(cli.Progress, ct);
                await cli.Out.WriteLineAsync(services.GetRequiredService<Database>().Describe());
                return 0;
            }
        );
        return command;
    }
}
