using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Planner.Tests.Infrastructure;

public sealed class TestDatabaseTests
{
    private static DbConnection Connect(TestDatabase database) =>
        database.Provider switch
        {
            DatabaseProvider.Sqlite => new SqliteConnection(database.ConnectionString),
            DatabaseProvider.Postgres => new NpgsqlConnection(database.ConnectionString),
            _ => throw new ArgumentOutOfRangeException(nameof(database), database.Provider, "Unknown provider."),
        };

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CreateAsync_OpensAnEmptyDatabase_ForEachProvider(DatabaseProvider provider)
    {
        var cancellationToken = Ct;
        await using var database = await TestDatabase.CreateAsync(provider);
        Assert.Equal(provider, database.Provider);
        Assert.True(
            Directory.Exists(database.Directory),
            $"{database.Describe()}: directory {database.Directory} exists"
        );

        await using var connection = Connect(database);
        await connection.OpenAsync(cancellationToken);

        var userTables =
            provider == DatabaseProvider.Sqlite
                ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
                : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'";
        Assert.Equal(
            0L,
            await connection.ExecuteScalarAsync<long>(
                new CommandDefinition(userTables, cancellationToken: cancellationToken)
            )
        );

        await connection.ExecuteAsync(
            new CommandDefinition(
                "CREATE TABLE probe (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount NUMERIC(9,2) NOT NULL)",
                cancellationToken: cancellationToken
            )
        );
        await connection.ExecuteAsync(
            new CommandDefinition(
                "INSERT INTO probe (id, name, amount) VALUES (@Id, @Name, @Amount)",
                new
                {
                    Id = 1,
                    Name = "Müller ✓",
                    Amount = 12.5m,
                },
                cancellationToken: cancellationToken
            )
        );

        var row = Assert.Single(
            await connection.QueryAsync<ProbeRow>(
                new CommandDefinition(
                    "SELECT id AS Id, name AS Name, amount AS Amount FROM probe",
                    cancellationToken: cancellationToken
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
        var cancellationToken = Ct;
        await using var first = await TestDatabase.CreateAsync(provider);
        await using var second = await TestDatabase.CreateAsync(provider);
        Assert.NotEqual(first.ConnectionString, second.ConnectionString);
        Assert.NotEqual(first.Directory, second.Directory);

        await using (var connection = Connect(first))
        {
            await connection.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(
                new CommandDefinition("CREATE TABLE only_in_first (id INTEGER)", cancellationToken: cancellationToken)
            );
            await connection.ExecuteAsync(
                new CommandDefinition("INSERT INTO only_in_first (id) VALUES (1)", cancellationToken: cancellationToken)
            );
        }

        await using (var connection = Connect(second))
        {
            await connection.OpenAsync(cancellationToken);
            var tableQuery =
                provider == DatabaseProvider.Sqlite
                    ? "SELECT COUNT(*) FROM sqlite_master WHERE name = 'only_in_first'"
                    : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'only_in_first'";
            Assert.Equal(
                0L,
                await connection.ExecuteScalarAsync<long>(
                    new CommandDefinition(tableQuery, cancellationToken: cancellationToken)
                )
            );
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task DisposeAsync_RemovesTheDatabaseAndItsDirectory(DatabaseProvider provider)
    {
        var cancellationToken = Ct;
        var database = await TestDatabase.CreateAsync(provider);
        await using (var connection = Connect(database))
        {
            await connection.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(
                new CommandDefinition("CREATE TABLE t (id INTEGER)", cancellationToken: cancellationToken)
            );
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
            await connection.OpenAsync(cancellationToken);
            Assert.Equal(
                0L,
                await connection.ExecuteScalarAsync<long>(
                    new CommandDefinition(
                        "SELECT COUNT(*) FROM pg_database WHERE datname = @name",
                        new { name },
                        cancellationToken: cancellationToken
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
