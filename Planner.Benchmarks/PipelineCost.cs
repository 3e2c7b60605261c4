using System.Diagnostics;

namespace Planner.Benchmarks;

/// <summary>
/// The <c>plan</c> command on Zhejiang, timed as a process of its own (wall clock, start-up included), for this build
/// and for an earlier one's checkout: first on a new local directory (migrate, import the reference data, seed and pull
/// the sample sources, plan, publish), then again on the same directory (pull, plan, publish: the daily run). The
/// builds take turns, so that the machine's load falls on both alike.
/// </summary>
internal static class PipelineCost
{
    /// <summary>One build's configuration timed: its label, where it runs and the <c>plan</c> arguments.</summary>
    public sealed record Build(string Label, string Checkout, string Dll, IReadOnlyList<string> Arguments);

    /// <summary>Seconds of each first (new directory) and each second (same directory) run of a build.</summary>
    public sealed record Timing(Build Build, List<double> First, List<double> Again);

    /// <summary>This build (the Planner.Api beside the benchmark), in the checkout that holds the data
    /// folder.</summary>
    public static Build Current(string label, string dataFolder, params string[] arguments) =>
        new(
            label,
            Path.GetDirectoryName(Path.GetFullPath(dataFolder))!,
            Path.Combine(AppContext.BaseDirectory, "Planner.Api.dll"),
            arguments
        );

    /// <summary>Another checkout's Release build, named by its commit.</summary>
    public static Build Other(string checkout) =>
        new(
            "commit " + Report.Run("git", $"-C {checkout} rev-parse --short HEAD").Trim(),
            checkout,
            Path.Combine(checkout, "Planner.Api", "bin", "Release", "net10.0", "Planner.Api.dll"),
            []
        );

    public static async Task<List<Timing>> MeasureAsync(IReadOnlyList<Build> builds, int runs, TextWriter log)
    {
        foreach (var build in builds.Where(b => !File.Exists(b.Dll)))
            throw new ArgumentException($"{build.Dll} does not exist: build {build.Checkout} with -c Release first.");
        var timings = builds.Select(b => new Timing(b, [], [])).ToList();
        for (var run = 0; run < runs; run++)
        {
            foreach (var timing in timings)
            {
                var folder = Directory.CreateTempSubdirectory("planner-pipeline-");
                try
                {
                    timing.First.Add(await PlanAsync(timing.Build, folder.FullName));
                    timing.Again.Add(await PlanAsync(timing.Build, folder.FullName));
                }
                finally
                {
                    folder.Delete(recursive: true);
                }
                await log.WriteLineAsync(
                    $"forecast-plans: {timing.Build.Label} run {run + 1}: {timing.First[^1]:0.00} s, then "
                        + $"{timing.Again[^1]:0.00} s"
                );
            }
        }
        return timings;
    }

    private static async Task<double> PlanAsync(Build build, string folder)
    {
        string[] arguments =
        [
            build.Dll,
            "plan",
            "--out",
            Path.Combine(folder, "out"),
            .. build.Arguments,
            $"--Planner:LocalDirectory={Path.Combine(folder, "local")}",
            .. ApiProcess.RecurringJobsOff,
        ];
        var info = ApiProcess.Redirected("dotnet", arguments);
        info.WorkingDirectory = build.Checkout;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        watch.Stop();
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{build.Label}: plan exited with {process.ExitCode}:\n{await errors}\n{await output}"
            );
        return watch.Elapsed.TotalSeconds;
    }
}
