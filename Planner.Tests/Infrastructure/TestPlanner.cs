using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Planner.Api.Jobs;
using Planner.Api.Planning;
using Planner.Api.Runs;
using Planner.Api.Sources;
using Planner.Api.Startup;
using Planner.Api.Uploads;
using Planner.Solver.Care;

namespace Planner.Tests.Infrastructure;

/// <summary>The services of a node (what the CLI and the web app register) pointed at one
/// <see cref="TestDatabase"/>.</summary>
public static class TestPlanner
{
    /// <summary>A node on <paramref name="db"/> with the system clock.</summary>
    public static TestNode Node(TestDatabase db, params (string Key, string Value)[] extra) =>
        new(Values(db, extra), TimeProvider.System);

    /// <summary>The configuration of a node on <paramref name="db"/>: its database and local folder, then
    /// <paramref name="extra"/>.</summary>
    public static Dictionary<string, string?> Values(TestDatabase db, params (string Key, string Value)[] extra)
    {
        var values = new Dictionary<string, string?>
        {
            // SQLite: the planner database is LocalDirectory/planner.db, the very file the TestDatabase names.
            ["Planner:LocalDirectory"] = db.Directory,
            ["Planner:WorkDirectory"] = Path.Combine(db.Directory, "work"),
        };
        if (db.Provider == DatabaseProvider.Postgres)
            values["ConnectionStrings:Planner"] = db.ConnectionString;
        foreach (var (key, value) in extra)
            values[key] = value;
        return values;
    }

    /// <summary>The problem a plan of the baseline (or of <paramref name="overrides"/>) would solve, read from
    /// <paramref name="db"/>.</summary>
    public static async Task<PlanSnapshot> SnapshotAsync(
        System.Data.Common.DbConnection db,
        int? days = null,
        ScenarioOverrides? overrides = null
    ) =>
        ProblemBuilder.Build(
            await InputsReader.ReadAsync(
                db,
                overrides is null ? PlanScenario.Baseline : PlanScenario.Baseline with { Overrides = overrides },
                days: days
            )
        );

    /// <summary>The repository's data folder.</summary>
    public static string DataDirectory =>
        StorageOptions.FindDataDirectory() ?? throw new InvalidOperationException("No data folder above the tests.");
}

/// <summary>
/// A node's services for a test: the planner database, the feeds, the options, and the plan pipeline with the steps
/// a node's start does before it (<see cref="RunAsync"/> prepares the database and the sample sources first).
/// </summary>
public sealed class TestNode
{
    private readonly Dictionary<string, string?> _values;

    public TestNode(Dictionary<string, string?> values, TimeProvider clock)
    {
        _values = values;
        Services = PlannerServices.BuildProvider(
            new ConfigurationBuilder().AddInMemoryCollection(values).Build(),
            clock
        );
    }

    public ServiceProvider Services { get; }

    public Database Planner => Get<Database>();

    public JobOptions Jobs => Get<IOptions<JobOptions>>().Value;

    public TeamSettings Teams => Get<IOptions<TeamOptions>>().Value.ToSettings();

    public UploadLimits Uploads => Get<IOptions<UploadLimits>>().Value;

    public StorageOptions Storage => Get<IOptions<StorageOptions>>().Value;

    public FeedSource Source(Feed feed) => Get<FeedSources>()[feed];

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A run executor of this node, logging to <paramref name="logger"/>.</summary>
    public RunExecutor Executor(Microsoft.Extensions.Logging.ILogger<RunExecutor>? logger = null) =>
        logger is null
            ? Get<RunExecutor>()
            : new RunExecutor(Planner, Get<PlanPipeline>(), Get<IOptions<JobOptions>>(), Get<TimeProvider>(), logger);

    /// <summary>The plan jobs of this node, queueing into <paramref name="client"/>.</summary>
    public RunJobs RunJobs(
        Hangfire.IBackgroundJobClient client,
        Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime
    ) =>
        new(
            Planner,
            Get<IOptions<JobOptions>>(),
            Get<IOptions<StorageOptions>>(),
            Get<TimeProvider>(),
            Get<RunExecutor>(),
            client,
            lifetime,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<RunJobs>.Instance
        );

    /// <summary>The same node on another clock.</summary>
    public TestNode At(TimeProvider clock) => new(_values, clock);

    /// <summary>Migrates the database and imports the reference data.</summary>
    public Task PrepareAsync(CancellationToken ct = default) => Get<StartupWork>().PrepareDatabaseAsync(_ => { }, ct);

    /// <summary>Fills the sample sources when empty.</summary>
    public Task SeedSourcesAsync(CancellationToken ct = default) =>
        Get<StartupWork>().SeedSampleSourcesAsync(_ => { }, ct);

    public Task<IReadOnlyList<PullAttempt>> PullAsync(Feed? only = null, CancellationToken ct = default) =>
        Get<SourcePulls>().PullAsync(only, _ => { }, ct);

    /// <summary>Prepares the database and the sample sources, then runs the plan
    /// (<see cref="PlanPipeline.RunAsync"/>).</summary>
    public async Task<PlanOutcome> RunAsync(
        PlanRequest request,
        IRunFence? fence = null,
        List<string>? log = null,
        CancellationToken ct = default
    )
    {
        await Get<StartupWork>().PrepareAsync(m => log?.Add(m), ct);
        return await Get<PlanPipeline>().RunAsync(request, m => log?.Add(m), fence, ct);
    }
}
