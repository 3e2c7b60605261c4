using Planner.Api.Planning;
using Planner.Solver.Allocation;
using Planner.Solver.Forecasting;
using Planner.Solver.Risk;
using static Planner.Tests.Solver.TinyProblems;

namespace Planner.Tests.Solver;

/// <summary>Forecast paths, buffers, the hedged solve and the risk measured on held-out paths (issue 22), on
/// hand-sized instances.</summary>
public sealed class RiskTests
{
    /// <summary>A series of <paramref name="days"/> days with the same percentiles every day.</summary>
    private static UncertainSeries Series(string key, string group, int days, double p10, double p50, double p90) =>
        new(
            key,
            group,
            Enumerable
                .Range(0, days)
                .Select(d => new ForecastDay(new DateOnly(2020, 2, 10).AddDays(d), d + 1, p10, p50, p90))
                .ToList()
        );

    private static double Correlation(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var (mx, my) = (x.Average(), y.Average());
        var cov = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        return cov / Math.Sqrt(x.Sum(a => (a - mx) * (a - mx)) * y.Sum(b => (b - my) * (b - my)));
    }

    [Fact]
    public void Paths_AreReproducibleFromTheirSeed_AndAnotherSeedGivesOthers()
    {
        List<UncertainSeries> series = [Series("X/critical_care", "C1", 3, 5, 10, 16), Series("Y/s", "C1", 3, 1, 2, 4)];
        var a = ScenarioPaths.Draw(series, 200, 7, 0.5);
        var b = ScenarioPaths.Draw(series, 200, 7, 0.5);
        var c = ScenarioPaths.Draw(series, 200, 8, 0.5);
        var values = (ScenarioPaths p) =>
            Enumerable.Range(0, 200).Select(i => p.Value(i, "X/critical_care", 2)).ToList();
        var scores = (ScenarioPaths p) => Enumerable.Range(0, 200).Select(i => p.Score(i, "Y/s")).ToList();
        Assert.Equal(values(a), values(b));
        Assert.Equal(scores(a), scores(b));
        Assert.DoesNotContain(scores(a), scores(c).Contains);
    }

    [Fact]
    public void Paths_WithoutSpread_AreTheMedianOnEveryPath()
    {
        var paths = ScenarioPaths.Draw([Series("X/critical_care", "C1", 4, 9, 9, 9)], 50, 1, 0.5);
        for (var p = 0; p < 50; p++)
        for (var d = 0; d < 4; d++)
        {
            Assert.Equal(9, paths.Value(p, "X/critical_care", d));
            Assert.Equal(1, paths.Ratio(p, "X/critical_care", d));
        }
    }

    [Fact]
    public void Paths_MoveCountiesOfOneCityTogether_AndKeepThePercentiles()
    {
        List<UncertainSeries> series =
        [
            Series("A/s", "C1", 1, 5, 10, 20),
            Series("B/s", "C1", 1, 5, 10, 20),
            Series("C/s", "C2", 1, 5, 10, 20),
        ];
        const int count = 20_000;
        var paths = ScenarioPaths.Draw(series, count, 3, 0.5);
        var score = (string key) => Enumerable.Range(0, count).Select(p => paths.Score(p, key)).ToList();
        // Correlation estimates from 20,000 draws have a standard error under 0.01.
        Assert.InRange(Correlation(score("A/s"), score("B/s")), 0.46, 0.54);
        Assert.InRange(Correlation(score("A/s"), score("C/s")), -0.04, 0.04);
        // Each series' P10 and P90 are the forecast's: 10 % of paths below 5, 10 % above 20 (± 3 standard errors).
        var values = Enumerable.Range(0, count).Select(p => paths.Value(p, "A/s", 0)).ToList();
        Assert.InRange(values.Count(v => v < 5) / (double)count, 0.1 - 0.0064, 0.1 + 0.0064);
        Assert.InRange(values.Count(v => v > 20) / (double)count, 0.1 - 0.0064, 0.1 + 0.0064);
        Assert.InRange(values.Count(v => v < 10) / (double)count, 0.5 - 0.011, 0.5 + 0.011);
    }

