using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Planner.Benchmarks;

/// <summary>Planner.Api (the web app, or a worker) in a process of its own, as the benchmarks start it.</summary>
internal static partial class ApiProcess
{
    /// <summary>Once a year, on 1 January: the recurring jobs would fire in the middle of a measurement.</summary>
    public static readonly string[] RecurringJobsOff =
    [
        "--Planner:Jobs:PullCron=0 0 1 1 *",
        "--Planner:Jobs:DailyPlanCron=0 0 1 1 *",
        "--Planner:Jobs:RecoverCron=0 0 1 1 *",
    ];

    /// <summary><paramref name="file"/> with <paramref name="arguments"/>, its output and errors redirected.</summary>
    public static ProcessStartInfo Redirected(string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        return info;
    }

    /// <summary>
    /// Starts the web app of this build on a free loopback port with the recurring jobs off and
    /// <paramref name="settings"/>; returns once it listens, or throws after 2 minutes.
    /// </summary>
    public static Process StartWeb(IEnumerable<string> settings, out Uri address)
    {
        string[] arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "Planner.Api.dll"),
            "--urls=http://127.0.0.1:0",
            .. RecurringJobsOff,
            .. settings,
        ];
        var process = Process.Start(Redirected("dotnet", arguments))!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (Listening().Match(line) is { Success: true } m)
            {
                address = new Uri(m.Groups[1].Value);
                // Keep draining its output so that it never blocks on a full pipe.
                _ = Task.Run(async () =>
                {
                    while (await process.StandardOutput.ReadLineAsync() is not null) { }
                });
                return process;
            }
            if (DateTime.UtcNow > deadline)
                break;
        }
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("Planner did not start listening within 2 minutes.");
    }

    /// <summary>Kills the web app if it still runs, and waits for it.</summary>
    public static async Task StopAsync(Process server)
    {
        if (!server.HasExited)
            server.Kill(entireProcessTree: true);
        await server.WaitForExitAsync();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
