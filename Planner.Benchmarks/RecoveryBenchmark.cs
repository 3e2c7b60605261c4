using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Hangfire;
using Hangfire.States;
using Npgsql;
using Planner.Api.Jobs;
using Planner.Api.Planning;
using Planner.Api.Runs;
using Planner.Api.Sources;
using static System.FormattableString;

namespace Planner.Benchmarks;

/// <summary>
/// Issue 17, workers that recover in seconds, with two worker processes on PostgreSQL: how long after a worker is
/// killed in the middle of a pull the feed is pulled again and a plan run queued meanwhile succeeds, and how long
/// after a restart of the database server a plan run that was solving succeeds. Each measurement on a fresh database.
/// </summary>
public static class RecoveryBenchmark
{
    /// <summary>The heading of this benchmark's section in docs/benchmarks.md.</summary>
    public const string Heading = "## Recovery (issue 17)";

    /// <summary>The options, printed when they are wrong.</summary>
    public const string Usage = """
        usage: dotnet run -c Release --project Planner.Benchmarks -- recovery [options]
          --repeat N       measurements of each scenario, each on a fresh database (default 3)
          --lease S        the workers' Planner:Jobs:LeaseSeconds (default: the shipped 60 s; heartbeat 10 s)
          --before COMMIT  also measure the killed pull once with both workers built from COMMIT, for comparison
                           (ca77138: the last commit before issue 17's change)
          --write FILE     replace (or add) the "## Recovery (issue 17)" section of FILE
        PostgreSQL: a throwaway cluster from /usr/lib/postgresql/*/bin. With PLANNER_BENCH_POSTGRES set, the killed
        pull is measured on that server and the database restart is not: restarting a server this benchmark did not
        start would end every other session on it.
        """;

    /// <summary>How long a measurement waits for recovery before it gives up (the issue saw ten minutes).</summary>
    private static readonly TimeSpan GiveUp = TimeSpan.FromMinutes(20);

    /// <summary>The job settings a worker has unless told otherwise.</summary>
    private static readonly JobOptions Shipped = new();

    /// <summary>What <c>PullJobs.PullAsync</c> logs when it puts off the pull of a feed another worker holds.</summary>
    private const string PutOffLine = "Trying again in";

    /// <summary>A pull waiting on a lock at its last merge: the moment to kill its worker.</summary>
    private const string BlockedMergeSql = """
        SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'MERGE INTO stock_reports%'
        """;

    /// <summary>The first successful pull of production after the kill, in seconds from the kill.</summary>
    private const string NextPullSql = """
        SELECT EXTRACT(EPOCH FROM started_at - @since)::float8 AS Started,
               EXTRACT(EPOCH FROM finished_at - @since)::float8 AS Finished
        FROM pull_runs WHERE source = 'production' AND status = 'succeeded' AND started_at > @since
        ORDER BY started_at LIMIT 1
        """;

    /// <summary>The killed worker's pull run: its status, and the kind of error it ended with.</summary>
    private const string KilledRunSql = """
        SELECT status || COALESCE(' (' || split_part(error, ':', 1) || ')', '') FROM pull_runs
        WHERE source = 'production' AND started_at < @killedAt ORDER BY started_at DESC LIMIT 1
        """;

    /// <summary>A plan run request, its end in seconds from <c>@since</c>.</summary>
    private const string RunStateSql = """
        SELECT status AS Status, attempts::bigint AS Attempts,
               EXTRACT(EPOCH FROM finished_at - @since)::float8 AS Finished
        FROM run_requests WHERE id = @id
        """;

    /// <summary>The request's plan runs: the files each published, and how many hash to their sha256.</summary>
    private const string PlanRunsSql = """
        SELECT r.status, COUNT(w.id), COUNT(w.id) FILTER (WHERE encode(sha256(w.content), 'hex') = w.sha256)
        FROM plan_runs r LEFT JOIN published_workbooks w ON w.run_id = r.id
        WHERE r.request_id = @id GROUP BY r.id, r.status
        """;

    /// <summary>One killed pull, in seconds from the kill; null: not within <see cref="GiveUp"/>.</summary>
    private sealed record KilledPull(
        string Workers,
        double? LeaseLeft,
        int PutOff,
        double? PullStarted,
        double? PullFinished,
        double PlanQueued,
        double? PlanClaimed,
        double? PlanFinished,
        string PlanStatus,
        string KilledRun
    );

