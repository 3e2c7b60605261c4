using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Planner.Api.Storage;

/// <summary>
/// A database Planner talks to (its own, or one of the source feeds): which provider, and how to reach it.
/// All SQL goes through Dapper; the few dialect differences live here.
/// </summary>
public sealed record Database(DatabaseProvider Provider, string ConnectionString)
{
    static Database() => DapperSetup.Ensure();

    public static Database Sqlite(string path) =>
        new(DatabaseProvider.Sqlite, new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());

    public static Database Postgres(string connectionString) => new(DatabaseProvider.Postgres, connectionString);

    /// <summary>Opens a connection; failures become one-line messages naming the database.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        DbConnection connection = Provider == DatabaseProvider.Sqlite
            ? new SqliteConnection(ConnectionString)
            : new NpgsqlConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            if (connection is SqliteConnection)
            {
                // WAL lets readers (downloads) run while a plan run writes; foreign keys are off by default in SQLite.
                await connection.ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;");
            }
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or SqliteException or ArgumentException or InvalidOperationException)
        {
            await connection.DisposeAsync();
            throw new PlannerException($"Cannot open the {Describe()}: {FirstLine(e.Message)}", e);
        }
    }

    /// <summary>
    /// After a connection-level failure on PostgreSQL (the server restarted or went away), every idle connection in
    /// Npgsql's pool is as dead as the one that failed, but the pool hands them out one by one, each to fail once:
    /// a run retried on them fails again. At the first such failure the pools are cleared, so the next attempt
    /// connects afresh. Returns whether <paramref name="e"/> was such a failure.
    /// </summary>
    public static bool ForgetBrokenConnections(Exception e)
    {
        if (!IsConnectionLost(e)) return false;
        NpgsqlConnection.ClearAllPools();
        return true;
    }

    /// <summary>Whether <paramref name="e"/> (or an exception inside it) says the connection to PostgreSQL was lost.</summary>
    public static bool IsConnectionLost(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                // 57P01-57P03: the server shut down or is starting; class 08: connection exceptions.
                case PostgresException p when p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState.StartsWith("08", StringComparison.Ordinal):
                    return true;
                case PostgresException:
                    return false;
                case NpgsqlException { IsTransient: true }:
                case NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException }:
                    return true;
            }
        }
        return false;
    }

    /// <summary>"SQLite database data/local/planner.db" or "PostgreSQL database planner on 127.0.0.1:5432".</summary>
    public string Describe()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            return $"SQLite database {new SqliteConnectionStringBuilder(ConnectionString).DataSource}";
        }
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL database {b.Database ?? b.Username} on {b.Host}:{b.Port}";
    }

    /// <summary>
    /// A temporary table for bulk writes, shaped like <paramref name="select"/> (a select list over
    /// <paramref name="from"/>) and empty; it lives until the transaction ends (<see cref="DropStagingTableAsync"/>
    /// after use: SQLite has no ON COMMIT DROP).
    /// </summary>
    public static Task CreateStagingTableAsync(DbConnection connection, DbTransaction transaction, string name, string select, string from) =>
        connection.ExecuteAsync(connection is NpgsqlConnection
            ? $"CREATE TEMP TABLE {name} ON COMMIT DROP AS SELECT {select} FROM {from} WITH NO DATA"
            : $"CREATE TEMP TABLE {name} AS SELECT {select} FROM {from} WHERE false", transaction: transaction);

    /// <summary>Drops a staging table on SQLite; PostgreSQL drops it at commit.</summary>
    public static async Task DropStagingTableAsync(DbConnection connection, DbTransaction transaction, string name)
    {
        if (connection is SqliteConnection) await connection.ExecuteAsync($"DROP TABLE temp.{name}", transaction: transaction);
    }

    /// <summary>
    /// Inserts many rows fast: binary-safe text COPY on PostgreSQL, one prepared statement in the caller's
    /// transaction on SQLite. Values are written in column order; null becomes SQL NULL.
    /// </summary>
    public async Task BulkInsertAsync(DbConnection connection, DbTransaction transaction, string table,
        IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken ct = default)
    {
        var columnList = string.Join(", ", columns);
        if (connection is NpgsqlConnection pg)
        {
            await using var writer = await pg.BeginTextImportAsync($"COPY {table} ({columnList}) FROM STDIN", ct);
            // Rows are collected into blocks of about 64 KB: one write per row cost as much as formatting it.
            var block = new StringBuilder(1 << 16);
            foreach (var row in rows)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    if (i > 0) block.Append('\t');
                    AppendCopyValue(block, row[i]);
                }
                block.Append('\n');
                if (block.Length < 1 << 16) continue;
                await writer.WriteAsync(block, ct);
                block.Clear();
            }
            if (block.Length > 0) await writer.WriteAsync(block, ct);
            return;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {table} ({columnList}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
        var parameters = columns.Select((_, i) =>
        {
            var p = command.CreateParameter();
            p.ParameterName = "$p" + i.ToString(CultureInfo.InvariantCulture);
            command.Parameters.Add(p);
            return p;
        }).ToArray();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                parameters[i].Value = ToSqliteValue(row[i]);
            }
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    internal static object ToSqliteValue(object? value) => value switch
    {
        null => DBNull.Value,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        bool b => b ? 1 : 0,
        _ => value,
    };

    private static void AppendCopyValue(StringBuilder line, object? value)
    {
        var text = value switch
        {
            null => null,
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            bool b => b ? "1" : "0",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        if (text is null)
        {
            line.Append("\\N");
            return;
        }
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': line.Append("\\\\"); break;
                case '\t': line.Append("\\t"); break;
                case '\n': line.Append("\\n"); break;
                case '\r': line.Append("\\r"); break;
                default: line.Append(c); break;
            }
        }
    }

    internal static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
