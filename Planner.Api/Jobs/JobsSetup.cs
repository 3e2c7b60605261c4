using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Planner.Api.Configuration;
using Planner.Api.Planning;
using Planner.Api.Storage;
using Planner.Api.Runs;
using Planner.Api.Startup;

namespace Planner.Api.Jobs;

/// <summary>Hangfire for this node: storage by mode, the server when the node is a worker, the dashboard when it is a web node.</summary>
public static class JobsSetup
{
    /// <summary>
    /// Embedded mode (SQLite): Hangfire's in-memory storage, so web and worker must be one process, and a restart
    /// loses the queue (the recover job queues unfinished runs again). Server mode (PostgreSQL): Hangfire.PostgreSql
    /// in schema <c>hangfire</c> of the planner database, with the sliding invisibility timeout, so a long plan run
    /// is not delivered to a second worker while its worker is alive.
    /// </summary>
    public static JobStorage CreateStorage(PlannerSettings settings)
    {
        if (settings.Planner.Provider == DatabaseProvider.Sqlite)
        {
            return new InMemoryStorage();
        }
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = settings.Jobs.InvisibilityTimeout,
            QueuePollInterval = settings.Jobs.PollInterval,
            PrepareSchemaIfNecessary = true,
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(settings.Planner.ConnectionString, options), options);
    }

    /// <summary>Registers the jobs, Hangfire (storage, and a server for worker nodes) and the start-up work.</summary>
    public static IServiceCollection AddPlannerJobs(this IServiceCollection services, PlannerSettings settings)
    {
        if (settings.Planner.Provider == DatabaseProvider.Sqlite && !(settings.Jobs.Web && settings.Jobs.Worker))
        {
            throw new PlannerException("Embedded mode keeps its job queue in memory, so one process must be both web and worker (Planner:Jobs:Roles=web,worker); separate worker nodes need ConnectionStrings:Planner (PostgreSQL).");
        }
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RunExecutor>();
        services.AddTransient<PlanJobs>();
        // The storage is made when the host is built, after Hangfire's (process-wide) log provider points at this host.
        services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseStorage(CreateStorage(settings)));
        // Before the Hangfire server: the database is migrated and the recurring jobs registered before any job runs.
        services.AddHostedService<StartupTasks>();
        if (settings.Jobs.Worker)
        {
            // A plan run keeps pool threads busy with the solver; heartbeats (ours and Hangfire's sliding
            // invisibility) must not wait for the pool to grow, or a live run looks dead and is taken over.
            ThreadPool.GetMinThreads(out var workers, out var io);
            ThreadPool.SetMinThreads(Math.Max(workers, 32), io);
            services.AddHangfireServer(o =>
            {
                o.ServerName = RunExecutor.WorkerName;
                o.Queues = settings.Jobs.Queues.ToArray();
                o.WorkerCount = settings.Jobs.WorkerCount;
                o.SchedulePollingInterval = settings.Jobs.PollInterval;
            });
        }
        return services;
    }

    /// <summary>The dashboard at <c>/hangfire</c>, for signed-in planners only.</summary>
    public static IApplicationBuilder UsePlannerDashboard(this IApplicationBuilder app) =>
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new Access.AccessSetup.PlannersOnlyDashboard()],
            DashboardTitle = "Planner jobs",
            DisplayStorageConnectionString = false,
        });

    private sealed class StartupTasks(PlannerSettings settings, IRecurringJobManager recurring, TimeProvider clock, ILogger<StartupTasks> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await new PlanPipeline(settings, clock, m => JobLog.Setup(logger, m)).PrepareAsync(cancellationToken);
            if (settings.Planner.Provider == DatabaseProvider.Sqlite && settings.Access.SampleUsers)
            {
                await using var db = await settings.Planner.OpenAsync(cancellationToken);
                if (await Access.Users.AddSamplesIfNoneAsync(db, clock.GetUtcNow()))
                {
                    JobLog.SampleUsers(logger, Access.Users.SampleNames);
                }
            }
            if (settings.Jobs.Worker)
            {
                await using var db = await settings.Planner.OpenAsync(cancellationToken);
                await PlanJobs.CleanUpAfterStoppedWorkersAsync(db, settings, clock, logger);
            }
            RecurringJobs.Register(recurring, settings.Jobs);
            JobLog.Node(logger, RunExecutor.WorkerName, settings.Jobs.Web, settings.Jobs.Worker, settings.Jobs.Queues);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