    [Theory]
    [InlineData(0.5, 0)]
    [InlineData(0.95, 1.6448536269514722)]
    [InlineData(0.9, 1.2815515655446004)]
    [InlineData(0.01, -2.3263478740408408)]
    [InlineData(0.999, 3.090232306167813)]
    public void NormalInverse_MatchesTables(double p, double z) => Assert.Equal(z, Normal.Inverse(p), 7);

    [Fact]
    public void Buffers_TopTheMedianUpToTheQuantileOfTheNeedByEachDay_HandComputed()
    {
        // P10 6, P50 10, P90 14 every day: at z = Φ⁻¹(0.95) = 1.6449 the driver is 10 + 1.6449 × 4 / 1.2816 = 15.13,
        // so the need (10 a day at the median) is 15 a day: by each day 15, 30, 45 against the median's 10, 20, 30.
        var paths = ScenarioPaths.Draw([Series("X/critical_care", "C1", 3, 6, 10, 14)], 100, 1, 0.5);
        Demand[] demands = [.. Enumerable.Range(0, 3).Select(d => new Demand("X", "N95", d, 1, 10, "critical_care"))];
        var buffers = SafetyStock.Buffers(demands, new HashSet<int> { 1 }, paths, 0.05, 3);
        Assert.Equal([(0, 5.0), (1, 5.0), (2, 5.0)], buffers.Select(b => (b.Day, b.Quantity)));
        Assert.All(buffers, b => Assert.Equal((1, SafetyStock.BufferSegment), (b.Tier, b.Segment)));
        // A tier not protected, and a line without a series (a pledge), get none.
        Assert.Empty(SafetyStock.Buffers(demands, new HashSet<int> { 2 }, paths, 0.05, 3));
        Assert.Empty(SafetyStock.Buffers([new("X", "N95", 0, 1, 10, "hubei")], new HashSet<int> { 1 }, paths, 0.05, 3));
    }

    [Fact]
    public void Buffers_OnASample_HoldOnThePathsTheyWereMadeOn_AtMostTheTarget()
    {
        var paths = ScenarioPaths.Draw([Series("X/critical_care", "C1", 5, 3, 10, 25)], 200, 11, 0.5);
        Demand[] demands = [.. Enumerable.Range(0, 5).Select(d => new Demand("X", "N95", d, 1, 10, "critical_care"))];
        var buffers = SafetyStock.Buffers(demands, new HashSet<int> { 1 }, paths, 0.05, 5, BufferMethod.Sample);
        var positioned = new double[5];
        foreach (var d in demands.Concat(buffers))
            positioned[d.Day] += d.Quantity;
        var line = PathDemand.Lines(demands, 5).Single();
        var need = PathDemand.Cumulative(line, paths, 5);
        var shortPaths = Enumerable
            .Range(0, 200)
            .Count(p => Enumerable.Range(0, 5).Any(d => need[p, d] > positioned.Take(d + 1).Sum()));
        Assert.InRange(shortPaths, 1, 10);
        // One unit less on the last day and more than 10 paths (5 %) would run short: the buffer is the least.
        positioned[4] -= 1;
        Assert.True(
            Enumerable
                .Range(0, 200)
                .Count(p => Enumerable.Range(0, 5).Any(d => need[p, d] > positioned.Take(d + 1).Sum())) > 10
        );
    }

    private static readonly IReadOnlySet<int> TierOne = new HashSet<int> { 1 };

    [Fact]
    public void HedgedSolve_ServesBuffersAfterTheirTier_AndBeforeTheNext()
    {
        // 100 units: X's tier-1 need of 50 first, then its buffer of 20, then Y's tier-2 need gets the last 30.
        var problem = TwoDestinations(100, (1, 50), (2, 40));
        var result = HedgedAllocation.Solve(
            problem,
            [new Demand("X", "N95", 0, 1, 20, SafetyStock.BufferSegment)],
            new()
        );
        Assert.Equal(PlanStatus.Optimal, result.Status);
        Assert.Empty(AllocationChecker.Check(problem, result));
        Assert.Equal(50, result.Allocations.Single(a => a.Destination == "X").Served, 6);
        Assert.Equal(30, result.Allocations.Single(a => a.Destination == "Y").Served, 6);
        var buffer = Assert.Single(result.Buffers);
        Assert.Equal(("X", 1, 20.0, 20.0), (buffer.Destination, buffer.Tier, buffer.Demand, buffer.Served));
        Assert.All(result.Allocations, a => Assert.InRange(a.Tier, 1, 2));
        Assert.Contains(result.Stages, s => s.Stage.StartsWith("tier1_buffer", StringComparison.Ordinal));
    }

