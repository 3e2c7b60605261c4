using Npgsql;
using Planner.Api.Localization;

namespace Planner.Api.Storage;

/// <summary>
/// Where Planner keeps and finds things (<c>Planner:DataDirectory</c>, <c>LocalDirectory</c>, <c>WorkDirectory</c>)
/// and which database it plans in: <c>ConnectionStrings:Planner</c> (PostgreSQL, server mode) or, when it is unset,
/// an SQLite file under the local directory (embedded mode).
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Planner";

    /// <summary>The reference and sample data; default: the repository's <c>data</c> folder, found above the working
    /// directory.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Where the embedded databases live; default <c>DataDirectory/local</c>.</summary>
    public string LocalDirectory { get; set; } = "";

    /// <summary>Where runs write their files before publishing them; default <c>planner-work</c> in the temporary
    /// folder.</summary>
    public string WorkDirectory { get; set; } = "";

    /// <summary><c>ConnectionStrings:Planner</c>: a PostgreSQL connection string, or empty for embedded mode.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Server mode: the planner database is PostgreSQL.</summary>
    public bool IsServer => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>The planner database these options name.</summary>
    public Database PlannerDatabase() =>
        IsServer ? Database.Postgres(ConnectionString!) : Database.Sqlite(Path.Combine(LocalDirectory, "planner.db"));

    /// <summary>The repository's <c>data</c> folder above the working directory or the program, or null.</summary>
    public static string? FindDataDirectory()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "data");
                if (File.Exists(Path.Combine(candidate, "zhejiang-divisions.csv")))
                    return candidate;
            }
        }
        return null;
    }

    /// <summary>Fills in the defaults and makes the folders absolute.</summary>
    internal sealed class Defaults(IConfiguration configuration) : IPostConfigureOptions<StorageOptions>
    {
        public void PostConfigure(string? name, StorageOptions o)
        {
            o.ConnectionString ??= configuration.GetConnectionString("Planner");
            o.DataDirectory = o.DataDirectory is { Length: > 0 } data
                ? Path.GetFullPath(data)
                : FindDataDirectory() ?? "";
            o.LocalDirectory = Path.GetFullPath(
                o.LocalDirectory is { Length: > 0 } local
                    ? local
                    : Path.Combine(o.DataDirectory is { Length: > 0 } d ? d : ".", "local")
            );
            o.WorkDirectory = Path.GetFullPath(
                o.WorkDirectory is { Length: > 0 } work ? work : Path.Combine(Path.GetTempPath(), "planner-work")
            );
        }
    }

    /// <summary>A data folder without the divisions file, or a connection string Npgsql cannot read, stops
    /// start-up.</summary>
    internal sealed class Validator : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions o)
        {
            var failures = new List<string>();
            if (o.DataDirectory.Length == 0)
            {
                failures.Add(SettingErrors.Get("NoDataFolder"));
            }
            else if (!File.Exists(Path.Combine(o.DataDirectory, "zhejiang-divisions.csv")))
            {
                failures.Add(SettingErrors.Get("NoDivisions", o.DataDirectory));
            }
            if (o.IsServer && ConnectionStringProblem(o.ConnectionString!) is { } problem)
            {
                failures.Add(SettingErrors.Get("BadPostgres", "ConnectionStrings:Planner", problem));
            }
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }

    /// <summary>Why Npgsql cannot read <paramref name="connectionString"/>, or null.</summary>
    public static string? ConnectionStringProblem(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}
