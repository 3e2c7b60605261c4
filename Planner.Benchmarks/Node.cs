using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Planner.Api.Jobs;
using Planner.Api.Planning;
using Planner.Api.Runs;
using Planner.Api.Sources;
using Planner.Api.Startup;
using Planner.Api.Storage;
using Planner.Api.Uploads;

namespace Planner.Benchmarks;

/// <summary>A node's services for a benchmark (the registrations a web node and the CLI use) on the given
/// settings.</summary>
internal sealed class Node(ServiceProvider services)
{
    /// <summary>The benchmarks plan as of 9 February 2020, the plan of 10 February they were measured on.</summary>
    public static readonly (string Key, string? Value) AsOf = ("Planner:Planning:AsOf", "2020-02-09");

    public static Node Create(params (string Key, string? Value)[] values) =>
        new(
            PlannerServices.BuildProvider(
                new ConfigurationBuilder()
                    .AddInMemoryCollection(values.Prepend(AsOf).Select(v => KeyValuePair.Create(v.Key, v.Value)))
                    .Build()
            )
        );

    /// <summary>A new planner database in <paramref name="folder"/>: migrated, the reference data imported, the sample
    /// sources seeded and pulled.</summary>
    public static async Task<Node> SampleAsync(string folder)
    {
        var node = Create(("Planner:LocalDirectory", folder));
        await node.PrepareDatabaseAsync();
        await node.SeedSourcesAsync();
        await node.PullAsync();
        return node;
    }

    public Database Planner => Get<Database>();

    public string DataDirectory => Get<IOptions<StorageOptions>>().Value.DataDirectory;

    public UploadLimits Uploads => Get<IOptions<UploadLimits>>().Value;

    public JobOptions Jobs => Get<IOptions<JobOptions>>().Value;

    public FeedSource Source(Feed feed) => Get<FeedSources>()[feed];

    public T Get<T>()
        where T : notnull => services.GetRequiredService<T>();

    /// <summary>Migrated, reference data imported, the sample sources seeded.</summary>
    public Task PrepareAsync() => Get<StartupWork>().PrepareAsync(_ => { }, CancellationToken.None);

    /// <summary>Migrated and reference data imported.</summary>
    public Task PrepareDatabaseAsync() => Get<StartupWork>().PrepareDatabaseAsync(_ => { }, CancellationToken.None);

    public Task SeedSourcesAsync() => Get<StartupWork>().SeedSampleSourcesAsync(_ => { }, CancellationToken.None);

    public Task<IReadOnlyList<PullAttempt>> PullAsync(Feed? only = null) =>
        Get<SourcePulls>().PullAsync(only, _ => { });

    public Task<PlanOutcome> PlanAsync(PlanRequest request) => Get<PlanPipeline>().RunAsync(request, _ => { });
}
