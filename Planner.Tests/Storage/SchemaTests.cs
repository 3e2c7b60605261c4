using System.Text.RegularExpressions;
using DbUp;
using DbUp.Engine;

namespace Planner.Tests.Storage;

/// <summary>
/// The schema the migrations make: the same on SQLite and PostgreSQL but for the differences listed here, and the
/// same for a database migrated before the two dialects shared their scripts (issue 18) as for a new one.
/// </summary>
public partial class SchemaTests
{
    /// <summary>
    /// What SQLite's schema has and PostgreSQL's deliberately lacks, with the migration and why. Facts are written
    /// as <see cref="SqliteFactsAsync"/> writes them.
    /// </summary>
    private static readonly Dictionary<string, string> OnlyOnSqlite = new(StringComparer.Ordinal)
    {
        // Migration 0007 drops these on PostgreSQL, where they made the first pull three times slower: the puller
        // checks each code itself in its own transaction. SQLite cannot drop a constraint without rebuilding the
        // table, and needs not: its puller turns foreign key checks off on its own connection (FeedPuller), so
        // they cost a pull nothing there and still guard every other writer.
        ["foreign key production_reports (supplier_code) references suppliers (code)"] = "0007, pull speed",
        ["foreign key production_reports (product_code) references products (code)"] = "0007, pull speed",
        ["foreign key production_reports (pull_run_id) references pull_runs (id)"] = "0007, pull speed",
        ["foreign key stock_reports (supplier_code) references suppliers (code)"] = "0007, pull speed",
        ["foreign key stock_reports (product_code) references products (code)"] = "0007, pull speed",
        ["foreign key stock_reports (pull_run_id) references pull_runs (id)"] = "0007, pull speed",
    };

    /// <summary>What PostgreSQL's schema has and SQLite's deliberately lacks: nothing.</summary>
    private static readonly Dictionary<string, string> OnlyOnPostgres = new(StringComparer.Ordinal);

    /// <summary>
    /// PostgreSQL's column types as SQLite declares them (the variables of <see cref="Migrator"/>): SQLite holds
    /// dates and timestamps as ISO text and booleans as 0 or 1. A type not listed here stays as PostgreSQL names
    /// it, and so differs from SQLite's.
    /// </summary>
    private static readonly Dictionary<string, string> SqliteTypeOf = new(StringComparer.Ordinal)
    {
        ["text"] = "TEXT",
        ["date"] = "TEXT",
        ["timestamp with time zone"] = "TEXT",
        ["integer"] = "INTEGER",
        ["bigint"] = "INTEGER",
        ["boolean"] = "INTEGER",
        ["double precision"] = "REAL",
        ["bytea"] = "BLOB",
    };

    [Fact]
    public async Task Migrate_GivesTheSameSchemaOnSqliteAndPostgres_ButForTheListedDifferences()
    {
        await using var sqlite = await MigratedAsync(DatabaseProvider.Sqlite);
        await using var postgres = await MigratedAsync(DatabaseProvider.Postgres);

        var fromSqlite = await SqliteFactsAsync(Open(sqlite));
        var fromPostgres = await PostgresFactsAsync(Open(postgres));

        var differences = Differences(fromSqlite, fromPostgres);
        Assert.True(differences.Count == 0, "The schemas differ:\n" + string.Join("\n", differences));
        // The facts are read, not empty on both sides: one of each kind.
        Assert.Contains("column published_workbooks.sha256 TEXT NOT NULL", fromPostgres);
        Assert.Contains("column run_requests.cancel_requested INTEGER NOT NULL DEFAULT 0", fromPostgres);
        Assert.Contains("primary key consumption_rates (segment_code, product_code)", fromPostgres);
        Assert.Contains(
            "foreign key user_hospitals (user_name) references users (user_name) on delete cascade",
            fromPostgres
        );
        Assert.Contains("unique uploads (kind, sha256)", fromPostgres);
        Assert.Contains("unique index users_user_name_folded on users (lower(user_name))", fromPostgres);
        Assert.Contains(
            "unique index ux_plan_runs_published_request on plan_runs (request_id) where status = 'succeeded'",
            fromPostgres
        );
    }

