namespace Planner.Api.Storage;

/// <summary>The storage options and the planner database, injected as a connection factory
/// (<see cref="Database"/>).</summary>
public static class StorageSetup
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<StorageOptions>, StorageOptions.Defaults>();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptions.Validator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.PlannerDatabase());
        return services;
    }

    /// <summary>
    /// Options of type <typeparamref name="T"/> bound to <paramref name="section"/>, checked by
    /// <typeparamref name="TValidator"/> when the host starts: a wrong setting stops start-up with the key named.
    /// </summary>
    public static IServiceCollection AddValidatedOptions<T, TValidator>(
        this IServiceCollection services,
        string section
    )
        where T : class
        where TValidator : class, IValidateOptions<T>
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>, TValidator>();
        return services;
    }
}
