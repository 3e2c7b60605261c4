using Planner.Api;
using Planner.Api.ReferenceData;

namespace Planner.Tests.Startup;

/// <summary>
/// Reference data is imported again when a file in <c>data/</c> changes, by content hash, as a new version that plan
/// runs record; an unchanged folder changes nothing; a bad file or one dropping a code still referred to leaves the
/// version before in place. On a copy of the data folder, on SQLite and PostgreSQL.
/// </summary>
public class ReferenceImportTests
{
    private static readonly DateTimeOffset Now = new(2020, 2, 10, 6, 0, 0, TimeSpan.FromHours(8));

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AChangedFile_IsImportedAgain_AsANewVersion_AndAnUnchangedFolderChangesNothing(
        DatabaseProvider provider
    )
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (planner, data) = await MigratedWithDataAsync(db);

        var first = await ReferenceImporter.ImportAsync(planner, data, Now, Ct);
        var again = await ReferenceImporter.ImportAsync(planner, data, Now, Ct);
        Edit(data, "reference/planning-parameters.csv", "return_to_work_share,0.7,", "return_to_work_share,0.6,");
        Edit(data, "reference/consumption-rates.csv", "critical_care,N95,8,", "critical_care,N95,9,");
        var changed = await ReferenceImporter.ImportAsync(planner, data, Now, Ct);

        Assert.Equal((1, true), (first.Version, first.Imported));
        Assert.Contains("reference/products.csv", first.Changed);
        Assert.Equal((1, false), (again.Version, again.Imported));
        Assert.Equal((2, true), (changed.Version, changed.Imported));
        Assert.Equal(["reference/consumption-rates.csv", "reference/planning-parameters.csv"], changed.Changed);
        await using var connection = await planner.OpenAsync(Ct);
        Assert.Equal(
            "0.6",
            await connection.ExecuteScalarAsync<string>(
                "SELECT value FROM planning_parameters WHERE name = 'return_to_work_share'"
            )
        );
        Assert.Equal(
            9.0,
            await connection.ExecuteScalarAsync<double>(
                "SELECT rate FROM consumption_rates WHERE segment_code = 'critical_care' AND product_code = 'N95'"
            )
        );
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM reference_versions"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ABadFile_OrACodeStillReferredTo_LeavesTheVersionBefore(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (planner, data) = await MigratedWithDataAsync(db);
        await ReferenceImporter.ImportAsync(planner, data, Now, Ct);
        var products = File.ReadAllText(Path.Combine(data, "reference/products.csv"));

        Edit(data, "reference/consumption-rates.csv", "critical_care,N95,8,", "critical_care,N95,six,");
        var bad = await Assert.ThrowsAsync<PlannerException>(() =>
            ReferenceImporter.ImportAsync(planner, data, Now, Ct)
        );
        Edit(data, "reference/consumption-rates.csv", "critical_care,N95,six,", "critical_care,N95,8,");
        var n95 = products.Split('\n').Single(l => l.StartsWith("N95,", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(data, "reference/products.csv"), products.Replace(n95 + "\n", ""));
        var dropped = await Assert.ThrowsAsync<PlannerException>(() =>
            ReferenceImporter.ImportAsync(planner, data, Now, Ct)
        );

        Assert.Contains("consumption-rates.csv", bad.Message, StringComparison.Ordinal);
        Assert.Contains("rate_per_driver_day", bad.Message, StringComparison.Ordinal);
        Assert.Contains("six", bad.Message, StringComparison.Ordinal);
        Assert.Equal(
            "data/reference/products.csv no longer has N95, which other data still refers to; nothing was imported "
                + "and reference version 1 stays. Put them back, or remove what refers to them first.",
            dropped.Message
        );
        await using var connection = await planner.OpenAsync(Ct);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT MAX(version) FROM reference_versions"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM products WHERE code = 'N95'"));
    }

    /// <summary>A plan run records the version in force when it ran; the plan uses its values.</summary>
    [Fact]
    public async Task APlanRun_RecordsTheReferenceVersion_ItWasMadeWith()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var data = CopyOfData(db);
        Edit(data, "reference/planning-parameters.csv", "horizon_days,14,", "horizon_days,3,");
        var node = TestPlanner.Node(db, ("Planner:DataDirectory", data), ("Planner:Teams:TimeLimitSeconds", "2"));
        await node.PrepareWithSourcesAsync(Ct);
        Edit(data, "reference/planning-parameters.csv", "horizon_days,3,", "horizon_days,2,");

        var outcome = await node.RunAsync(new PlanRequest { AsOf = TestPlanner.SampleAsOf }, ct: Ct);

        await using var connection = await node.Planner.OpenAsync(Ct);
        var run = await connection.QuerySingleAsync<(long Version, long Days)>(
            "SELECT reference_version, horizon_days FROM plan_runs WHERE id = @id",
            new { id = outcome.RunId }
        );
        Assert.Equal((2, 2), run);
    }

    private static async Task<(Database Planner, string Data)> MigratedWithDataAsync(TestDatabase db)
    {
        var planner = new Database(db.Provider, db.ConnectionString);
        await Migrator.MigrateAsync(planner, Ct);
        return (planner, CopyOfData(db));
    }

    /// <summary>A copy of the files the importer reads (and the county shapes a plan's map is drawn from), in the
    /// test's own folder.</summary>
    private static string CopyOfData(TestDatabase db)
    {
        var data = Path.Combine(db.Directory, "data");
        var files = Directory
            .EnumerateFiles(TestPlanner.DataDirectory, "*.csv", SearchOption.AllDirectories)
            .Append(Path.Combine(TestPlanner.DataDirectory, Planner.Api.Maps.CountyShapes.File));
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(TestPlanner.DataDirectory, file);
            if (relative.StartsWith("local", StringComparison.Ordinal))
                continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(data, relative))!);
            File.Copy(file, Path.Combine(data, relative));
        }
        return data;
    }

    private static void Edit(string data, string file, string from, string to)
    {
        var path = Path.Combine(data, file);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }
}
