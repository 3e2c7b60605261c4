using Npgsql;
using Planner.Api.Access;
using Planner.Api.Jobs;
using Planner.Api.Sources;
using Planner.Api.Storage;
using Planner.Api.Uploads;
using Planner.Solver.Allocation;
using Planner.Solver.Care;

namespace Planner.Api.Configuration;

/// <summary>
/// Where Planner keeps and finds things, resolved once from configuration (appsettings.json, environment
/// variables such as <c>ConnectionStrings__Planner</c>, and <c>--Key=value</c> command-line switches).
/// Embedded mode (the default) uses SQLite files under <c>data/local</c>; setting
/// <c>ConnectionStrings:Planner</c> switches the planner database, and by default the three feeds, to PostgreSQL.
/// </summary>
public sealed record PlannerSettings
{
    public required string DataDirectory { get; init; }
    public required string LocalDirectory { get; init; }

    /// <summary>Where runs write their files before publishing them (Planner:WorkDirectory; default planner-work in the temporary folder).</summary>
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "planner-work");
    public required Database Planner { get; init; }
    public required IReadOnlyList<FeedSource> Sources { get; init; }
    public required AllocationSettings Solver { get; init; }

    /// <summary>CP-SAT knobs of the team plan (Planner:Teams:TimeLimitSeconds, Workers, Seed) and whether deployed teams stay (KeepCurrent); the rules come from planning parameters.</summary>
    public TeamSettings Teams { get; init; } = new();

    /// <summary>This node's roles, queues and schedules (Planner:Jobs:*).</summary>
    public JobSettings Jobs { get; init; } = new();

    /// <summary>How old a feed's data may be when a plan uses it (Planner:Freshness:*).</summary>
    public FreshnessSettings Freshness { get; init; } = new();

    /// <summary>Whether a run publishes one workbook per city besides the province's (Planner:Workbooks:Cities, default true).</summary>
    public bool CityWorkbooks { get; init; } = true;

    /// <summary>Limits on uploaded files (Planner:Uploads:*).</summary>
    public UploadLimits Uploads { get; init; } = new();

    /// <summary>Sign-in (Planner:Access:*).</summary>
    public AccessSettings Access { get; init; } = new();

    public FeedSource Source(Feed feed) => Sources.Single(s => s.Feed == feed);

    public static PlannerSettings From(IConfiguration configuration)
    {
        var dataDirectory = FindOrConfiguredDataDirectory(configuration);
        if (!File.Exists(Path.Combine(dataDirectory, "zhejiang-divisions.csv")))
        {
            throw new PlannerException($"Missing data file {Path.Combine(dataDirectory, "zhejiang-divisions.csv")}; Planner:DataDirectory must point at the repository's data folder.");
        }
        var localDirectory = Path.GetFullPath(configuration["Planner:LocalDirectory"] is { Length: > 0 } local ? local : Path.Combine(dataDirectory, "local"));

        var serverConnection = configuration.GetConnectionString("Planner");
        var planner = string.IsNullOrWhiteSpace(serverConnection)
            ? Database.Sqlite(Path.Combine(localDirectory, "planner.db"))
            : Database.Postgres(Validated(serverConnection, "ConnectionStrings:Planner"));

        var sources = Enum.GetValues<Feed>().Select(feed =>
        {
            var section = configuration.GetSection($"Planner:Sources:{feed}");
            var name = feed.ToString().ToLowerInvariant();
            var connection = section["ConnectionString"];
            Database database = section["Provider"] switch
            {
                { } p when p.Equals("Sqlite", StringComparison.OrdinalIgnoreCase) =>
                    Database.Sqlite(connection is { Length: > 0 } ? connection : Path.Combine(localDirectory, "sources", name + ".db")),
                { } p when p.Equals("Postgres", StringComparison.OrdinalIgnoreCase) =>
                    Database.Postgres(Validated(connection ?? serverConnection ?? "", $"Planner:Sources:{feed}:ConnectionString")),
                null or "" when planner.Provider == DatabaseProvider.Postgres =>
                    // Server mode: each feed in its own schema of the planner's database unless configured otherwise.
                    Database.Postgres(Validated(connection is { Length: > 0 } ? connection
                        : new NpgsqlConnectionStringBuilder(serverConnection) { SearchPath = "src_" + name }.ToString(), $"Planner:Sources:{feed}:ConnectionString")),
                null or "" => Database.Sqlite(connection is { Length: > 0 } ? connection : Path.Combine(localDirectory, "sources", name + ".db")),
                var other => throw new PlannerException($"Planner:Sources:{feed}:Provider is '{other}'; use Sqlite or Postgres."),
            };
            var queries = section.GetSection("Queries").GetChildren().ToDictionary(q => q.Key, q => q.Value ?? "", StringComparer.Ordinal);
            return new FeedSource(feed, database, queries);
        }).ToList();

        var defaults = new AllocationSettings();
        var solver = defaults with
        {
            Solver = configuration["Planner:Solver:Name"] is { Length: > 0 } s ? s : defaults.Solver,
            StageTimeLimit = TimeSpan.FromSeconds(configuration.GetValue("Planner:Solver:StageTimeLimitSeconds", defaults.StageTimeLimit.TotalSeconds)),
            Policy = configuration["Planner:Solver:Policy"] is { Length: > 0 } p ? ParsePolicy(p) : defaults.Policy,
            NetworkFlow = configuration.GetValue("Planner:Solver:NetworkFlow", defaults.NetworkFlow),
        };
        var teamDefaults = new TeamSettings();
        var teams = teamDefaults with
        {
            TimeLimit = TimeSpan.FromSeconds(configuration.GetValue("Planner:Teams:TimeLimitSeconds", teamDefaults.TimeLimit.TotalSeconds)),
            Workers = configuration.GetValue("Planner:Teams:Workers", teamDefaults.Workers),
            Seed = configuration.GetValue("Planner:Teams:Seed", teamDefaults.Seed),
            KeepCurrent = configuration.GetValue("Planner:Teams:KeepCurrent", teamDefaults.KeepCurrent),
        };
        return new PlannerSettings
        {
            DataDirectory = dataDirectory, LocalDirectory = localDirectory, Planner = planner, Sources = sources, Solver = solver, Teams = teams,
            Jobs = JobSettings.From(configuration), Freshness = FreshnessSettings.From(configuration), Uploads = UploadLimits.From(configuration),
            Access = AccessSettings.From(configuration),
            CityWorkbooks = configuration.GetValue("Planner:Workbooks:Cities", true),
            WorkDirectory = configuration["Planner:WorkDirectory"] is { Length: > 0 } work ? Path.GetFullPath(work) : Path.Combine(Path.GetTempPath(), "planner-work"),
        };
    }

    /// <summary>optimized, pro-rata, population-share or no-sharing (case and dashes ignored).</summary>
    public static Policy ParsePolicy(string text) =>
        Enum.TryParse<Policy>(text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var policy) && Enum.IsDefined(policy)
            ? policy
            : throw new PlannerException($"Unknown policy '{text}'; use optimized, pro-rata, population-share or no-sharing.");

    public static string FindOrConfiguredDataDirectory(IConfiguration configuration) =>
        configuration["Planner:DataDirectory"] is { Length: > 0 } configured ? Path.GetFullPath(configured) : FindDataDirectory();

    private static string Validated(string connectionString, string key)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return connectionString;
        }
        catch (ArgumentException e)
        {
            throw new PlannerException($"{key} is not a valid PostgreSQL connection string: {e.Message}", e);
        }
    }

    /// <summary>The repository's <c>data</c> folder, looked for upwards from the working directory and from the program.</summary>
    private static string FindDataDirectory()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "data");
                if (File.Exists(Path.Combine(candidate, "zhejiang-divisions.csv")))
                {
                    return candidate;
                }
            }
        }
        throw new PlannerException("Cannot find the data folder (data/zhejiang-divisions.csv) above the working directory; run from the repository or set Planner:DataDirectory.");
    }
}
