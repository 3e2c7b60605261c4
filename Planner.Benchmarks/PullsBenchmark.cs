using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Planner.Api.ReferenceData;
using Planner.Api.Sources;
using Planner.Api.Storage;

namespace Planner.Benchmarks;

/// <summary>
/// The pull benchmark of issue 5: a production source with the sample enterprises and a seeded set of valid
/// <c>daily_output</c> rows (default 100,000), pulled into a fresh planner database on SQLite and on PostgreSQL:
/// the first pull, a second with nothing new, and a re-pull of every row with a tenth of the quantities changed.
/// Each database is measured once more before the timed runs, in the same process: pulls run in long-lived
/// worker processes, where the pull's code has long been compiled, while this process's first pull also pays
/// for the JIT. That warm-up is reported on its own rows and left out of the medians.
/// </summary>
public static class PullsBenchmark
{
    /// <summary>The heading of this benchmark's section in docs/benchmarks.md.</summary>
    public const string Heading = "## Pulls (issue 5)";

    /// <summary>The options, printed when they are wrong.</summary>
    public const string Usage = """
        usage: dotnet run -c Release --project Planner.Benchmarks -- pulls [options]
          --rows N         daily_output rows in the source (default 100000)
          --repeat N       timed runs per database, each on fresh databases, after one warm-up run;
                           the report gives the median (default 3)
          --seed N         seed of the quantities (default 20200210)
          --write FILE     replace (or add) the "## Pulls (issue 5)" section of FILE
        PostgreSQL: the admin connection string in PLANNER_BENCH_POSTGRES if set, else a throwaway cluster
        from /usr/lib/postgresql/*/bin.
        """;

    private const double TargetRowsPerSecond = 100_000;

    private static readonly string[] Scenarios =
    [
        "first pull (all new)",
        "second pull (nothing new)",
        "re-pull (all bumped, 10 % changed)",
    ];

    private static readonly string[] OutputColumns =
    [
        "enterprise_code",
        "product_code",
        "report_date",
        "quantity",
        "row_version",
    ];

    /// <summary>One timed pull.</summary>
    private sealed record Timing(long Read, long Changed, double Seconds);

