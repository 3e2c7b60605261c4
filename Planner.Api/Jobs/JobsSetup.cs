using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace Planner.Api.Jobs;

/// <summary>Hangfire for this node: storage by mode, the server when the node is a worker, the dashboard when it is a
/// web node.</summary>
public static class JobsSetup
{
    /// <summary>This process, as claims, run requests and the dashboard name it.</summary>
    public static string WorkerName { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// Embedded mode (SQLite): Hangfire's in-memory storage, so web and worker must be one process, and a restart
    /// loses the queue (the recover job queues unfinished runs again). Server mode (PostgreSQL): Hangfire.PostgreSql
    /// in schema <c>hangfire</c> of the planner database, with the sliding invisibility timeout, so a long plan run
    /// is not delivered to a second worker while its worker is alive.
    /// </summary>
    public static JobStorage CreateStorage(Database planner, JobOptions jobs)
    {
        if (planner.Provider == DatabaseProvider.Sqlite)
        {
            return new InMemoryStorage();
        }
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = jobs.InvisibilityTimeout,
            QueuePollInterval = jobs.PollInterval,
            PrepareSchemaIfNecessary = true,
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(planner.ConnectionString, options), options);
    }

    /// <summary>
    /// Hangfire (storage, and a server for worker nodes). Which node this is decides what is registered, so the job
    /// options are read here, from <paramref name="configuration"/>; they are checked with the others at start.
    /// </summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<JobOptions, JobOptions.Validator>(JobOptions.Section);
        var jobs = JobOptions.Bind(configuration);
        // The storage is made when the host is built, after Hangfire's (process-wide) log provider points at this host.
        services.AddHangfire(
            (sp, c) =>
                c.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                    .UseSimpleAssemblyNameTypeSerializer()
                    .UseRecommendedSerializerSettings()
                    .UseStorage(
                        CreateStorage(
                            sp.GetRequiredService<Database>(),
                            sp.GetRequiredService<IOptions<JobOptions>>().Value
                        )
                    )
        );
        if (jobs.Worker)
        {
            // A plan run keeps pool threads busy with the solver; heartbeats (ours and Hangfire's sliding
            // invisibility) must not wait for the pool to grow, or a live run looks dead and is taken over.
            ThreadPool.GetMinThreads(out var workers, out var io);
            ThreadPool.SetMinThreads(Math.Max(workers, 32), io);
            services.AddHangfireServer(o =>
            {
                o.ServerName = WorkerName;
                o.Queues = jobs.QueueList.ToArray();
                o.WorkerCount = jobs.WorkerCount;
                o.SchedulePollingInterval = jobs.PollInterval;
            });
        }
        return services;
    }

    /// <summary>The dashboard at <c>/hangfire</c>, for signed-in planners only.</summary>
    public static IApplicationBuilder UsePlannerDashboard(this IApplicationBuilder app) =>
        app.UseHangfireDashboard(
            "/hangfire",
            new DashboardOptions
            {
                Authorization = [new Access.AccessSetup.PlannersOnlyDashboard()],
                DashboardTitle = "Planner jobs",
                DisplayStorageConnectionString = false,
            }
        );
}
