using ClosedXML.Excel;
using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;

namespace Planner.Tests.Planning;

/// <summary>The optimizer inside the plan pipeline on the shipped Zhejiang sample: reasons, breakdown, export,
/// determinism, policies, re-planning.</summary>
public class PlanOptimizerTests
{
    private static readonly DateTimeOffset Noon = new(2020, 2, 9, 12, 0, 0, TimeSpan.Zero);

    private static Task<PlanOutcome> RunAsync(
        TestDatabase db,
        PlanRequest? request = null,
        TimeProvider? clock = null
    ) =>
        TestPlanner
            .Node(db)
            .At(clock ?? TimeProvider.System)
            .RunAsync(request ?? new PlanRequest(Path.Combine(db.Directory, "out")), ct: Ct);

    [Fact]
    public async Task Run_ExplainsEveryShortfall_InTheWorkbookAndTheSummary()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        var outcome = await RunAsync(db);

        var summary = outcome.Summary;
        Assert.All(summary.Products, p =>
        {
            // Rows short by less than half a unit (solver tolerance) carry no reason; each shortfall group is rounded
            // to 3 decimals (thousands of groups: their sum can pass the total by a hundredth).
            Assert.InRange(
                p.ShortfallByReason.Values.Sum(),
                p.Totals.Shortfall * (1 - 1e-6) - 1,
                p.Totals.Shortfall * (1 + 1e-8) + 1e-3
            );
            Assert.All(p.Tiers, t => Assert.Equal("optimized", t.Policy));
            Assert.All(p.Tiers, t => Assert.InRange(t.MinFillRate, 0, t.FillRate + 1e-9));
        });
        // Hubei cannot be reached on the first day: that part of tier 1 is short for lead time, nothing else is.
        Assert.All(summary.Products, p => Assert.True(p.ShortfallByReason["lead_time"] > 0));
        using var workbook = Xlsx.Open(outcome.WorkbookPath);
        var rows = workbook.Worksheet("Shortfalls").Table("Shortfalls").DataRange.Rows().ToList();
        Assert.NotEmpty(rows);
        var known = Enum.GetValues<ShortfallReason>().Select(ShortfallReasons.Code).ToHashSet();
        Assert.All(rows, r => Assert.Contains(r.Field("Reason").GetString(), known));
        Assert.Contains(rows, r =>
            r.Field("Code").GetString() == "HB-WUHAN"
            && r.Field("Reason").GetString() == "lead_time"
            && r.Field("Tier").GetDouble() == 1
        );
        Assert.Equal(
            summary.Products.Sum(p => p.ShortfallByReason.Values.Sum()),
            rows.Sum(r => r.Field("Shortfall").GetDouble()),
            3
        );
    }

    [Fact]
    public async Task Run_BreaksThePlanDownToVillages_SoThatEveryLevelAddsUp()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var outcome = await RunAsync(db);
        await using var connection = await TestPlanner.Node(db).Planner.OpenAsync(Ct);
        var snapshot = await TestPlanner.SnapshotAsync(connection);
        var served = (
            await connection.QueryAsync<(string Destination, string Product, double Served)>(
                "SELECT destination_code, product_code, SUM(served) FROM plan_allocations WHERE run_id = @id GROUP "
                    + "BY destination_code, product_code",
                new { id = outcome.RunId }
            )
        ).ToList();

        var children = snapshot.Tree.Where(n => n.ParentCode is not null).ToLookup(n => n.ParentCode!);
        var levels = snapshot.Regions.ToDictionary(r => r.Code, r => r.Level);
        foreach (var product in snapshot.Products.Select(p => p.Code))
        {
            var counties = served
                .Where(s => s.Product == product && levels[s.Destination] == "county")
                .ToDictionary(s => s.Destination, s => s.Served);
            var whole = FiveLevelBreakdown.Build(snapshot.Tree, counties);

            Assert.Equal(snapshot.Tree.Count, whole.Count);
            Assert.Equal(Math.Round(counties.Values.Sum(), MidpointRounding.AwayFromZero), whole["330000"]);
            foreach (var node in snapshot.Tree.Where(n => children[n.Code].Any()))
            {
                Assert.Equal(whole[node.Code], children[node.Code].Sum(c => whole[c.Code]));
            }
            foreach (var (county, quantity) in counties)
            {
                Assert.InRange(whole[county], Math.Floor(quantity) - 1, Math.Ceiling(quantity) + 1);
            }
            Assert.Equal(
                whole["330000"],
                snapshot.Tree.Where(n => levels[n.Code] == "village").Sum(n => whole[n.Code])
                    + snapshot
                        .Tree.Where(n => levels[n.Code] == "town" && !children[n.Code].Any())
                        .Sum(n => whole[n.Code])
            );
        }

        using var workbook = Xlsx.Open(outcome.WorkbookPath);
        var towns = workbook.Worksheet("Towns").Table("Towns").DataRange.Rows().ToList();
        Assert.Equal(snapshot.Regions.Count(r => r.Level == "town"), towns.Count);
        Assert.All(towns, t => Assert.Equal(9, t.Field("Town code").GetString().Length));
    }

    [Fact]
    public async Task ExportModel_GivesStagesThatAnExternalSolverConfirms()
    {
        var cbc = ExternalSolver.RequireCbc();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var export = Path.Combine(db.Directory, "model");

        await RunAsync(
            db,
            new PlanRequest(Path.Combine(db.Directory, "out"), HorizonDays: 4) { ExportModelDirectory = export }
        );

        using var stages = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(export, "stages.json"), Ct));
        var list = stages.RootElement.EnumerateArray().ToList();
        Assert.True(list.Count > 20);
        foreach (var stage in list)
        {
            var file = stage.GetProperty("file").GetString()!;
            Assert.Equal(stage.GetProperty("stage").GetString() + ".mps", file);
            var expected = stage.GetProperty("objective").GetDouble();
            var actual = ExternalSolver.Solve(
                cbc,
                Path.Combine(export, file),
                stage.GetProperty("sense").GetString() == "max"
            );
            Assert.True(
                Math.Abs(actual - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)),
                $"{file}: CBC {actual}, Planner {expected}"
            );
        }
    }

    [Fact]
    public async Task Run_WritesTheSameSummary_ForTheSameInputs()
    {
        await using var a = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var b = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        var first = await RunAsync(a, clock: new FixedClock(Noon));
        var second = await RunAsync(b, clock: new FixedClock(Noon));

        Assert.Equal(
            await File.ReadAllBytesAsync(first.SummaryPath!, Ct),
            await File.ReadAllBytesAsync(second.SummaryPath!, Ct)
        );
        Assert.Equal(first.RunId, second.RunId);
    }

    [Fact]
    public async Task Run_FollowsTheChosenPolicy_AndOptimizedServesTierOneAtLeastAsWell()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        var optimized = await RunAsync(
            db,
            new PlanRequest(Path.Combine(db.Directory, "a")) { Policy = Policy.Optimized }
        );
        var proRata = await RunAsync(db, new PlanRequest(Path.Combine(db.Directory, "b")) { Policy = Policy.ProRata });

        Assert.Equal("pro-rata", proRata.Summary.Run.Policy);
        Assert.All(proRata.Summary.Products.SelectMany(p => p.Tiers), t => Assert.Equal("pro-rata", t.Policy));
        static double TierOneShortfall(PlanOutcome o) =>
            o.Summary.Products.Sum(p => p.Tiers.Single(t => t.Tier == 1).Shortfall);
        Assert.True(
            TierOneShortfall(optimized) < TierOneShortfall(proRata),
            $"{TierOneShortfall(optimized)} vs {TierOneShortfall(proRata)}"
        );
    }

    [Fact]
    public async Task Replan_KeepsTheDispatchedShipmentsOfTheEarlierRun()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var first = await RunAsync(db);

        var second = await RunAsync(
            db,
            new PlanRequest(Path.Combine(db.Directory, "again")) { ReplanRunId = first.RunId, DispatchedThroughDay = 1 }
        );

        await using var connection = await TestPlanner.Node(db).Planner.OpenAsync(Ct);
        async Task<List<string>> Early(string run) =>
            (
                await connection.QueryAsync<(string From, string To, string Product, long Day, double Quantity)>(
                    "SELECT from_code, to_code, product_code, day, quantity FROM plan_shipments WHERE run_id = @run "
                        + "AND day <= 1",
                    new { run }
                )
            )
                .Select(s => $"{s.From}>{s.To} {s.Product} d{s.Day} {s.Quantity:0.###}")
                .Order(StringComparer.Ordinal)
                .ToList();
        Assert.NotEmpty(await Early(first.RunId));
        Assert.Equal(await Early(first.RunId), await Early(second.RunId));
        Assert.NotEqual(first.RunId, second.RunId);
    }

    [Fact]
    public async Task EveryPolicy_PlansTheStressScenario_AndOptimizedServesTierOneBest()
    {
        // The sample with each product's supply and reserve floor scaled to 60% of its demand over the horizon.
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = await TestPlanner.PulledAsync(db);
        await using var connection = await node.Planner.OpenAsync(Ct);
        var problem = (await TestPlanner.SnapshotAsync(connection)).Problem;
        var factor = problem.Products.ToDictionary(
            p => p,
            p =>
                0.6
                * problem.Demands.Where(d => d.Product == p).Sum(d => d.Quantity)
                / problem.Supplies.Where(s => s.Product == p).Sum(s => s.Quantity)
        );
        var stress = problem with
        {
            Supplies = problem
                .Supplies.Select(s => s with { Quantity = Math.Round(s.Quantity * factor[s.Product]) })
                .ToList(),
            ReserveFloors = problem
                .ReserveFloors.Select(f => f with { Floor = Math.Round(f.Floor * factor[f.Product]) })
                .ToList(),
        };

        var results = Enum.GetValues<Policy>()
            .ToDictionary(p => p, p => AllocationModel.Solve(stress, new AllocationSettings { Policy = p }));

        foreach (var (policy, result) in results)
        {
            // Every stage proven optimal under every policy (no fixings widened): with a smallest fixing slack of 1e-7
            // absolute, no-sharing's last tier did not solve until the fixings were widened.
            Assert.True(
                result.Status == PlanStatus.Optimal,
                $"{policy}: "
                    + string.Join(
                        ", ",
                        result
                            .Stages.Where(s => s.SolverStatus != "OPTIMAL")
                            .Select(s => $"{s.Product}/{s.Stage} {s.SolverStatus}")
                    )
            );
            var errors = Solver.AllocationChecker.Check(stress, result);
            Assert.True(errors.Count == 0, $"{policy}: " + string.Join("\n", errors.Take(10)));
        }
        // The policies' optima compared (rounding to whole cartons moves each plan by up to a carton a destination).
        double TierOne(Policy p) =>
            results[p].Allocations.Where(a => a.Tier == 1).Sum(a => Math.Max(0, a.Demand - (a.Optimal ?? a.Served)));
        Assert.All(results.Keys, p =>
            Assert.True(
                TierOne(Policy.Optimized) <= TierOne(p) + 1,
                $"{p}: {TierOne(p)} < optimized {TierOne(Policy.Optimized)}"
            )
        );
        Assert.True(TierOne(Policy.Optimized) < TierOne(Policy.ProRata));
    }
}
