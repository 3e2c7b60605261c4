using Hangfire;
using Planner.Api.Access;
using Planner.Api.Jobs;
using Planner.Api.Localization;
using Planner.Api.ReferenceData;
using Planner.Api.Runs;
using Planner.Api.Sources;

namespace Planner.Api.Startup;

/// <summary>
/// What a node does before it serves or works, and what the CLI does before a command: migrate the planner database,
/// import the reference data, fill the sample sources when they are empty; then, for a web or worker node, create
/// the sample users (embedded mode), clean up after stopped workers and register the recurring jobs.
/// </summary>
public sealed class StartupWork(
    Database planner,
    FeedSources sources,
    IOptions<StorageOptions> storage,
    IOptions<AccessOptions> access,
    IOptions<JobOptions> jobs,
    TimeProvider clock,
    ILogger<StartupWork> logger
)
{
    /// <summary>
    /// Several nodes may start at once on one PostgreSQL database: a session advisory lock lets one migrate, import
    /// and seed while the others wait (SQLite serialises writers itself).
    /// </summary>
    private const long SetupLockKey = 20200210;

    /// <summary>Migrates and imports the reference data (the commands that only read need no more).</summary>
    public async Task PrepareDatabaseAsync(Action<string> progress, CancellationToken ct)
    {
        if (planner.Provider == DatabaseProvider.Sqlite)
            Directory.CreateDirectory(storage.Value.LocalDirectory);
        await using var setup = await SetupLockAsync(ct);
        progress(Messages.Get("Migrating", planner.Describe()));
        await Migrator.MigrateAsync(planner, ct);
        var import = await ReferenceImporter.ImportAsync(planner, storage.Value.DataDirectory, clock.GetUtcNow(), ct);
        if (import.Imported)
        {
            progress(
                Messages.Get("ImportedReference", storage.Value.DataDirectory, import.Version)
                    + (import.Version > 1 ? Messages.Get("ImportedChanged", string.Join(", ", import.Changed)) : "")
            );
        }
    }

    /// <summary>Fills each feed's sample source from <c>data/sample</c> when it is empty.</summary>
    public async Task SeedSampleSourcesAsync(Action<string> progress, CancellationToken ct)
    {
        await using var setup = await SetupLockAsync(ct);
        foreach (var source in sources.All)
        {
            var rows = await SourceSeeder.SeedIfEmptyAsync(source, storage.Value.DataDirectory, ct);
            if (rows > 0)
                progress(
                    Messages.Get("Seeded", source.Feed.ToString().ToLowerInvariant(), source.Database.Describe(), rows)
                );
        }
    }

    /// <summary>Everything a command that plans needs: the database prepared and the sample sources seeded.</summary>
    public async Task PrepareAsync(Action<string> progress, CancellationToken ct)
    {
        await PrepareDatabaseAsync(progress, ct);
        await SeedSampleSourcesAsync(progress, ct);
    }

    /// <summary>A node's start: prepared, sample users, clean-up after stopped workers, recurring jobs.</summary>
    public async Task StartNodeAsync(IRecurringJobManager recurring, CancellationToken ct)
    {
        await PrepareAsync(m => JobLog.Setup(logger, m), ct);
        await using var db = await planner.OpenAsync(ct);
        if (
            planner.Provider == DatabaseProvider.Sqlite
            && access.Value.SampleUsers
            && await Users.AddSamplesIfNoneAsync(db, clock.GetUtcNow())
        )
        {
            JobLog.SampleUsers(logger, Users.SampleNames);
        }
        if (jobs.Value.Worker)
            await RunJobs.CleanUpAfterStoppedWorkersAsync(db, jobs.Value, storage.Value, clock, logger);
        RecurringJobs.Register(recurring, jobs.Value);
        JobLog.Node(logger, JobsSetup.WorkerName, jobs.Value.Web, jobs.Value.Worker, jobs.Value.QueueList);
    }

    /// <summary>The lock is released explicitly: a pooled connection keeps its session, and its locks, after it is
    /// closed.</summary>
    private async Task<SetupLock?> SetupLockAsync(CancellationToken ct)
    {
        if (planner.Provider != DatabaseProvider.Postgres)
            return null;
        var connection = await planner.OpenAsync(ct);
        await connection.ExecuteAsync(
            new CommandDefinition($"SELECT pg_advisory_lock({SetupLockKey})", cancellationToken: ct)
        );
        return new SetupLock(connection);
    }

    private sealed class SetupLock(DbConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await connection.ExecuteAsync($"SELECT pg_advisory_unlock({SetupLockKey})");
            await connection.DisposeAsync();
        }
    }

    /// <summary>Runs a node's start before the Hangfire server takes jobs (registered before it).</summary>
    public sealed class Service(StartupWork work, IRecurringJobManager recurring) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            work.StartNodeAsync(recurring, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
