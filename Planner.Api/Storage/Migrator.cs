using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;

namespace Planner.Api.Storage;

/// <summary>
/// Applies the numbered scripts in <c>Storage/Migrations/&lt;dialect&gt;</c> (embedded in the assembly),
/// each once, recorded in DbUp's journal table. Both dialects carry the same numbers.
/// </summary>
public static class Migrator
{
    public static async Task MigrateAsync(Database database, CancellationToken ct = default)
    {
        // Reaching the database first gives a clear "cannot open" message instead of DbUp's.
        await (await database.OpenAsync(ct)).DisposeAsync();

        var folder = database.Provider == DatabaseProvider.Sqlite ? ".Migrations.Sqlite." : ".Migrations.Postgres.";
        var builder = database.Provider == DatabaseProvider.Sqlite
            ? DeployChanges.To.SqliteDatabase(database.ConnectionString)
            : DeployChanges.To.PostgresqlDatabase(database.ConnectionString);
        var upgrader = builder
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, name => name.Contains(folder, StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogTo(new QuietLog())
            .Build();

        DatabaseUpgradeResult result;
        try
        {
            result = upgrader.PerformUpgrade();
        }
        catch (Exception e) when (e is not PlannerException)
        {
            throw new PlannerException($"Cannot migrate the {database.Describe()}: {Database.FirstLine(e.Message)}", e);
        }
        if (!result.Successful)
        {
            var what = result.ErrorScript is { } script ? $"Migration {script.Name} failed on" : "Cannot migrate";
            throw new PlannerException($"{what} the {database.Describe()}: {Database.FirstLine(result.Error.Message)}", result.Error);
        }
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
