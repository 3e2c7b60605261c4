using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Npgsql;
using Planner.Api.Localization;

namespace Planner.Api.Sources;

/// <summary>What one pull did.</summary>
public sealed record PullRun(
    string Id,
    Feed Feed,
    string Status,
    long RowsRead,
    long RowsChanged,
    long RowsRejected,
    long Watermark,
    TimeSpan Duration,
    string? Error
);

/// <summary>
/// Pulls a feed into the planner database through Dapper: rows above the last watermark, checked one by one,
/// upserted so that pulling twice changes nothing, rejected rows kept with their reasons. All or nothing:
/// a failure rolls the data back, keeps what was held before, and marks the pull run failed.
/// </summary>
public sealed class FeedPuller(Database planner, TimeProvider clock, PullLease? lease = null, string? worker = null)
{
    /// <summary>This process, as <c>feed_claims.worker</c> names it.</summary>
    private readonly string _worker = worker ?? $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Rows read and checked before they are handed to the writer; the next chunk is read while this one is
    /// written.</summary>
    private const int ChunkRows = 10_000;

    private const string LastWatermarkSql = """
        SELECT watermark FROM pull_runs
        WHERE source = @source AND status = 'succeeded'
        ORDER BY started_at DESC, id DESC LIMIT 1
        """;

    private const string StartRunSql = """
        INSERT INTO pull_runs (id, source, started_at, status) VALUES (@id, @source, @started_at, 'running')
        """;

    private const string FinishRunSql = """
        UPDATE pull_runs SET finished_at = @finished_at, status = @status, rows_read = @rows_read,
            rows_changed = @rows_changed, rows_rejected = @rows_rejected, watermark = @watermark, error = @error
        WHERE id = @id
        """;

    private static readonly string[] RejectedColumns = ["id", "pull_run_id", "row_key", "reason", "payload"];

