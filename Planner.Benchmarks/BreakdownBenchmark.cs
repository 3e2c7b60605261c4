using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;
using Planner.Api.Planning;
using Planner.Api.Runs;
using Planner.Api.Workbooks;
using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;
using static System.FormattableString;

namespace Planner.Benchmarks;

/// <summary>
/// What issue 21's whole packs and consignees add to the Zhejiang plan (target: at most 1 s): the sample planned as
/// a run plans it, solved again without whole packs, then timed on that plan — the rounding to whole units and packs
/// (<see cref="PackRounding.Round"/> for every product) and the consignee breakdown (each county's served units
/// shared among its segments and consignees, the five levels down to the villages, and every shipment into a county
/// split among its receivers).
/// </summary>
public static class BreakdownBenchmark
{
    public const string Heading = "## Whole packs and consignees (issue 21)";

    public const string Usage = """
        usage: dotnet run -c Release --project Planner.Benchmarks -- breakdown [options]
          --repeat N       timed repetitions; the report gives each and the median (default 5)
          --write FILE     replace (or add) the "## Whole packs and consignees (issue 21)" section of FILE
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var (repeat, write) = (5, (string?)null);
        new Options(Usage).Int("--repeat", v => repeat = v).Text("--write", v => write = v).ParseOrThrow(args);
        var folder = Directory.CreateTempSubdirectory("planner-bench-breakdown-");
        try
        {
            var node = Node.Create(("Planner:LocalDirectory", folder.FullName));
            await node.PrepareAsync();
            var outcome = await node.PlanAsync(new PlanRequest(Path.Combine(folder.FullName, "out")));
            var (_, snapshot, report) = outcome.Published!.Value;
            var settings = node.Get<IOptions<SolverOptions>>().Value.ToSettings() with { WholePacks = false };
            var unrounded = AllocationModel.Solve(outcome.Problem, settings);
            log.WriteLine(Invariant($"breakdown: planned {outcome.RunId}, solved again without packs"));
            var runs = new List<(double Rounding, double Consignees)>();
            for (var r = 0; r < repeat; r++)
            {
                var watch = Stopwatch.StartNew();
                foreach (var product in outcome.Problem.Products)
                    PackRounding.Round(
                        outcome.Problem,
                        product,
                        [.. unrounded.Shipments.Where(s => s.Product == product)],
                        [.. unrounded.Stock.Where(s => s.Product == product)],
                        [.. unrounded.Allocations.Where(a => a.Product == product)],
                        settings.Policy
                    );
                var rounding = watch.Elapsed.TotalSeconds;
                watch.Restart();
                Consignees(snapshot, outcome);
                runs.Add((rounding, watch.Elapsed.TotalSeconds));
                log.WriteLine(
                    Invariant(
                        $"breakdown: {r + 1}: rounding {rounding:0.000} s, consignees {runs[^1].Consignees:0.000} s"
                    )
                );
            }
            var lines = report.Consignees.Count;
            Section.Publish(Markdown(args, runs, outcome, lines), Heading, write, output);
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The consignee breakdown as a run makes it: served units by segment, their consignees, the five
    /// levels, and the deliveries of every shipment into a county.</summary>
    private static void Consignees(PlanSnapshot snapshot, PlanOutcome outcome)
    {
        var counties = RegionInfo.Counties(snapshot.Regions);
        var served = ConsigneeRoutes.Served(outcome.Problem, outcome.Result, counties);
        var lines = Solver.Breakdown.Consignees.Split(
            served,
            ConsigneeRoutes.For(served.Select(s => s.Segment)),
            ConsigneeRoutes.Figures(snapshot.HospitalReports, outcome.Care.Transfers.Census)
        );
        Solver.Breakdown.Consignees.Villages(snapshot.Tree, snapshot.Products.Select(p => p.Code), lines);
        Solver.Breakdown.Consignees.Deliveries(outcome.Result.Shipments, lines, counties);
    }

    private static string Markdown(
        IReadOnlyList<string> args,
        List<(double Rounding, double Consignees)> runs,
        PlanOutcome outcome,
        int lines
    )
    {
        var md = Section.Start(Heading, "breakdown", args);
        var p = outcome.Problem;
        md.Append(Invariant($"The Zhejiang sample ({p.Destinations.Count} destinations, {p.Days} days, "))
            .Append(Invariant($"{p.Products.Count} products) planned as a run plans it, then solved again "))
            .Append("without whole packs; on that plan, each time: the rounding of every product to whole units ")
            .Append(Invariant($"and packs, and the consignee breakdown (segments, consignees — {lines:N0} lines —, "))
            .Append(Invariant($"the five levels down to the villages, and the {outcome.Result.Shipments.Count:N0} "))
            .Append("shipments' split among their receivers). Target: both together add at most 1 s to the plan.\n\n");
        md.Append("| run | rounding s | consignees s | together s |\n|---:|---:|---:|---:|\n");
        foreach (var (run, i) in runs.Select((r, i) => (r, i + 1)))
            md.Append(
                Invariant(
                    $"| {i} | {run.Rounding:0.000} | {run.Consignees:0.000} | {run.Rounding + run.Consignees:0.000} |\n"
                )
            );
        var median = Report.Median(runs.Select(r => r.Rounding + r.Consignees).ToList());
        md.Append(Invariant($"\n**Median {median:0.000} s** for both together "))
            .Append(median < 1 ? "(under the 1 s target). " : "(over the 1 s target). ")
            .Append("The first run includes compiling the code it runs (JIT), as a run's first plan does.\n");
        return md.ToString();
    }
}