    /// <summary>
    /// The parity check above can fail: a difference nobody listed is named, on the side that has it.
    /// </summary>
    [Fact]
    public async Task Differences_NameEachUnlistedDifference_AndEachListedOneThatIsGone()
    {
        await using var sqlite = await MigratedAsync(DatabaseProvider.Sqlite);
        await using var postgres = await MigratedAsync(DatabaseProvider.Postgres);
        await using (var connection = await Open(postgres).OpenAsync(Ct))
        {
            await connection.ExecuteAsync(
                """
                DROP INDEX ix_regions_parent;
                ALTER TABLE plan_runs DROP CONSTRAINT plan_runs_scenario_id_fkey;
                ALTER TABLE plan_runs ALTER COLUMN objective TYPE real;
                ALTER TABLE uploads DROP CONSTRAINT uploads_kind_sha256_key;
                ALTER TABLE production_reports ADD FOREIGN KEY (pull_run_id) REFERENCES pull_runs (id);
                CREATE INDEX ix_users_city ON users (city_code) WHERE city_code IS NOT NULL;
                """
            );
        }

        var differences = Differences(await SqliteFactsAsync(Open(sqlite)), await PostgresFactsAsync(Open(postgres)));

        Assert.Equal(
            [
                "listed as only on SQLite (0007, pull speed), but on PostgreSQL too: "
                    + "foreign key production_reports (pull_run_id) references pull_runs (id)",
                "only on PostgreSQL: column plan_runs.objective real",
                "only on PostgreSQL: index ix_users_city on users (city_code) where city_code IS NOT NULL",
                "only on SQLite: column plan_runs.objective REAL",
                "only on SQLite: foreign key plan_runs (scenario_id) references scenarios (id)",
                "only on SQLite: index ix_regions_parent on regions (parent_code)",
                "only on SQLite: unique uploads (kind, sha256)",
            ],
            differences
        );
    }

    public static TheoryData<DatabaseProvider, int> DeployedMigrations { get; } =
        new()
        {
            { DatabaseProvider.Sqlite, 12 },
            { DatabaseProvider.Postgres, 12 },
            { DatabaseProvider.Sqlite, 9 },
            { DatabaseProvider.Postgres, 9 },
        };

