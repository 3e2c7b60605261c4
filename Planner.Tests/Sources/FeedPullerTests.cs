using Planner.Api;
using Planner.Api.Sources;

namespace Planner.Tests.Sources;

/// <summary>Pulls from real source databases (SQLite files, or PostgreSQL schemas) into a real planner
/// database.</summary>
public class FeedPullerTests
{
    /// <summary>A migrated planner database with the sample sources seeded, and a puller for it.</summary>
    internal static async Task<(TestNode Settings, FeedPuller Puller)> SeededAsync(TestDatabase db)
    {
        var settings = await TestPlanner.SeededAsync(db);
        return (settings, new FeedPuller(settings.Planner, TimeProvider.System));
    }

    /// <summary>A seeded database whose production feed has been pulled once.</summary>
    private static async Task<(TestNode Settings, FeedPuller Puller, FeedSource Source, PullRun First)> PulledOnceAsync(
        TestDatabase db
    )
    {
        var (settings, puller) = await SeededAsync(db);
        var source = settings.Source(Feed.Production);
        return (settings, puller, source, await puller.PullAsync(source, Ct));
    }

    /// <summary>The second pull read the two rows with row versions above the first's watermark, changed one of
    /// the reports held, and moved the watermark to the higher.</summary>
    private static void AssertReadTwoChangedOne(PullRun first, PullRun second)
    {
        Assert.Equal(2, second.RowsRead);
        Assert.Equal(1, second.RowsChanged);
        Assert.Equal(first.Watermark + 2, second.Watermark);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pull_ChangesNothing_WhenPulledTwice(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (settings, puller) = await SeededAsync(db);

        var first = await puller.PullAsync(settings.Source(Feed.Production), Ct);
        var second = await puller.PullAsync(settings.Source(Feed.Production), Ct);

        Assert.True(first.RowsRead > 1000);
        Assert.Equal(first.RowsRead, first.RowsChanged);
        Assert.Equal(0, first.RowsRejected);
        Assert.Equal(0, second.RowsRead); // nothing above the watermark
        Assert.Equal(first.Watermark, second.Watermark);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        var produced = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM production_reports");
        await using var source = await settings.Source(Feed.Production).Database.OpenAsync(Ct);
        Assert.Equal(await source.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM daily_output"), produced);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pull_ReadsOnlyNewRows_AndUpsertsChangedOnes(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (settings, puller, source, first) = await PulledOnceAsync(db);

        // The source corrects one report and re-sends an unchanged one, both with new row versions.
        await using (var connection = await source.Database.OpenAsync(Ct))
        {
            var key = await connection.QuerySingleAsync<(string Enterprise, string Product, string Date)>(
                "SELECT enterprise_code, product_code, report_date FROM daily_output ORDER BY row_version LIMIT 1"
            );
            await connection.ExecuteAsync(
                "UPDATE daily_output SET quantity = 123456, row_version = @v WHERE enterprise_code = @e AND "
                    + "product_code = @p AND report_date = @d",
                new
                {
                    v = first.Watermark + 1,
                    e = key.Enterprise,
                    p = key.Product,
                    d = key.Date,
                }
            );
            await connection.ExecuteAsync(
                "UPDATE daily_output SET row_version = @v WHERE row_version = (SELECT MAX(row_version) FROM "
                    + "daily_output WHERE row_version <= @w)",
                new { v = first.Watermark + 2, w = first.Watermark }
            );
        }
        var second = await puller.PullAsync(source, Ct);

        AssertReadTwoChangedOne(first, second);
        await using var planner = await settings.Planner.OpenAsync(Ct);
        Assert.Equal(
            1,
            await planner.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM production_reports WHERE output = 123456")
        );
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pull_KeepsTheHighestRowVersion_WhenOnePullReadsAKeyTwice(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (settings, puller, source, first) = await PulledOnceAsync(db);
        await using (var connection = await source.Database.OpenAsync(Ct))
        {
            await connection.ExecuteAsync(
                "UPDATE daily_output SET row_version = @v WHERE row_version = (SELECT MIN(row_version) FROM "
                    + "daily_output)",
                new { v = first.Watermark + 1 }
            );
        }
        // The newer version of the report comes first, so keeping the last row read would keep the older one. The two
        // quantities are above any day's output of the sample, so no other report has them.
        var twice = source.WithQuery(
            "daily_output",
            """
            SELECT enterprise_code, product_code, report_date, 222222222 AS quantity, row_version + 1 AS row_version
            FROM daily_output WHERE row_version > @watermark
            UNION ALL
            SELECT enterprise_code, product_code, report_date, 111111111 AS quantity, row_version FROM daily_output
            WHERE row_version > @watermark
            """
        );

        var second = await puller.PullAsync(twice, Ct);

        AssertReadTwoChangedOne(first, second);
        await using var planner = await settings.Planner.OpenAsync(Ct);
        Assert.Equal(
            [222_222_222L],
            await planner.QueryAsync<long>(
                "SELECT output FROM production_reports WHERE output IN (111111111, 222222222)"
            )
        );
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pull_KeepsTheHighestRowVersion_WhenAKeyComesInSeveralChunks(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (settings, puller) = await SeededAsync(db);
        // Every report forty times, one copy after another, so one key lands in several chunks: copy 20 carries the
        // highest row_version, the copies after it come later with lower ones, and each copy adds 1000 × copy to the
        // quantity.
        var source = settings
            .Source(Feed.Production)
            .WithQuery(
                "daily_output",
                """
                WITH RECURSIVE copies (copy) AS (SELECT 0 UNION ALL SELECT copy + 1 FROM copies WHERE copy < 39)
                SELECT enterprise_code, product_code, report_date, quantity + 1000 * copy AS quantity,
                       row_version * 100 + CASE copy WHEN 20 THEN 99 ELSE copy END AS row_version
                FROM daily_output CROSS JOIN copies
                WHERE row_version > @watermark ORDER BY copy, row_version
                """
            );
        await using var sourceConnection = await source.Database.OpenAsync(Ct);
        var reports = await sourceConnection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM daily_output");
        var quantities = await sourceConnection.ExecuteScalarAsync<long>("SELECT SUM(quantity) FROM daily_output");

        var run = await puller.PullAsync(source, Ct);

        Assert.True(reports > 500, "the pull must span several chunks");
        await using var planner = await settings.Planner.OpenAsync(Ct);
        Assert.Equal(reports, await planner.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM production_reports"));
        Assert.Equal(
            quantities + 20_000 * reports,
            await planner.ExecuteScalarAsync<long>("SELECT SUM(output) FROM production_reports")
        );
        var others = run.RowsRead - 40 * reports; // enterprises, enterprise_products and stock_on_hand, each read once
        Assert.Equal(reports + others, run.RowsChanged);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pull_RejectsBadRows_WithTheirReasons_AndKeepsTheRest(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (settings, puller) = await SeededAsync(db);
        var source = settings.Source(Feed.Hospitals);
        await using (var connection = await source.Database.OpenAsync(Ct))
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO hospitals (code, name, county_code, designated, grade, row_version) VALUES ('H-BAD', '无名医院',
                '999999', 1, '三级甲等', 100000);
                INSERT INTO capacity_reports (hospital_code, report_date, beds_general_total, beds_general_occupied,
                beds_isolation_total, beds_isolation_occupied,
                    beds_icu_total, beds_icu_occupied, severe_patients, critical_patients, ventilators_total,
                    ventilators_in_use, ecmo_total, ecmo_in_use, staff_on_duty, row_version)
                VALUES ('H-0001', '2020-02-31', 10, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -5, 100001);
                """
            );
        }

        var run = await puller.PullAsync(source, Ct);

        Assert.Equal(2, run.RowsRejected);
        Assert.Equal(run.RowsRead - 2, run.RowsChanged);
        await using var planner = await settings.Planner.OpenAsync(Ct);
        var reasons = (
            await planner.QueryAsync<(string Key, string Reason)>(
                "SELECT row_key, reason FROM rejected_rows WHERE pull_run_id = @id ORDER BY row_key",
                new { id = run.Id }
            )
        ).ToList();
        Assert.Collection(
            reasons,
            r =>
            {
                Assert.Equal("capacity_reports: capacity H-0001 2020-02-31", r.Key);
                Assert.Contains("report_date '2020-02-31' is not a date", r.Reason, StringComparison.Ordinal);
                Assert.Contains("staff_on_duty is -5", r.Reason, StringComparison.Ordinal);
                Assert.Contains("beds_general_occupied exceeds beds_general_total", r.Reason, StringComparison.Ordinal);
            },
            r =>
            {
                Assert.Equal("hospitals: hospital H-BAD", r.Key);
                Assert.Contains("county_code 999999 is not a Zhejiang county", r.Reason, StringComparison.Ordinal);
            }
        );
        Assert.Equal(0, await planner.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM hospitals WHERE code = 'H-BAD'"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pull_KeepsTheDataHeld_WhenTheSourceFails(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (settings, puller) = await SeededAsync(db);
        var good = settings.Source(Feed.Teams);
        await puller.PullAsync(good, Ct);
        var broken = good.WithQuery("team_members", "SELECT * FROM no_such_table WHERE 1 > @watermark");
        await using (var connection = await good.Database.OpenAsync(Ct))
        {
            await connection.ExecuteAsync(
                "UPDATE teams SET name = 'renamed', row_version = 999999 WHERE code = 'T-001'"
            );
        }

        var e = await Assert.ThrowsAsync<PlannerException>(() => puller.PullAsync(broken, Ct));

        Assert.Contains("team_members query failed", e.Message, StringComparison.Ordinal);
        await using var planner = await settings.Planner.OpenAsync(Ct);
        Assert.NotEqual(
            "renamed",
            await planner.ExecuteScalarAsync<string>("SELECT name FROM medical_teams WHERE code = 'T-001'")
        );
        var runs = (
            await planner.QueryAsync<(string Status, string? Error)>(
                "SELECT status, error FROM pull_runs WHERE source = 'teams' ORDER BY started_at"
            )
        ).ToList();
        Assert.Equal(["succeeded", "failed"], runs.Select(r => r.Status));
        Assert.Contains("no_such_table", runs[1].Error, StringComparison.Ordinal);
    }
}
