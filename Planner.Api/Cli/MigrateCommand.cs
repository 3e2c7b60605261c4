using System.CommandLine;

namespace Planner.Api.Cli;

/// <summary><c>migrate</c>: create or upgrade the planner database and import the reference data.</summary>
internal static class MigrateCommand
{
    public static Command Create(CliContext cli) =>
        cli.DatabaseCommand("migrate", CliText.Get("MigrateCommand"), [], async (_, services, _) =>
        {
            await cli.Out.WriteLineAsync(services.GetRequiredService<Database>().Describe());
            return 0;
        });
}
