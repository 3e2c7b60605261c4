using Microsoft.Extensions.DependencyInjection.Extensions;
using Planner.Api.Access;
using Planner.Api.Jobs;
using Planner.Api.Maps;
using Planner.Api.Planning;
using Planner.Api.Runs;
using Planner.Api.Sources;
using Planner.Api.Uploads;
using Planner.Api.Workbooks;

namespace Planner.Api.Startup;

/// <summary>
/// What a web node, a worker node and the command line share: each feature's options (bound to its configuration
/// section and checked at start, a wrong setting naming its key), the planner database as a connection factory,
/// the jobs, and the plan pipeline's parts.
/// </summary>
public static class PlannerServices
{
    public static IServiceCollection AddPlanner(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(Clock(configuration));
        services.AddStorage();
        services.AddValidatedOptions<AccessOptions, AccessOptions.Validator>(AccessOptions.Section);
        services.AddValidatedOptions<UploadLimits, UploadLimits.Validator>(UploadLimits.Section);
        services.AddSources();

        services.AddValidatedOptions<SolverOptions, SolverOptions.Validator>(SolverOptions.Section);
        services.AddValidatedOptions<TeamOptions, TeamOptions.Validator>(TeamOptions.Section);
        services.AddValidatedOptions<PlanningOptions, PlanningOptions.Validator>(PlanningOptions.Section);
        services.AddValidatedOptions<WorkbookOptions, WorkbookOptions.Validator>(WorkbookOptions.Section);
        services.AddSingleton<RunStore>();
        services.AddCountyMap(); // the pages' map and the province workbook's picture
        services.AddSingleton<PlanPublisher>();
        services.AddSingleton<PlanPipeline>();
        services.AddSingleton<RunExecutor>();
        services.AddTransient<RunJobs>();

        // Before the Hangfire server (in AddJobs): the database is migrated and the recurring jobs registered before
        // any job runs.
        services.AddSingleton<StartupWork>();
        services.AddHostedService<StartupWork.Service>();
        services.AddJobs(configuration);
        return services;
    }

    /// <summary>The real clock, or the replay of <see cref="PlanningOptions.ReplayFrom"/>.</summary>
    private static TimeProvider Clock(IConfiguration configuration)
    {
        var planning = configuration.GetSection(PlanningOptions.Section).Get<PlanningOptions>() ?? new();
        return planning.ReplayFrom is { } from
            ? new ReplayClock(
                from,
                TimeSpan.FromDays(1) / TimeSpan.FromMinutes(planning.ReplayDayMinutes),
                TimeProvider.System
            )
            : TimeProvider.System;
    }

    /// <summary>
    /// The services of a node outside a host (the command line, tests, benchmarks), on <paramref name="clock"/>, with
    /// every option checked: a wrong setting throws <see cref="OptionsValidationException"/> naming its key.
    /// </summary>
    public static ServiceProvider BuildProvider(IConfiguration configuration, TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        if (clock is not null)
            services.AddSingleton(clock);
        services.AddLogging();
        services.AddPlanner(configuration);
        var provider = services.BuildServiceProvider();
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OptionsValidationException))
        {
            // Every wrong setting at once, as one exception.
            provider.Dispose();
            throw new OptionsValidationException(
                "Planner",
                typeof(object),
                e.InnerExceptions.SelectMany(x => ((OptionsValidationException)x).Failures)
            );
        }
        return provider;
    }
}
