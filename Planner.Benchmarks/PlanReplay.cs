using System.Diagnostics;
using Planner.Api.Planning;
using Planner.Solver.Allocation;

namespace Planner.Benchmarks;

/// <summary>
/// The plan-level replay of issue 19: one plan a day, as of 9 … 28 February 2020 (plans from 10 … 29 February), made
/// on the forecast and, from the same data, on every driver held at its last report (the plan before forecasts); each
/// plan's deliveries then meet the demand that actually came. The demand that came on a day is the demand of that
/// day's own drivers: day 0 of a plan as of that day with the drivers held, which reads nothing dated later.
/// </summary>
internal static class PlanReplay
{
    public static readonly DateOnly FirstAsOf = new(2020, 2, 9);
    public static readonly DateOnly LastAsOf = new(2020, 2, 28);

    /// <summary>The data's last day: demand is known up to it, so later days of a plan are not scored.</summary>
    public static readonly DateOnly LastData = new(2020, 3, 10);

    /// <summary>Every driver held at its last report: the plan before forecasts, and the demand that came.</summary>
    private static readonly ScenarioOverrides Held = new() { HoldDrivers = true };

    /// <summary>The tiers scored apart: 1, 2, 3, and 4 with 5 (return to work and the public).</summary>
    public const int Tiers = 4;

    /// <summary>One plan scored: its as-of day, on what it was made, the product, the horizon day (0 = the plan's
    /// first day), and on that day, summed over the counties: the demand that came and the part left unmet per tier
    /// (index 0 = tier 1 … 3 = tiers 4 and 5), what the plan delivered and the units left over at the day's
    /// end.</summary>
    public sealed record Scored(
        DateOnly AsOf,
        string Made,
        string Product,
        int Day,
        double[] Need,
        double[] Short,
        double Delivered,
        double Kept
    );

    /// <summary>Every plan's score, and the seconds spent building and solving.</summary>
    public sealed record Outcome(
        double Production,
        List<Scored> Rows,
        double BuildSeconds,
        double SolveSeconds,
        int Plans
    );

    /// <summary>The replay with every factory's output times <paramref name="production"/> (1: as reported; less,
    /// to see the plans when supply is short of the higher tiers too).</summary>
    public static async Task<Outcome> RunAsync(double production, TextWriter log)
    {
        var output = new ScenarioOverrides
        {
            ProductionMultipliers = [new ProductionMultiplier(null, null, production)],
        };
        (string Made, PlanScenario Scenario)[] plans =
        [
            ("forecast", new PlanScenario("forecast", 1, output)),
            (
                "hold-last",
                new PlanScenario("hold-last", 1, Held with { ProductionMultipliers = output.ProductionMultipliers })
            ),
        ];
        var folder = Directory.CreateTempSubdirectory("planner-replay-");
        try
        {
            var node = await Node.SampleAsync(folder.FullName);
            await using var connection = await node.Planner.OpenAsync();
            var build = Stopwatch.StartNew();
            var realised = new Dictionary<DateOnly, ILookup<(string, string), Demand>>();
            for (var day = FirstAsOf.AddDays(1); day <= LastData; day = day.AddDays(1))
            {
                var held = await BuildAsync(connection, new PlanScenario("held", 1, Held), day);
                realised[day] = held.Problem.Demands.Where(d => d.Day == 0).ToLookup(d => (d.Destination, d.Product));
            }
            build.Stop();
            var solve = new Stopwatch();
            var rows = new List<Scored>();
            for (var asOf = FirstAsOf; asOf <= LastAsOf; asOf = asOf.AddDays(1))
            {
                foreach (var (made, scenario) in plans)
                {
                    build.Start();
                    var snapshot = await BuildAsync(connection, scenario, asOf);
                    build.Stop();
                    solve.Start();
                    var result = AllocationModel.Solve(snapshot.Problem, Settings);
                    solve.Stop();
                    if (result.Status != PlanStatus.Optimal)
                        throw new InvalidOperationException($"The plan as of {asOf} on {made} is {result.Status}.");
                    rows.AddRange(Score(asOf, made, snapshot, result, realised));
                }
                await log.WriteLineAsync($"forecast-plans: production × {production}: planned as of {asOf:yyyy-MM-dd}");
            }
            var count = 2 * (LastAsOf.DayNumber - FirstAsOf.DayNumber + 1);
            return new Outcome(production, rows, build.Elapsed.TotalSeconds, solve.Elapsed.TotalSeconds, count);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>As the pipeline solves, without the fairness measurement (it changes no delivery).</summary>
    private static readonly AllocationSettings Settings = new() { MeasureFairnessCost = false };

    private static async Task<PlanSnapshot> BuildAsync(
        System.Data.Common.DbConnection connection,
        PlanScenario scenario,
        DateOnly asOf
    ) => ProblemBuilder.Build(await InputsReader.ReadAsync(connection, scenario, new PlanRequest { AsOf = asOf }));

    /// <summary>
    /// Each county's deliveries (shipments arriving, goods already on the road) meet the demand that came there, tier
    /// 1 first; what is not used is kept for the next day, as the model keeps stock at a destination. The Hubei sites
    /// are left out: their requests are the same pledges in both plans, and what their first days lack is the lead
    /// time of a replay that publishes no plan (a published plan's convoys cover it: RollingPlanTests).
    /// </summary>
    private static IEnumerable<Scored> Score(
        DateOnly asOf,
        string made,
        PlanSnapshot snapshot,
        AllocationResult result,
        Dictionary<DateOnly, ILookup<(string, string), Demand>> realised
    )
    {
        var counties = snapshot.Regions.Where(r => r.Level == "county").Select(r => r.Code).ToList();
        var inflow = result
            .Shipments.Select(s => (Node: s.To, s.Product, Day: s.ArrivalDay, s.Quantity))
            .Concat(snapshot.Problem.Arrivals.Select(a => (a.Node, a.Product, a.Day, a.Quantity)))
            .ToLookup(a => (a.Node, a.Product, a.Day), a => a.Quantity);
        var start = asOf.AddDays(1);
        var days = Enumerable.Range(0, snapshot.Problem.Days).Where(k => start.AddDays(k) <= LastData).ToList();
        foreach (var product in snapshot.Problem.Products)
        {
            var rows = days.Select(k => new Scored(asOf, made, product, k, new double[Tiers], new double[Tiers], 0, 0))
                .ToList();
            foreach (var county in counties)
            {
                var kept = 0.0;
                for (var i = 0; i < rows.Count; i++)
                {
                    var arrived = inflow[(county, product, rows[i].Day)].Sum();
                    var onHand = kept + arrived;
                    var needs = realised[start.AddDays(rows[i].Day)][(county, product)];
                    foreach (var tier in needs.GroupBy(d => d.Tier).OrderBy(g => g.Key))
                    {
                        var need = tier.Sum(d => d.Quantity);
                        var met = Math.Min(need, onHand);
                        onHand -= met;
                        rows[i].Need[Math.Min(tier.Key, Tiers) - 1] += need;
                        rows[i].Short[Math.Min(tier.Key, Tiers) - 1] += need - met;
                    }
                    kept = onHand;
                    rows[i] = rows[i] with { Delivered = rows[i].Delivered + arrived, Kept = rows[i].Kept + kept };
                }
            }
            foreach (var row in rows)
                yield return row;
        }
    }
}
