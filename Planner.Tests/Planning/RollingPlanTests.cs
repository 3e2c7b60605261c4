using Planner.Solver.Allocation;
using Planner.Tests.Solver;

namespace Planner.Tests.Planning;

/// <summary>A plan that rolls: the next day's plan starts from the stock yesterday's plan left and counts its goods
/// still on the road.</summary>
public class RollingPlanTests
{
    private const string Wuhan = "HB-WUHAN";

    private static readonly PlanRequest Sample = new() { AsOf = TestPlanner.SampleAsOf };

    [Fact]
    public async Task NextDaysPlan_StartsFromTheStockYesterdaysPlanLeft_AndCountsItsGoodsOnTheRoad()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = TestPlanner.Node(db, ("Planner:Teams:TimeLimitSeconds", "2"));
        await node.PrepareWithSourcesAsync(Ct);
        var first = await node.RunAsync(new PlanRequest(HorizonDays: 7) { AsOf = new(2020, 2, 9) }, ct: Ct);
        await using var connection = await node.Planner.OpenAsync(Ct);

        var inputs = await InputsReader.ReadAsync(
            connection,
            PlanScenario.Baseline,
            new PlanRequest { AsOf = new(2020, 2, 10) },
            days: 7
        );
        var next = ProblemBuilder.Build(inputs);

