using Npgsql;
using Planner.Api;
using Planner.Api.Sources;

namespace Planner.Tests.Sources;

/// <summary>
/// A source's first load into empty PostgreSQL tables, which copies the rows straight in with the tables' indexes
/// dropped and built again afterwards: the indexes and constraints come back, a failure leaves the tables as they
/// were, a table written by someone else first and a pull with nothing to load take the ordinary path.
/// </summary>
public class FirstLoadTests
{
    private const string FeedTablesSql =
        "('suppliers', 'supplier_products', 'production_reports', 'stock_reports', 'hospitals', 'capacity_reports', "
        + "'medical_teams', 'team_members')";

    /// <summary>Every index and constraint of the feeds' tables, as PostgreSQL would make them again.</summary>
    private static async Task<List<string>> SchemaAsync(NpgsqlConnection connection) =>
        (
            await connection.QueryAsync<string>(
                $"""
                SELECT tablename || ': ' || indexdef FROM pg_indexes WHERE tablename IN {FeedTablesSql}
                UNION ALL
                SELECT conrelid::regclass::text || ': ' || conname || ' ' || pg_get_constraintdef(oid)
                FROM pg_constraint WHERE conrelid::regclass::text IN {FeedTablesSql}
                ORDER BY 1
                """
            )
        ).AsList();

    [Fact]
    public async Task FirstLoad_FillsEmptyTables_AndKeepsEveryIndexAndConstraint()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (settings, puller) = await FeedPullerTests.SeededAsync(db);
        await using var planner = (NpgsqlConnection)await settings.Planner.OpenAsync(Ct);
        var before = await SchemaAsync(planner);

        var runs = new List<PullRun>();
        foreach (var feed in Enum.GetValues<Feed>())
            runs.Add(await puller.PullAsync(settings.Source(feed), Ct));