    /// <summary>
    /// A database migrated by the scripts as they were deployed before issue 18, up to <paramref name="deployed"/>
    /// (<c>DeployedMigrations.zip</c>, applied as that Migrator did, journaled under their embedded resource names),
    /// is upgraded without running any of them again: their journal entries are kept, renamed, and only later
    /// scripts are applied. Its schema is then exactly a new database's.
    /// </summary>
    [Theory, MemberData(nameof(DeployedMigrations))]
    public async Task Migrate_UpgradesADatabaseMigratedBeforeIssue18_WithoutRunningAnyScriptAgain(
        DatabaseProvider provider,
        int deployed
    )
    {
        await using var old = await TestDatabase.CreateAsync(provider);
        var oldDb = Open(old);
        ApplyDeployedScripts(oldDb, deployed);
        var journalBefore = await JournalAsync(oldDb);

        await Migrator.MigrateAsync(oldDb, Ct);
        await Migrator.MigrateAsync(oldDb, Ct);

        var journal = await JournalAsync(oldDb);
        var prefix = "Planner.Api.Storage.Migrations." + Dialect(provider) + ".";
        Assert.Equal(deployed, journalBefore.Count);
        Assert.All(journalBefore, e => Assert.StartsWith(prefix, e.Name, StringComparison.Ordinal));
        Assert.Equal(journalBefore.Select(e => (e.Name[prefix.Length..], e.Applied)), journal.Take(deployed));
        var later = Migrator
            .Scripts(provider)
            .Select(s => s.Name)
            .Where(n => int.Parse(n[..4], CultureInfo.InvariantCulture) > deployed)
            .Order(StringComparer.Ordinal);
        Assert.Equal(later, journal.Skip(deployed).Select(e => e.Name));

        await using var fresh = await MigratedAsync(provider);
        var expected = await DumpAsync(Open(fresh));
        var upgraded = await DumpAsync(oldDb);
        var differences = upgraded
            .Except(expected)
            .Select(l => "only in the upgraded database: " + l)
            .Concat(expected.Except(upgraded).Select(l => "only in a new database: " + l))
            .ToList();
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Migrate_IsANoOp_WhenRunTwice(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var db = Open(test);

        await Migrator.MigrateAsync(db, Ct);
        var journal = await JournalAsync(db);
        await Migrator.MigrateAsync(db, Ct);

        Assert.Equal(journal, await JournalAsync(db));
        Assert.All(journal, e => Assert.Matches("^[0-9]{4}_[a-z_]+\\.sql$", e.Name));
        await using var connection = await db.OpenAsync(Ct);
        Assert.Equal(
            1,
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM scenarios WHERE id = 'baseline'")
        );
    }

    private static Database Open(TestDatabase test) => new(test.Provider, test.ConnectionString);

    private static string Dialect(DatabaseProvider provider) =>
        provider == DatabaseProvider.Sqlite ? "Sqlite" : "Postgres";

    private static async Task<TestDatabase> MigratedAsync(DatabaseProvider provider)
    {
        var test = await TestDatabase.CreateAsync(provider);
        await Migrator.MigrateAsync(Open(test), Ct);
        return test;
    }

    /// <summary>
    /// Each fact on one side and not on the other that is not listed as deliberate, and each listed one that is not
    /// (or no longer) a difference.
    /// </summary>
    private static List<string> Differences(SortedSet<string> sqlite, SortedSet<string> postgres) =>
        OneSided(sqlite, postgres, OnlyOnSqlite, "SQLite", "PostgreSQL")
            .Concat(OneSided(postgres, sqlite, OnlyOnPostgres, "PostgreSQL", "SQLite"))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static IEnumerable<string> OneSided(
        SortedSet<string> facts,
        SortedSet<string> others,
        Dictionary<string, string> listed,
        string side,
        string otherSide
    ) =>
        facts
            .Except(others)
            .Where(f => !listed.ContainsKey(f))
            .Select(f => $"only on {side}: {f}")
            .Concat(
                listed
                    .Where(l => !facts.Contains(l.Key))
                    .Select(l => $"listed as only on {side} ({l.Value}), but not there: {l.Key}")
            )
            .Concat(
                listed
                    .Where(l => others.Contains(l.Key))
                    .Select(l => $"listed as only on {side} ({l.Value}), but on {otherSide} too: {l.Key}")
            );

    /// <summary>
    /// Tables, columns (type, NOT NULL, default), primary keys, foreign keys, unique constraints and indexes, one
    /// line each, in words both sides share. DbUp's journal is left out.
    /// </summary>
    private static async Task<SortedSet<string>> SqliteFactsAsync(Database db)
    {
        await using var connection = await db.OpenAsync(Ct);
        var facts = new SortedSet<string>(StringComparer.Ordinal);
        var tables = await connection.QueryAsync<string>(
            """
            SELECT name FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'SchemaVersions'
            """
        );
        foreach (var table in tables)
        {
            facts.Add($"table {table}");
            var columns = (
                await connection.QueryAsync<(string Name, string Type, long NotNull, string? Value, long Pk)>(
                    $"SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{table}')"
                )
            ).AsList();
            foreach (var c in columns)
                facts.Add(Column(table, c.Name, c.Type, c.NotNull != 0, c.Value));
            var key = columns.Where(c => c.Pk > 0).OrderBy(c => c.Pk).Select(c => c.Name).ToList();
            if (key.Count > 0)
                facts.Add($"primary key {table} ({string.Join(", ", key)})");

            var references = await connection.QueryAsync<(
                long Id,
                string Table,
                string From,
                string To,
                string OnDelete
            )>(
                $"""
                SELECT id, "table", "from", "to", on_delete FROM pragma_foreign_key_list('{table}') ORDER BY id, seq
                """
            );
            foreach (var r in references.GroupBy(k => k.Id))
            {
                var first = r.First();
                facts.Add(ForeignKey(table, r.Select(k => k.From), first.Table, r.Select(k => k.To), first.OnDelete));
            }

            var indexes = await connection.QueryAsync<(string Name, long Unique, string Origin)>(
                $"SELECT name, \"unique\", origin FROM pragma_index_list('{table}')"
            );
            foreach (var index in indexes)
            {
                if (index.Origin == "u")
                {
                    var unique = await connection.QueryAsync<string>(
                        $"SELECT name FROM pragma_index_info('{index.Name}') ORDER BY seqno"
                    );
                    facts.Add($"unique {table} ({string.Join(", ", unique)})");
                }
                else if (index.Origin == "c")
                {
                    var sql = await connection.ExecuteScalarAsync<string>(
                        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = @name",
                        new { name = index.Name }
                    );
                    var parts = CreateIndexPattern().Match(OneLine(sql!));
                    Assert.True(parts.Success, $"cannot read SQLite's index {index.Name}: {sql}");
                    facts.Add(
                        Index(
                            index.Name,
                            table,
                            index.Unique != 0,
                            parts.Groups["columns"].Value,
                            parts.Groups["where"].Success ? parts.Groups["where"].Value : null
                        )
                    );
                }
            }
        }
        return facts;
    }

    private static async Task<SortedSet<string>> PostgresFactsAsync(Database db)
    {
        await using var connection = await db.OpenAsync(Ct);
        var facts = new SortedSet<string>(StringComparer.Ordinal);
        var columns = await connection.QueryAsync<(
            string Table,
            string Column,
            string Type,
            bool NotNull,
            string? Value
        )>(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname <> 'schemaversions'
              AND a.attnum > 0 AND NOT a.attisdropped
            """
        );
        foreach (var c in columns)
        {
            facts.Add($"table {c.Table}");
            // Defaults as SQLite shows them: without PostgreSQL's casts, a boolean as 0 or 1.
            var value = c.Value is null
                ? null
                : CastPattern().Replace(c.Value, "") switch
                {
                    "false" => "0",
                    "true" => "1",
                    var v => v,
                };
            facts.Add(Column(c.Table, c.Column, SqliteTypeOf.GetValueOrDefault(c.Type, c.Type), c.NotNull, value));
        }

        var constraints = await connection.QueryAsync<(
            string Kind,
            string Table,
            string Columns,
            string? Referenced,
            string? ReferencedColumns,
            string OnDelete
        )>(
            """
            SELECT con.contype::text, cl.relname,
                   array_to_string(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k (attnum, i)
                       JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.i), ', '),
                   ref.relname,
                   array_to_string(ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k (attnum, i)
                       JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.i), ', '),
                   CASE con.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT'
                                        WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END
            FROM pg_constraint con
            JOIN pg_class cl ON cl.oid = con.conrelid
            LEFT JOIN pg_class ref ON ref.oid = con.confrelid
            WHERE cl.relnamespace = current_schema()::regnamespace AND cl.relname <> 'schemaversions'
              AND con.contype IN ('p', 'f', 'u')
            """
        );
        foreach (var c in constraints)
        {
            facts.Add(
                c.Kind switch
                {
                    "p" => $"primary key {c.Table} ({c.Columns})",
                    "u" => $"unique {c.Table} ({c.Columns})",
                    _ => ForeignKey(
                        c.Table,
                        c.Columns.Split(", "),
                        c.Referenced!,
                        c.ReferencedColumns!.Split(", "),
                        c.OnDelete
                    ),
                }
            );
        }

        // Indexes of their own, not those behind a primary key or unique constraint.
        var indexes = await connection.QueryAsync<(
            string Name,
            string Table,
            bool Unique,
            string Columns,
            string? Where
        )>(
            """
            SELECT ci.relname, ct.relname, i.indisunique,
                   array_to_string(ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
                       FROM generate_series(1, i.indnkeyatts) k ORDER BY k), ', '),
                   pg_get_expr(i.indpred, i.indrelid, true)
            FROM pg_index i
            JOIN pg_class ci ON ci.oid = i.indexrelid
            JOIN pg_class ct ON ct.oid = i.indrelid
            WHERE ct.relnamespace = current_schema()::regnamespace AND ct.relname <> 'schemaversions'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint con
                              WHERE con.conrelid = i.indrelid AND con.conindid = i.indexrelid
                                AND con.contype IN ('p', 'u'))
            """
        );
        foreach (var i in indexes)
        {
            var where = i.Where is null ? null : CastPattern().Replace(i.Where, "");
            facts.Add(Index(i.Name, i.Table, i.Unique, i.Columns, where));
        }
        return facts;
    }

    private static string Column(string table, string column, string type, bool notNull, string? value) =>
        $"column {table}.{column} {type}{(notNull ? " NOT NULL" : "")}{(value is null ? "" : " DEFAULT " + value)}";

    private static string ForeignKey(
        string table,
        IEnumerable<string> columns,
        string referenced,
        IEnumerable<string> referencedColumns,
        string onDelete
    ) =>
        $"foreign key {table} ({string.Join(", ", columns)}) "
        + $"references {referenced} ({string.Join(", ", referencedColumns)})"
        + (onDelete == "NO ACTION" ? "" : " on delete " + onDelete.ToLowerInvariant());

    private static string Index(string name, string table, bool unique, string columns, string? where) =>
        $"{(unique ? "unique " : "")}index {name} on {table} ({columns}){(where is null ? "" : " where " + where)}";

    /// <summary>
    /// Everything about the schema, as each database tells it, one line each, for comparing two databases of one
    /// dialect: SQLite's own text of every table and index (whitespace aside), PostgreSQL's columns in order with
    /// type, NOT NULL and default, its constraints (checks too) and its indexes, each by name.
    /// </summary>
    private static async Task<List<string>> DumpAsync(Database db)
    {
        await using var connection = await db.OpenAsync(Ct);
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            var objects = await connection.QueryAsync<(string Type, string Name, string Table, string? Sql)>(
                """
                SELECT type, name, tbl_name, sql FROM sqlite_master
                WHERE name <> 'sqlite_sequence' AND tbl_name <> 'SchemaVersions'
                """
            );
            return objects
                .Select(o => $"{o.Type} {o.Name} on {o.Table}: {(o.Sql is null ? "" : OneLine(o.Sql))}")
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        return (
            await connection.QueryAsync<string>(
                """
                SELECT format('column %s.%s #%s %s%s%s', c.relname, a.attname, a.attnum,
                              format_type(a.atttypid, a.atttypmod),
                              CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
                              ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid))
                FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid
                LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
                AND c.relname <> 'schemaversions'
                  AND a.attnum > 0 AND NOT a.attisdropped
                UNION ALL
                SELECT format('constraint %s on %s: %s', con.conname, cl.relname, pg_get_constraintdef(con.oid))
                FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid
                WHERE cl.relnamespace = current_schema()::regnamespace AND cl.relname <> 'schemaversions'
                UNION ALL
                SELECT format('index %s: %s', indexname, indexdef) FROM pg_indexes
                WHERE schemaname = current_schema() AND tablename <> 'schemaversions'
                """
            )
        ).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>DbUp's journal in the order the scripts ran: each script's name and when it was applied.</summary>
    private static async Task<List<(string Name, string Applied)>> JournalAsync(Database db)
    {
        await using var connection = await db.OpenAsync(Ct);
        return (
            await connection.QueryAsync<(string, string)>(
                db.Provider == DatabaseProvider.Sqlite
                    ? "SELECT ScriptName, CAST(Applied AS TEXT) FROM SchemaVersions ORDER BY SchemaVersionID"
                    : "SELECT scriptname, applied::text FROM schemaversions ORDER BY schemaversionsid"
            )
        ).AsList();
    }

    /// <summary>
    /// Applies the first <paramref name="count"/> scripts of <c>DeployedMigrations.zip</c> as the Migrator before
    /// issue 18 did: DbUp, one transaction per script, each named by its resource name in that Migrator's assembly.
    /// The archive holds the scripts exactly as <c>Planner.Api/Storage/Migrations/Sqlite</c> and <c>…/Postgres</c>
    /// held them up to commit 3180b97, frozen: it is never edited, and new migrations never go there.
    /// </summary>
    private static void ApplyDeployedScripts(Database db, int count)
    {
        var dialect = Dialect(db.Provider);
        using var archive = System.IO.Compression.ZipFile.OpenRead(
            Path.Combine(SourceDirectory(), "DeployedMigrations.zip")
        );
        var scripts = archive
            .Entries.Where(e => e.FullName.StartsWith(dialect + "/", StringComparison.Ordinal))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .Take(count)
            .Select(e =>
            {
                using var reader = new StreamReader(e.Open());
                return new SqlScript($"Planner.Api.Storage.Migrations.{dialect}.{e.Name}", reader.ReadToEnd());
            })
            .ToList();
        Assert.Equal(count, scripts.Count);
        var builder =
            db.Provider == DatabaseProvider.Sqlite
                ? DeployChanges.To.SqliteDatabase(db.ConnectionString)
                : DeployChanges.To.PostgresqlDatabase(db.ConnectionString);
        var result = builder.WithScripts(scripts).WithTransactionPerScript().LogToNowhere().Build().PerformUpgrade();
        Assert.True(result.Successful, result.Error?.Message);
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        Path.GetDirectoryName(file)!;

    private static string OneLine(string sql) => WhitespacePattern().Replace(sql, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();

    /// <summary>PostgreSQL's casts in defaults and index predicates: <c>'queue'::text</c>.</summary>
    [GeneratedRegex(@"::[a-z_]+")]
    private static partial Regex CastPattern();

    /// <summary>SQLite's text of a <c>CREATE [UNIQUE] INDEX name ON table (columns) [WHERE predicate]</c>.</summary>
    [GeneratedRegex(@"^CREATE (UNIQUE )?INDEX \w+ ON \w+ ?\((?<columns>.*?)\)( WHERE (?<where>.*))?$")]
    private static partial Regex CreateIndexPattern();
}
