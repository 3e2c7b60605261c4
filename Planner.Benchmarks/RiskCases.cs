using Planner.Api.Planning;
using Planner.Solver.Allocation;
using Planner.Solver.Risk;
using static System.FormattableString;

namespace Planner.Benchmarks;

/// <summary>A problem a hedged plan is measured on: its forecast series (the counties' drivers and the depots'
/// production, <see cref="PlanSnapshot.Uncertain"/>), its production lines (<see cref="PlanSnapshot.Production"/>)
/// and its counties (the destinations whose stockout target the issue sets).</summary>
internal sealed record RiskCase(
    string Name,
    string Description,
    AllocationProblem Problem,
    IReadOnlyList<UncertainSeries> Series,
    IReadOnlyList<Supply> Production,
    IReadOnlySet<string> Counties
);

/// <summary>
/// The problems of the issue-22 benchmark: the Zhejiang sample planned as of a few February 2020 days (the snapshot
/// a run builds, <see cref="ProblemBuilder.Build"/>, before the care plan moves patients: as the plan-level replay
/// <see cref="PlanReplay"/> takes it), a stress scenario made from one of them, and copies with more counties.
/// </summary>
internal static class RiskCases
{
    /// <summary>The sample planned as of each day of <paramref name="asOf"/>, and the run's risk settings (the
    /// planning parameters').</summary>
    public static async Task<(List<RiskCase> Cases, RiskSettings Risk)> ReplayAsync(
        IReadOnlyList<DateOnly> asOf,
        TextWriter log
    )
    {
        var folder = Directory.CreateTempSubdirectory("planner-bench-risk-");
        try
        {
            var node = await Node.SampleAsync(folder.FullName);
            await using var connection = await node.Planner.OpenAsync();
            var (cases, risk) = (new List<RiskCase>(), RiskSettings.Default);
            foreach (var day in asOf)
            {
                var request = new PlanRequest { AsOf = day };
                var inputs = await InputsReader.ReadAsync(connection, PlanScenario.Baseline, request);
                risk = RiskSettings.Of(inputs);
                var snapshot = ProblemBuilder.Build(inputs);
                var counties = snapshot.Regions.Where(r => r.Level == "county").Select(r => r.Code);
                cases.Add(
                    new RiskCase(
                        Invariant($"as of {day:yyyy-MM-dd}"),
                        Invariant($"the sample's plan of {day.AddDays(1):d MMMM}"),
                        snapshot.Problem,
                        snapshot.Uncertain,
                        snapshot.Production,
                        counties.ToHashSet(StringComparer.Ordinal)
                    )
                );
                await log.WriteLineAsync(Invariant($"risk: built the plan as of {day:yyyy-MM-dd}"));
            }
            return (cases, risk);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The allocation benchmark's <c>stress-60-epicentre</c> on <paramref name="zhejiang"/>: every product's supply
    /// scaled to 60 % of its demand over the horizon, the provincial depot's supply handed to the cities and no
    /// reserve floor, then Wenzhou's (330300) counties' tier-1 demand raised to 1.5 × what its depot receives. The
    /// demand lines keep their county and segment, so the snapshot's series apply; production is scaled by the same
    /// factors (its series by product and depot stay those of the snapshot).
    /// </summary>
    public static RiskCase Stress(RiskCase zhejiang)
    {
        var (scaled, factors) = StressScenario.Scale(zhejiang.Problem, 0.60);
        var problem = StressScenario.Epicentre(StressScenario.WithoutProvincialReserve(scaled), "330300", 1.5);
        var factor = factors.ToDictionary(f => f.Product, f => f.Amount, StringComparer.Ordinal);
        double TierOne(AllocationProblem p) => p.Demands.Where(d => d.Tier == 1).Sum(d => d.Quantity);
        var supply = string.Join(", ", factors.Select(f => Invariant($"{f.Product} {f.Amount:0.00}")));
        var raised = TierOne(problem) / TierOne(scaled);
        return zhejiang with
        {
            Name = "stress-60-epicentre, " + zhejiang.Name,
            Description =
                Invariant($"supply × {supply}; the province's tier-1 demand × {raised:0} ")
                + "(units of all products, nearly all of it Wenzhou's now)",
            Problem = problem,
            Production = zhejiang.Production.Select(s => s with { Quantity = s.Quantity * factor[s.Product] }).ToList(),
        };
    }

    /// <summary>
    /// <paramref name="times"/> copies of every county (codes <c>330102~2</c> …): each copy has the county's demand,
    /// its delivery lane, population, arrivals and forecast series (same city: correlated with it as with its
    /// neighbours); supply, reserve floors and production times <paramref name="times"/>, so supply keeps its share of
    /// demand. For timing only.
    /// </summary>
    public static RiskCase Replicated(RiskCase c, int times)
    {
        if (times == 1)
            return c;
        var copies = Enumerable.Range(2, times - 1).ToList();
        string Copy(string county, int i) => $"{county}~{i}";
        IEnumerable<T> Copied<T>(IEnumerable<T> rows, Func<T, string> node, Func<T, string, T> renamed) =>
            rows.Concat(
                copies.SelectMany(i =>
                    rows.Where(r => c.Counties.Contains(node(r))).Select(r => renamed(r, Copy(node(r), i)))
                )
            );
        var p = c.Problem;
        var problem = p with
        {
            Destinations = Copied(p.Destinations, d => d, (_, name) => name).ToList(),
            Demands = Copied(p.Demands, d => d.Destination, (d, name) => d with { Destination = name }).ToList(),
            Lanes = Copied(p.Lanes, l => l.To, (l, name) => l with { To = name }).ToList(),
            Arrivals = Copied(p.Arrivals, a => a.Node, (a, name) => a with { Node = name }).ToList(),
            Population = Copied(p.Population, kv => kv.Key, (kv, name) => KeyValuePair.Create(name, kv.Value))
                .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            Supplies = p.Supplies.Select(s => s with { Quantity = s.Quantity * times }).ToList(),
            ReserveFloors = p.ReserveFloors.Select(f => f with { Floor = f.Floor * times }).ToList(),
        };
        var series = c.Series.Concat(
            copies.SelectMany(i =>
                c.Series.Where(s => CountyOf(s.Key) is { } county && c.Counties.Contains(county))
                    .Select(s => s with { Key = Copy(CountyOf(s.Key)!, i) + s.Key[s.Key.IndexOf('/')..] })
            )
        );
        return c with
        {
            Name = Invariant($"{c.Name}, counties × {times}"),
            Problem = problem,
            Series = series.ToList(),
            Production = c.Production.Select(s => s with { Quantity = s.Quantity * times }).ToList(),
            Counties = Copied(c.Counties, x => x, (_, name) => name).ToHashSet(StringComparer.Ordinal),
        };
    }

    /// <summary>The county of a driver series' key (<see cref="PathDemand.Key"/>), null for production.</summary>
    private static string? CountyOf(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return key.StartsWith("supply:", StringComparison.Ordinal) || slash < 0 ? null : key[..slash];
    }
}
