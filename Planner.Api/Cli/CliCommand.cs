using System.CommandLine;

namespace Planner.Api.Cli;

/// <summary>How a command is declared; <see cref="CliContext.DatabaseCommand"/> declares one that works on the planner
/// database.</summary>
internal static class CliCommand
{
    /// <summary>A command as help shows it (name, description, arguments and options in order) with its action,
    /// which returns the exit code.</summary>
    public static Command Create(
        string name,
        string description,
        Symbol[] symbols,
        Func<ParseResult, CancellationToken, Task<int>> action
    )
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Option option:
                    command.Options.Add(option);
                    break;
                default:
                    throw new ArgumentException(
                        $"{symbol.Name} is neither an argument nor an option.",
                        nameof(symbols)
                    );
            }
        }
        command.SetAction(action);
        return command;
    }
}
