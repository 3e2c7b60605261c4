namespace Planner.Tests.Planning;

/// <summary>Production in a plan is forecast from what was reported by the as-of day, never read from later
/// reports.</summary>
public class ProductionSupplyTests
{
    private static readonly PlanRequest AsOf16February = new() { AsOf = new(2020, 2, 16) };

    [Fact]
    public async Task ThePlan_IsTheSame_WhetherOrNotReportsAfterTheAsOfDayExist()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = await TestPlanner.PulledAsync(db);
        await using var connection = await node.Planner.OpenAsync(Ct);
        var withLater = ProblemBuilder.Build(await ReadAsync(connection));

        var removed = await connection.ExecuteAsync(
            "DELETE FROM production_reports WHERE report_date > @asOf",
            new { asOf = AsOf16February.AsOf }
        );
        var without = ProblemBuilder.Build(await ReadAsync(connection));

        Assert.True(removed > 0, "the sample reports nothing after 16 February");
        Assert.Equal(withLater.Problem.Supplies, without.Problem.Supplies);
    }

    [Fact]
    public async Task SterilisedProducts_ComeFromOutputMadeALagBefore_AndOutputRises()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = await TestPlanner.PulledAsync(db);
        await using var connection = await node.Planner.OpenAsync(Ct);
        var inputs = await ReadAsync(connection);

        var planned = ProductionSupply
            .Build(inputs, inputs.OpeningStock.ToDictionary(s => (s.Depot, s.Product), s => s.Day))
            .Planned;

        // Coveralls are released 7 days after they are made: the plan's first day (17 February) gets what was made on
        // the 10th, its seventh day what was made on the 16th, the last reported day.
        Assert.Equal(7, ProductionSupply.Lag(inputs.Parameters, "COVERALL"));
        foreach (var (day, made) in new[] { (0, new DateOnly(2020, 2, 10)), (6, new DateOnly(2020, 2, 16)) })
        {
            Assert.Equal(
                inputs.ProductionHistory.Where(r => r.Product == "COVERALL" && r.Day == made).Sum(r => r.Quantity),
                planned.Where(p => p.Product == "COVERALL" && p.Day == day).Sum(p => p.Quantity),
                3
            );
        }
        // Factories were restarting: the forecast carries the ramp forward (masks ×2.8 in the half month to 23 Feb).
        double N95(int day) => planned.Where(p => p.Product == "N95" && p.Day == day).Sum(p => p.Quantity);
        Assert.True(N95(13) > N95(0) * 1.1, $"N95 on day 0: {N95(0)}, on day 13: {N95(13)}");
        Assert.True(
            N95(0)
                > inputs
                    .ProductionHistory.Where(r => r.Product == "N95" && r.Day == AsOf16February.AsOf)
                    .Sum(r => r.Quantity) * 0.9
        );
    }

    private static Task<PlanInputs> ReadAsync(System.Data.Common.DbConnection connection) =>
        InputsReader.ReadAsync(connection, PlanScenario.Baseline, AsOf16February, 14);
}