        Assert.Equal(before, await SchemaAsync(planner));
        Assert.Contains(before, s =>
            s.StartsWith("production_reports: production_reports_pkey PRIMARY KEY", StringComparison.Ordinal)
        );
        Assert.All(runs, r => Assert.Equal(r.RowsRead, r.RowsChanged));
        await using var source = await settings.Source(Feed.Production).Database.OpenAsync(Ct);
        var reports = await source.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM daily_output");
        Assert.Equal(reports, await planner.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM production_reports"));
        Assert.Equal(
            reports,
            await planner.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM production_reports WHERE pull_run_id = @id",
                new { id = runs[0].Id }
            )
        );
        // The key is enforced again: a second report for a key already held is refused.
        var e = await Assert.ThrowsAsync<PostgresException>(() =>
            planner.ExecuteAsync(
                "INSERT INTO production_reports SELECT supplier_code, product_code, report_date, 1, pull_run_id "
                    + "FROM production_reports LIMIT 1"
            )
        );
        Assert.Equal(PostgresErrorCodes.UniqueViolation, e.SqlState);
        // A pull after the first load finds nothing new, and a re-sent row updates the table through the merge.
        Assert.Equal(0, (await puller.PullAsync(settings.Source(Feed.Production), Ct)).RowsRead);
    }

    [Fact]
    public async Task FirstLoad_ThatFails_LeavesTheTablesEmpty_WithTheirIndexes()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (settings, puller) = await FeedPullerTests.SeededAsync(db);
        await using var planner = (NpgsqlConnection)await settings.Planner.OpenAsync(Ct);
        var before = await SchemaAsync(planner);
        // production_reports is loaded, then the last table's query fails.
        var broken = settings.Source(Feed.Production) with
        {
            Queries = new Dictionary<string, string>
            {
                ["stock_on_hand"] = "SELECT * FROM no_such_table WHERE 1 > @watermark",
            },
        };

        var e = await Assert.ThrowsAsync<PlannerException>(() => puller.PullAsync(broken, Ct));

        Assert.Contains("stock_on_hand query failed", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await SchemaAsync(planner));
        Assert.Equal(0, await planner.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM production_reports"));
        Assert.Equal(0, await planner.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM suppliers"));
        var good = await puller.PullAsync(settings.Source(Feed.Production), Ct);
        Assert.Equal(good.RowsRead, good.RowsChanged);
        Assert.Equal(before, await SchemaAsync(planner));
    }

    [Fact]
    public async Task FirstLoad_TakesTheMerge_WhenAnotherTransactionWritesTheTableFirst()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (settings, puller) = await FeedPullerTests.SeededAsync(db);
        var source = settings.Source(Feed.Production);
        await using var sourceConnection = await source.Database.OpenAsync(Ct);
        var key = await sourceConnection.QuerySingleAsync<(
            string Enterprise,
            string Product,
            DateTime Date,
            long Quantity
        )>(
            "SELECT enterprise_code, product_code, report_date, quantity FROM daily_output ORDER BY row_version LIMIT 1"
        );
        var reports = await sourceConnection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM daily_output");

        // Another writer inserts one of the source's reports (with another quantity) and commits only once the pull
        // waits for the table: the pull found the table empty, must not load it without its key, and merges instead.
        await using var other = (NpgsqlConnection)await settings.Planner.OpenAsync(Ct);
        await using var otherTx = await other.BeginTransactionAsync(Ct);
        await other.ExecuteAsync(
            "INSERT INTO production_reports VALUES (@e, @p, @d, @q, 'other-writer')",
            new
            {
                e = key.Enterprise,
                p = key.Product,
                d = DateOnly.FromDateTime(key.Date),
                q = key.Quantity + 1,
            },
            otherTx
        );
        var pull = puller.PullAsync(source, Ct);
        await using (var watcher = (NpgsqlConnection)await settings.Planner.OpenAsync(Ct))
        {
            while (
                !await watcher.ExecuteScalarAsync<bool>(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted AND relation = "
                        + "CAST('production_reports' AS regclass))"
                )
            )
            {
                Assert.False(pull.IsCompleted, "the pull finished without waiting for the other writer");
                await Task.Yield();
            }
        }
        await otherTx.CommitAsync(Ct);
        var run = await pull.WaitAsync(TimeSpan.FromMinutes(2), Ct);

        await using var planner = await settings.Planner.OpenAsync(Ct);
        Assert.Equal(reports, await planner.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM production_reports"));
        Assert.Equal(
            0,
            await planner.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM production_reports WHERE pull_run_id <> @id",
                new { id = run.Id }
            )
        );
        Assert.Equal(
            key.Quantity,
            await planner.ExecuteScalarAsync<long>(
                "SELECT output FROM production_reports WHERE supplier_code = @e AND product_code = @p AND "
                    + "report_date = @d",
                new
                {
                    e = key.Enterprise,
                    p = key.Product,
                    d = DateOnly.FromDateTime(key.Date),
                }
            )
        );
        Assert.Equal(run.RowsRead, run.RowsChanged);
    }

    [Fact]
    public async Task Pull_WithNothingToLoad_DoesNotLockAnEmptyTable()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (settings, puller) = await FeedPullerTests.SeededAsync(db);
        var source = settings.Source(Feed.Production) with
        {
            Queries = new Dictionary<string, string>
            {
                ["stock_on_hand"] =
                    "SELECT enterprise_code, product_code, as_of, quantity, row_version FROM stock_on_hand WHERE "
                    + "false AND row_version > @watermark",
            },
        };
        // A plan reading the (empty) stock reports holds its lock until it commits: the pull must not wait for it.
        await using var reader = await settings.Planner.OpenAsync(Ct);
        await using var readTx = await reader.BeginTransactionAsync(Ct);
        Assert.Equal(
            0,
            await reader.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM stock_reports", transaction: readTx)
        );

        var run = await puller.PullAsync(source, Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);

        Assert.Equal("succeeded", run.Status);
        Assert.True(run.RowsChanged > 0);
    }

    [Fact]
    public async Task FirstLoad_TakesTheMerge_WhenAReaderHoldsTheTable()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (settings, puller) = await FeedPullerTests.SeededAsync(db);
        // A reader keeps the empty table open for the whole pull: the first load may not wait on it for long (every
        // later reader would queue behind its lock), so it merges, which readers do not hold up.
        await using var reader = await settings.Planner.OpenAsync(Ct);
        await using var readTx = await reader.BeginTransactionAsync(Ct);
        Assert.Equal(
            0,
            await reader.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM production_reports", transaction: readTx)
        );

        var run = await puller.PullAsync(settings.Source(Feed.Production), Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);

        await readTx.CommitAsync(Ct);
        Assert.Equal(run.RowsRead, run.RowsChanged);
        await using var source = await settings.Source(Feed.Production).Database.OpenAsync(Ct);
        await using var planner = await settings.Planner.OpenAsync(Ct);
        Assert.Equal(
            await source.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM daily_output"),
            await planner.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM production_reports WHERE pull_run_id = @id",
                new { id = run.Id }
            )
        );
    }
}