    /// <summary>Runs the benchmark and writes its report section; returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var (rows, repeat, seed, write) = (100_000, 3, 20200210, (string?)null);
        new Options(Usage)
            .Int("--rows", v => rows = v)
            .Int("--repeat", v => repeat = v)
            .Int("--seed", v => seed = v)
            .Text("--write", v => write = v)
            .ParseOrThrow(args);
        var data = (
            Planner.Api.Storage.StorageOptions.FindDataDirectory()
            ?? throw new InvalidOperationException("No data folder found.")
        );
        var sqlite = new List<Timing[]>();
        for (var r = 0; r <= repeat; r++)
        {
            sqlite.Add(await OnSqliteAsync(data, rows, seed, log));
            Log(log, r == 0 ? "SQLite warm-up" : "SQLite", sqlite[^1]);
        }
        var postgres = new List<Timing[]>();
        bool throwaway;
        using (var server = BenchmarkPostgres.Open())
        {
            throwaway = server.Cluster is not null;
            for (var r = 0; r <= repeat; r++)
            {
                postgres.Add(await OnPostgresAsync(server.Admin, data, rows, seed, log));
                Log(log, r == 0 ? "PostgreSQL warm-up" : "PostgreSQL", postgres[^1]);
            }
        }
        var md = Markdown(args, rows, repeat, seed, throwaway, [("SQLite", sqlite), ("PostgreSQL", postgres)]);
        Section.Publish(md, Heading, write, output);
        return 0;
    }

    /// <summary>One measurement on two fresh SQLite files, the planner's and the source's.</summary>
    private static async Task<Timing[]> OnSqliteAsync(string data, int rows, int seed, TextWriter log)
    {
        var directory = Directory.CreateTempSubdirectory("planner-bench-pulls-");
        try
        {
            return await MeasureAsync(
                Database.Sqlite(Path.Combine(directory.FullName, "planner.db")),
                Database.Sqlite(Path.Combine(directory.FullName, "production.db")),
                data,
                rows,
                seed,
                log
            );
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>One measurement on a fresh PostgreSQL database, the source in a schema of its own.</summary>
    private static async Task<Timing[]> OnPostgresAsync(string admin, string data, int rows, int seed, TextWriter log)
    {
        var name = "planner_bench_pulls_" + Guid.NewGuid().ToString("N")[..12];
        await AdminAsync(admin, $"CREATE DATABASE {name}");
        try
        {
            var planner = new NpgsqlConnectionStringBuilder(admin) { Database = name };
            var source = new NpgsqlConnectionStringBuilder(admin) { Database = name, SearchPath = "src_production" };
            return await MeasureAsync(
                Database.Postgres(planner.ConnectionString),
                Database.Postgres(source.ConnectionString),
                data,
                rows,
                seed,
                log
            );
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await AdminAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    /// <summary>Prepares a planner database and a production source as <c>PlanPipeline.PrepareAsync</c> and the seeder
    /// do, then times the three pulls.</summary>
    private static async Task<Timing[]> MeasureAsync(
        Database planner,
        Database sourceDatabase,
        string data,
        int rows,
        int seed,
        TextWriter log
    )
    {
        await Migrator.MigrateAsync(planner);
        await ReferenceImporter.ImportAsync(planner, data, DateTimeOffset.UtcNow);
        var source = new FeedSource(Feed.Production, sourceDatabase, new Dictionary<string, string>());
        await SourceSeeder.SeedIfEmptyAsync(source, data);
        await FillSourceAsync(planner, sourceDatabase, rows, seed);
        log.WriteLine(
            FormattableString.Invariant($"pulls: {sourceDatabase.Describe()} holds {rows:N0} daily_output rows")
        );

        var puller = new FeedPuller(planner, TimeProvider.System);
        var first = await TimedAsync(puller, source);
        var second = await TimedAsync(puller, source);
        await using (var connection = await sourceDatabase.OpenAsync())
        {
            // Every row gets a new version; one in ten (by version) a new quantity.
            await connection.ExecuteAsync(
                "UPDATE daily_output SET quantity = CASE WHEN row_version % 10 = 0 THEN quantity + 1 ELSE quantity "
                    + "END, row_version = row_version + @bump",
                new { bump = 10_000_000L }
            );
        }
        var third = await TimedAsync(puller, source);
        return [first, second, third];
    }

    /// <summary>
    /// Keeps the sample enterprises and replaces the rest of the feed with <paramref name="rows"/> valid daily reports:
    /// every enterprise × product, day after day from 2020-01-01, seeded quantities, versions above the seeder's.
    /// </summary>
    private static async Task FillSourceAsync(Database planner, Database sourceDatabase, int rows, int seed)
    {
        await using var plannerConnection = await planner.OpenAsync();
        var products = (await plannerConnection.QueryAsync<string>("SELECT code FROM products ORDER BY code")).ToList();
        await using var connection = await sourceDatabase.OpenAsync();
        var enterprises = (await connection.QueryAsync<string>("SELECT code FROM enterprises ORDER BY code")).ToList();
        var random = new Random(seed);
        var reports = new List<object?[]>(rows);
        for (var day = new DateOnly(2020, 1, 1); reports.Count < rows; day = day.AddDays(1))
        {
            foreach (
                var (enterprise, product) in enterprises
                    .SelectMany(e => products.Select(p => (e, p)))
                    .Take(rows - reports.Count)
            )
            {
                reports.Add([
                    enterprise,
                    product,
                    day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    (long)random.Next(0, 20_000),
                    10_000L + reports.Count,
                ]);
            }
        }
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            "DELETE FROM daily_output; DELETE FROM stock_on_hand; DELETE FROM enterprise_products",
            transaction: tx
        );
        await sourceDatabase.BulkInsertAsync(connection, tx, "daily_output", OutputColumns, reports);
        await tx.CommitAsync();
    }

    private static async Task<Timing> TimedAsync(FeedPuller puller, FeedSource source)
    {
        var watch = Stopwatch.StartNew();
        var run = await puller.PullAsync(source);
        watch.Stop();
        return new Timing(run.RowsRead, run.RowsChanged, watch.Elapsed.TotalSeconds);
    }

    private static async Task AdminAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync(sql);
    }

    private static void Log(TextWriter log, string database, Timing[] runs)
    {
        for (var i = 0; i < runs.Length; i++)
        {
            log.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"pulls: {database}, {Scenarios[i]}: {runs[i].Read:N0} read, {runs[i].Changed:N0} changed in "
                        + $"{runs[i].Seconds:0.000} s ({RowsPerSecond(runs[i]):N0} rows/s)"
                )
            );
        }
    }

    private static double RowsPerSecond(Timing t) => t.Read / t.Seconds;

    private static string Seconds(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>Writes the report; the first of each database's runs is its warm-up, the rest are timed.</summary>
    private static string Markdown(
        IReadOnlyList<string> args,
        int rows,
        int repeat,
        int seed,
        bool throwaway,
        IReadOnlyList<(string Database, List<Timing[]> Runs)> measured
    )
    {
        var results = measured.Select(m => (m.Database, Runs: m.Runs.Skip(1).ToList())).ToList();
        var md = Section.Start(Heading, "pulls", args);
        md.Append(
            CultureInfo.InvariantCulture,
            $"The production feed (`PullsBenchmark`, seed {seed}): the sample enterprises and {rows:N0} valid "
                + $"`daily_output` rows (every enterprise × product, day after day), "
        );
        md.Append(
            "pulled by `FeedPuller` into a freshly migrated planner database with the reference data imported. The "
                + "source is a second SQLite file, or a schema of the same PostgreSQL database "
        );
        md.Append(
            throwaway
                ? "(a throwaway local cluster, fsync and synchronous commit off, as in the tests). "
                : $"(the server in {BenchmarkPostgres.Variable}). "
        );
        md.Append(
            "Time is the whole `PullAsync` call (read through Dapper, check, write, commit); rows/s is rows read ÷ "
                + "that time. "
        );
        md.Append(
            CultureInfo.InvariantCulture,
            $"Each database was measured {repeat} times on fresh databases, after one warm-up measurement in the same "
                + $"process (SQLite first, then PostgreSQL): "
        );
        md.Append(
            "the pulls run in long-lived worker processes, where their code has long been compiled, whereas this "
                + "process's first pull also waits for the JIT. "
        );
        md.Append(
            "The table gives the median and every timed run, and the warm-up on its own rows, left out of the medians "
                + "and targets.\n\n"
        );
        Timings(md, results, measured);
        md.Append(
            CultureInfo.InvariantCulture,
            $"\nPeak memory of the benchmark process (both databases, all runs): {Measure.PeakMegabytes():N0} MiB.\n\n"
        );
        Targets(md, results);
        return md.ToString();
    }

    /// <summary>The timed runs (median, every run) and then the warm-ups, one row per database and pull.</summary>
    private static void Timings(
        StringBuilder md,
        IReadOnlyList<(string Database, List<Timing[]> Runs)> results,
        IReadOnlyList<(string Database, List<Timing[]> Runs)> measured
    )
    {
        md.Append(
            "| database | pull | rows read | rows changed | seconds (median) | rows/s (median) | runs, seconds |\n"
        );
        md.Append("|---|---|---:|---:|---:|---:|---|\n");
        foreach (var (database, runs) in results)
        {
            for (var s = 0; s < Scenarios.Length; s++)
            {
                var timings = runs.Select(r => r[s]).ToList();
                var rate =
                    timings[0].Read == 0
                        ? "–"
                        : Report
                            .Median(timings.Select(RowsPerSecond).ToList())
                            .ToString("N0", CultureInfo.InvariantCulture);
                md.Append(
                    CultureInfo.InvariantCulture,
                    $"| {database} | {Scenarios[s]} | {timings[0].Read:N0} | {timings[0].Changed:N0} | "
                        + $"{Report.Median(timings.Select(t => t.Seconds).ToList()):0.000} | {rate} | "
                        + $"{string.Join(", ", timings.Select(t => Seconds(t.Seconds)))} "
                        + $"|\n"
                );
            }
        }
        foreach (var (database, runs) in measured)
        {
            foreach (var s in new[] { 0, 2 })
            {
                var warmup = runs[0][s];
                md.Append(
                    CultureInfo.InvariantCulture,
                    $"| {database} | warm-up run, the first on {database} in this process: {Scenarios[s]} | "
                        + $"{warmup.Read:N0} | {warmup.Changed:N0} | {warmup.Seconds:0.000} | "
                        + $"{RowsPerSecond(warmup):N0} | {warmup.Seconds:0.000} |\n"
                );
            }
        }
    }

    private static void Targets(StringBuilder md, IReadOnlyList<(string Database, List<Timing[]> Runs)> results)
    {
        md.Append("### Targets (issue 5)\n\n");
        md.Append("| target | measured (median) | met |\n|---|---:|---|\n");
        foreach (var (database, runs) in results)
        {
            foreach (var s in new[] { 0, 2 })
            {
                var rate = Report.Median(runs.Select(r => RowsPerSecond(r[s])).ToList());
                md.Append(
                    CultureInfo.InvariantCulture,
                    $"| ≥ {TargetRowsPerSecond:N0} rows/s on {database}, {Scenarios[s]} | {rate:N0} rows/s | "
                        + $"{(rate >= TargetRowsPerSecond ? "yes" : "no")} |\n"
                );
            }
        }
    }
}
