using System.CommandLine;
using Planner.Api.Startup;

namespace Planner.Api.Cli;

/// <summary>
/// What every command shares: the configuration switches (<c>--Key=value</c>), stdin/stdout/stderr, the services
/// (the same registrations as a web node's, options checked before anything runs) and the web application to start.
/// </summary>
public sealed class CliContext(
    string[] configArgs,
    TextReader stdin,
    TextWriter stdout,
    TextWriter stderr,
    Func<string[], Task<int>>? serve
)
{
    public string[] ConfigArgs { get; } = configArgs;
    public TextReader In { get; } = stdin;
    public TextWriter Out { get; } = stdout;
    public TextWriter Error { get; } = stderr;

    /// <summary>Starts the web application with the configuration switches (the default without a command).</summary>
    public Task<int> ServeAsync() =>
        serve?.Invoke(ConfigArgs) ?? throw new PlannerException(CliText.Get("CannotServe"));

    /// <summary>Progress lines go to stderr, so that stdout keeps only results.</summary>
    public void Progress(string message) => Error.WriteLine(message);

    /// <summary>Writes a file the command made and prints its full path on stdout.</summary>
    public async Task WriteFileAsync(string path, byte[] content, CancellationToken ct)
    {
        var fullPath = Path.GetFullPath(path);
        await File.WriteAllBytesAsync(fullPath, content, ct);
        await Out.WriteLineAsync(fullPath);
    }

    /// <summary>appsettings.json beside the program, environment variables, then the switches (<paramref name="extra"/>
    /// last).</summary>
    public IConfiguration Configuration(params string[] extra) =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine([.. ConfigArgs, .. extra])
            .Build();

    /// <summary>The services of a node, every option checked (a wrong setting stops the command naming its
    /// key).</summary>
    public ServiceProvider Services() => PlannerServices.BuildProvider(Configuration());

    /// <summary>A command that works on the planner database: its action gets the node's services once the database
    /// is created or upgraded and the reference data imported.</summary>
    internal Command DatabaseCommand(
        string name,
        string description,
        Symbol[] symbols,
        Func<ParseResult, ServiceProvider, CancellationToken, Task<int>> action
    ) => CliCommand.Create(name, description, symbols, async (r, ct) =>
        {
            await using var services = Services();
            await services.GetRequiredService<StartupWork>().PrepareDatabaseAsync(Progress, ct);
            return await action(r, services, ct);
        });
}
