namespace Planner.Api.Sources;

/// <summary>The feeds' settings, where each feed lives, and pulling them.</summary>
public static class SourcesSetup
{
    public static IServiceCollection AddSources(this IServiceCollection services)
    {
        services.AddValidatedOptions<SourcesOptions, SourcesOptions.Validator>(SourcesOptions.Section);
        services.AddValidatedOptions<FreshnessOptions, FreshnessOptions.Validator>(FreshnessOptions.Section);
        services.AddSingleton<FeedSources>();
        services.AddSingleton<SourcePulls>();
        services.AddTransient<PullJobs>();
        return services;
    }
}
