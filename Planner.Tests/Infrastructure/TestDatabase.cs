using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Planner.Tests.Infrastructure;

/// <summary>
/// An empty database of one provider, owned by one test: a SQLite file in a fresh temp directory, or a
/// freshly created database on the shared PostgreSQL server (<see cref="PostgresServer"/>). Disposing it
/// drops the database and deletes <see cref="Directory"/>.
/// </summary>
/// <remarks>
/// Without a PostgreSQL server, PostgreSQL tests are skipped locally but fail when <c>CI=true</c>,
/// so a CI run can never pass by silently skipping them.
/// </remarks>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? postgresDatabaseName;
    private readonly string? postgresAdminConnectionString;
    private int disposed;

    private TestDatabase(
        DatabaseProvider provider,
        string connectionString,
        string directory,
        string? postgresDatabaseName = null,
        string? postgresAdminConnectionString = null
    )
    {
        Provider = provider;
        ConnectionString = connectionString;
        Directory = directory;
        this.postgresDatabaseName = postgresDatabaseName;
        this.postgresAdminConnectionString = postgresAdminConnectionString;
    }

    public DatabaseProvider Provider { get; }

    /// <summary>A connection string ready for Npgsql or Microsoft.Data.Sqlite, per <see cref="Provider"/>.</summary>
    public string ConnectionString { get; }

    /// <summary>A fresh temp directory owned by this test (the SQLite file lives here; use it for outputs
    /// too).</summary>
    public string Directory { get; }

    /// <summary>Every provider, for <c>[Theory, MemberData(nameof(TestDatabase.Providers), MemberType =
    /// typeof(TestDatabase))]</c>.</summary>
    public static TheoryData<DatabaseProvider> Providers { get; } =
        new(DatabaseProvider.Sqlite, DatabaseProvider.Postgres);

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
            {
                var directory = CreateDirectory();
                var builder = new SqliteConnectionStringBuilder
                {
                    DataSource = Path.Combine(directory, "planner.db"),
                    Pooling = false,
                };
                return new TestDatabase(provider, builder.ConnectionString, directory);
            }

            case DatabaseProvider.Postgres:
            {
                var admin = await PostgresServer.GetAdminConnectionStringAsync();
                if (admin is null)
                {
                    FailOrSkip(PostgresServer.UnavailableReason ?? "unknown reason");
                }

                return await CreateOnAsync(admin);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider.");
        }
    }

    /// <summary>A fresh PostgreSQL database on the server <paramref name="admin"/> reaches (a private cluster's,
    /// say).</summary>
    public static async Task<TestDatabase> CreateOnAsync(string admin)
    {
        var name = "planner_t_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"", Ct);
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(DatabaseProvider.Postgres, builder.ConnectionString, CreateDirectory(), name, admin);
    }

    /// <summary>"sqlite" or "postgres", for messages.</summary>
    public string Describe() =>
        Provider switch
        {
            DatabaseProvider.Sqlite => "sqlite",
            DatabaseProvider.Postgres => "postgres",
            _ => Provider.ToString().ToLowerInvariant(),
        };

    public override string ToString() => Describe();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        // Cleanup is best effort: an exception here would hide the test's own failure.
        if (postgresDatabaseName is not null && postgresAdminConnectionString is not null)
        {
            try
            {
                await using (var connection = new NpgsqlConnection(ConnectionString))
                {
                    NpgsqlConnection.ClearPool(connection);
                }

                await ExecuteAsync(
                    postgresAdminConnectionString,
                    $"DROP DATABASE IF EXISTS \"{postgresDatabaseName}\" WITH (FORCE)",
                    CancellationToken.None
                );
            }
            catch (NpgsqlException) { }
            catch (InvalidOperationException) { }
        }

        DeleteDirectory(Directory);
    }

    [DoesNotReturn]
    internal static void FailOrSkip(string reason)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not available ({reason}), and PostgreSQL tests must not skip on CI (CI=true). "
                    + $"Run the tests via .ci/run or set {PostgresServer.ConnectionStringVariable}."
            );
        }

        Assert.Skip(
            $"PostgreSQL not available: {reason}; set "
                + $"{PostgresServer.ConnectionStringVariable}=\"Host=...;Port=...;Username=...;Database=postgres\" "
                + $"to run"
        );
        throw new UnreachableException();
    }

    private static string CreateDirectory() => System.IO.Directory.CreateTempSubdirectory("planner-test-").FullName;

    private static void DeleteDirectory(string directory)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (System.IO.Directory.Exists(directory))
                {
                    System.IO.Directory.Delete(directory, recursive: true);
                }

                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(100 * (attempt + 1));
            }
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
