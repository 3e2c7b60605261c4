using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Planner.Api.Startup;

namespace Planner.Tests.Infrastructure;

/// <summary>What a node's start says of a configuration: the message that stops it, or null when every setting is
/// right.</summary>
public static class TestOptions
{
    public static string? StartupError(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value)))
            .Build();
        try
        {
            using var provider = PlannerServices.BuildProvider(configuration);
            return null;
        }
        catch (OptionsValidationException e)
        {
            return string.Join(" ", e.Failures);
        }
        catch (InvalidOperationException e)
        {
            // The binder's "Failed to convert configuration value at 'Planner:…' to type …".
            return e.Message;
        }
    }
}
