using System.CommandLine;
using System.CommandLine.Parsing;
using Planner.Api.Localization;

namespace Planner.Api.Cli;

/// <summary>
/// <c>dotnet run --project Planner.Api -- [command] [options] [--Key=value ...]</c>, on System.CommandLine: help is
/// generated from the commands below, a misspelt command or option is an error with a suggestion, and every usage
/// error exits with <see cref="UsageError"/>. Configuration switches (<c>--Key=value</c>, any token with an '=') are
/// taken out first and go to the configuration. Progress goes to stderr, results to stdout; a failure is one line
/// starting with <c>error:</c> and exit code 1. Without a command the web application starts. Everything is said in
/// the language of <c>--lang</c> (else <c>PLANNER_LANG</c>, else Chinese), which is also the culture of the whole run,
/// so that the files a command makes (workbooks, the template) are in it too.
/// </summary>
public static class CommandLine
{
    /// <summary>The exit code of a command line that cannot be understood.</summary>
    public const int UsageError = 2;

    /// <summary>The option that chooses the language, read before the commands are built so that their help is in
    /// it.</summary>
    public const string LanguageOption = "--lang";

    /// <summary>The environment variable that sets the language where <c>--lang</c> is not given.</summary>
    public const string LanguageVariable = "PLANNER_LANG";