    /// <summary>Two counties of one city over five days: X needs 10 a day (P10 6, P90 16), Y 4 (P10 2, P90 7), both
    /// tier 1; the depot has plenty and delivers the same day.</summary>
    private static (AllocationProblem Problem, List<UncertainSeries> Series) TwoCounties(double spread = 1)
    {
        const int days = 5;
        var problem = Problem(
            days,
            ["D"],
            ["X", "Y"],
            [Supplied("D", 0, 1000)],
            [
                .. Enumerable.Range(0, days).Select(d => new Demand("X", "N95", d, 1, 10, "critical_care")),
                .. Enumerable.Range(0, days).Select(d => new Demand("Y", "N95", d, 1, 4, "critical_care")),
            ],
            [new Lane("D", "X", 0, 1), new Lane("D", "Y", 0, 1)]
        );
        List<UncertainSeries> series =
        [
            Series("X/critical_care", "C1", days, 10 - 4 * spread, 10, 10 + 6 * spread),
            Series("Y/critical_care", "C1", days, 4 - 2 * spread, 4, 4 + 3 * spread),
        ];
        return (problem, series);
    }

    [Fact]
    public void WithoutSpread_TheHedgedPlanIsThePointForecastPlan()
    {
        var (problem, series) = TwoCounties(spread: 0);
        var paths = ScenarioPaths.Draw(series, 100, 5, 0.5);
        var buffers = SafetyStock.Buffers(problem.Demands, TierOne, paths, 0.05, problem.Days);
        Assert.Empty(buffers);
        var hedged = HedgedAllocation.Solve(problem, buffers, new());
        var point = AllocationModel.Solve(problem, new());
        Assert.Equal(point.Shipments, hedged.Shipments);
        Assert.Equal(point.Allocations, hedged.Allocations);
        Assert.Empty(hedged.Buffers);
        // And it never runs short: every path is the median.
        var risk = RiskEvaluation.Evaluate(problem, hedged, paths, [], TierOne, 0.05);
        Assert.All(risk.Destinations, d => Assert.Equal((0.0, 0.0), (d.StockoutProbability, d.ExpectedShortfall)));
    }

