using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using Planner.Api.Localization;

namespace Planner.Api.Storage;

/// <summary>
/// Applies the numbered scripts in <c>Storage/Migrations</c> (embedded in the assembly), each once, recorded in
/// DbUp's journal table under the script's file name.
/// </summary>
/// <remarks>
/// <para>One script serves both dialects: where their types differ it names the type as a DbUp variable, which is
/// replaced before the script runs (DbUp also replaces variables inside string literals, not in comments):</para>
/// <code>
/// variable      SQLite    PostgreSQL         for
/// $bigint$      INTEGER   bigint             counts that may pass 2^31 (people, quantities, bytes)
/// $double$      REAL      double precision   8-byte floating point on both
/// $date$        TEXT      date               SQLite holds yyyy-MM-dd
/// $timestamp$   TEXT      timestamptz        SQLite holds ISO 8601 UTC text (Database.ToSqliteValue)
/// $boolean$     INTEGER   boolean            SQLite holds 0 or 1
/// $false$       0         false              the default of a $boolean$ column
/// $blob$        BLOB      bytea
/// </code>
/// <para>TEXT and INTEGER mean the same on both and are written as they are. A migration that needs different SQL
/// on each side, not only different types, is a pair of scripts named for the dialect
/// (<c>0011_user_names.sqlite.sql</c> and <c>0011_user_names.postgres.sql</c>), or one script for the only side
/// it concerns (<c>0007_pull_speed.postgres.sql</c>); either way it is journaled without the dialect
/// (<c>0011_user_names.sql</c>).</para>
/// </remarks>
public static class Migrator
{
    private const string Folder = "Planner.Api.Storage.Migrations.";

    /// <summary>Each type variable and what it stands for on SQLite and on PostgreSQL.</summary>
    private static readonly (string Variable, string Sqlite, string Postgres)[] Types =
    [
        ("bigint", "INTEGER", "bigint"),
        ("double", "REAL", "double precision"),
        ("date", "TEXT", "date"),
        ("timestamp", "TEXT", "timestamptz"),
        ("boolean", "INTEGER", "boolean"),
        ("false", "0", "false"),
        ("blob", "BLOB", "bytea"),
    ];

    public static Task MigrateAsync(Database database, CancellationToken ct = default) =>
        MigrateAsync(database, before: null, ct);

    /// <summary>Applies the scripts named before <paramref name="before"/> (all when null): a database as an earlier
    /// version left it, for upgrade tests.</summary>
    internal static async Task MigrateAsync(Database database, string? before, CancellationToken ct)
    {
        var sqlite = database.Provider == DatabaseProvider.Sqlite;
        var builder = sqlite
            ? DeployChanges.To.SqliteDatabase(WithoutForeignKeys(database.ConnectionString))
            : DeployChanges.To.PostgresqlDatabase(database.ConnectionString);
        var upgrader = builder
            .WithScripts(
                Scripts(database.Provider).Where(s => before is null || string.CompareOrdinal(s.Name, before) < 0)
            )
            .WithVariables(Types.ToDictionary(t => t.Variable, t => sqlite ? t.Sqlite : t.Postgres))
            .WithTransactionPerScript()
            .LogTo(new QuietLog())
            .Build();

        DatabaseUpgradeResult result;
        try
        {
            // Opening first also gives a clear "cannot open" message instead of DbUp's.
            await RenameJournalEntriesAsync(database, ct);
            result = upgrader.PerformUpgrade();
        }
        catch (Exception e) when (e is not PlannerException)
        {
            throw new PlannerException(
                Messages.Get("CannotMigrate", database.Describe(), Database.FirstLine(e.Message)),
                e
            );
        }
        if (!result.Successful)
        {
            var error = Database.FirstLine(result.Error.Message);
            throw new PlannerException(
                result.ErrorScript is { } script
                    ? Messages.Get("MigrationFailed", script.Name, database.Describe(), error)
                    : Messages.Get("CannotMigrate", database.Describe(), error),
                result.Error
            );
        }
    }

    /// <summary>
    /// The scripts for <paramref name="provider"/>, each named by its file name without the dialect: the
    /// shared ones, and those named for this dialect.
    /// </summary>
    /// <summary>
    /// SQLite migrations run with foreign keys off, as SQLite's own procedure for remaking a table asks (a table
    /// others refer to is made anew, copied, dropped and renamed: 0013); a pragma cannot turn them off inside the
    /// script's transaction.
    /// </summary>
    private static string WithoutForeignKeys(string connectionString) =>
        new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString) { ForeignKeys = false }.ToString();

    internal static List<SqlScript> Scripts(DatabaseProvider provider)
    {
        var own = provider == DatabaseProvider.Sqlite ? ".sqlite.sql" : ".postgres.sql";
        var other = provider == DatabaseProvider.Sqlite ? ".postgres.sql" : ".sqlite.sql";
        var assembly = typeof(Migrator).Assembly;
        var scripts = new List<SqlScript>();
        var resources = assembly.GetManifestResourceNames().Where(n => n.StartsWith(Folder, StringComparison.Ordinal));
        foreach (var resource in resources)
        {
            var file = resource[Folder.Length..];
            if (file.EndsWith(other, StringComparison.Ordinal))
                continue;
            var name = file.EndsWith(own, StringComparison.Ordinal) ? file[..^own.Length] + ".sql" : file;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            scripts.Add(SqlScript.FromStream(name, stream));
        }
        // Both a shared script and one for this dialect would both run, under one journal name.
        var twice = scripts.GroupBy(s => s.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (twice.Count > 0)
        {
            throw new InvalidOperationException($"Migrations given twice for {provider}: {string.Join(", ", twice)}");
        }
        return scripts;
    }

    /// <summary>
    /// Until issue 18 each dialect had a folder of its own and DbUp journaled a script under its resource name
    /// (<c>Planner.Api.Storage.Migrations.Sqlite.0001_reference.sql</c>); now it is the file name alone
    /// (<c>0001_reference.sql</c>). Databases migrated before are renamed to match, once and all together, so that
    /// DbUp finds their scripts applied and runs none of them again.
    /// </summary>
    private static async Task RenameJournalEntriesAsync(Database database, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var journalExists = await connection.ExecuteScalarAsync<bool>(
            database.Provider == DatabaseProvider.Sqlite
                ? "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'SchemaVersions'"
                : "SELECT to_regclass('schemaversions') IS NOT NULL",
            transaction: tx
        );
        if (!journalExists)
            return;
        // Unquoted, the journal's table and column names are the same on both: SQLite ignores their case, and
        // PostgreSQL folds them to the lower case DbUp created them in.
        await connection.ExecuteAsync(
            """
            UPDATE SchemaVersions SET ScriptName = substr(ScriptName, length(@prefix) + 1)
            WHERE substr(ScriptName, 1, length(@prefix)) = @prefix
            """,
            new { prefix = Folder + (database.Provider == DatabaseProvider.Sqlite ? "Sqlite." : "Postgres.") },
            tx
        );
        await tx.CommitAsync(ct);
    }

    /// <summary>DbUp logs every script to the console by default; the CLI keeps stdout for results.</summary>
    private sealed class QuietLog : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }

        public void LogDebug(string format, params object[] args) { }

        public void LogInformation(string format, params object[] args) { }

        public void LogWarning(string format, params object[] args) { }

        public void LogError(string format, params object[] args) { }

        public void LogError(Exception ex, string format, params object[] args) { }
    }
}