    /// <summary>One restart of the server while a plan run was solving, in seconds from the restart.</summary>
    private sealed record Restart(
        double RestartSeconds,
        double? ClaimedAgain,
        double? Finished,
        string Status,
        int Attempts,
        bool SameWorker,
        int Succeeded,
        int Failed,
        long Files,
        bool FilesIntact,
        int Reconnects
    );

    private sealed record PullTimes(double Started, double Finished);

    private sealed record RunState(string Status, long Attempts, double? Finished);

    /// <summary>Runs the benchmark and writes its report section; returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var (repeat, lease, before, write) = (3, (double?)null, (string?)null, (string?)null);
        new Options(Usage)
            .Int("--repeat", v => repeat = v)
            .Double("--lease", v => lease = v)
            .Text("--before", v => before = v)
            .Text("--write", v => write = v)
            .ParseOrThrow(args);
        var loadAtStart = LoadAverage();
        string[] settings = lease is { } seconds ? [Invariant($"--Planner:Jobs:LeaseSeconds={seconds}")] : [];
        var leaseSeconds = lease ?? Shipped.Lease.TotalSeconds;
        using var postgres = BenchmarkPostgres.Open();
        var (cluster, admin) = (postgres.Cluster, postgres.Admin);

        var (kills, old) = await KilledPullsAsync(admin, repeat, before, settings, leaseSeconds, log);
        var restarts = await RestartsAsync(cluster, repeat, settings, log);
        var md = Markdown(args, cluster is not null, leaseSeconds, (loadAtStart, LoadAverage()), kills, old, restarts);
        Section.Publish(md, Heading, write, output);
        var recovered =
            kills.All(k => k.PullStarted is not null && k.PlanStatus == "succeeded")
            && restarts.All(r => r.Status == "succeeded" && r.Succeeded == 1 && r.FilesIntact);
        return recovered ? 0 : 1;
    }

    /// <summary>The killed pull <paramref name="repeat"/> times, then once with the workers of
    /// <paramref name="before"/> if given.</summary>
    private static async Task<(List<KilledPull> Kills, KilledPull? Old)> KilledPullsAsync(
        string admin,
        int repeat,
        string? before,
        string[] settings,
        double leaseSeconds,
        TextWriter log
    )
    {
        // The other commit is built first, so that a build that fails stops the benchmark before it measures.
        var build = before is null ? null : await BuildAsync(before, log);
        var kills = new List<KilledPull>();
        KilledPull? old = null;
        try
        {
            for (var r = 1; r <= repeat; r++)
            {
                await log.WriteLineAsync($"[recovery] killed pull {r}/{repeat}");
                var api = AppContext.BaseDirectory;
                kills.Add(await KillMidPullAsync(admin, api, "this commit", settings, leaseSeconds, log));
                await log.WriteLineAsync($"[recovery] {kills[^1]}");
            }
            if (build is not null)
            {
                await log.WriteLineAsync($"[recovery] killed pull with the workers of {before}");
                var label = Report.Run("git", $"rev-parse --short {before}").Trim();
                var api = Path.Combine(build.FullName, "bin");
                old = await KillMidPullAsync(admin, api, label, settings, leaseSeconds, log);
                await log.WriteLineAsync($"[recovery] {old}");
            }
        }
        finally
        {
            build?.Delete(recursive: true);
        }
        return (kills, old);
    }

    /// <summary>The database restart <paramref name="repeat"/> times, on this benchmark's own cluster only.</summary>
    private static async Task<List<Restart>> RestartsAsync(
        ThrowawayPostgres? cluster,
        int repeat,
        string[] settings,
        TextWriter log
    )
    {
        var restarts = new List<Restart>();
        if (cluster is null)
        {
            await log.WriteLineAsync(
                $"[recovery] not restarting the server in {BenchmarkPostgres.Variable}: "
                    + "it is not this benchmark's own"
            );
        }
        for (var r = 1; cluster is not null && r <= repeat; r++)
        {
            await log.WriteLineAsync($"[recovery] database restart {r}/{repeat}");
            restarts.Add(await RestartMidRunAsync(cluster, settings, log));
            await log.WriteLineAsync($"[recovery] {restarts[^1]}");
        }
        return restarts;
    }

    /// <summary>
    /// Worker A's pull of production is held at its last merge by a lock and A is killed there, with B up; the lock
    /// is let go, a pull of the feed is queued and, once B has taken it, the daily plan. Times are read from the
    /// database where it has them.
    /// </summary>
    private static async Task<KilledPull> KillMidPullAsync(
        string admin,
        string api,
        string workers,
        IReadOnlyList<string> settings,
        double lease,
        TextWriter log
    )
    {
        await using var database = await ServerModeDatabase.CreateAsync(admin, "planner_recovery_kill");
        await ChangeEveryProductionRowAsync(database);
        await using var db = await database.Settings.Planner.OpenAsync();
        var client = new BackgroundJobClient(database.Storage);
        await using var blocker = await database.Settings.Planner.OpenAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        await blocker.ExecuteAsync("LOCK TABLE stock_reports IN EXCLUSIVE MODE", transaction: hold);
        // The pull job's own lines (a pull put off because the feed is held) are counted in B's output.
        string[] logged = [.. settings, "--Logging:LogLevel:Planner.Api.Sources.PullJobs=Information"];
        // A alone first, so that the pull is A's; B once A is stuck, so that B is up and idle when A dies.
        await using var a = WorkerProcess.Start(api, database, logged);
        client.Enqueue<PullJobs>(j => j.PullAsync(Feed.Production, CancellationToken.None));
        await WaitAsync(
            async () => await db.ExecuteScalarAsync<long>(BlockedMergeSql) > 0,
            "worker A's pull at its merge into stock_reports",
            a
        );
        await using var b = WorkerProcess.Start(api, database, logged);
        await database.WaitForServersAsync(2, [a, b]);

        a.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        await hold.RollbackAsync();
        // feed_claims is there before issue 17 too (the benchmark migrates), but only this commit's workers fill it.
        var heartbeatAge = await db.ExecuteScalarAsync<double?>(
            "SELECT EXTRACT(EPOCH FROM heartbeat_at - @killedAt)::float8 FROM feed_claims WHERE source = 'production'",
            new { killedAt }
        );
        var (id, planQueued) = await QueuePullThenPlanAsync(database, client, db, b, killedAt);
        var (pull, claimed, plan) = await WatchAfterKillAsync(db, b, id, killedAt, log);
        var killedRun = await db.ExecuteScalarAsync<string>(KilledRunSql, new { killedAt });
        var putOff = b.Output.Split('\n').Count(l => l.Contains(PutOffLine, StringComparison.Ordinal));
        return new KilledPull(
            workers,
            lease + heartbeatAge,
            putOff,
            pull?.Started,
            pull?.Finished,
            planQueued,
            claimed,
            plan.Finished,
            plan.Status,
            killedRun ?? "?"
        );
    }

    /// <summary>Every report and stock count changes at the source, so that the pull rewrites both tables.</summary>
    private static async Task ChangeEveryProductionRowAsync(ServerModeDatabase database)
    {
        await using var source = await database.Settings.Source(Feed.Production).Database.OpenAsync();
        foreach (var table in new[] { "daily_output", "stock_on_hand" })
        {
            await source.ExecuteAsync(
                $"UPDATE {table} SET quantity = quantity + 1, row_version = row_version + 1000000000"
            );
        }
    }

    /// <summary>
    /// What the pull schedule (or an operator) would ask for next; the plan run once B has taken that pull, so that
    /// it comes after the pull as in the issue (queued together, Hangfire.PostgreSql would hand B the plan first).
    /// Returns the run request and when it was queued, in seconds from the kill.
    /// </summary>
    private static async Task<(string Id, double Queued)> QueuePullThenPlanAsync(
        ServerModeDatabase database,
        BackgroundJobClient client,
        DbConnection db,
        WorkerProcess b,
        DateTimeOffset killedAt
    )
    {
        var pullJob = client.Enqueue<PullJobs>(j => j.PullAsync(Feed.Production, CancellationToken.None));
        await WaitAsync(
            () => Task.FromResult(StateOf(database.Storage, pullJob) != EnqueuedState.StateName),
            "worker B taking the pull",
            b
        );
        var id = await RunRequests.CreateAsync(db, "daily", new PlanRequest(), null, DateTimeOffset.UtcNow);
        RunJobs.Enqueue(client, id, "daily");
        return (id, (DateTimeOffset.UtcNow - killedAt).TotalSeconds);
    }

    /// <summary>Polls until the next pull has succeeded and the plan run has ended, or <see cref="GiveUp"/>; logs
    /// progress every minute.</summary>
    private static async Task<(PullTimes? Pull, double? Claimed, RunState Plan)> WatchAfterKillAsync(
        DbConnection db,
        WorkerProcess b,
        string id,
        DateTimeOffset killedAt,
        TextWriter log
    )
    {
        PullTimes? pull = null;
        double? claimed = null;
        RunState plan;
        var progress = Stopwatch.StartNew();
        while (true)
        {
            WorkerProcess.ThrowIfAnyExited([b]);
            pull ??= await db.QueryFirstOrDefaultAsync<PullTimes>(NextPullSql, new { since = killedAt });
            plan = await db.QuerySingleAsync<RunState>(RunStateSql, new { id, since = killedAt });
            var elapsed = (DateTimeOffset.UtcNow - killedAt).TotalSeconds;
            if (plan.Status != "queued")
                claimed ??= elapsed;
            if ((pull is not null && plan.Finished is not null) || elapsed > GiveUp.TotalSeconds)
                break;
            if (progress.Elapsed > TimeSpan.FromMinutes(1))
            {
                var pulled = pull is null ? "no pull yet" : "pulled";
                await log.WriteLineAsync(
                    Invariant($"[recovery] {elapsed:0} s after the kill: {pulled}, plan run {plan.Status}")
                );
                progress.Restart();
            }
            await Task.Delay(100);
        }
        return (pull, claimed, plan);
    }

    /// <summary>Both workers up, the daily plan solving on one, <c>pg_ctl restart -m fast</c>, until it ends.</summary>
    private static async Task<Restart> RestartMidRunAsync(
        ThrowawayPostgres cluster,
        IReadOnlyList<string> settings,
        TextWriter log
    )
    {
        await using var database = await ServerModeDatabase.CreateAsync(
            cluster.ConnectionString,
            "planner_recovery_restart"
        );
        await using var a = WorkerProcess.Start(AppContext.BaseDirectory, database, settings);
        await using var b = WorkerProcess.Start(AppContext.BaseDirectory, database, settings);
        await database.WaitForServersAsync(2, [a, b]);
        // A connection of its own each time: the restart breaks every pooled one.
        var unpooled = new NpgsqlConnectionStringBuilder(database.Settings.Planner.ConnectionString)
        {
            Pooling = false,
        }.ToString();
        var (id, solving) = await PlanUntilSolvingAsync(unpooled, database, a, b);

        var restartedAt = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        cluster.Restart();
        var restart = watch.Elapsed.TotalSeconds;
        await log.WriteLineAsync(Invariant($"[recovery] restarted in {restart:0.0} s"));

        RunState? state = null;
        double? claimedAgain = null;
        while (state?.Finished is null && watch.Elapsed < GiveUp)
        {
            WorkerProcess.ThrowIfAnyExited([a, b]);
            await Task.Delay(100);
            try
            {
                await using var db = new NpgsqlConnection(unpooled);
                await db.OpenAsync();
                state = await db.QuerySingleAsync<RunState>(RunStateSql, new { id, since = restartedAt });
                if (state.Attempts > solving.Attempts)
                    claimedAgain ??= watch.Elapsed.TotalSeconds;
            }
            catch (NpgsqlException)
            {
                // Still starting.
            }
        }
        return await RestartAsync(unpooled, id, solving.Worker, (restart, claimedAgain, state), a, b, log);
    }

    /// <summary>Queues the daily plan and waits until a worker is solving it; the request, and the worker and
    /// attempt count then.</summary>
    private static async Task<(string Id, (string? Worker, long Attempts) Solving)> PlanUntilSolvingAsync(
        string unpooled,
        ServerModeDatabase database,
        WorkerProcess a,
        WorkerProcess b
    )
    {
        await using var db = new NpgsqlConnection(unpooled);
        await db.OpenAsync();
        var id = await RunRequests.CreateAsync(db, "daily", new PlanRequest(), null, DateTimeOffset.UtcNow);
        RunJobs.Enqueue(new BackgroundJobClient(database.Storage), id, "daily");
        await WaitAsync(
            async () =>
                await db.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM plan_runs WHERE request_id = @id AND status = 'running'",
                    new { id }
                ) == 1,
            "a worker solving the plan run",
            a,
            b
        );
        var solving = await db.QuerySingleAsync<(string?, long)>(
            "SELECT worker, attempts::bigint FROM run_requests WHERE id = @id",
            new { id }
        );
        return (id, solving);
    }

    /// <summary>The restart's measurement: what the run ended as, its plan runs and files, the workers' reconnect
    /// lines (logged).</summary>
    private static async Task<Restart> RestartAsync(
        string unpooled,
        string id,
        string? solvingWorker,
        (double Seconds, double? ClaimedAgain, RunState? State) seen,
        WorkerProcess a,
        WorkerProcess b,
        TextWriter log
    )
    {
        var state = seen.State;
        await using var after = new NpgsqlConnection(unpooled);
        await after.OpenAsync();
        var worker = await after.ExecuteScalarAsync<string?>(
            "SELECT worker FROM run_requests WHERE id = @id",
            new { id }
        );
        var runs = (await after.QueryAsync<(string Status, long Files, long Intact)>(PlanRunsSql, new { id })).ToList();
        var succeeded = runs.Where(r => r.Status == "succeeded").ToList();
        var lost = (a.Output + b.Output)
            .Split('\n')
            .Where(l =>
                l.Contains("connection was lost", StringComparison.Ordinal)
                || l.Contains("heartbeat failed", StringComparison.Ordinal)
            )
            .ToList();
        foreach (var line in lost)
            await log.WriteLineAsync($"[recovery] worker: {line.Trim()}");
        return new Restart(
            seen.Seconds,
            seen.ClaimedAgain,
            state?.Finished,
            state?.Status ?? "?",
            (int)(state?.Attempts ?? 0),
            worker == solvingWorker,
            succeeded.Count,
            runs.Count(r => r.Status == "failed"),
            succeeded.Sum(r => r.Files),
            succeeded.Count == 1 && succeeded[0].Files > 0 && succeeded[0].Files == succeeded[0].Intact,
            lost.Count(l => l.Contains("the database connection was lost", StringComparison.Ordinal))
        );
    }

    /// <summary>Planner.Api of another commit (<c>git archive</c>), built into a temporary folder's bin.</summary>
    private static async Task<DirectoryInfo> BuildAsync(string commit, TextWriter log)
    {
        var folder = Directory.CreateTempSubdirectory("planner-recovery-before-");
        try
        {
            var archive = Path.Combine(folder.FullName, "source.tar");
            var source = Directory.CreateDirectory(Path.Combine(folder.FullName, "source")).FullName;
            Report.RunChecked("git", ["archive", "--format=tar", "-o", archive, commit]);
            Report.RunChecked("tar", ["-xf", archive, "-C", source]);
            await log.WriteLineAsync($"[recovery] building Planner.Api at {commit} (Release)");
            // No build servers left behind: this process started them.
            Report.RunChecked(
                "dotnet",
                [
                    "build",
                    Path.Combine(source, "Planner.Api", "Planner.Api.csproj"),
                    "-c",
                    "Release",
                    "-o",
                    Path.Combine(folder.FullName, "bin"),
                    "-nologo",
                    "-v",
                    "q",
                    "-nodeReuse:false",
                    "-p:UseSharedCompilation=false",
                ]
            );
            return folder;
        }
        catch
        {
            folder.Delete(recursive: true);
            throw;
        }
    }

    private static string? StateOf(JobStorage storage, string jobId)
    {
        using var connection = storage.GetConnection();
        return connection.GetStateData(jobId)?.Name;
    }

    /// <summary>Polls a fact until it holds; a worker that exits, or three minutes, end the measurement.</summary>
    private static async Task WaitAsync(Func<Task<bool>> condition, string what, params WorkerProcess[] workers)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            WorkerProcess.ThrowIfAnyExited(workers);
            if (deadline.Elapsed > TimeSpan.FromMinutes(3))
            {
                var output = string.Join("\n---\n", workers.Select(w => w.Output));
                throw new TimeoutException($"Waited 3 minutes for {what}. Worker output:\n{output}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The 1-minute load average: other processes on the machine compete for its cores.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static string Markdown(
        IReadOnlyList<string> args,
        bool ownCluster,
        double lease,
        (string Start, string End) load,
        IReadOnlyList<KilledPull> kills,
        KilledPull? old,
        IReadOnlyList<Restart> restarts
    )
    {
        var leaseSet = lease == Shipped.Lease.TotalSeconds ? "" : Invariant($" the lease ({lease:0} s, `--lease`) and");
        var server = ownCluster
            ? "a throwaway local cluster, fsync and synchronous commit off"
            : $"the server in {BenchmarkPostgres.Variable}";
        var md = new StringBuilder();
        md.Append(Heading).Append("\n\n");
        md.Append(
            Paragraph(
                Invariant(
                    $"""
                    Measured {DateTime.UtcNow:yyyy-MM-dd} (UTC) on {Report.Machine()}; .NET {Environment.Version},
                    Release build of commit {Section.Commit(untracked: false)}. Load average (1 minute,
                    `/proc/loadavg`): {load.Start} at the start, {load.End} at the end, on {Environment.ProcessorCount}
                    cores; above the core count, other processes were competing for them, which lengthens the plan runs,
                    not the waits that the lease and the polling set.
                    """
                )
            )
        );
        md.Append("```sh\n").Append(Section.Command("recovery", args)).Append("\n```\n\n");
        md.Append(
            Paragraph(
                Invariant(
                    $"""
                    Server mode, two worker processes (`Planner.Api worker`) on a fresh PostgreSQL database per
                    measurement ({server}), migrated, the sample sources seeded and pulled. Job settings are the shipped
                    defaults (lease {Shipped.Lease.TotalSeconds:0} s, heartbeat {Shipped.Heartbeat.TotalSeconds:0} s,
                    Hangfire's invisibility timeout {Shipped.InvisibilityTimeout.TotalMinutes:0} min, queues and
                    schedules polled every {Shipped.PollInterval.TotalSeconds:0} s, {Shipped.WorkerCount} Hangfire
                    worker per process), except{leaseSet} the recurring jobs, off so that no pull or plan fires in the
                    middle of a measurement.
                    """
                )
            )
        );
        KilledPulls(md, kills, old);
        Restarts(md, ownCluster, restarts);
        return md.ToString();
    }

    private static void KilledPulls(StringBuilder md, IReadOnlyList<KilledPull> kills, KilledPull? old)
    {
        md.Append("### A worker killed mid-pull\n\n");
        md.Append(
            Paragraph(
                """
                Every production row is changed at the source, so that the pull rewrites its tables. Another session
                holds `LOCK TABLE stock_reports IN EXCLUSIVE MODE`; worker A is started and a production pull queued;
                when A's pull waits at its last merge (`MERGE INTO stock_reports`, waiting on a lock in
                `pg_stat_activity`), worker B is started, and once it is registered A is killed (SIGKILL) and the lock
                let go. Right after the kill a pull of production is queued (as the next firing of the pull schedule, or
                an operator, would); once B has taken it (its Hangfire state no longer `Enqueued`), the daily plan (14
                days, every workbook), so that the plan comes after the pull as in the issue. Queued together, the plan
                would go first: Hangfire.PostgreSql hands out queued jobs by queue name (`ORDER BY fetchedat NULLS
                FIRST, queue, jobid`), `plans` before `pulls`, whatever order `Planner:Jobs:Queues` gives. Times are
                seconds from the kill, read from the database (`pull_runs.started_at` and `finished_at` of the first
                successful production pull after the kill; `run_requests.finished_at`), except 'plan queued' and 'plan
                claimed', on the benchmark's own clock (it polls every 0.1 s). 'Lease left' is how long A's claim on the
                feed still ran at the kill (A's last heartbeat plus the lease): no other worker may pull the feed before
                then. 'Put off' counts B's log lines saying that the feed is held and when the pull will be tried again.
                """
            )
        );
        md.Append("| measurement | workers | lease left s | put off | next pull starts s | next pull ends s ")
            .Append("| plan queued s | plan claimed s | plan succeeded s | plan | killed pull run |\n")
            .Append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (var i = 0; i < kills.Count; i++)
            KillRow(md, (i + 1).ToString(CultureInfo.InvariantCulture), kills[i]);
        if (kills.Count > 1)
        {
            md.Append(
                Invariant($"| **median** | | {Median(kills.Select(k => k.LeaseLeft))} | ")
                    + Invariant($"| **{Median(kills.Select(k => k.PullStarted))}** ")
                    + Invariant($"| {Median(kills.Select(k => k.PullFinished))} ")
                    + Invariant($"| {Median(kills.Select(k => (double?)k.PlanQueued))} ")
                    + Invariant($"| {Median(kills.Select(k => k.PlanClaimed))} ")
                    + Invariant($"| **{Median(kills.Select(k => k.PlanFinished))}** | | |\n")
            );
        }
        if (old is not null)
            KillRow(md, "before issue 17", old);
        md.Append('\n');
        AfterTheKills(md, kills);
        BeforeIssue17(md, old);
    }

    /// <summary>What the measurements show: how long B put the pull off, and what the plan run waited for.</summary>
    private static void AfterTheKills(StringBuilder md, IReadOnlyList<KilledPull> kills)
    {
        var pulled = kills.Where(k => k.PullStarted is not null && k.LeaseLeft is not null).ToList();
        if (pulled.Count > 0)
        {
            var putOff = pulled.Count(k => k.PutOff > 0);
            var afterLease = pulled.Select(k => k.PullStarted!.Value - k.LeaseLeft!.Value).ToList();
            // The plan run delayed the pull if it was still running when A's lease ran out.
            var delayed = pulled.Count(k => k.PlanFinished > k.LeaseLeft);
            var poll = Shipped.PollInterval.TotalSeconds;
            var polls = 2 * poll;
            var howOften =
                putOff == pulled.Count ? "each time" : Invariant($"in {putOff} of {pulled.Count} measurements");
            var waited =
                delayed > 0
                    ? Invariant(
                        $": the rest of the wait, in the {delayed} of {pulled.Count} measurements where the plan "
                    ) + "run was still running when A's lease ran out"
                    : "; here the plan run had succeeded before A's lease ran out each time";
            md.Append(
                Paragraph(
                    Invariant(
                        $"""
                        B put the queued pull off {howOften}: the feed was held by A, so the pull was scheduled again
                        for when A's lease ends, plus 1 s, and B was free for the plan run meanwhile. The next pull
                        started {Range(afterLease)} s after A's lease ran out. Hangfire's schedule poll and B's queue
                        poll ({poll:0} s each) account for up to {polls:0} s of that. B has one Hangfire worker (a plan
                        run keeps both cores busy), so a pull that falls due while B is planning waits for the plan to
                        finish{waited}. So the next pull comes once what is left of A's lease and B's current plan run
                        are over, plus the polls.
                        """
                    )
                )
            );
            md.Append(
                Paragraph(
                    """
                    The plan run does not wait for the lease: its own pull of production finds the feed held, and it
                    plans with the production data already held (pulled minutes before, within the freshness limit).
                    From 'plan queued' to 'plan claimed' is B's queue poll; the rest is one plan run on this machine
                    under the load above.
                    """
                )
            );
        }
    }

    /// <summary>The killed pull before issue 17: measured with <c>--before</c>, or what the issue reported.</summary>
    private static void BeforeIssue17(StringBuilder md, KilledPull? old)
    {
        if (old is null)
        {
            md.Append(
                Paragraph(
                    """
                    Before issue 17 (not measured here; `--before ca77138` does), pull jobs were kept apart by
                    Hangfire's `DisableConcurrentExecution(timeoutInSeconds: 300)`: a killed worker's lock outlives it,
                    B's pull job waits on it up to 300 s holding B's only worker (the plan run queued behind it waits as
                    long), then fails and is retried; the issue reported 5–10 minutes to the next pull and 5 minutes for
                    the queued plan.
                    """
                )
            );
            return;
        }
        var pullThen = old.PullStarted is null
            ? Invariant($"No pull succeeded within {GiveUp.TotalMinutes:0} minutes")
            : Invariant($"The next pull started after {old.PullStarted / 60:0.0} minutes")
                + (
                    old.PullStarted > old.PlanClaimed && old.PullStarted < old.PlanFinished
                        ? " (during the plan run: its own pull of production, which takes no Hangfire lock)"
                        : ""
                );
        var planThen = old.PlanFinished is null
            ? Invariant($"had not finished within {GiveUp.TotalMinutes:0} minutes")
            : Invariant($"succeeded after {old.PlanFinished / 60:0.0} minutes");
        md.Append(
            Paragraph(
                $"""
                'Before issue 17' is the same measurement once, with both workers built from commit {old.Workers}
                (before the per-feed claim), where pull jobs were kept apart by Hangfire's
                `DisableConcurrentExecution(timeoutInSeconds: 300)`: B's pull job waits on the lock the dead worker
                still holds, keeping B's only worker busy, so the plan run queued behind it waits too. {pullThen}, and
                the plan run {planThen} (the issue reported 5–10 minutes to the next pull and 5 minutes for the queued
                plan).
                """
            )
        );
    }

    private static void Restarts(StringBuilder md, bool ownCluster, IReadOnlyList<Restart> restarts)
    {
        md.Append("### A database restart mid-run\n\n");
        if (!ownCluster)
        {
            md.Append(
                Paragraph(
                    $"""
                    Not measured: the server in {BenchmarkPostgres.Variable} is not this benchmark's own, and restarting
                    it would end every other session on it. Unset the variable to measure on a throwaway cluster.
                    """
                )
            );
            return;
        }
        md.Append(
            Paragraph(
                """
                Both workers up, the daily plan queued (14 days, every workbook); once a worker is solving it (its
                `plan_runs` row `running`), `pg_ctl restart -m fast` on the cluster: every session is ended and open
                transactions roll back. 'Restart' is `pg_ctl`'s wall time (it returns when the server accepts
                connections again). Times after it run from just before `pg_ctl` starts: 'claimed again' when the
                benchmark first saw the run's attempt count go up (polled every 0.1 s once the server answers),
                'succeeded' at `run_requests.finished_at`. 'Attempts' counts claims of the run (an in-process start-over
                claims it again); 'reconnects', the workers' log lines saying the connection was lost and the run starts
                again; 'plan runs', the request's `plan_runs` rows that succeeded and failed; 'files', the succeeded
                run's published files, 'intact' when there is exactly one succeeded run and each of its files hashes to
                its recorded sha256.
                """
            )
        );
        md.Append("| measurement | restart s | claimed again s | succeeded s | status | attempts | same worker ")
            .Append("| reconnects | plan runs succeeded / failed | files | intact |\n")
            .Append("|---|---:|---:|---:|---|---:|---|---:|---|---:|---|\n");
        for (var i = 0; i < restarts.Count; i++)
        {
            var r = restarts[i];
            md.Append(
                Invariant($"| {i + 1} | {r.RestartSeconds:0.0} | {Seconds(r.ClaimedAgain)} ")
                    + Invariant($"| {Seconds(r.Finished)} ")
                    + Invariant($"| {r.Status} | {r.Attempts} | {(r.SameWorker ? "yes" : "no")} | {r.Reconnects} ")
                    + Invariant($"| {r.Succeeded} / {r.Failed} | {r.Files} | {(r.FilesIntact ? "yes" : "**no**")} |\n")
            );
        }
        if (restarts.Count > 1)
        {
            md.Append(
                Invariant($"| **median** | {Median(restarts.Select(r => (double?)r.RestartSeconds))} ")
                    + Invariant($"| {Median(restarts.Select(r => r.ClaimedAgain))} ")
                    + Invariant($"| **{Median(restarts.Select(r => r.Finished))}** ")
                    + "| | | | | | | |\n"
            );
        }
        StartedOver(md, restarts);
    }

    /// <summary>How the worker that was solving started the run over, where it did.</summary>
    private static void StartedOver(StringBuilder md, IReadOnlyList<Restart> restarts)
    {
        var again = restarts
            .Where(r => r.ClaimedAgain is not null && r.SameWorker)
            .Select(r => r.ClaimedAgain!.Value)
            .ToList();
        if (again.Count > 0)
        {
            md.Append('\n')
                .Append(
                    Paragraph(
                        Invariant(
                            $"""
                            In {again.Count} of {restarts.Count} measurements the worker that was solving started the
                            run over in-process. It finds its connection gone when the run next uses it (the run holds
                            one connection from reading its inputs to publishing its results; solving and writing the
                            workbooks do not touch the database), clears Npgsql's pools, gives the run back and claims
                            it again after 1 s (then 3 s and 10 s while the server is not back): {Range(again)} s
                            after the restart began, that is, the rest of the solve and the workbooks, plus that second.
                            The rest of 'succeeded' is the whole run done again (pulls, care plan, solve, the workbooks)
                            under the load above: what the first attempt had done is not kept.
                            """
                        )
                    )
                );
        }
    }

    private static void KillRow(StringBuilder md, string label, KilledPull k) =>
        md.Append(
            Invariant($"| {label} | {k.Workers} | {Seconds(k.LeaseLeft)} | {k.PutOff} ")
                + Invariant($"| {Seconds(k.PullStarted)} | {Seconds(k.PullFinished)} ")
                + Invariant($"| {Seconds(k.PlanQueued)} | {Seconds(k.PlanClaimed)} ")
                + Invariant($"| {Seconds(k.PlanFinished)} | {k.PlanStatus} | {k.KilledRun} |\n")
        );

    /// <summary>Prose written over several source lines, as one Markdown paragraph.</summary>
    private static string Paragraph(string text) =>
        string.Join(' ', text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        + "\n\n";

    /// <summary>"12.3" for one value, "12.3–15.0" for several.</summary>
    private static string Range(List<double> values)
    {
        var (low, high) = (Seconds(values.Min()), Seconds(values.Max()));
        return low == high ? low : $"{low}–{high}";
    }

    private static string Seconds(double? s) => s is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "–";

    private static string Median(IEnumerable<double?> values)
    {
        var known = values.OfType<double>().Order().ToList();
        if (known.Count == 0)
            return "–";
        var middle = known.Count / 2;
        return Seconds(known.Count % 2 == 1 ? known[middle] : (known[middle - 1] + known[middle]) / 2);
    }
}