    /// <summary>The commands, as help lists them (the README's command table lists the same).</summary>
    public static RootCommand Build(CliContext cli)
    {
        var root = new RootCommand(CliText.Get("RootDescription"));
        // Read (and taken out of the arguments) before parsing; declared so that help shows it on every command.
        root.Options.Add(
            new Option<string>(LanguageOption)
            {
                Description = CliText.Get("LangOption"),
                HelpName = "zh-CN|en",
                Recursive = true,
            }
        );
        Command[] commands =
        [
            PlanCommand.Create(cli),
            MigrateCommand.Create(cli),
            SeedSourcesCommand.Create(cli),
            PullCommand.Create(cli),
            SourcesCommand.Create(cli),
            WorkerCommand.Create(cli),
            EnqueueCommand.Create(cli),
            RunsCommand.Create(cli),
            CancelCommand.Create(cli),
            TemplateCommand.Create(cli),
            UploadCommand.Create(cli),
            CompareCommand.Create(cli),
            UserCommand.Create(cli),
            ApiKeyCommand.Create(cli),
            ServeCommand.Create(cli),
        ];
        foreach (var command in commands)
            root.Subcommands.Add(command);
        // System.CommandLine's own texts follow the culture, but not all have a Chinese translation.
        foreach (var option in root.Options.OfType<System.CommandLine.Help.HelpOption>())
            option.Description = CliText.Get("HelpOption");
        var help = new Command("help", CliText.Get("HelpCommand"));
        help.SetAction(_ =>
            root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = cli.Out, Error = cli.Error })
        );
        root.Subcommands.Add(help);
        root.SetAction((_, _) => cli.ServeAsync());
        return root;
    }

    public static Task<int> RunAsync(string[] args, Func<string[], Task<int>>? serve = null) =>
        RunAsync(args, Console.In, Console.Out, Console.Error, serve);

    public static Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        CancellationToken ct = default
    ) => RunAsync(args, Console.In, stdout, stderr, null, ct);

    public static Task<int> RunAsync(
        string[] args,
        TextReader stdin,
        TextWriter stdout,
        TextWriter stderr,
        CancellationToken ct
    ) => RunAsync(args, stdin, stdout, stderr, null, ct);

    /// <summary>Runs a command; <paramref name="stdin"/> gives the password for <c>user</c>.</summary>
    public static async Task<int> RunAsync(
        string[] args,
        TextReader stdin,
        TextWriter stdout,
        TextWriter stderr,
        Func<string[], Task<int>>? serve = null,
        CancellationToken ct = default
    )
    {
        var (language, rest, problem) = Language(args, Environment.GetEnvironmentVariable(LanguageVariable));
        if (language is null)
        {
            await stderr.WriteLineAsync($"error: {problem}");
            return UsageError;
        }
        using var chosen = Texts.Use(language);
        stdout = new HelpHeadings(stdout);
        var configArgs = rest.Where(IsConfiguration).ToArray();
        var cli = new CliContext(configArgs, stdin, stdout, stderr, serve);
        var root = Build(cli);
        var result = root.Parse(rest.Where(a => !IsConfiguration(a)).ToArray());
        if (result.Errors.Count > 0)
            return await ReportUsageErrorsAsync(result, stderr);
        try
        {
            return await result.InvokeAsync(
                new InvocationConfiguration
                {
                    Output = stdout,
                    Error = stderr,
                    EnableDefaultExceptionHandler = false,
                },
                ct
            );
        }
        catch (PlannerException e)
        {
            await stderr.WriteLineAsync(CliText.Get("ErrorLine", e.Message));
            return 1;
        }
        catch (Exception e) when (SettingFailures(e) is { } failures)
        {
            await stderr.WriteLineAsync(CliText.Get("ErrorLine", failures));
            return 1;
        }
    }

    /// <summary>
    /// The language of a run: <c>--lang</c> (<c>zh-CN</c>, <c>zh</c> or <c>en</c>, in any case; also
    /// <c>--lang=en</c>), else <paramref name="environment"/> (<c>PLANNER_LANG</c>), else Chinese; and the arguments
    /// without <c>--lang</c>. A language Planner does not speak gives null and a one-line problem in both languages (no
    /// language is known yet to say it in).
    /// </summary>
    public static (string? Language, string[] Others, string? Problem) Language(string[] args, string? environment)
    {
        var rest = new List<string>();
        (string Source, string Value)? asked = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == LanguageOption)
                asked = (LanguageOption, i + 1 < args.Length ? args[++i] : "");
            else if (args[i].StartsWith(LanguageOption + "=", StringComparison.Ordinal))
                asked = (LanguageOption, args[i][(LanguageOption.Length + 1)..]);
            else
                rest.Add(args[i]);
        }
        if (asked is null && !string.IsNullOrWhiteSpace(environment))
            asked = (LanguageVariable, environment.Trim());
        if (asked is not { } given)
            return (LocalizationSetup.Chinese, [.. rest], null);
        var language = string.Equals(given.Value, "zh", StringComparison.OrdinalIgnoreCase)
            ? LocalizationSetup.Chinese
            : LocalizationSetup.Known(given.Value);
        return language is not null
            ? (language, [.. rest], null)
            : (
                null,
                [.. rest],
                $"{given.Source} '{given.Value}': 不支持该语言，请选择 zh-CN（简体中文）或 en（英文）/ "
                    + "not a language Planner speaks; choose zh-CN (Simplified Chinese) or en (English)."
            );
    }

    /// <summary>
    /// Writes every parse error, each with a suggestion where a token is close to a command or option, and returns
    /// <see cref="UsageError"/>; shared with the development tools so that they answer a misspelling alike.
    /// </summary>
    public static async Task<int> ReportUsageErrorsAsync(ParseResult result, TextWriter stderr)
    {
        foreach (var error in result.Errors)
        {
            await stderr.WriteLineAsync(
                CliText.Get(
                    "ErrorLine",
                    $"{error.Message}{Suggestion(result, error.Message)}{Arguments(result, error)}"
                )
            );
        }
        await stderr.WriteLineAsync(CliText.Get("RunWithHelp"));
        return UsageError;
    }

    /// <summary>The wrong settings an exception reports (a host's start gathers several into one AggregateException),
    /// or null.</summary>
    private static string? SettingFailures(Exception e) =>
        e switch
        {
            OptionsValidationException o => string.Join(" ", o.Failures),
            AggregateException a when a.InnerExceptions.All(x => x is OptionsValidationException) => string.Join(
                " ",
                a.InnerExceptions.SelectMany(x => ((OptionsValidationException)x).Failures)
            ),
            // The configuration binder: "Failed to convert configuration value at 'Planner:…' to type …".
            InvalidOperationException { Message: var m }
                when m.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => m,
            _ => null,
        };

    /// <summary>A configuration switch: <c>--Key=value</c>.</summary>
    private static bool IsConfiguration(string arg) =>
        arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal);

    /// <summary>" Did you mean 'plan'?" for a token close to a command or option of the command it was given
    /// to.</summary>
    private static string Suggestion(ParseResult result, string message)
    {
        var token = result.UnmatchedTokens.FirstOrDefault(t => message.Contains($"'{t}'", StringComparison.Ordinal));
        if (token is null)
            return "";
        var command = result.CommandResult.Command;
        var names = command
            .Subcommands.Select(c => c.Name)
            .Concat(command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)));
        var best = names
            .Select(n => (Name: n, Distance: Distance(token, n)))
            .Where(n => n.Distance <= Math.Max(2, token.Length / 3))
            .OrderBy(n => n.Distance)
            .ThenBy(n => n.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Name is null ? "" : CliText.Get("DidYouMean", best.Name);
    }

    /// <summary>" It takes FILE." when an argument of the command is missing (found by the error's symbol, not its
    /// message, which is in the language of the run).</summary>
    private static string Arguments(ParseResult result, ParseError error)
    {
        var command = result.CommandResult.Command;
        var missing = error.SymbolResult switch
        {
            ArgumentResult a => a.Tokens.Count == 0 && command.Arguments.Contains(a.Argument),
            CommandResult c => c.Command == command && c.Tokens.Count == 0,
            _ => false,
        };
        return missing && command.Arguments.Count > 0
            ? CliText.Get("ItTakes", string.Join(" ", command.Arguments.Select(a => a.Name)))
            : "";
    }

    /// <summary>Edit distance (insertions, deletions, substitutions).</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(
                    Math.Min(current[j - 1] + 1, previous[j] + 1),
                    previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                );
            }
            previous = current;
        }
        return previous[b.Length];
    }
}