    [Fact]
    public void StockoutProbability_MatchesABruteForceSimulationOfThePlan_WithinSamplingError()
    {
        var (problem, series) = TwoCounties();
        var (planPaths, heldOut) = RiskPlanning.Paths(series, new RiskSettings(0.1, 4000, 17));
        var buffers = SafetyStock.Buffers(problem.Demands, TierOne, planPaths, 0.1, problem.Days);
        var plan = HedgedAllocation.Solve(problem, buffers, new());
        Assert.Empty(AllocationChecker.Check(problem, plan));
        var risk = RiskEvaluation.Evaluate(problem, plan, heldOut, [], TierOne, 0.1);
        foreach (var (county, p10, p50, p90) in new[] { ("X", 6.0, 10.0, 16.0), ("Y", 2.0, 4.0, 7.0) })
        {
            var reported = risk.Destinations.Single(d => d.Destination == county);
            // The brute force: the plan's arrivals at the county meet needs drawn here, 40,000 times.
            var arrivals = new double[problem.Days];
            foreach (var s in plan.Shipments.Where(s => s.To == county))
                arrivals[s.ArrivalDay] += s.Quantity;
            var random = new Random(12345);
            var (runs, shortRuns) = (40_000, 0);
            for (var r = 0; r < runs; r++)
            {
                var z = Math.Sqrt(0.5) * Gaussian(random) + Math.Sqrt(0.5) * Gaussian(random);
                var daily = Math.Round(
                    Math.Max(0, z >= 0 ? p50 + z * (p90 - p50) / 1.2815516 : p50 + z * (p50 - p10) / 1.2815516)
                );
                var (stock, shortOnAnyDay) = (0.0, false);
                for (var d = 0; d < problem.Days; d++)
                {
                    stock += arrivals[d] - daily;
                    shortOnAnyDay |= stock < 0;
                    stock = Math.Max(0, stock);
                }
                shortRuns += shortOnAnyDay ? 1 : 0;
            }
            var brute = (double)shortRuns / runs;
            var error = Math.Sqrt(reported.StandardError * reported.StandardError + brute * (1 - brute) / runs);
            Assert.InRange(reported.StockoutProbability, brute - 3 * error, brute + 3 * error);
            Assert.InRange(reported.StockoutProbability, 0.02, 0.1 + 3 * reported.StandardError);
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Sin(2 * Math.PI * random.NextDouble());

    [Fact]
    public void HeldOutPaths_AreNotThePlansPaths_AndTheSampleBufferHoldsOnlyInSample()
    {
        var (problem, series) = TwoCounties();
        var settings = new RiskSettings(0.05, 100, 3, BufferMethod.Sample);
        var (planPaths, heldOut) = RiskPlanning.Paths(series, settings);
        Assert.NotEqual(settings.Seed, settings.EvaluationSeed);
        var planScores = Enumerable.Range(0, 100).Select(p => planPaths.Score(p, "X/critical_care")).ToList();
        Assert.DoesNotContain(
            Enumerable.Range(0, 100).Select(p => heldOut.Score(p, "X/critical_care")),
            planScores.Contains
        );
        var buffers = SafetyStock.Buffers(problem.Demands, TierOne, planPaths, 0.05, problem.Days, BufferMethod.Sample);
        var plan = HedgedAllocation.Solve(problem, buffers, new());
        var inSample = RiskEvaluation.Evaluate(problem, plan, planPaths, [], TierOne, 0.05);
        var outOfSample = RiskEvaluation.Evaluate(problem, plan, heldOut, [], TierOne, 0.05);
        Assert.All(inSample.Destinations, d => Assert.True(d.StockoutProbability <= 0.05));
        Assert.NotEqual(
            inSample.Destinations.Select(d => d.ExpectedShortfall),
            outOfSample.Destinations.Select(d => d.ExpectedShortfall)
        );
        // The same seed gives the same plan and the same risk.
        var again = RiskEvaluation.Evaluate(
            problem,
            plan,
            RiskPlanning.Paths(series, settings).HeldOut,
            [],
            TierOne,
            0.05
        );
        Assert.Equal(outOfSample.Destinations, again.Destinations);
        Assert.Equal(outOfSample.Tiers, again.Tiers);
    }

    [Fact]
    public void ProductionBelowItsMedian_TakesFromLowerTiersFirst_AndOnlyThenFromTierOne()
    {
        // Four days: production 100 a day (P10 30, P90 120) meets X's tier-1 need of 50 a day and Y's tier-5 need of
        // 50 a day. A path whose production runs at r of its median is 400 (1 − r) short by the end: Y's 200 absorb
        // it while r ≥ 0.5, so tier 1 runs short only when 100 + z × 70 / 1.2816 < 50: z < −0.9154, Φ = 0.180.
        const int days = 4;
        Supply[] made = [.. Enumerable.Range(0, days).Select(d => Supplied("D", d, 100))];
        var problem = Problem(
            days,
            ["D"],
            ["X", "Y"],
            made,
            [
                .. Enumerable.Range(0, days).Select(d => Needed("X", d, 1, 50)),
                .. Enumerable.Range(0, days).Select(d => Needed("Y", d, 5, 50)),
            ],
            [new Lane("D", "X", 0, 1), new Lane("D", "Y", 0, 1)]
        );
        var plan = AllocationModel.Solve(problem, new());
        var key = PathDemand.SupplyKey("D", "N95");
        var paths = ScenarioPaths.Draw([Series(key, key, days, 30, 100, 120)], 4000, 9, 0.5);
        var risk = RiskEvaluation.Evaluate(problem, plan, paths, made, TierOne, 0.05);
        var x = risk.Destinations.Single(d => d.Destination == "X");
        Assert.InRange(x.StockoutProbability, 0.180 - 3 * x.StandardError, 0.180 + 3 * x.StandardError);
        // Tier 5 is earmarked too, and meets its need on every path: the cut is in the units the plan delivers
        // to tier 1, not a change of tier 5's.
        Assert.Equal(0, risk.Destinations.Single(d => d.Destination == "Y").StockoutProbability);
    }
}
