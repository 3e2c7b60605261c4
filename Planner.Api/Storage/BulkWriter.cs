using Microsoft.Data.Sqlite;
using Npgsql;
using SQLitePCL;

namespace Planner.Api.Storage;

/// <summary>
/// Writes many rows fast, one way per database: binary COPY on PostgreSQL (about 600,000 rows a second here), and on
/// SQLite one statement prepared once and stepped per row through SQLite's own API (ADO.NET's per-row overhead was
/// the slowest part of a pull). Values are written in column order; null is SQL NULL.
/// </summary>
public static class BulkWriter
{
    /// <summary>
    /// Copies the rows into <paramref name="table"/>'s <paramref name="columns"/>, each value converted to its column's
    /// type; with <paramref name="trailing"/>, the last column's value of every row comes from it.
    /// </summary>
    public static async Task CopyAsync(
        NpgsqlConnection connection,
        string table,
        IReadOnlyList<string> columns,
        IAsyncEnumerable<IReadOnlyList<object?[]>> chunks,
        Func<object>? trailing,
        CancellationToken ct
    )
    {
        var types = await ColumnTypesAsync(connection, table, columns, ct);
        await foreach (var chunk in chunks.WithCancellation(ct))
        {
            await using var importer = await connection.BeginBinaryImportAsync(
                $"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)",
                ct
            );
            foreach (var row in chunk)
            {
                await importer.StartRowAsync(ct);
                for (var i = 0; i < row.Length; i++)
                {
                    if (row[i] is { } value)
                        await importer.WriteAsync(Converted(value, types[i]), types[i], ct);
                    else
                        await importer.WriteNullAsync(ct);
                }
                if (trailing is not null)
                    await importer.WriteAsync(trailing(), types[^1], ct);
            }
            await importer.CompleteAsync(ct);
        }
    }

    /// <summary>
    /// Runs <paramref name="sql"/> (an INSERT or an upsert with the parameters <c>?1</c>, <c>?2</c>…) once per row of
    /// <paramref name="columns"/> values, the <paramref name="tail"/> values bound once after them;
    /// <paramref name="changed"/> is told of every row that changed the table.
    /// </summary>
    public static async Task StepAsync(
        SqliteConnection connection,
        string sql,
        int columns,
        object?[] tail,
        IAsyncEnumerable<IReadOnlyList<object?[]>> chunks,
        Action<object?[]>? changed,
        CancellationToken ct
    )
    {
        var db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(db, sql, out var statement));
        using (statement)
        {
            for (var i = 0; i < tail.Length; i++)
                Check(Bind(statement, columns + i + 1, tail[i]));
            await foreach (var chunk in chunks.WithCancellation(ct))
            {
                foreach (var row in chunk)
                {
                    for (var i = 0; i < columns; i++)
                        Check(Bind(statement, i + 1, row[i]));
                    var done = raw.sqlite3_step(statement);
                    // Reset before checking, so that a failed statement gives its error and can be finalized.
                    raw.sqlite3_reset(statement);
                    if (done != raw.SQLITE_DONE)
                        Check(done);
                    if (changed is not null && raw.sqlite3_changes(db) > 0)
                        changed(row);
                }
            }
        }

        void Check(int rc)
        {
            if (rc != raw.SQLITE_OK)
                SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    /// <summary>The rows as one chunk, for writers that have them all at hand.</summary>
    public static async IAsyncEnumerable<IReadOnlyList<object?[]>> OneChunk(IEnumerable<object?[]> rows)
    {
        await Task.CompletedTask;
        yield return rows as IReadOnlyList<object?[]> ?? rows.ToList();
    }

    /// <summary>The SQL placeholders <c>?1, ?2, …</c> for <paramref name="count"/> values.</summary>
    public static string Placeholders(int count) =>
        string.Join(", ", Enumerable.Range(1, count).Select(i => "?" + i.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Binds a value as the planner's SQLite tables hold it (<see cref="Database.ToSqliteValue"/>).</summary>
    private static int Bind(sqlite3_stmt statement, int index, object? value) =>
        Database.ToSqliteValue(value) switch
        {
            DBNull => raw.sqlite3_bind_null(statement, index),
            string s => raw.sqlite3_bind_text16(statement, index, s),
            long l => raw.sqlite3_bind_int64(statement, index, l),
            int i => raw.sqlite3_bind_int64(statement, index, i),
            double d => raw.sqlite3_bind_double(statement, index, d),
            byte[] b => raw.sqlite3_bind_blob(statement, index, b),
            var other => throw new InvalidOperationException($"Cannot bind a {other.GetType().Name} to SQLite."),
        };

    /// <summary>PostgreSQL's type of each column, as binary COPY needs it.</summary>
    private static async Task<string[]> ColumnTypesAsync(
        NpgsqlConnection connection,
        string table,
        IReadOnlyList<string> columns,
        CancellationToken ct
    )
    {
        await using var command = new NpgsqlCommand($"SELECT {string.Join(", ", columns)} FROM {table}", connection);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SchemaOnly, ct);
        return Enumerable.Range(0, columns.Count).Select(reader.GetDataTypeName).ToArray();
    }

    /// <summary>Binary COPY takes exactly the column's type; text COPY used to convert numbers and booleans on the
    /// way.</summary>
    private static object Converted(object value, string type) =>
        type switch
        {
            "integer" when value is not int => Convert.ToInt32(value, CultureInfo.InvariantCulture),
            "bigint" when value is not long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
            "smallint" when value is not short => Convert.ToInt16(value, CultureInfo.InvariantCulture),
            "double precision" when value is not double => Convert.ToDouble(value, CultureInfo.InvariantCulture),
            "boolean" when value is not bool => Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0,
            "text" when value is not string => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            _ => value,
        };
}
