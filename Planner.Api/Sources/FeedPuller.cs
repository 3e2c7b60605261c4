using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Dapper;
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

    private const string RejectSql = """
        INSERT INTO rejected_rows (id, pull_run_id, row_key, reason, payload) VALUES (@id, @pull_run_id, @row_key, @reason, @payload)
        """;

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
                var rows = await ReadAsync(sourceConnection, table, query, watermark, ct);
                foreach (var values in rows)
                {
                    var row = new SourceRow(values);
                    read++;
                    var mapped = table.Map(row, known);
                    newWatermark = Math.Max(newWatermark, SafeVersion(row));
                    if (row.Problems.Count > 0)
                    {
                        rejected++;
                        await connection.ExecuteAsync(RejectSql, new
                        {
                            id = Guid.NewGuid().ToString("N"),
                            pull_run_id = runId,
                            row_key = $"{table.Name}: {table.Key(row)}",
                            reason = string.Join("; ", row.Problems),
                            payload = row.Payload(),
                        }, tx);
                        continue;
                    }
                    var parameters = new DynamicParameters(mapped);
                    parameters.Add("pull_run_id", runId);
                    changed += await connection.ExecuteAsync(new CommandDefinition(table.Upsert, parameters, tx, cancellationToken: ct));
                }
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

    private static long SafeVersion(SourceRow row)
    {
        try { return row.RowVersion; }
        catch (FormatException) { return 0; }
        catch (InvalidCastException) { return 0; }
    }

    private static async Task<List<IDictionary<string, object?>>> ReadAsync(DbConnection source, FeedTable table, string query, long watermark, CancellationToken ct)
    {
        try
        {
            var rows = await source.QueryAsync(new CommandDefinition(query, new { watermark }, cancellationToken: ct));
            return rows.Select(r => (IDictionary<string, object?>)r).ToList();
        }
        catch (DbException e)
        {
            throw new PlannerException($"The {table.Name} query failed: {Database.FirstLine(e.Message)}", e);
        }
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

    private sealed record FinishRow(string id, DateTimeOffset finished_at, string status, long rows_read, long rows_changed, long rows_rejected, string watermark, string? error);
}
