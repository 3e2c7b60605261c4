using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Planner.Api.Localization;

namespace Planner.Api.Storage;

/// <summary>
/// A database Planner talks to (its own, or one of the source feeds): which provider, and how to reach it.
/// All SQL goes through Dapper; the few dialect differences live here.
/// </summary>
public sealed record Database(DatabaseProvider Provider, string ConnectionString)
{
    static Database() => DapperSetup.Ensure();

    public static Database Sqlite(string path) =>
        new(
            DatabaseProvider.Sqlite,
            new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()
        );

    public static Database Postgres(string connectionString) => new(DatabaseProvider.Postgres, connectionString);

    /// <summary>Opens a connection; failures become one-line messages naming the database.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        DbConnection connection =
            Provider == DatabaseProvider.Sqlite
                ? new SqliteConnection(ConnectionString)
                : new NpgsqlConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            if (connection is SqliteConnection)
            {
                // WAL lets readers (downloads) run while a plan run writes; foreign keys are off by default in SQLite.
                await connection.ExecuteAsync(
                    "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;"
                );
            }
            return connection;
        }
        catch (Exception e)
            when (e is NpgsqlException or SqliteException or ArgumentException or InvalidOperationException)
        {
            await connection.DisposeAsync();
            throw new PlannerException(Messages.Get("CannotOpen", Describe(), FirstLine(e.Message)), e);
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
        if (!IsConnectionLost(e))
            return false;
        NpgsqlConnection.ClearAllPools();
        return true;
    }

    /// <summary>Whether <paramref name="e"/> (or an exception inside it) says the connection to PostgreSQL was
    /// lost.</summary>
    public static bool IsConnectionLost(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                // 57P01-57P03: the server shut down or is starting; class 08: connection exceptions.
                case PostgresException p
                    when p.SqlState.StartsWith("57P", StringComparison.Ordinal)
                        || p.SqlState.StartsWith("08", StringComparison.Ordinal):
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
            return Messages.Get("DatabaseSqlite", new SqliteConnectionStringBuilder(ConnectionString).DataSource);
        }
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        return Messages.Get("DatabasePostgres", b.Database ?? b.Username ?? "", b.Host ?? "", b.Port);
    }

    /// <summary>
    /// A temporary table for bulk writes, shaped like <paramref name="select"/> (a select list over
    /// <paramref name="from"/>) and empty; it lives until the transaction ends (<see cref="DropStagingTableAsync"/>
    /// after use: SQLite has no ON COMMIT DROP).
    /// </summary>
    public static Task CreateStagingTableAsync(
        DbConnection connection,
        DbTransaction transaction,
        string name,
        string select,
        string from
    ) =>
        connection.ExecuteAsync(
            connection is NpgsqlConnection
                ? $"CREATE TEMP TABLE {name} ON COMMIT DROP AS SELECT {select} FROM {from} WITH NO DATA"
                : $"CREATE TEMP TABLE {name} AS SELECT {select} FROM {from} WHERE false",
            transaction: transaction
        );

    /// <summary>Drops a staging table on SQLite; PostgreSQL drops it at commit.</summary>
    public static async Task DropStagingTableAsync(DbConnection connection, DbTransaction transaction, string name)
    {
        if (connection is SqliteConnection)
            await connection.ExecuteAsync($"DROP TABLE temp.{name}", transaction: transaction);
    }

    /// <summary>Inserts many rows fast in the caller's transaction (<see cref="BulkWriter"/>).</summary>
    public Task BulkInsertAsync(
        DbConnection connection,
        DbTransaction transaction,
        string table,
        IReadOnlyList<string> columns,
        IEnumerable<object?[]> rows,
        CancellationToken ct = default
    ) =>
        connection switch
        {
            NpgsqlConnection pg => BulkWriter.CopyAsync(pg, table, columns, BulkWriter.OneChunk(rows), null, ct),
            SqliteConnection sqlite => BulkWriter.StepAsync(
                sqlite,
                $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({BulkWriter.Placeholders(columns.Count)})",
                columns.Count,
                [],
                BulkWriter.OneChunk(rows),
                null,
                ct
            ),
            _ => throw new NotSupportedException(connection.GetType().Name),
        };

    internal static object ToSqliteValue(object? value) =>
        value switch
        {
            null => DBNull.Value,
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTimeOffset t => t.UtcDateTime.ToString(
                "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'",
                CultureInfo.InvariantCulture
            ),
            bool b => b ? 1 : 0,
            _ => value,
        };

    internal static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
