using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using Hangfire;
using Planner.Api.Planning;
using Planner.Api.Runs;

namespace Planner.Benchmarks;

/// <summary>
/// Plan jobs per minute in server mode: the Zhejiang daily plan queued N times on Hangfire.PostgreSql and worked
/// off by one, then by two worker processes (<c>Planner.Api worker</c>), each on a fresh database.
/// </summary>
public static class JobsBenchmark
{
    /// <summary>The heading of this benchmark's section in docs/benchmarks.md.</summary>
    public const string Heading = "## Plan jobs (issue 5)";

    /// <summary>The options, printed when they are wrong.</summary>
    public const string Usage = """
        usage: dotnet run -c Release --project Planner.Benchmarks -- jobs [options]
          --runs N         plan runs queued per measurement (default 12)
          --days N         horizon of each run (default: the planning parameter, 14)
          --write FILE     replace (or add) the "## Plan jobs (issue 5)" section of FILE
        PostgreSQL: PLANNER_BENCH_POSTGRES if set, else a throwaway cluster from /usr/lib/postgresql/*/bin.
        """;

    private sealed record Measurement(
        int Workers,
        int Runs,
        double Seconds,
        int Succeeded,
        int WorkersUsed,
        double MedianRunSeconds
    );

    /// <summary>Runs the benchmark and writes its report section; returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var (runs, days, write) = (12, (int?)null, (string?)null);
        new Options(Usage)
            .Int("--runs", v => runs = v)
            .Int("--days", v => days = v)
            .Text("--write", v => write = v)
            .ParseOrThrow(args);
        using var postgres = BenchmarkPostgres.Open();
        var results = new List<Measurement>();
        foreach (var workers in new[] { 1, 2 })
        {
            await log.WriteLineAsync($"[jobs] {workers} worker(s), {runs} runs");
            results.Add(await MeasureAsync(postgres.Admin, workers, runs, days, log));
            var m = results[^1];
            await log.WriteLineAsync(
                $"[jobs] {workers} worker(s): {m.Succeeded}/{m.Runs} in {m.Seconds:0.0} s = "
                    + $"{m.Runs / m.Seconds * 60:0.0} per minute"
            );
        }
        Section.Publish(Markdown(args, postgres.Cluster is not null, results), Heading, write, output);
        return results.All(r => r.Succeeded == r.Runs) ? 0 : 1;
    }

    private static async Task<Measurement> MeasureAsync(
        string admin,
        int workerCount,
        int runs,
        int? days,
        TextWriter log
    )
    {
        await using var database = await ServerModeDatabase.CreateAsync(admin, $"planner_jobs_{workerCount}");
        string[] polling = ["--Planner:Jobs:PollIntervalSeconds=0.2"];
        var processes = Enumerable
            .Range(0, workerCount)
            .Select(_ => WorkerProcess.Start(AppContext.BaseDirectory, database, polling))
            .ToList();
        try
        {
            await database.WaitForServersAsync(workerCount, processes);
            await using var db = await database.Settings.Planner.OpenAsync();
            var client = new BackgroundJobClient(database.Storage);
            var watch = Stopwatch.StartNew();
            await EnqueueAsync(db, client, runs, days);
            while (await db.ExecuteScalarAsync<long>(FinishedSql) < runs)
            {
                WorkerProcess.ThrowIfAnyExited(processes);
                await Task.Delay(100);
            }
            return await ReadAsync(db, workerCount, runs, watch.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var p in processes)
                await p.DisposeAsync();
        }
    }

    private const string FinishedSql =
        "SELECT COUNT(*) FROM run_requests WHERE status IN ('succeeded', 'failed', 'cancelled')";

    /// <summary>Queues the daily plan <paramref name="runs"/> times.</summary>
    private static async Task EnqueueAsync(DbConnection db, BackgroundJobClient client, int runs, int? days)
    {
        for (var i = 0; i < runs; i++)
        {
            var id = await RunRequests.CreateAsync(
                db,
                "daily",
                new PlanRequest(HorizonDays: days),
                null,
                DateTimeOffset.UtcNow
            );
            RunJobs.Enqueue(client, id, "daily");
        }
    }

    /// <summary>What the finished runs recorded.</summary>
    private static async Task<Measurement> ReadAsync(DbConnection db, int workerCount, int runs, double seconds)
    {
        var succeeded = await db.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM run_requests WHERE status = 'succeeded' AND attempts = 1"
        );
        var used = await db.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT worker) FROM run_requests");
        var durations = (
            await db.QueryAsync<double>(
                "SELECT snapshot_seconds + solve_seconds + publish_seconds FROM plan_runs "
                    + "WHERE status = 'succeeded'"
            )
        )
            .Order()
            .ToList();
        return new Measurement(
            workerCount,
            runs,
            seconds,
            (int)succeeded,
            (int)used,
            durations.Count > 0 ? durations[durations.Count / 2] : double.NaN
        );
    }

    private static string Markdown(IReadOnlyList<string> args, bool throwaway, IReadOnlyList<Measurement> results)
    {
        var md = Section.Start(Heading, "jobs", args);
        md.Append("Server mode: a fresh PostgreSQL database per measurement ");
        md.Append(
            throwaway
                ? "(a throwaway local cluster, fsync and synchronous commit off). "
                : $"(the server in {BenchmarkPostgres.Variable}). "
        );
        md.Append(
            "The database is migrated, the sample sources seeded and pulled; then the worker processes (`Planner.Api "
                + "worker`, one Hangfire worker each, default settings) are started and, once registered, "
        );
        md.Append(
            "the Zhejiang daily plan is queued as many times as the table says (each run pulls the four feeds, plans "
                + "care with CP-SAT, solves the allocation with CLP on both cores, writes the workbook and records "
                + "it). "
        );
        md.Append(
            "Time runs from the first enqueue to the last run finished; 'runs once' counts runs that succeeded at "
                + "their first attempt.\n\n"
        );
        md.Append(
            "| workers | runs | seconds | plan jobs per minute | runs once | workers used | median run (snapshot + "
                + "solve + publish) s |\n|---:|---:|---:|---:|---:|---:|---:|\n"
        );
        foreach (var r in results)
        {
            md.Append(
                CultureInfo.InvariantCulture,
                $"| {r.Workers} | {r.Runs} | {r.Seconds:0.0} | {r.Runs / r.Seconds * 60:0.0} | {r.Succeeded} | "
                    + $"{r.WorkersUsed} | {r.MedianRunSeconds:0.00} |\n"
            );
        }
        if (results.Count == 2)
        {
            md.Append(
                CultureInfo.InvariantCulture,
                $"\nTwo workers against one: "
                    + $"{results[1].Runs / results[1].Seconds / (results[0].Runs / results[0].Seconds):0.00}× the "
                    + $"throughput. A run already keeps both cores of this machine busy (its products solve in "
                    + $"parallel), so two runs at once each take about twice as long (median run above); more workers "
                    + $"pay on more cores or more machines, not here.\n"
            );
        }
        return md.ToString();
    }
}
