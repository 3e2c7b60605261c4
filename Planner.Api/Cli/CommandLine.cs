using System.Globalization;
using Planner.Api.Configuration;
using Planner.Api.Planning;
using Planner.Api.SampleData;

namespace Planner.Api.Cli;

/// <summary>
/// <c>dotnet run --project Planner.Api -- &lt;command&gt;</c>. Progress goes to stderr, results (paths) to stdout;
/// a failure is one line on stderr and a non-zero exit code.
/// </summary>
public static class CommandLine
{
    public const string Usage = """
        Usage: dotnet run --project Planner.Api -- <command> [options] [--Key=value ...]

        Commands:
          plan           migrate, seed the sample sources when empty, pull, solve and publish
                           --out DIR        output folder (default: out)
                           --start DATE     first planned day, yyyy-MM-dd (default: planning parameter plan_start)
                           --days N         horizon in days (default: planning parameter horizon_days)
                           --policy P       optimized (default), pro-rata, population-share or no-sharing
                           --export-model DIR   write every LP stage as DIR/<stage>.mps and DIR/stages.json
                           --replan RUN_ID  re-plan against an earlier run: keep its dispatched shipments, change little
                           --dispatched-through N   last day (0-based) of that run whose shipments have left (default: none)
          migrate        create or upgrade the planner database and import reference data
          seed-sources   fill the three sample source databases from data/sample when empty
          pull           pull the three feeds into the planner database
          generate       regenerate the synthetic sample data
                           --seed N (default 2020)  --scale X (default 1)  --out DIR (default data/sample)
          serve          run the web application (the default without a command)

        Configuration (appsettings.json, environment variables, or --Key=value):
          ConnectionStrings:Planner        PostgreSQL connection string; unset = embedded SQLite under data/local
          Planner:DataDirectory            the data folder (default: found above the working directory)
          Planner:Solver:Name              CLP (default), GLOP, PDLP or HIGHS_LP
          Planner:Solver:Policy            optimized (default), pro-rata, population-share or no-sharing
        """;

    private static readonly string[] Commands = ["plan", "migrate", "seed-sources", "pull", "generate", "help", "--help", "-h"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        var command = args[0];
        if (command is "help" or "--help" or "-h")
        {
            await stdout.WriteLineAsync(Usage);
            return 0;
        }
        try
        {
            var (options, configArgs) = Split(args.Skip(1).ToArray());
            if (command == "generate")
            {
                var written = SampleGenerator.Write(DataDirectory(configArgs), options.GetValueOrDefault("out") ?? Path.Combine(DataDirectory(configArgs), "sample"),
                    int.Parse(options.GetValueOrDefault("seed") ?? "2020", CultureInfo.InvariantCulture),
                    double.Parse(options.GetValueOrDefault("scale") ?? "1", CultureInfo.InvariantCulture));
                foreach (var path in written) await stdout.WriteLineAsync(path);
                return 0;
            }

            var settings = PlannerSettings.From(Configuration(configArgs));
            var pipeline = new PlanPipeline(settings, TimeProvider.System, message => stderr.WriteLine(message));
            switch (command)
            {
                case "migrate":
                    await pipeline.PrepareAsync(ct);
                    await stdout.WriteLineAsync(settings.Planner.Describe());
                    return 0;
                case "seed-sources":
                    await pipeline.PrepareAsync(ct);
                    await pipeline.SeedSourcesAsync(ct);
                    return 0;
                case "pull":
                    await pipeline.PrepareAsync(ct);
                    foreach (var run in await pipeline.PullAsync(ct)) await stdout.WriteLineAsync(run.Id);
                    return 0;
                default:
                    var outcome = await pipeline.RunAsync(new PlanRequest(
                        options.GetValueOrDefault("out") ?? "out",
                        PlanStart: options.TryGetValue("start", out var start) ? ParseDate(start) : null,
                        HorizonDays: options.TryGetValue("days", out var days) ? ParseDays(days) : null)
                    {
                        Policy = options.TryGetValue("policy", out var policy) ? PlannerSettings.ParsePolicy(policy) : null,
                        ExportModelDirectory = options.GetValueOrDefault("export-model"),
                        ReplanRunId = options.GetValueOrDefault("replan"),
                        DispatchedThroughDay = options.TryGetValue("dispatched-through", out var through) ? ParseDay(through) : -1,
                    }, ct);
                    await stdout.WriteLineAsync(outcome.WorkbookPath);
                    await stdout.WriteLineAsync(outcome.SummaryPath);
                    return 0;
            }
        }
        catch (PlannerException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        catch (ArgumentException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
    }

    /// <summary>Known options (<c>--out DIR</c>) apart from configuration switches (<c>--Key=value</c>).</summary>
    private static (Dictionary<string, string> Options, string[] ConfigArgs) Split(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var config = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && !arg.Contains('=', StringComparison.Ordinal) && !arg.Contains(':', StringComparison.Ordinal))
            {
                if (i + 1 >= args.Length) throw new ArgumentException($"Option {arg} needs a value.\n{Usage}");
                options[arg[2..]] = args[++i];
            }
            else if (arg.Contains('=', StringComparison.Ordinal))
            {
                config.Add(arg);
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{arg}'.\n{Usage}");
            }
        }
        return (options, config.ToArray());
    }

    internal static IConfiguration Configuration(string[] configArgs) => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine(configArgs)
        .Build();

    private static string DataDirectory(string[] configArgs) => PlannerSettings.FindOrConfiguredDataDirectory(Configuration(configArgs));

    private static DateOnly ParseDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d : throw new ArgumentException($"--start '{text}' is not a date (yyyy-MM-dd).");

    private static int ParseDay(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var d)
            ? d : throw new ArgumentException($"--dispatched-through '{text}' must be a day number (0 = the first planned day).");

    private static int ParseDays(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d is >= 1 and <= 366
            ? d : throw new ArgumentException($"--days '{text}' must be a whole number from 1 to 366.");
}
