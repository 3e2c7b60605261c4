using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Planner.Api.Jobs;
using Planner.Api.Sources;
using Planner.Api.Startup;
using Planner.Api.Uploads;
using Planner.Solver.Care;

namespace Planner.Tests.Infrastructure;

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
            Get<IOptions<Planner.Api.Planning.PlanningOptions>>(),
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

    /// <summary>What a node's start does before any job runs: <see cref="PrepareAsync"/>, then
    /// <see cref="SeedSourcesAsync"/>.</summary>
    public async Task PrepareWithSourcesAsync(CancellationToken ct = default)
    {
        await PrepareAsync(ct);
        await SeedSourcesAsync(ct);
    }

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
