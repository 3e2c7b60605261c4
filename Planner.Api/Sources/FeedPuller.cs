using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using Planner.Api.Storage;

namespace Planner.Api.Sources;

/// <summary>Where a feed lives and, optionally, the queries that replace the defaults for its tables.</summary>
public sealed record FeedSource(Feed Feed, Database Database, IReadOnlyDictionary<string, string> Queries);

/// <summary>What one pull did.</summary>
public sealed record PullRun(string Id, Feed Feed, string Status, long RowsRead, long RowsChanged, long RowsRejected, long Watermark, TimeSpan Duration, string? Error);

/// <summary>
/// Pulls a feed into the planner database through Dapper: rows above the last watermark, checked one by one,
/// upserted so that pulling twice changes nothing, rejected rows kept with their reasons. All or nothing:
/// a failure rolls the data back, keeps what was held before, and marks the pull run failed.
/// </summary>
public sealed class FeedPuller(Database planner, TimeProvider clock)
{
    private const string LastWatermarkSql = """
        SELECT watermark FROM pull_runs
        WHERE source = @source AND status = 'succeeded'
        ORDER BY started_at DESC, id DESC LIMIT 1
        """;

    private const string StartRunSql = """
        INSERT INTO pull_runs (id, source, started_at, status) VALUES (@id, @source, @started_at, 'running')
        """;

    private const string FinishRunSql = """
        UPDATE pull_runs SET finished_at = @finished_at, status = @status, rows_read = @rows_read, rows_changed = @rows_changed,
            rows_rejected = @rows_rejected, watermark = @watermark, error = @error
        WHERE id = @id
        """;

    private static readonly string[] RejectedColumns = ["id", "pull_run_id", "row_key", "reason", "payload"];

    /// <summary>Pulls one feed in one transaction and records the pull run; a failure keeps the data held before.</summary>
    public async Task<PullRun> PullAsync(FeedSource source, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        var name = source.Feed.ToString().ToLowerInvariant();
        await using var connection = await planner.OpenAsync(ct);
        // Time and sequence number, not a random id: the same pulls at the same time give the same ids (and plans).
        var sequence = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM pull_runs WHERE source = @source", new { source = name }) + 1;
        var runId = $"pull-{name}-{clock.GetUtcNow():yyyyMMddHHmmss}-{sequence}";
        var previous = await connection.ExecuteScalarAsync<string?>(LastWatermarkSql, new { source = name });
        var watermark = previous is null ? 0 : long.Parse(previous, CultureInfo.InvariantCulture);
        await connection.ExecuteAsync(StartRunSql, new { id = runId, source = name, started_at = clock.GetUtcNow() });

        long read = 0, changed = 0, rejected = 0, newWatermark = watermark;
        try
        {
            await using var sourceConnection = await source.Database.OpenAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var known = await KnownCodesAsync(connection, tx);
            foreach (var table in Feeds.Tables(source.Feed))
            {
                var query = source.Queries.GetValueOrDefault(table.Name) ?? table.DefaultQuery;
                var batch = await ReadAsync(sourceConnection, table, query, watermark, known, runId, ct);
                read += batch.Read;
                rejected += batch.Rejected.Count;
                newWatermark = Math.Max(newWatermark, batch.Watermark);
                if (batch.Rejected.Count > 0) await planner.BulkInsertAsync(connection, tx, "rejected_rows", RejectedColumns, batch.Rejected, ct);
                changed += connection is NpgsqlConnection
                    ? await UpsertPostgresAsync(connection, tx, table, batch.Rows, runId, ct)
                    : await UpsertSqliteAsync((SqliteConnection)connection, (SqliteTransaction)tx, table, batch.Rows, runId, ct);
            }
            await connection.ExecuteAsync(FinishRunSql, Finish("succeeded", null), tx);
            await tx.CommitAsync(ct);
            return new PullRun(runId, source.Feed, "succeeded", read, changed, rejected, newWatermark, watch.Elapsed, null);
        }
        catch (Exception e) when (e is PlannerException or DbException)
        {
            // The transaction is gone; record the failure on its own so the data held before stays as it was.
            var message = e is PlannerException ? e.Message : $"Pulling {name} failed: {Database.FirstLine(e.Message)}";
            await connection.ExecuteAsync(FinishRunSql, Finish("failed", message) with { rows_changed = 0, watermark = watermark.ToString(CultureInfo.InvariantCulture) });
            throw new PlannerException(message, e);
        }

        FinishRow Finish(string status, string? error) => new(runId, clock.GetUtcNow(), status, read, changed, rejected,
            newWatermark.ToString(CultureInfo.InvariantCulture), error);
    }

    /// <summary>
    /// Reads the table's rows above the watermark through Dapper (unbuffered) and checks each one: rejected rows
    /// with their reasons, valid rows as values in <see cref="FeedTable.Columns"/> order, one per key.
    /// </summary>
    private static async Task<Batch> ReadAsync(DbConnection source, FeedTable table, string query, long watermark, KnownCodes known, string runId, CancellationToken ct)
    {
        var batch = new Batch(table.Keys.Length);
        try
        {
            await foreach (IDictionary<string, object?> values in source.QueryUnbufferedAsync(query, new { watermark }).WithCancellation(ct))
            {
                var row = new SourceRow(values);
                batch.Read++;
                var mapped = table.Map(row, known);
                var version = SafeVersion(row);
                batch.Watermark = Math.Max(batch.Watermark, version);
                if (row.Problems.Count > 0)
                {
                    batch.Rejected.Add([Guid.NewGuid().ToString("N"), runId, $"{table.Name}: {table.Describe(row)}", string.Join("; ", row.Problems), row.Payload()]);
                    continue;
                }
                batch.Add(mapped, version);
            }
        }
        catch (DbException e)
        {
            throw new PlannerException($"The {table.Name} query failed: {Database.FirstLine(e.Message)}", e);
        }
        return batch;
    }

