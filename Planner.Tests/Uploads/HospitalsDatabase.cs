using Planner.Api.Sources;
using Planner.Api.Uploads;

namespace Planner.Tests.Uploads;

/// <summary>A planner database with the sample hospitals pulled, and the capacity template for all of them. The
/// hospitals feed is pulled as it stood on the morning of the plan's first day, 2020-02-10: its reports up to
/// 2020-02-09, so the template holds those and an upload for 2020-02-10 is a day the feed has not reported (the
/// sample's reports go on to 2020-03-10).</summary>
public sealed class HospitalsDatabase : IAsyncLifetime
{
    private TestDatabase? _db;

    public TestNode Settings { get; private set; } = null!;

    public byte[] Template { get; private set; } = [];

    public static async Task<TestNode> PrepareAsync(TestDatabase db)
    {
        var settings = await TestPlanner.SeededAsync(db);
        await using (var source = await settings.Source(Feed.Hospitals).Database.OpenAsync(Ct))
        {
            await source.ExecuteAsync("DELETE FROM capacity_reports WHERE report_date >= '2020-02-10'");
        }
        await settings.PullAsync(Feed.Hospitals, Ct);
        return settings;
    }

    /// <summary>The capacity template of <paramref name="settings"/>' database for <paramref name="hospitals"/> (all
    /// when empty), pre-filled with the latest reports before <paramref name="today"/>.</summary>
    public static async Task<byte[]> TemplateAsync(TestNode settings, string[] hospitals, DateOnly today) =>
        (await CapacityTemplate.BuildAsync(settings.Planner, hospitals, today, Ct)).Content;

    /// <summary>An upload into <paramref name="settings"/>' database, within <paramref name="limits"/> (the defaults
    /// when null).</summary>
    public static CapacityUpload Uploader(TestNode settings, UploadLimits? limits = null) =>
        new(settings.Planner, limits ?? new UploadLimits(), TimeProvider.System);

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        Settings = await PrepareAsync(_db);
        Template = (await CapacityTemplate.BuildAsync(Settings.Planner, [], new DateOnly(2020, 2, 10))).Content;
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is not null)
            await _db.DisposeAsync();
    }
}
