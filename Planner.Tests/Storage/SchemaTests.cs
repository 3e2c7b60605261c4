using Dapper;
using Planner.Api.Storage;
using Planner.Tests.Infrastructure;

namespace Planner.Tests.Storage;

public class SchemaTests
{
    [Fact]
    public async Task Migrate_YieldsTheSameTablesAndColumns_OnSqliteAndPostgres()
    {
        await using var sqlite = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var postgres = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var sqliteDb = new Database(DatabaseProvider.Sqlite, sqlite.ConnectionString);
        var postgresDb = new Database(DatabaseProvider.Postgres, postgres.ConnectionString);

        await Migrator.MigrateAsync(sqliteDb, TestContext.Current.CancellationToken);
        await Migrator.MigrateAsync(postgresDb, TestContext.Current.CancellationToken);

        var fromSqlite = await SqliteColumnsAsync(sqliteDb);
        var fromPostgres = await PostgresColumnsAsync(postgresDb);
        Assert.Equal(fromSqlite.Select(c => c.Table).Distinct(), fromPostgres.Select(c => c.Table).Distinct());
        Assert.Equal(fromSqlite, fromPostgres);
        Assert.Contains(fromSqlite, c => c is { Table: "published_workbooks", Column: "sha256" });
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Migrate_IsANoOp_WhenRunTwice(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var db = new Database(provider, test.ConnectionString);

        await Migrator.MigrateAsync(db, TestContext.Current.CancellationToken);
        await Migrator.MigrateAsync(db, TestContext.Current.CancellationToken);

        await using var connection = await db.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM scenarios WHERE id = 'baseline'"));
    }

    /// <summary>Table, column and a coarse type class (text, integer, real), ignoring DbUp's journal.</summary>
    private static async Task<List<(string Table, string Column, string Type)>> SqliteColumnsAsync(Database db)
    {
        await using var connection = await db.OpenAsync();
        var tables = await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'SchemaVersions' ORDER BY name");
        var columns = new List<(string, string, string)>();
        foreach (var table in tables)
        {
            foreach (var c in await connection.QueryAsync<(long Cid, string Name, string Type)>($"SELECT cid, name, type FROM pragma_table_info('{table}')"))
            {
                columns.Add((table, c.Name, c.Type switch { "TEXT" => "text", "INTEGER" => "integer", "REAL" => "real", "BLOB" => "blob", var t => t }));
            }
        }
        return columns.OrderBy(c => c.Item1, StringComparer.Ordinal).ThenBy(c => c.Item2, StringComparer.Ordinal).ToList();
    }

    private static async Task<List<(string Table, string Column, string Type)>> PostgresColumnsAsync(Database db)
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<(string Table, string Column, string Type)>("""
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name <> 'schemaversions'
            """);
        // Dates and timestamps are ISO text in SQLite, booleans 0/1; integer widths do not matter to the application.
        return rows.Select(r => (r.Table, r.Column, r.Type switch
            {
                "text" or "date" or "timestamp with time zone" => "text",
                "integer" or "bigint" or "smallint" or "boolean" => "integer",
                "double precision" => "real",
                "bytea" => "blob",
                var t => t,
            }))
            .OrderBy(c => c.Item1, StringComparer.Ordinal).ThenBy(c => c.Item2, StringComparer.Ordinal).ToList();
    }
}