    private static long SafeVersion(SourceRow row)
    {
        try { return row.RowVersion; }
        catch (FormatException) { return 0; }
        catch (InvalidCastException) { return 0; }
    }

    /// <summary>
    /// The upsert that changes a held row only when a compared value differs (so its count is the rows really
    /// changed); <paramref name="rows"/> is a VALUES list or a SELECT giving the columns and then the pull run id.
    /// </summary>
    private static string UpsertSql(FeedTable table, string rows)
    {
        var stamp = table.StampsPullRun ? ", pull_run_id" : "";
        var set = string.Join(", ", table.Values.Select(c => $"{c} = excluded.{c}")) + (table.StampsPullRun ? ", pull_run_id = excluded.pull_run_id" : "");
        var differs = string.Join(" OR ", table.Values.Select(c => $"{table.Target}.{c} IS DISTINCT FROM excluded.{c}"));
        return $"""
            INSERT INTO {table.Target} ({string.Join(", ", table.Columns)}{stamp})
            {rows}
            ON CONFLICT ({string.Join(", ", table.Keys)}) DO UPDATE SET {set}
            WHERE {differs}
            """;
    }

    /// <summary>
    /// PostgreSQL: COPY the rows into a staging table shaped like the target (dropped at commit), then one upsert from it.
    /// </summary>
    private async Task<long> UpsertPostgresAsync(DbConnection connection, DbTransaction tx, FeedTable table, List<object?[]> rows, string runId, CancellationToken ct)
    {
        if (rows.Count == 0) return 0;
        var staging = $"pull_{table.Target}";
        var columns = string.Join(", ", table.Columns);
        await connection.ExecuteAsync($"CREATE TEMP TABLE {staging} ON COMMIT DROP AS SELECT {columns} FROM {table.Target} WITH NO DATA", transaction: tx);
        await planner.BulkInsertAsync(connection, tx, staging, table.Columns, rows, ct);
        var stamp = table.StampsPullRun ? ", @pull_run_id" : "";
        var sql = UpsertSql(table, $"SELECT {columns}{stamp} FROM {staging}");
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { pull_run_id = runId }, tx, cancellationToken: ct));
    }

    /// <summary>SQLite: one prepared upsert, executed once per row inside the transaction.</summary>
    private static async Task<long> UpsertSqliteAsync(SqliteConnection connection, SqliteTransaction tx, FeedTable table, List<object?[]> rows, string runId, CancellationToken ct)
    {
        if (rows.Count == 0) return 0;
        var names = table.Columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        if (table.StampsPullRun) names.Add("$pull_run_id");
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = UpsertSql(table, $"VALUES ({string.Join(", ", names)})");
        var parameters = names.Select(n => command.Parameters.AddWithValue(n, DBNull.Value)).ToArray();
        if (table.StampsPullRun) parameters[^1].Value = runId;
        command.Prepare();
        long changed = 0;
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            for (var i = 0; i < row.Length; i++)
            {
                parameters[i].Value = Database.ToSqliteValue(row[i]);
            }
            changed += command.ExecuteNonQuery();
        }
        return changed;
    }

    private static async Task<KnownCodes> KnownCodesAsync(DbConnection connection, DbTransaction tx)
    {
        async Task<HashSet<string>> Codes(string sql) => (await connection.QueryAsync<string>(sql, transaction: tx)).ToHashSet(StringComparer.Ordinal);
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

    /// <summary>What one table's read gave: valid rows (the latest version of each key), rejected rows, counts.</summary>
    private sealed class Batch(int keyCount)
    {
        private readonly Dictionary<object?[], int> _index = new(new KeyComparer(keyCount));
        private readonly List<long> _versions = [];

        public List<object?[]> Rows { get; } = [];
        public List<object?[]> Rejected { get; } = [];
        public long Read { get; set; }
        public long Watermark { get; set; }

        /// <summary>Adds a valid row; a key seen before keeps the row with the highest row_version, so an upsert never meets a key twice.</summary>
        public void Add(object?[] values, long version)
        {
            if (_index.TryGetValue(values, out var i))
            {
                if (version >= _versions[i])
                {
                    Rows[i] = values;
                    _versions[i] = version;
                }
                return;
            }
            _index.Add(values, Rows.Count);
            Rows.Add(values);
            _versions.Add(version);
        }
    }

    /// <summary>Compares rows by their leading key values.</summary>
    private sealed class KeyComparer(int keyCount) : IEqualityComparer<object?[]>
    {
        public bool Equals(object?[]? x, object?[]? y)
        {
            if (x is null || y is null) return ReferenceEquals(x, y);
            for (var i = 0; i < keyCount; i++)
            {
                if (!object.Equals(x[i], y[i])) return false;
            }
            return true;
        }

        public int GetHashCode(object?[] values)
        {
            var hash = new HashCode();
            for (var i = 0; i < keyCount; i++) hash.Add(values[i]);
            return hash.ToHashCode();
        }
    }

    private sealed record FinishRow(string id, DateTimeOffset finished_at, string status, long rows_read, long rows_changed, long rows_rejected, string watermark, string? error);
}