    /// <summary>Pulls one feed in one transaction and records the pull run; a failure keeps the data held
    /// before.</summary>
    public async Task<PullRun> PullAsync(FeedSource source, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        var name = source.Feed.ToString().ToLowerInvariant();
        await using var connection = await planner.OpenAsync(ct);
        await using var claim = await FeedClaim.TakeAsync(
            planner,
            connection,
            clock,
            name,
            _worker,
            lease ?? PullLease.Default,
            ct
        );
        var (runId, watermark) = await StartRunAsync(connection, name);
        var totals = new Totals(watermark);
        try
        {
            await using var sourceConnection = await source.Database.OpenAsync(ct);
            // SQLite checks foreign keys row by row; the puller checks every code against the same tables in the same
            // transaction, so its own connection skips them (the pragma only takes effect outside a transaction).
            await SetSqliteForeignKeysAsync(connection, false);
            try
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await LockFeedAsync(connection, tx, name);
                var known = await KnownCodesAsync(connection, tx);
                foreach (var table in Feeds.Tables(source.Feed))
                {
                    var query = source.Queries.GetValueOrDefault(table.Name) ?? table.DefaultQuery;
                    var read = new TableRead(sourceConnection, table, query, watermark, known, runId);
                    totals.Add(await PullTableAsync(connection, tx, read, ct));
                }
                await connection.ExecuteAsync(
                    FinishRunSql,
                    totals.Finish(runId, clock.GetUtcNow(), "succeeded", null),
                    tx
                );
                await claim.FenceAsync(connection, tx, runId);
                await tx.CommitAsync(ct);
            }
            finally
            {
                await SetSqliteForeignKeysAsync(connection, true);
            }
            return totals.Succeeded(runId, source.Feed, watch.Elapsed);
        }
        catch (Exception e) when (e is PlannerException or DbException)
        {
            var message =
                e is PlannerException ? e.Message : Messages.Get("PullFailed", name, Database.FirstLine(e.Message));
            await RecordFailureAsync(connection, totals.Failed(runId, clock.GetUtcNow(), message));
            Database.ForgetBrokenConnections(e);
            throw new PlannerException(message, e);
        }
    }

    /// <summary>Records the pull run as running; returns its id and the watermark of the feed's last good
    /// pull.</summary>
    private async Task<(string RunId, long Watermark)> StartRunAsync(DbConnection connection, string name)
    {
        // Time and sequence number, not a random id: the same pulls at the same time give the same ids (and plans).
        var sequence =
            await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM pull_runs WHERE source = @source",
                new { source = name }
            ) + 1;
        var runId = $"pull-{name}-{clock.GetUtcNow():yyyyMMddHHmmss}-{sequence}";
        var previous = await connection.ExecuteScalarAsync<string?>(LastWatermarkSql, new { source = name });
        var watermark = previous is null ? 0 : long.Parse(previous, CultureInfo.InvariantCulture);
        await connection.ExecuteAsync(
            StartRunSql,
            new
            {
                id = runId,
                source = name,
                started_at = clock.GetUtcNow(),
            }
        );
        return (runId, watermark);
    }

    private static async Task LockFeedAsync(DbConnection connection, DbTransaction tx, string name)
    {
        if (connection is not NpgsqlConnection)
            return;
        // The claim keeps other pulls of the feed out; this lock is for the one case it cannot cover, a holder stalled
        // past its lease while its transaction is still open: the claim's next holder waits here rather than racing
        // its inserts (MERGE, unlike ON CONFLICT, would then fail on the key). A killed holder's server session ends
        // with its connection, and the lock with it.
        await connection.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtext(@key))",
            new { key = "planner-pull-" + name },
            tx
        );
        // The MERGE's join may hold the 100,000 staged rows in memory (about 10 MB): more than the default 4 MB.
        await connection.ExecuteAsync("SET LOCAL work_mem = '64MB'", transaction: tx);
    }

    /// <summary>
    /// Records a failed pull on its own, the transaction being gone, so that the data held before stays as it was. If
    /// the database itself is away, that fails too: the next claimant marks the run abandoned.
    /// </summary>
    private static async Task RecordFailureAsync(DbConnection connection, FinishRow failed)
    {
        try
        {
            await connection.ExecuteAsync(FinishRunSql, failed);
        }
        catch (DbException lost) when (Database.ForgetBrokenConnections(lost)) { }
    }

    /// <summary>
    /// Pulls one table: the rows are read and checked in chunks while another thread writes the previous chunk
    /// (so reading and writing overlap). SQLite upserts each row as it comes. PostgreSQL copies the rows into a
    /// staging table and moves them into the target with one upsert at the end, except into an empty target (a
    /// source's first load): there every row is new, so they are copied straight into it while the next chunk is
    /// read. A key read twice, another writer reaching the table first, or others holding it past a short lock
    /// timeout send it back to the staged path.
    /// </summary>
    private async Task<Batch> PullTableAsync(
        DbConnection connection,
        DbTransaction tx,
        TableRead read,
        CancellationToken ct
    )
    {
        if (
            connection is NpgsqlConnection pg
            && await IsEmptyAsync(pg, tx, read.Table.Target)
            && await FirstLoadAsync(pg, tx, read, ct) is { } loaded
        )
            return loaded;
        if (connection is SqliteConnection sqlite)
            return await UpsertEachAsync(sqlite, tx, read, ct);
        return await StageAndMergeAsync(connection, tx, read, ct);
    }

    /// <summary>Copies the rows straight into the empty target (<see cref="LoadEmptyTableAsync"/>); null, with the
    /// copy undone, when only the staged path can load it.</summary>
    private async Task<Batch?> FirstLoadAsync(
        NpgsqlConnection connection,
        DbTransaction tx,
        TableRead read,
        CancellationToken ct
    )
    {
        var table = read.Table;
        await tx.SaveAsync("first_load", ct);
        try
        {
            string[] columns = table.StampsPullRun ? [.. table.Columns, "pull_run_id"] : table.Columns;
            Func<object>? stamp = table.StampsPullRun ? () => read.RunId : null;
            var loaded = await ReadAndWriteAsync(
                read,
                stopAtDuplicate: true,
                chunks => LoadEmptyTableAsync(connection, tx, table.Target, columns, stamp, chunks, ct),
                ct
            );
            // Later writes of the pull would otherwise run in the savepoint's subtransaction.
            await tx.ReleaseAsync("first_load", ct);
            await InsertRejectedAsync(connection, tx, loaded, ct);
            loaded.Changed = loaded.Staged;
            return loaded;
        }
        catch (FirstLoadAbandonedException)
        {
            // Undoes the copy, puts the indexes back and releases the lock; the staged path reads the rows again.
            await tx.RollbackAsync("first_load", ct);
            return null;
        }
    }

    /// <summary>SQLite: upserts each row as it is read.</summary>
    private async Task<Batch> UpsertEachAsync(
        SqliteConnection connection,
        DbTransaction tx,
        TableRead read,
        CancellationToken ct
    )
    {
        var table = read.Table;
        var values = $"VALUES ({BulkWriter.Placeholders(table.Columns.Length + (table.StampsPullRun ? 1 : 0))})";
        var upsert = UpsertSql(table, values);
        object?[] stamp = table.StampsPullRun ? [read.RunId] : [];
        var changed = new List<object?[]>();
        var upserted = await ReadAndWriteAsync(
            read,
            stopAtDuplicate: false,
            chunks =>
                BulkWriter.StepAsync(
                    connection,
                    upsert,
                    table.Columns.Length,
                    stamp,
                    chunks.ReadAllAsync(ct),
                    changed.Add,
                    ct
                ),
            ct
        );
        await InsertRejectedAsync(connection, tx, upserted, ct);
        // A key changed by two of the rows read is one row changed (also if the second put back what the first
        // replaced).
        upserted.Changed = upserted.Duplicates
            ? changed.Distinct(new KeyComparer(table.Keys.Length)).Count()
            : changed.Count;
        return upserted;
    }

    /// <summary>PostgreSQL: copies the rows into a staging table, then moves them into the target with one
    /// upsert.</summary>
    private async Task<Batch> StageAndMergeAsync(
        DbConnection connection,
        DbTransaction tx,
        TableRead read,
        CancellationToken ct
    )
    {
        var table = read.Table;
        var staging = $"pull_{table.Target}";
        await Database.CreateStagingTableAsync(
            connection,
            tx,
            staging,
            $"{string.Join(", ", table.Columns)}, CAST(0 AS bigint) AS seq",
            table.Target
        );
        long seq = 0;
        var batch = await ReadAndWriteAsync(
            read,
            stopAtDuplicate: false,
            chunks =>
                BulkWriter.CopyAsync(
                    (NpgsqlConnection)connection,
                    staging,
                    [.. table.Columns, "seq"],
                    chunks.ReadAllAsync(ct),
                    () => ++seq,
                    ct
                ),
            ct
        );
        await InsertRejectedAsync(connection, tx, batch, ct);
        if (batch.Duplicates)
        {
            // A key read more than once keeps its last staged row (rows with a lower row_version were never staged).
            var sameKey = string.Join(" AND ", table.Keys.Select(k => $"later.{k} = {staging}.{k}"));
            await connection.ExecuteAsync(
                $"DELETE FROM {staging} WHERE EXISTS (SELECT 1 FROM {staging} later WHERE {sameKey} AND later.seq > "
                    + $"{staging}.seq)",
                transaction: tx
            );
        }
        var upsert = connection is NpgsqlConnection { PostgreSqlVersion.Major: >= 15 }
            ? MergeSql(table, staging)
            : UpsertSql(
                table,
                $"SELECT {string.Join(", ", table.Columns)}{(table.StampsPullRun ? ", @pull_run_id" : "")} FROM "
                    + $"{staging} WHERE true"
            );
        batch.Changed = await connection.ExecuteAsync(
            new CommandDefinition(upsert, new { pull_run_id = read.RunId }, tx, cancellationToken: ct)
        );
        return batch;
    }

    /// <summary>How long a first load waits for others to leave the empty table before it takes the staged
    /// path.</summary>
    private const string FirstLoadLockTimeout = "2s";

    private static Task<bool> IsEmptyAsync(NpgsqlConnection connection, DbTransaction tx, string table) =>
        connection.ExecuteScalarAsync<bool>($"SELECT NOT EXISTS (SELECT 1 FROM {table})", transaction: tx);

    /// <summary>
    /// Copies the rows straight into an empty table (a source's first load: every row is new) while the next chunk
    /// is read, with the table's indexes dropped during the copy and built again over the rows loaded: 100,000
    /// production reports copied into the empty table in 0.6-0.7 s with its primary key and in 0.08 s without it,
    /// and the key was then built in 0.16 s (psql, this machine). Once a row has arrived the table is locked, so that
    /// nothing reads or writes it without its indexes (a pull with nothing to load takes no lock), and its emptiness
    /// is checked again under the lock.
    /// </summary>
    private static async Task LoadEmptyTableAsync(
        NpgsqlConnection connection,
        DbTransaction tx,
        string table,
        string[] columns,
        Func<object>? trailing,
        ChannelReader<List<object?[]>> chunks,
        CancellationToken ct
    )
    {
        if (!await chunks.WaitToReadAsync(ct))
            return;
        try
        {
            // A lock waited for holds up every later reader of the table: past the timeout the merge, which lets
            // readers be, does the load instead.
            await connection.ExecuteAsync(
                $"SET LOCAL lock_timeout = '{FirstLoadLockTimeout}'; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE; "
                    + $"RESET lock_timeout",
                transaction: tx
            );
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            throw new FirstLoadAbandonedException();
        }
        if (!await IsEmptyAsync(connection, tx, table))
            throw new FirstLoadAbandonedException();
        var indexes = (await connection.QueryAsync<DeferredIndex>(DeferredIndexesSql, new { table }, tx)).AsList();
        foreach (var index in indexes)
            await connection.ExecuteAsync(index.DropSql, transaction: tx);
        await BulkWriter.CopyAsync(connection, table, columns, chunks.ReadAllAsync(ct), trailing, ct);
        foreach (var index in indexes)
            await connection.ExecuteAsync(
                new CommandDefinition(index.CreateSql, transaction: tx, cancellationToken: ct)
            );
    }

    /// <summary>
    /// The indexes of a table, with the statements that drop each and make it again, except those a foreign key
    /// refers to (they cannot go while the foreign key stays).
    /// </summary>
    private const string DeferredIndexesSql = """
        SELECT CASE WHEN con.oid IS NULL THEN 'DROP INDEX ' || i.indexrelid::regclass
                    ELSE 'ALTER TABLE ' || i.indrelid::regclass || ' DROP CONSTRAINT ' || quote_ident(con.conname) END
                    AS drop_sql,
               CASE WHEN con.oid IS NULL THEN pg_get_indexdef(i.indexrelid)
                    ELSE 'ALTER TABLE ' || i.indrelid::regclass || ' ADD CONSTRAINT ' || quote_ident(con.conname) || ' '
                    || pg_get_constraintdef(con.oid) END AS create_sql
        FROM pg_index i
        LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
        AND con.contype IN ('p', 'u', 'x')
        WHERE i.indrelid = CAST(@table AS regclass)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint fk WHERE fk.contype = 'f' AND fk.conindid = i.indexrelid)
        ORDER BY i.indexrelid
        """;

    private sealed record DeferredIndex(string DropSql, string CreateSql);

    /// <summary>One table to read in a pull: from the source, by the query, the rows above the watermark, checked
    /// against the codes known; rejected rows are kept under the pull run.</summary>
    private sealed record TableRead(
        DbConnection Source,
        FeedTable Table,
        string Query,
        long Watermark,
        KnownCodes Known,
        string RunId
    );

    /// <summary>Reads the table (<see cref="ReadAsync"/>) while <paramref name="write"/> writes the chunks read on
    /// another thread.</summary>
    private static async Task<Batch> ReadAndWriteAsync(
        TableRead read,
        bool stopAtDuplicate,
        Func<ChannelReader<List<object?[]>>, Task> write,
        CancellationToken ct
    )
    {
        var chunks = Channel.CreateBounded<List<object?[]>>(2);
        var writing = Task.Run(
            async () =>
            {
                try
                {
                    await write(chunks.Reader);
                }
                finally
                {
                    // A failed write closes the channel, so the reader stops at its next chunk.
                    chunks.Writer.TryComplete();
                }
            },
            ct
        );
        try
        {
            return await ReadAsync(read, stopAtDuplicate, chunks.Writer, ct);
        }
        finally
        {
            // If the writer failed, the reader stopped on the closed channel and awaiting the writer throws why.
            chunks.Writer.TryComplete();
            await writing;
        }
    }

    private async Task InsertRejectedAsync(DbConnection connection, DbTransaction tx, Batch batch, CancellationToken ct)
    {
        if (batch.Rejected.Count > 0)
            await planner.BulkInsertAsync(connection, tx, "rejected_rows", RejectedColumns, batch.Rejected, ct);
    }

    /// <summary>
    /// Reads the table's rows above the watermark through Dapper (unbuffered) and checks each one: rejected rows
    /// are kept with their reasons, valid rows go to <paramref name="chunks"/> in chunks of <see cref="ChunkRows"/>,
    /// as values in <see cref="FeedTable.Columns"/> order.
    /// </summary>
    private static async Task<Batch> ReadAsync(
        TableRead read,
        bool stopAtDuplicate,
        ChannelWriter<List<object?[]>> chunks,
        CancellationToken ct
    )
    {
        var (source, table, query, watermark, known, runId) = read;
        var batch = new Batch(table.Keys.Length);
        var chunk = new List<object?[]>(ChunkRows);
        try
        {
            await foreach (
                IDictionary<string, object?> values in source
                    .QueryUnbufferedAsync(query, new { watermark })
                    .WithCancellation(ct)
            )
            {
                var row = new SourceRow(values);
                batch.Read++;
                var mapped = table.Map(row, known);
                var version = SafeVersion(row);
                batch.Watermark = Math.Max(batch.Watermark, version);
                if (row.Problems.Count > 0)
                {
                    batch.Rejected.Add([
                        Guid.NewGuid().ToString("N"),
                        runId,
                        $"{table.Name}: {table.Describe(row)}",
                        string.Join("; ", row.Problems),
                        row.Payload(),
                    ]);
                    continue;
                }
                if (!batch.IsLatest(mapped, version))
                    continue;
                if (stopAtDuplicate && batch.Duplicates)
                    throw new FirstLoadAbandonedException();
                chunk.Add(mapped);
                batch.Staged++;
                if (chunk.Count == ChunkRows)
                {
                    await chunks.WriteAsync(chunk, ct);
                    chunk = new List<object?[]>(ChunkRows);
                }
            }
        }
        catch (DbException e)
        {
            throw new PlannerException(Messages.Get("QueryFailed", table.Name, Database.FirstLine(e.Message)), e);
        }
        if (chunk.Count > 0)
            await chunks.WriteAsync(chunk, ct);
        return batch;
    }

    private static long SafeVersion(SourceRow row)
    {
        try
        {
            return row.RowVersion;
        }
        catch (FormatException)
        {
            return 0;
        }
        catch (InvalidCastException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The upsert of <paramref name="rows"/> (a VALUES list or a SELECT of the columns, then the pull run if stamped)
    /// that changes a held row only when a compared value differs, so that its count is the rows really changed.
    /// </summary>
    private static string UpsertSql(FeedTable table, string rows)
    {
        var stamp = table.StampsPullRun ? ", pull_run_id" : "";
        var set =
            string.Join(", ", table.Values.Select(c => $"{c} = excluded.{c}"))
            + (table.StampsPullRun ? ", pull_run_id = excluded.pull_run_id" : "");
        var differs = string.Join(
            " OR ",
            table.Values.Select(c => $"{table.Target}.{c} IS DISTINCT FROM excluded.{c}")
        );
        return $"""
            INSERT INTO {table.Target} ({string.Join(", ", table.Columns)}{stamp})
            {rows}
            ON CONFLICT ({string.Join(", ", table.Keys)}) DO UPDATE SET {set}
            WHERE {differs}
            """;
    }

    /// <summary>
    /// The same upsert as a MERGE (PostgreSQL 15 and later): it joins the staging table to the target instead of
    /// trying each row's insertion first (half the time or less for 100,000 rows here; docs/benchmarks.md). The
    /// staged rows are not sorted first: sorting them by key took 0.2 s of the 100,000 rows' merge and led the
    /// planner to an index probe per row when the target is full (a re-pull merged in 0.45-0.6 s instead of
    /// 0.25-0.35 s). The staging table holds each key once, and the advisory lock keeps other pulls of the feed
    /// out, so no row is matched or inserted twice.
    /// </summary>
    private static string MergeSql(FeedTable table, string staging)
    {
        var stamp = table.StampsPullRun ? ", pull_run_id" : "";
        var set =
            string.Join(", ", table.Values.Select(c => $"{c} = s.{c}"))
            + (table.StampsPullRun ? ", pull_run_id = @pull_run_id" : "");
        var differs = string.Join(" OR ", table.Values.Select(c => $"t.{c} IS DISTINCT FROM s.{c}"));
        return $"""
            MERGE INTO {table.Target} t
            USING {staging} s ON {string.Join(" AND ", table.Keys.Select(k => $"t.{k} = s.{k}"))}
            WHEN MATCHED AND ({differs}) THEN UPDATE SET {set}
            WHEN NOT MATCHED THEN INSERT ({string.Join(", ", table.Columns)}{stamp}) VALUES ({string.Join(
                ", ",
                table.Columns.Select(c => "s." + c)
            )}{(table.StampsPullRun ? ", @pull_run_id" : "")})
            """;
    }

    private static async Task SetSqliteForeignKeysAsync(DbConnection connection, bool on)
    {
        if (connection is not SqliteConnection)
            return;
        // Also, for this connection only: a page cache that holds the table being pulled (64 MB instead of 2 MB).
        await connection.ExecuteAsync(
            on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -65536"
        );
    }

    private static async Task<KnownCodes> KnownCodesAsync(DbConnection connection, DbTransaction tx)
    {
        async Task<HashSet<string>> Codes(string sql) =>
            (await connection.QueryAsync<string>(sql, transaction: tx)).ToHashSet(StringComparer.Ordinal);
        return new KnownCodes
        {
            Counties = await Codes("SELECT code FROM regions WHERE level = 'county'"),
            Cities = await Codes("SELECT code FROM regions WHERE level = 'city'"),
            Sites = await Codes("SELECT code FROM regions WHERE level = 'external'"),
            Products = await Codes("SELECT code FROM products"),
            Suppliers = await Codes("SELECT code FROM suppliers"),
            Hospitals = await Codes("SELECT code FROM hospitals"),
            Teams = await Codes("SELECT code FROM medical_teams"),
        };
    }

    /// <summary>What the pull's tables gave so far: counts and the highest row_version read.</summary>
    private sealed class Totals(long watermark)
    {
        private readonly long _previousWatermark = watermark;

        public long Read { get; private set; }
        public long Changed { get; private set; }
        public long Rejected { get; private set; }
        public long Watermark { get; private set; } = watermark;

        public void Add(Batch batch)
        {
            Read += batch.Read;
            Rejected += batch.Rejected.Count;
            Watermark = Math.Max(Watermark, batch.Watermark);
            Changed += batch.Changed;
        }

        /// <summary>The pull run's row in <c>pull_runs</c> as it ends.</summary>
        public FinishRow Finish(string id, DateTimeOffset at, string status, string? error) =>
            new(id, at, status, Read, Changed, Rejected, Watermark.ToString(CultureInfo.InvariantCulture), error);

        /// <summary>A failed pull run's row: it changed nothing and keeps the watermark it started from.</summary>
        public FinishRow Failed(string id, DateTimeOffset at, string error) =>
            Finish(id, at, "failed", error) with
            {
                rows_changed = 0,
                watermark = _previousWatermark.ToString(CultureInfo.InvariantCulture),
            };

        public PullRun Succeeded(string id, Feed feed, TimeSpan duration) =>
            new(id, feed, "succeeded", Read, Changed, Rejected, Watermark, duration, null);
    }

    /// <summary>What one table's pull gave: counts, rejected rows, and whether a key was read more than once.</summary>
    private sealed class Batch(int keyCount)
    {
        private readonly Dictionary<object?[], long> _versions = new(new KeyComparer(keyCount));

        public List<object?[]> Rejected { get; } = [];
        public long Read { get; set; }
        public long Changed { get; set; }

        /// <summary>Valid rows handed to the writer (the latest of their key when read).</summary>
        public long Staged { get; set; }
        public long Watermark { get; set; }
        public bool Duplicates { get; private set; }

        /// <summary>
        /// Whether a valid row is the latest of its key read so far (a key read again keeps the highest row_version,
        /// the later row on a tie), so that the upsert never meets a key twice once older rows are dropped.
        /// </summary>
        public bool IsLatest(object?[] values, long version)
        {
            ref var held = ref CollectionsMarshal.GetValueRefOrAddDefault(_versions, values, out var exists);
            if (exists)
            {
                if (version < held)
                    return false;
                Duplicates = true;
            }
            held = version;
            return true;
        }
    }

    /// <summary>Compares rows by their leading key values.</summary>
    private sealed class KeyComparer(int keyCount) : IEqualityComparer<object?[]>
    {
        public bool Equals(object?[]? x, object?[]? y)
        {
            if (x is null || y is null)
                return ReferenceEquals(x, y);
            for (var i = 0; i < keyCount; i++)
            {
                if (!object.Equals(x[i], y[i]))
                    return false;
            }
            return true;
        }

        public int GetHashCode(object?[] values)
        {
            var hash = new HashCode();
            for (var i = 0; i < keyCount; i++)
                hash.Add(values[i]);
            return hash.ToHashCode();
        }
    }

    /// <summary>
    /// A first load that only the staged path can do: a key was read twice (only the merge keeps its latest row),
    /// the table was written by another transaction before the lock, or others held the table past the lock timeout.
    /// </summary>
    private sealed class FirstLoadAbandonedException : Exception;

    private sealed record FinishRow(
        string id,
        DateTimeOffset finished_at,
        string status,
        long rows_read,
        long rows_changed,
        long rows_rejected,
        string watermark,
        string? error
    );
}