        // The first plan's day-0 shipments (10 February) to Wuhan take a day or more: they arrive in the next plan.
        var sent = await SentOnDayAsync(connection, first.RunId, 0);
        var product = sent.Where(s => s.To == Wuhan).Select(s => s.Product).Order(StringComparer.Ordinal).First();
        Assert.Equal(
            sent.Where(s => s.To == Wuhan && s.Product == product).Sum(s => s.Quantity),
            next.Problem.Arrivals.Where(a => a.Node == Wuhan && a.Product == product).Sum(a => a.Quantity),
            3
        );
        // A city depot's N95 (released as made) on day 0: its 9 February stock + its 10 February output − what it
        // sent on the 10th + what reached it that day (same-day lanes into it), and the 11th's forecast output.
        var sameDay = next.Problem.Lanes.Where(l => l.LeadDays == 0).Select(l => (l.From, l.To)).ToHashSet();
        var city = sent.Where(s => s.From.Length == 6 && s.From != "330000" && s.Product == "N95")
            .Select(s => s.From)
            .Order(StringComparer.Ordinal)
            .First();
        var forecast = ProductionSupply
            .Build(inputs, inputs.OpeningStock.ToDictionary(s => (s.Depot, s.Product), s => s.Day))
            .Planned.Where(p => p.Depot == city && p.Product == "N95" && p.Day == 0)
            .Sum(p => p.Quantity);
        var expected =
            await StockAsync(connection, city, "N95")
            + await ProducedAsync(connection, city, "N95", new(2020, 2, 10))
            - sent.Where(s => s.From == city && s.Product == "N95").Sum(s => s.Quantity)
            + sent.Where(s => s.To == city && s.Product == "N95" && sameDay.Contains((s.From, s.To)))
                .Sum(s => s.Quantity)
            + Math.Round(forecast, MidpointRounding.AwayFromZero);
        Assert.True(expected > 0, $"{city}: {expected}");
        Assert.Equal(
            expected,
            next.Problem.Supplies.Where(s => s.Depot == city && s.Product == "N95" && s.Day == 0).Sum(s => s.Quantity),
            3
        );
        Assert.Empty(AllocationChecker.Check(next.Problem, AllocationModel.Solve(next.Problem, new())));
    }

    /// <summary>Issue 19's acceptance: the daily job on a replayed clock (a day every 10 minutes from 06:00 on 10
    /// February 2020) publishes a plan a day, each from the clock's next day and counting what the one before sent on
    /// its first day.</summary>
    [Fact]
    public async Task TheDailyJob_OnAReplayedClock_PublishesSuccessivePlans_EachCarryingTheLastForward()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = PlanDatesTests.ClockNode(db);
        var real = new PlanDatesTests.SteppedClock(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        var replay = new ReplayClock(new DateTimeOffset(2020, 2, 10, 6, 0, 0, TimeSpan.FromHours(8)), 144, real);
        await node.At(replay).PrepareAsync(Ct);
        await node.SeedSourcesAsync(Ct);
        Jobs.HangfireState.ResetLogging();
        using var storage = new Hangfire.InMemory.InMemoryStorage();
        var jobs = node.At(replay).RunJobs(new Hangfire.BackgroundJobClient(storage), PlanDatesTests.Lifetime());

        await jobs.DailyPlanAsync(Ct);
        real.Now += TimeSpan.FromMinutes(10);
        await jobs.DailyPlanAsync(Ct);

        await using var connection = await node.Planner.OpenAsync(Ct);
        var runs = (
            await connection.QueryAsync<(string Key, string Run, DateOnly Start)>(
                "SELECT q.request_key, r.id, r.plan_start FROM run_requests q JOIN plan_runs r ON r.id = q.run_id "
                    + "WHERE r.status = 'succeeded' ORDER BY r.plan_start"
            )
        ).ToList();
        Assert.Equal(
            [("daily-2020-02-10", new DateOnly(2020, 2, 11)), ("daily-2020-02-11", new DateOnly(2020, 2, 12))],
            runs.Select(r => (r.Key, r.Start))
        );
        var sent = await SentOnDayAsync(connection, runs[0].Run, 0);
        var carried = (
            await InputsReader.ReadAsync(connection, PlanScenario.Baseline, new PlanRequest { AsOf = new(2020, 2, 11) })
        ).EarlierShipments;
        Assert.NotEmpty(sent);
        Assert.Equal(sent.Sum(s => s.Quantity), carried.Sum(s => s.Quantity), 3);
    }

    [Fact]
    public async Task APlanFromTheSameStart_LeavesItsOwnInputsAlone()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = TestPlanner.Node(db, ("Planner:Teams:TimeLimitSeconds", "2"));
        await node.PrepareWithSourcesAsync(Ct);
        await node.PullAsync(ct: Ct);
        await using var connection = await node.Planner.OpenAsync(Ct);
        var before = await InputsReader.ReadAsync(connection, PlanScenario.Baseline, Sample, 7);

        await node.RunAsync(Sample with { HorizonDays = 7 }, ct: Ct);
        var after = await InputsReader.ReadAsync(connection, PlanScenario.Baseline, Sample, 7);

        // The published plan starts on the same day: nothing of it was sent before the new plan's start.
        Assert.Empty(after.EarlierShipments);
        Assert.Equal(ProblemBuilder.Build(before).Problem.Supplies, ProblemBuilder.Build(after).Problem.Supplies);
    }

    private static async Task<List<(string From, string To, string Product, double Quantity)>> SentOnDayAsync(
        System.Data.Common.DbConnection db,
        string run,
        int day
    ) =>
        (
            await db.QueryAsync<(string, string, string, double)>(
                "SELECT from_code, to_code, product_code, quantity FROM plan_shipments "
                    + "WHERE run_id = @run AND day = @day",
                new { run, day }
            )
        ).ToList();

    private static Task<double> StockAsync(System.Data.Common.DbConnection db, string city, string product) =>
        db.ExecuteScalarAsync<double>(
            """
            SELECT COALESCE(SUM(k.quantity), 0) FROM stock_reports k
            JOIN suppliers s ON s.code = k.supplier_code JOIN regions c ON c.code = s.county_code
            WHERE c.parent_code = @city AND s.kind NOT IN ('provincial_reserve', 'national_allocation')
              AND k.product_code = @product AND k.as_of = '2020-02-09'
            """,
            new { city, product }
        );

    private static Task<double> ProducedAsync(
        System.Data.Common.DbConnection db,
        string city,
        string product,
        DateOnly day
    ) =>
        db.ExecuteScalarAsync<double>(
            """
            SELECT COALESCE(SUM(p.output), 0) FROM production_reports p
            JOIN suppliers s ON s.code = p.supplier_code JOIN regions c ON c.code = s.county_code
            WHERE c.parent_code = @city AND s.kind NOT IN ('provincial_reserve', 'national_allocation')
              AND p.product_code = @product AND p.report_date = @day
            """,
            new
            {
                city,
                product,
                day,
            }
        );
}
