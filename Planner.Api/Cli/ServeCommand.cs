using System.CommandLine;

namespace Planner.Api.Cli;

/// <summary><c>serve</c> (or no command): the web application, a web and worker node by default.</summary>
internal static class ServeCommand
{
    public static Command Create(CliContext cli) =>
        CliCommand.Create("serve", CliText.Get("ServeCommand"), [], (_, _) => cli.ServeAsync());
}
