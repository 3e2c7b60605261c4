using System.Globalization;
using Planner.Api.Access;
using Planner.Api.Configuration;
using Planner.Api.Planning;
using Hangfire;
using Planner.Api.Jobs;
using Planner.Api.SampleData;
using Planner.Api.Sources;
using Planner.Api.Storage;
using Planner.Api.Uploads;
using Planner.Api.Workbooks;
using Planner.Api.Runs;

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
                           --feed F         only this feed: production, hospitals or teams
          sources        each feed's freshness and the recent pull runs
          worker         run a worker node: process the pulls, plans and scenarios queues (server mode)
          enqueue        queue a plan run for the workers (server mode); prints the run's request id
                           --scenario S, --start DATE, --days N, --policy P   as for plan
          runs           the recent queued runs and their state
          cancel ID      cancel a queued or running run (it stops between steps and publishes nothing)
          template       write the hospital capacity template (every hospital, or --hospitals A,B)
                           --out FILE       where to write it (default: capacity-template-<date>.xlsx)
          upload FILE    upload a filled capacity template: every problem is listed; nothing is saved unless all is right
          compare A B    a workbook comparing plan run B with plan run A (run or request ids), region by region
                           --out FILE       where to write it (default: compare-A-B.xlsx)
          user NAME      add a user or replace one (role, scope, password); the password is read from stdin;
                         names are matched without regard to case (Planner is refused when planner exists)
                           --role R         planner, logistics or hospital
                           --city CODE      a logistics officer's city (e.g. 330100); none = the province
                           --hospitals A,B  a hospital administrator's hospitals
                           --name TEXT      the name shown on the pages (default: NAME)
          api-key NAME   make an API key for a user and print it (shown once; send it as X-Api-Key)
                           --label TEXT     where it will be used (default: api)
          generate       regenerate the synthetic sample data
                           --seed N (default 2020)  --scale X (default 1)  --out DIR (default data/sample)
          serve          run the web application (the default without a command)

        Configuration (appsettings.json, environment variables, or --Key=value):
          ConnectionStrings:Planner        PostgreSQL connection string; unset = embedded SQLite under data/local
          Planner:DataDirectory            the data folder (default: found above the working directory)
          Planner:Solver:Name              CLP (default), GLOP, PDLP or HIGHS_LP
          Planner:Solver:NetworkFlow       true (default): optimized and no-sharing stages as network flows; false: all by the LP solver
          Planner:Solver:Policy            optimized (default), pro-rata, population-share or no-sharing
          Planner:Jobs:Roles               web, worker or web,worker (default); Planner:Jobs:Queues, WorkerCount
          Planner:Jobs:PullCron, DailyPlanCron, TimeZone   schedules (default */15 * * * *, 0 6 * * *, Asia/Shanghai)
          Planner:Freshness:Mode           refuse (default) or warn when a feed is older than its limit
          Planner:Freshness:MaxAgeMinutes:<feed>   the limit per feed (default 60)
        """;

    private static readonly string[] Commands = ["plan", "template", "upload", "compare", "user", "api-key", "migrate", "seed-sources", "pull", "sources", "worker", "enqueue", "runs", "cancel", "generate", "help", "--help", "-h"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default) =>
        RunAsync(args, Console.In, stdout, stderr, ct);

    /// <summary>Runs a command; <paramref name="stdin"/> gives the password for <c>user</c>.</summary>
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        var command = args[0];
        if (command is "help" or "--help" or "-h")
        {
            await stdout.WriteLineAsync(Usage);
            return 0;
        }
        try
        {
            // cancel ID, upload FILE and compare RUN RUN take their arguments first; everything else is --options.
            var needed = command switch { "cancel" or "upload" or "user" or "api-key" => 1, "compare" => 2, _ => 0 };
            var positional = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).Take(needed).ToArray();
            if (positional.Length < needed)
            {
                throw new ArgumentException(command switch
                {
                    "cancel" => "cancel needs the run's request id.",
                    "upload" => "upload needs the file to upload.",
                    "user" or "api-key" => $"{command} needs the user name.",
                    _ => "compare needs two run ids: the first (e.g. the baseline) and the second.",
                });
            }
            var id = positional.FirstOrDefault();
            var (options, configArgs) = Split(args.Skip(1 + needed).ToArray());
            if (command == "generate")
            {
                var written = SampleGenerator.Write(DataDirectory(configArgs), options.GetValueOrDefault("out") ?? Path.Combine(DataDirectory(configArgs), "sample"),
                    int.Parse(options.GetValueOrDefault("seed") ?? "2020", CultureInfo.InvariantCulture),
                    double.Parse(options.GetValueOrDefault("scale") ?? "1", CultureInfo.InvariantCulture));
                foreach (var path in written) await stdout.WriteLineAsync(path);
                return 0;
            }

            if (command == "worker")
            {
                await RunWorkerAsync(configArgs, ct);
                return 0;
            }
            var settings = PlannerSettings.From(Configuration(configArgs));
            var pipeline = new PlanPipeline(settings, TimeProvider.System, message => stderr.WriteLine(message));
            switch (command)
            {
                case "sources":
                    await pipeline.PrepareAsync(ct);
                    await WriteSourcesAsync(settings, stdout);
                    return 0;
                case "enqueue":
                    await pipeline.PrepareAsync(ct);
                    await stdout.WriteLineAsync(await EnqueueAsync(settings, PlanRequestFrom(options)));
                    return 0;
                case "runs":
                    await pipeline.PrepareAsync(ct);
                    await WriteRunsAsync(settings, stdout);
                    return 0;
                case "cancel":
                    await pipeline.PrepareAsync(ct);
                    await using (var db = await settings.Planner.OpenAsync(ct))
                    {
                        var state = await RunRequests.CancelAsync(db, id!, DateTimeOffset.UtcNow) ?? throw new PlannerException($"There is no run {id}.");
                        await stdout.WriteLineAsync($"{state.Id}\t{state.Status}{(state.CancelRequested && state.Status == "running" ? " (cancellation asked for; it stops at its next heartbeat)" : "")}");
                    }
                    return 0;
                case "template":
                    await pipeline.PrepareAsync(ct);
                    var hospitals = (options.GetValueOrDefault("hospitals") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var (template, templateName) = await CapacityTemplate.BuildAsync(settings.Planner, hospitals,
                        DateOnly.FromDateTime(DateTime.UtcNow), settings.Uploads, ct);
                    var templatePath = Path.GetFullPath(options.GetValueOrDefault("out") ?? templateName);
                    await File.WriteAllBytesAsync(templatePath, template, ct);
                    await stdout.WriteLineAsync(templatePath);
                    return 0;
                case "upload":
                    return await UploadAsync(settings, pipeline, id!, stdout, stderr, ct);
                case "compare":
                    await pipeline.PrepareAsync(ct);
                    var (comparison, comparisonName) = await ComparisonWorkbook.BuildAsync(settings.Planner, positional[0], positional[1], ct);
                    var comparisonPath = Path.GetFullPath(options.GetValueOrDefault("out") ?? comparisonName);
                    await File.WriteAllBytesAsync(comparisonPath, comparison, ct);
                    await stdout.WriteLineAsync(comparisonPath);
                    return 0;
                case "user":
                    await pipeline.PrepareAsync(ct);
                    var user = new PlannerUser(id!, options.GetValueOrDefault("name") ?? id!, options.GetValueOrDefault("role") ?? throw new PlannerException("Give the user's --role: planner, logistics or hospital."),
                        options.GetValueOrDefault("city"), (options.GetValueOrDefault("hospitals") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    var password = await stdin.ReadLineAsync(ct) ?? throw new PlannerException("Give the password on stdin (one line).");
                    await using (var db = await settings.Planner.OpenAsync(ct))
                    {
                        await Users.SaveAsync(db, user, password, DateTimeOffset.UtcNow);
                    }
                    await stdout.WriteLineAsync($"{user.UserName}\t{user.Role}\t{user.CityCode ?? string.Join(",", user.Hospitals)}");
                    return 0;
                case "api-key":
                    await pipeline.PrepareAsync(ct);
                    await using (var db = await settings.Planner.OpenAsync(ct))
                    {
                        await stdout.WriteLineAsync(await Users.CreateApiKeyAsync(db, id!, options.GetValueOrDefault("label") ?? "api", DateTimeOffset.UtcNow));
                    }
                    return 0;
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
                    var pulls = await pipeline.PullAsync(options.TryGetValue("feed", out var feed) ? ParseFeed(feed) : null, ct);
                    foreach (var pull in pulls.Where(p => p.Run is not null)) await stdout.WriteLineAsync(pull.Run!.Id);
                    foreach (var failed in pulls.Where(p => p.Error is not null)) await stderr.WriteLineAsync($"error: {failed.Error}");
                    return pulls.Any(p => p.Error is not null) ? 1 : 0;
                default:
                    // A run like any other: recorded, claimed and heartbeating as a worker's would be, so that the web
                    // app lists it with its files; only the output folder is this command's own (checked first).
                    var request = PlanRequestFrom(options) with
                    {
                        OutputDirectory = options.GetValueOrDefault("out") ?? "out",
                        ExportModelDirectory = options.GetValueOrDefault("export-model"),
                        ReplanRunId = options.GetValueOrDefault("replan"),
                        DispatchedThroughDay = options.TryGetValue("dispatched-through", out var through) ? ParseDay(through) : -1,
                    };
                    PlanPipeline.PrepareOutput(request.OutputDirectory);
                    await pipeline.PrepareAsync(ct);
                    await pipeline.SeedSourcesAsync(ct);
                    var executor = new RunExecutor(settings, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<RunExecutor>.Instance);
                    var outcome = await executor.RunHereAsync(request, message => stderr.WriteLine(message), ct);
                    await stdout.WriteLineAsync(outcome.WorkbookPath);
                    foreach (var city in outcome.CityWorkbookPaths) await stdout.WriteLineAsync(city);
                    await stdout.WriteLineAsync(outcome.SummaryPath);
                    foreach (var warning in outcome.Warnings) await stderr.WriteLineAsync($"warning: {warning}");
                    await stderr.WriteLineAsync($"""
                        Done. The province's workbook: {outcome.WorkbookPath}
                        The plan in the web app (dotnet run --project Planner.Api, then sign in): /runs/{outcome.RequestId}
                        """);
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

    private static PlanRequest PlanRequestFrom(Dictionary<string, string> options) => new(
        Scenario: options.GetValueOrDefault("scenario") ?? "baseline",
        PlanStart: options.TryGetValue("start", out var start) ? ParseDate(start) : null,
        HorizonDays: options.TryGetValue("days", out var days) ? ParseDays(days) : null)
    {
        Policy = options.TryGetValue("policy", out var policy) ? PlannerSettings.ParsePolicy(policy) : null,
    };

    /// <summary>A worker node: Hangfire server on the configured queues until stopped (Ctrl+C or SIGTERM).</summary>
    private static async Task RunWorkerAsync(string[] configArgs, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = configArgs, ContentRootPath = AppContext.BaseDirectory });
        var settings = PlannerSettings.From(builder.Configuration);
        if (settings.Planner.Provider != DatabaseProvider.Postgres)
        {
            throw new PlannerException("A separate worker needs server mode (ConnectionStrings:Planner, PostgreSQL): in embedded mode the web process runs the jobs itself.");
        }
        builder.Services.AddPlannerJobs(settings with { Jobs = settings.Jobs with { Web = false, Worker = true } });
        await builder.Build().RunAsync(ct);
    }

    private static async Task<string> EnqueueAsync(PlannerSettings settings, PlanRequest request)
    {
        if (settings.Planner.Provider != DatabaseProvider.Postgres)
        {
            throw new PlannerException("Queueing from the command line needs server mode (ConnectionStrings:Planner, PostgreSQL); in embedded mode use POST /api/runs, or plan.");
        }
        await using var db = await settings.Planner.OpenAsync();
        return await PlanJobs.QueueAsync(db, new BackgroundJobClient(JobsSetup.CreateStorage(settings)), request, DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// Uploads a filled template. The file is checked before the database is touched, and a file over the size
    /// limit is refused before it is read, so a hostile file costs what the limits allow and no more.
    /// </summary>
    private static async Task<int> UploadAsync(PlannerSettings settings, PlanPipeline pipeline, string file,
        TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        byte[] content;
        try
        {
            var length = new FileInfo(file).Length;
            if (length > settings.Uploads.MaxBytes)
            {
                throw new UploadRejected($"The file is {UploadLimits.Megabytes(length)}; the limit is "
                    + $"{UploadLimits.Megabytes(settings.Uploads.MaxBytes)} ({UploadLimits.Section}:MaxBytes).");
            }
            content = await File.ReadAllBytesAsync(file, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PlannerException($"Cannot read {file}: {e.Message}", e);
        }
        try
        {
            using var package = UploadGuard.Open(content, settings.Uploads);
            await pipeline.PrepareAsync(ct);
            var result = await new CapacityUpload(settings.Planner, settings.Uploads, TimeProvider.System)
                .UploadAsync(file, package, Environment.UserName, ct);

            await stdout.WriteLineAsync($"{result.UploadId}\t{result.RowsRead} rows\t{result.RowsChanged} changed{(result.AlreadyUploaded ? "\t(already uploaded: nothing written)" : "")}");
            return 0;
        }
        catch (UploadInvalid e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            foreach (var error in e.Errors) await stderr.WriteLineAsync("  " + UploadInvalid.Describe(error));
            if (e.NotListed > 0) await stderr.WriteLineAsync($"  ... and {e.NotListed:N0} more");
            return 1;
        }
    }

    private static async Task WriteSourcesAsync(PlannerSettings settings, TextWriter stdout)
    {
        await using var db = await settings.Planner.OpenAsync();
        foreach (var age in await SourceFreshness.ReadAsync(db, settings.Freshness, DateTimeOffset.UtcNow))
        {
            await stdout.WriteLineAsync($"{(age.Fresh ? "fresh" : "STALE")}\t{SourceFreshness.Describe(age)}\tlast attempt {age.LastAttemptId ?? "none"} {age.LastAttemptStatus}{(age.LastAttemptError is { } e ? ": " + e : "")}");
        }
    }

    private static async Task WriteRunsAsync(PlannerSettings settings, TextWriter stdout)
    {
        await using var db = await settings.Planner.OpenAsync();
        foreach (var r in await RunRequests.RecentAsync(db, 20))
        {
            await stdout.WriteLineAsync($"{r.Id}\t{r.Kind}\t{r.ScenarioId}\t{r.Status}\tattempts {r.Attempts}\t{r.Worker}\t{r.RunId}\t{r.Step ?? r.Error}");
        }
    }

    private static Feed ParseFeed(string text) =>
        Enum.TryParse<Feed>(text, ignoreCase: true, out var feed) && Enum.IsDefined(feed)
            ? feed : throw new ArgumentException($"--feed '{text}' is not a feed; use production, hospitals or teams.");

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
