using System.Data.Common;
using Planner.Api;
using Planner.Api.Sources;
using Planner.Api.Storage;

namespace Planner.Tests.Sources;

/// <summary>The fourth feed: county case bulletins, risk levels and employees on post, pulled from a real source
/// database into a real planner database like the other three.</summary>
public class SituationFeedTests
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pull_TakesEveryCountysBulletinsRiskLevelsAndWorkforce(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (settings, puller) = await FeedPullerTests.SeededAsync(db);
        var source = settings.Source(Feed.Situation);

        var first = await puller.PullAsync(source, Ct);
        var second = await puller.PullAsync(source, Ct);

        Assert.Equal(0, first.RowsRejected);
        Assert.Equal(first.RowsRead, first.RowsChanged);
        Assert.Equal(0, second.RowsRead);
        await using var planner = await settings.Planner.OpenAsync(Ct);
        await using var feed = await source.Database.OpenAsync(Ct);
        foreach (var (from, to) in Tables)
        {
            var held = await planner.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {to}");
            Assert.Equal(await feed.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {from}"), held);
            Assert.True(held >= 540, $"{to} holds {held} rows");
        }
        // The replay's map of 9 February 2020: one red county and twelve orange, as the province announced.
        var levels = (
            await planner.QueryAsync<long>(
                "SELECT risk_level FROM county_risk_levels WHERE effective_date = @day",
                new { day = new DateOnly(2020, 2, 9) }
            )
        ).ToList();
        Assert.Equal(90, levels.Count);
        Assert.Equal(1, levels.Count(l => l == 5));
        Assert.Equal(12, levels.Count(l => l == 4));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pull_RejectsBadRows_WithReasons_AndKeepsARevisedCountThatGoesDown(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (settings, puller) = await FeedPullerTests.SeededAsync(db);
        var source = settings.Source(Feed.Situation);
        var first = await puller.PullAsync(source, Ct);
        await using (var feed = await source.Database.OpenAsync(Ct))
        {
            // Hangzhou's Shangcheng district revises its cumulative count down (as Hangzhou did on 9 February 2020);
            // three rows are wrong: an unknown county, a risk level of 7 and a date that does not exist.
            await feed.ExecuteAsync(
                """
                UPDATE case_bulletins SET confirmed_cumulative = 0, row_version = @w + 1
                WHERE county_code = '330102' AND report_date = '2020-02-09';
                INSERT INTO case_bulletins VALUES ('999999', '2020-02-09', 1, 1, 1, @w + 2);
                INSERT INTO risk_map VALUES ('330102', '2020-03-01', 7, @w + 3);
                INSERT INTO workforce VALUES ('330102', '2020-02-30', 100, @w + 4);
                """,
                new { w = first.Watermark }
            );
        }

        var run = await puller.PullAsync(source, Ct);

        Assert.Equal(4, run.RowsRead);
        Assert.Equal(3, run.RowsRejected);
        Assert.Equal(1, run.RowsChanged);
        await using var planner = await settings.Planner.OpenAsync(Ct);
        var reasons = (
            await planner.QueryAsync<string>(
                "SELECT row_key || ' | ' || reason FROM rejected_rows WHERE pull_run_id = @id ORDER BY row_key",
                new { id = run.Id }
            )
        ).ToList();
        Assert.Collection(
            reasons,
            r => Assert.Contains("bulletin 999999 2020-02-09 | county_code 999999 is not a Zhejiang county", r),
            r => Assert.Contains("risk 330102 2020-03-01 | risk_level is 7; it must be 1 (low) to 5 (high)", r),
            r => Assert.Contains("workforce 330102 2020-02-30 | report_date '2020-02-30' is not a date", r)
        );
        Assert.Equal(
            0,
            await planner.ExecuteScalarAsync<long>(
                "SELECT confirmed_cumulative FROM situation_reports WHERE county_code = '330102' AND report_date = @d",
                new { d = new DateOnly(2020, 2, 9) }
            )
        );
    }

    /// <summary>Migration 0013 remakes <c>pull_runs</c> on SQLite to let it hold situation pulls: a database with pull
    /// runs and rows referring to them keeps them all.</summary>
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Migrate_KeepsEveryPullRun_AndWhatRefersToIt(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var planner = new Database(db.Provider, db.ConnectionString);
        await Migrator.MigrateAsync(planner, "0013", Ct);
        await using (var connection = await planner.OpenAsync(Ct))
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO pull_runs (id, source, started_at, status) VALUES ('p1', 'hospitals', @at, 'succeeded');
                INSERT INTO rejected_rows (id, pull_run_id, row_key, reason, payload)
                VALUES ('r1', 'p1', 'k', 'x', '{}');
                """,
                new { at = new DateTimeOffset(2020, 2, 9, 22, 0, 0, TimeSpan.Zero) }
            );
        }

        await Migrator.MigrateAsync(planner, Ct);

        await using var migrated = await planner.OpenAsync(Ct);
        Assert.Equal("p1", await migrated.ExecuteScalarAsync<string>("SELECT pull_run_id FROM rejected_rows"));
        await migrated.ExecuteAsync(
            "INSERT INTO pull_runs (id, source, started_at, status) VALUES ('p2', 'situation', @at, 'running')",
            new { at = DateTimeOffset.UnixEpoch }
        );
        if (provider == DatabaseProvider.Sqlite)
            Assert.Empty(await migrated.QueryAsync("PRAGMA foreign_key_check"));
        await Assert.ThrowsAnyAsync<DbException>(() =>
            migrated.ExecuteAsync(
                "INSERT INTO pull_runs (id, source, started_at, status) VALUES ('p3', 'weather', @at, 'running')",
                new { at = DateTimeOffset.UnixEpoch }
            )
        );
    }

    private static readonly (string From, string To)[] Tables =
    [
        ("case_bulletins", "situation_reports"),
        ("risk_map", "county_risk_levels"),
        ("workforce", "workforce_reports"),
    ];
}
