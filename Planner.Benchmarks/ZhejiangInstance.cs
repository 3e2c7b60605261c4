using System.Diagnostics;
using System.Text.Json;
using Planner.Api.Planning;
using Planner.Solver.Allocation;

namespace Planner.Benchmarks;

/// <summary>Seconds spent in each step of building the Zhejiang problem.</summary>
public sealed record BuildTimes(double Prepare, double Seed, double Pull, double Snapshot)
{
    public double Total => Prepare + Seed + Pull + Snapshot;
}

/// <summary>
/// The Zhejiang sample problem, built exactly as <c>plan</c> builds it: a new SQLite planner database in a temporary
/// folder, migrated and loaded with the reference data, the three sample feeds seeded and pulled, then the snapshot
/// read back (90 counties + 2 Hubei sites, 14 days, 5 products).
/// </summary>
public static class ZhejiangInstance
{
    public static async Task<(AllocationProblem Problem, BuildTimes Times)> BuildAsync()
    {
        var folder = Directory.CreateTempSubdirectory("planner-benchmark-");
        try
        {
            var settings = Node.Create(("Planner:LocalDirectory", folder.FullName));
            var pipeline = settings;

            var watch = Stopwatch.StartNew();
            await pipeline.PrepareDatabaseAsync();
            var prepare = Lap(watch);
            await pipeline.SeedSourcesAsync();
            var seed = Lap(watch);
            await pipeline.PullAsync();
            var pull = Lap(watch);
            await using var connection = await settings.Planner.OpenAsync();
            var snapshot = ProblemBuilder.Build(
                await InputsReader.ReadAsync(
                    connection,
                    PlanScenario.Baseline,
                    new PlanRequest { AsOf = new DateOnly(2020, 2, 9) }
                )
            );
            var read = Lap(watch);
            return (snapshot.Problem, new BuildTimes(prepare, seed, pull, read));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Saves the problem for the other child processes (doubles round-trip exactly in
    /// System.Text.Json).</summary>
    public static void Save(AllocationProblem problem, string path) =>
        File.WriteAllText(path, JsonSerializer.Serialize(problem, Measure.Json));

    public static AllocationProblem Load(string path) =>
        JsonSerializer.Deserialize<AllocationProblem>(File.ReadAllText(path), Measure.Json)
        ?? throw new InvalidDataException($"{path} holds no allocation problem.");

    private static double Lap(Stopwatch watch)
    {
        var seconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        return seconds;
    }
}
