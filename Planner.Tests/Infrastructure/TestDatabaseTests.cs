using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Planner.Tests.Infrastructure;

public sealed class TestDatabaseTests
{
    /// <summary>An open connection to the test database, of its provider.</summary>
    private static async Task<DbConnection> OpenAsync(TestDatabase database)
    {
        DbConnection connection = database.Provider switch
        {
            DatabaseProvider.Sqlite => new SqliteConnection(database.ConnectionString),
            DatabaseProvider.Postgres => new NpgsqlConnection(database.ConnectionString),
            _ => throw new ArgumentOutOfRangeException(nameof(database), database.Provider, "Unknown provider."),
        };
        await connection.OpenAsync(Ct);
        return connection;
    }

    /// <summary>How many tables the provider's own catalogue lists that match its condition.</summary>
    private static Task<long> TablesAsync(
        DbConnection connection,
        DatabaseProvider provider,
        string sqliteCondition,
        string postgresCondition
    ) =>
        connection.ExecuteScalarAsync<long>(
            new CommandDefinition(
                provider == DatabaseProvider.Sqlite
                    ? $"SELECT COUNT(*) FROM sqlite_master WHERE {sqliteCondition}"
                    : $"SELECT COUNT(*) FROM information_schema.tables WHERE {postgresCondition}",
                cancellationToken: Ct
            )
        );

    private static Task<int> ExecuteAsync(DbConnection connection, string sql, object? parameters = null) =>
        connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: Ct));

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CreateAsync_OpensAnEmptyDatabase_ForEachProvider(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Assert.Equal(provider, database.Provider);
        Assert.True(
            Directory.Exists(database.Directory),
            $"{database.Describe()}: directory {database.Directory} exists"
        );

        await using var connection = await OpenAsync(database);

        Assert.Equal(0L, await TablesAsync(connection, provider, "type = 'table'", "table_schema = 'public'"));

        await ExecuteAsync(
            connection,
            "CREATE TABLE probe (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount NUMERIC(9,2) NOT NULL)"
        );
        await ExecuteAsync(
            connection,
            "INSERT INTO probe (id, name, amount) VALUES (@Id, @Name, @Amount)",
            new
            {
                Id = 1,
                Name = "Müller ✓",
                Amount = 12.5m,
            }
        );

        var row = Assert.Single(
            await connection.QueryAsync<ProbeRow>(
                new CommandDefinition(
                    "SELECT id AS Id, name AS Name, amount AS Amount FROM probe",
                    cancellationToken: Ct
                )
            )
        );
        Assert.Equal(1, row.Id);
        Assert.Equal("Müller ✓", row.Name);
        Assert.Equal(12.5m, row.Amount);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CreateAsync_GivesEachTestItsOwnDatabase(DatabaseProvider provider)
    {
        await using var first = await TestDatabase.CreateAsync(provider);
        await using var second = await TestDatabase.CreateAsync(provider);
        Assert.NotEqual(first.ConnectionString, second.ConnectionString);
        Assert.NotEqual(first.Directory, second.Directory);

        await using (var connection = await OpenAsync(first))
        {
            await ExecuteAsync(connection, "CREATE TABLE only_in_first (id INTEGER)");
            await ExecuteAsync(connection, "INSERT INTO only_in_first (id) VALUES (1)");
        }

        await using (var connection = await OpenAsync(second))
        {
            Assert.Equal(
                0L,
                await TablesAsync(connection, provider, "name = 'only_in_first'", "table_name = 'only_in_first'")
            );
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task DisposeAsync_RemovesTheDatabaseAndItsDirectory(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using (var connection = await OpenAsync(database))
        {
            await ExecuteAsync(connection, "CREATE TABLE t (id INTEGER)");
        }

        await database.DisposeAsync();

        Assert.False(
            Directory.Exists(database.Directory),
            $"{database.Describe()}: directory {database.Directory} was deleted"
        );
        if (provider == DatabaseProvider.Postgres)
        {
            var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database;
            var admin = await PostgresServer.GetAdminConnectionStringAsync();
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync(Ct);
            Assert.Equal(
                0L,
                await connection.ExecuteScalarAsync<long>(
                    new CommandDefinition(
                        "SELECT COUNT(*) FROM pg_database WHERE datname = @name",
                        new { name },
                        cancellationToken: Ct
                    )
                )
            );
        }
    }

    [Fact]
    public void TestCulture_IsInvariant()
    {
        Assert.Equal(
            System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.CultureInfo.CurrentCulture
        );
        Assert.Equal("1.5", 1.5.ToString(System.Globalization.CultureInfo.CurrentCulture));
    }

    // Settable properties rather than a positional record: Dapper then converts SQLite's INTEGER/REAL to int/decimal.
    private sealed class ProbeRow
    {
        public int Id { get; set; }

        public string Name { get; set; } = "";

        public decimal Amount { get; set; }
    }
}
