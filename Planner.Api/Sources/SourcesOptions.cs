using Planner.Api.Localization;

namespace Planner.Api.Sources;

/// <summary>Where one feed is pulled from (<c>Planner:Sources:&lt;Feed&gt;:*</c>).</summary>
public sealed class FeedOptions
{
    /// <summary><c>Sqlite</c> or <c>Postgres</c>; default: the planner database's provider.</summary>
    public string? Provider { get; set; }

    /// <summary>Default: an SQLite file in <c>LocalDirectory/sources</c>, or in server mode a schema
    /// <c>src_&lt;feed&gt;</c> of the planner database.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Dapper SQL replacing a source table's default query (by table name); must take <c>@watermark</c> and
    /// return <c>row_version</c>.</summary>
    public Dictionary<string, string> Queries { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The source feeds' settings (<c>Planner:Sources</c>), one <see cref="FeedOptions"/> per feed.</summary>
public sealed class SourcesOptions
{
    public const string Section = "Planner:Sources";

    public FeedOptions Production { get; set; } = new();
    public FeedOptions Hospitals { get; set; } = new();
    public FeedOptions Teams { get; set; } = new();
    public FeedOptions Situation { get; set; } = new();

    public FeedOptions Of(Feed feed) =>
        feed switch
        {
            Feed.Production => Production,
            Feed.Hospitals => Hospitals,
            Feed.Teams => Teams,
            Feed.Situation => Situation,
            _ => throw new ArgumentOutOfRangeException(nameof(feed), feed, null),
        };

    /// <summary>A provider other than Sqlite or Postgres, or a connection string Npgsql cannot read, stops
    /// start-up.</summary>
    internal sealed class Validator : IValidateOptions<SourcesOptions>
    {
        public ValidateOptionsResult Validate(string? name, SourcesOptions o)
        {
            var failures = new List<string>();
            foreach (var feed in Enum.GetValues<Feed>())
            {
                var f = o.Of(feed);
                if (
                    f.Provider is { Length: > 0 } p
                    && !p.Equals("Sqlite", StringComparison.OrdinalIgnoreCase)
                    && !p.Equals("Postgres", StringComparison.OrdinalIgnoreCase)
                )
                {
                    failures.Add(SettingErrors.Get("UnknownProvider", $"{Section}:{feed}", p));
                }
                if (
                    f.Provider?.Equals("Postgres", StringComparison.OrdinalIgnoreCase) == true
                    && f.ConnectionString is { Length: > 0 } cs
                    && StorageOptions.ConnectionStringProblem(cs) is { } problem
                )
                {
                    failures.Add(SettingErrors.Get("BadPostgres", $"{Section}:{feed}:ConnectionString", problem));
                }
            }
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}

/// <summary>Where a feed lives and, optionally, the queries that replace the defaults for its tables.</summary>
public sealed record FeedSource(Feed Feed, Database Database, IReadOnlyDictionary<string, string> Queries);

/// <summary>The feeds as configured: each one's database and queries.</summary>
public sealed class FeedSources(IOptions<SourcesOptions> sources, IOptions<StorageOptions> storage)
{
    private readonly Lazy<IReadOnlyList<FeedSource>> _all = new(() => Resolve(sources.Value, storage.Value));

    /// <summary>Every feed, in <see cref="Feed"/> order.</summary>
    public IReadOnlyList<FeedSource> All => _all.Value;

    public FeedSource this[Feed feed] => All.Single(s => s.Feed == feed);

    private static List<FeedSource> Resolve(SourcesOptions sources, StorageOptions storage) =>
        Enum.GetValues<Feed>()
            .Select(feed =>
            {
                var options = sources.Of(feed);
                var name = feed.ToString().ToLowerInvariant();
                var sqlite = Path.Combine(storage.LocalDirectory, "sources", name + ".db");
                var connection = options.ConnectionString;
                Database database = options.Provider switch
                {
                    { } p when p.Equals("Sqlite", StringComparison.OrdinalIgnoreCase) => Database.Sqlite(
                        connection is { Length: > 0 } ? connection : sqlite
                    ),
                    { } p when p.Equals("Postgres", StringComparison.OrdinalIgnoreCase) => Database.Postgres(
                        connection is { Length: > 0 } ? connection : storage.ConnectionString ?? ""
                    ),
                    _ when storage.IsServer =>
                    // Server mode: each feed in its own schema of the planner's database unless configured otherwise.
                    Database.Postgres(
                        connection is { Length: > 0 }
                            ? connection
                            : new Npgsql.NpgsqlConnectionStringBuilder(storage.ConnectionString)
                            {
                                SearchPath = "src_" + name,
                            }.ToString()
                    ),
                    _ => Database.Sqlite(connection is { Length: > 0 } ? connection : sqlite),
                };
                return new FeedSource(feed, database, options.Queries);
            })
            .ToList();
}
