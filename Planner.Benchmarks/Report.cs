using System.Diagnostics;
using System.Globalization;
using System.Text;
using static System.FormattableString;

namespace Planner.Benchmarks;

/// <summary>The benchmark's Markdown: one self-contained "## Allocation (issue 3)" section.</summary>
public static class Report
{
    public const string Heading = "## Allocation (issue 3)";

    private const double Agreement = 1e-6;

    /// <summary>
    /// Transport costs agree within the transfer rounds' band (a plan may cost up to 1e-6 more than the least for fewer
    /// transfers, and the LP solvers spend it where the network flows hold the least-cost plans) plus
    /// <see cref="Agreement"/>.
    /// </summary>
    private const double CostAgreement = 2e-6;
    private static readonly int[] Tiers = [1, 2, 3, 4, 5];

    public static string Markdown(BenchmarkRuns runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var md = new MarkdownText();
        Opening(md, runs.Command);
        Targets(md, runs);
        if (runs.Zhejiang is { } z)
            Zhejiang(md, z);
        if (runs.Solvers.Count > 0)
            Solvers(md, runs.Solvers);
        foreach (var stress in runs.Stress)
            Stress(md, stress);
        if (runs.National.Count > 0)
            National(md, runs.National);
        if (runs.SolverLogs.Count > 0)
            SolverLogs(md, runs.SolverLogs);
        if (runs.Failures.Count > 0)
        {
            md.Line("### Runs that did not finish");
            md.Line();
            foreach (var f in runs.Failures)
                md.Line($"- {f}");
            md.Line();
        }
        return md.ToString();
    }

    /// <summary>The heading, when and where, the command, and what every table shares.</summary>
    private static void Opening(MarkdownText md, string command)
    {
        md.Line(Heading);
        md.Line();
        var commit = Run("git", "rev-parse --short HEAD").Trim();
        var dirty =
            Run("git", "status --porcelain --untracked-files=no").Trim().Length > 0 ? " plus uncommitted changes" : "";
        md.Line(
            $"Measured {DateTime.UtcNow:yyyy-MM-dd} (UTC) on {Machine()}; .NET {Environment.Version}, OR-Tools "
                + $"{typeof(Google.OrTools.LinearSolver.Solver).Assembly.GetName().Version}, Release build of commit "
                + $"{(commit.Length > 0 ? commit : "?")}{dirty}."
        );
        md.Line();
        md.Line("```sh");
        md.Line(command);
        md.Line("```");
        md.Line();
        md.Line(
            "Each instance runs in a child process of its own (the benchmark re-launches itself), so its peak memory "
                + "(VmHWM, the process's peak resident set) is its own."
        );
        md.Line(
            "All solves use the model's default settings (`new AllocationSettings()`: optimized policy, its stages "
                + "solved as network flows and CLP for any stage that is not one, fairness cost measured, transfers "
                + "minimised, 60 s per LP stage, products in parallel on both cores) unless a table says otherwise. A "
                + "solver named FLOW is those defaults; any other name (CLP, GLOP, HIGHS_LP, PDLP) is that LP solver "
                + "for every stage (`NetworkFlow = false`)."
        );
        md.Line();
    }

    /// <summary>OR-Tools' native log lines, counted per child process and message.</summary>
    private static void SolverLogs(
        MarkdownText md,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> solverLogs
    )
    {
        md.Line("### OR-Tools log");
        md.Line();
        md.Line(
            "Native log lines the solver wrote to stderr (counted, not shown), per child process. "
                + "\"The model has been changed since the solution was last computed\" means a variable's value "
                + "was read after the model changed; OR-Tools then returns 0 for it. "
                + "On Zhejiang it is 1,430 lines per product and solve: one per city-to-city transfer variable "
                + "(110 lanes × 13 days)."
        );
        md.Line();
        md.Line("| run | lines | message |");
        md.Line("|---|---:|---|");
        foreach (var (job, messages) in solverLogs)
        {
            foreach (var (message, count) in messages.OrderByDescending(m => m.Value))
                md.Line($"| {job} | {count:N0} | `{message}` |");
        }
        md.Line();
    }

    /// <summary>Replaces the section from its heading to the next level-2 heading, or adds it at the end.</summary>
    public static void WriteSection(string path, string section, string heading = Heading)
    {
        var lines = File.Exists(path) ? File.ReadAllLines(path).ToList() : ["# Benchmarks", ""];
        var start = lines.FindIndex(l => l.TrimEnd() == heading);
        var body = section.TrimEnd('\n').Split('\n');
        if (start < 0)
        {
            if (lines.Count > 0 && lines[^1].Length > 0)
                lines.Add("");
            lines.AddRange(body);
        }
        else
        {
            var end = lines.FindIndex(start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
            if (end < 0)
                end = lines.Count;
            var replacement = end < lines.Count ? body.Append("") : body;
            lines.RemoveRange(start, end - start);
            lines.InsertRange(start, replacement);
        }
        File.WriteAllText(path, string.Join('\n', lines).TrimEnd('\n') + "\n");
    }

    private static void Targets(MarkdownText md, BenchmarkRuns runs)
    {
        md.Line("### Targets (issue 3)");
        md.Line();
        md.Line("| target | measured | met |");
        md.Line("|---|---|---|");
        if (runs.Zhejiang is { } z)
        {
            var warm = Median(z.RepeatSeconds);
            md.Line(
                $"| Zhejiang solve < 1 s | {warm:0.00} s warm (median of {z.RepeatSeconds.Count}); "
                    + $"{z.First.Seconds:0.00} s for the first solve in a fresh process | {Met(warm < 1)} (warm), "
                    + $"{Met(z.First.Seconds < 1)} (first) |"
            );
            if (z.LeanRepeatSeconds.Count > 0)
            {
                var lean = Median(z.LeanRepeatSeconds);
                md.Line(
                    $"| Zhejiang solve < 1 s, lean settings | {lean:0.00} s warm (median of "
                        + $"{z.LeanRepeatSeconds.Count}) | {Met(lean < 1)} |"
                );
            }
        }
        foreach (var n in runs.National)
        {
            var label = $"{n.Variant} settings, {n.Solver}";
            md.Line(
                $"| national solve < 60 s ({label}) | {n.Outcome.Seconds:0.0} s, {n.Outcome.Status} | "
                    + $"{Met(n.Outcome.Seconds < 60 && n.Outcome.Status != "Failed")} |"
            );
            md.Line($"| national peak memory < 4 GB ({label}) | {n.PeakMb / 1024:0.00} GiB | {Met(n.PeakMb < 4096)} |");
        }
        foreach (
            var key in runs.ChildPeakMb.Keys.Where(k =>
                k.StartsWith("national", StringComparison.Ordinal)
                && !runs.National.Any(n => $"national {n.Variant}@{n.Solver}" == k)
            )
        )
        {
            md.Line($"| national solve < 60 s ({key["national ".Length..]}) | did not finish (see below) | no |");
        }
        foreach (var s in runs.Stress)
        {
            var check = TierOneChecks(s);
            var failed = s.Policies.Any(p => p.Status == "Failed") ? " (a policy's solve failed: not verifiable)" : "";
            md.Line(
                $"| {s.Name}: optimized tier-1 shortfall ≤ every other policy | {check.Text} | "
                    + $"{Met(check.AtMost)}{failed} |"
            );
            md.Line($"| {s.Name}: … strictly < pro-rata | | {Met(check.StrictProRata)} |");
            md.Line($"| {s.Name}: … strictly < no-sharing | | {Met(check.StrictNoSharing)} |");
        }
        md.Line();
    }

    private static void Zhejiang(MarkdownText md, ZhejiangRun z)
    {
        md.Line("### Zhejiang sample");
        md.Line();
        md.Line(
            $"Built as `plan` builds it (new SQLite planner database in a temporary folder → "
                + $"`PlanPipeline.PrepareAsync`, `SeedSourcesAsync`, `PullAsync` → `PlanSnapshot.ReadAsync`): "
                + $"{z.Destinations} destinations (counties and Hubei sites), {z.Depots} depots, {z.Lanes} lanes, "
                + $"{z.Products} products, {z.Days} days; {z.Demands:N0} demand rows, {z.Supplies:N0} supply rows. "
                + $"Largest product LP before the stages add rows: {Size(z.LargestModel)}."
        );
        md.Line();
        ZhejiangTimes(md, z);
        md.Line();
        md.Line(
            $"Status {z.First.Status}, {z.First.Stages} LP stages over {z.Products} products, {z.First.Transfers} "
                + $"city-to-city transfers, transport cost {z.First.TransportCost:N0} unit-km. "
                + $"Peak memory of the process (build and all solves): **{z.PeakMb:0} MiB**."
        );
        md.Line();
        if (z.Stages.Count > 0)
        {
            md.Line(
                $"Where the time goes (one more warm solve, {z.StagedSolveSeconds:0.00} s wall; "
                    + $"{z.AfterLastStageSeconds:0.00} s after the last stage, reading back and explaining the plan):"
            );
            md.Line();
            StageTable(md, z.Stages, "0.000");
            md.Line();
        }
        ZhejiangSupply(md, z);
    }

    /// <summary>The problem build step by step, then the solves.</summary>
    private static void ZhejiangTimes(MarkdownText md, ZhejiangRun z)
    {
        md.Line("| step | seconds |");
        md.Line("|---|---:|");
        md.Line($"| migrate + import reference data | {z.Build.Prepare:0.00} |");
        md.Line($"| seed the three sample sources | {z.Build.Seed:0.00} |");
        md.Line($"| pull the four feeds | {z.Build.Pull:0.00} |");
        md.Line($"| snapshot → `AllocationProblem` | {z.Build.Snapshot:0.00} |");
        md.Line($"| **problem build, total** | **{z.Build.Total:0.00}** |");
        md.Line($"| solve, first in the process (loads OR-Tools, JIT) | {z.First.Seconds:0.00} |");
        md.Line(
            $"| solve, warm: median (min … max) of {z.RepeatSeconds.Count} | {Median(z.RepeatSeconds):0.00} "
                + $"({Min(z.RepeatSeconds):0.00} … {Max(z.RepeatSeconds):0.00}) |"
        );
        if (z.LeanRepeatSeconds.Count > 0)
        {
            md.Line(
                $"| solve, warm, lean settings (`MeasureFairnessCost = false`, `MinimizeTransfers = false`): median "
                    + $"(min … max) of {z.LeanRepeatSeconds.Count} | {Median(z.LeanRepeatSeconds):0.00} "
                    + $"({Min(z.LeanRepeatSeconds):0.00} … {Max(z.LeanRepeatSeconds):0.00}) |"
            );
        }
    }

    private static void ZhejiangSupply(MarkdownText md, ZhejiangRun z)
    {
        md.Line("Supply and service with the default settings (what the stress scenario starts from):");
        md.Line();
        md.Line(
            "| product | supply over horizon | demand | supply ÷ demand | served tier 1 | tier 2 | tier 3 | tier 4 | "
                + "tier 5 |"
        );
        md.Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var product in z.Supply.Select(s => s.Product))
        {
            var demand = z.First.Demand.Where(d => d.Product == product).Sum(d => d.Amount);
            var supply = z.Supply.Single(s => s.Product == product).Amount;
            md.Line(
                $"| {product} | {supply:N0} | {demand:N0} | {Percent(supply / demand)} | "
                    + $"{string.Join(" | ", Tiers.Select(t => ServedShare(z.First, product, t)))} |"
            );
        }
        md.Line();
    }

    private static void Solvers(MarkdownText md, IReadOnlyList<SolverRun> runs)
    {
        var reference = runs.FirstOrDefault(r => r.Solver == "FLOW") ?? runs[0];
        md.Line("### Solvers on the Zhejiang problem");
        md.Line();
        md.Line(
            $"Same problem, default settings except `Solver` (and a stage limit of the comparison's). Each solver runs "
                + $"in its own process: a first solve (loading the solver), then the timed second one, which the other "
                + $"columns describe (if the first took 20 s or more, there is no second and they describe the first). "
                + $""
                + $"\"Served\" compares every product's served total per tier with {reference.Solver}'s, \"cost\" the "
                + $"transport cost recomputed from the shipments (Σ quantity × lane cost), both as the largest "
                + $"relative difference; they agree when it is ≤ {Agreement:0e0} for served and ≤ "
                + $"{CostAgreement:0e0} for cost (the transfer rounds may give up to 1e-6 of the least cost for "
                + $"fewer transfers). "
                + "\"Served below own stage optimum\" checks each plan against itself: the largest relative amount by "
                + "which a product's served total in a tier ends below that tier's `tierN_served` stage optimum, "
                + "which later stages keep (up to a 1e-7 slack)."
        );
        md.Line();
        md.Line(
            "| solver | first solve: status, s | status | solve s | stages | stages not OPTIMAL | served: max rel. "
                + "diff | transport cost | cost: rel. diff | agrees | served below own stage optimum | peak MiB |"
        );
        md.Line("|---|---|---|---:|---:|---|---:|---:|---:|---|---:|---:|");
        foreach (var r in runs)
            SolverRow(md, r, reference.Outcome);
        var fastest = runs.Where(r => r.Outcome.Status != "Failed").MinBy(r => r.Outcome.Seconds);
        if (fastest is not null)
        {
            md.Line();
            md.Line(
                $"Fastest here: {fastest.Solver} ({fastest.Outcome.Seconds:0.00} s); the default is FLOW (network "
                    + $"flows, CLP for the LP's stages)."
            );
        }
        var objective = reference.Outcome;
        var stageSum = objective.TransportCostByStage.Sum(s => s.Amount);
        if (RelativeDiff(objective.ResultObjective, stageSum) > Agreement)
        {
            md.Line();
            md.Line(
                $"Note: `AllocationResult.Objective` is {objective.ResultObjective:N0}, the `transport_cost` stage of "
                    + $"the last product only; the products' stages sum to {stageSum:N0} (and the shipments cost "
                    + $"{objective.TransportCost:N0})."
            );
        }
        md.Line();
    }

    /// <summary>One solver's row, compared with the reference solver's plan.</summary>
    private static void SolverRow(MarkdownText md, SolverRun r, SolveOutcome reference)
    {
        var served = Relative(r.Outcome.Served, reference.Served);
        var cost = RelativeDiff(r.Outcome.TransportCost, reference.TransportCost);
        var agrees = r.Outcome.Status != "Failed" && served <= Agreement && cost <= CostAgreement;
        md.Line(
            $"| {r.Solver} | {r.FirstStatus}, {r.FirstSeconds:0.00} | {r.Outcome.Status} | "
                + $"{r.Outcome.Seconds:0.00} | {r.Outcome.Stages} | {NonOptimal(r.Outcome, 4)} | {served:0.0e0} | "
                + $"{r.Outcome.TransportCost:N0} | {cost:0.0e0} | {(agrees ? "yes" : "**no**")} | "
                + $"{r.Outcome.ServedBelowStageOptimum():0.0e0} | {r.PeakMb:0} |"
        );
    }

    /// <summary>The stages not solved to optimality, the first <paramref name="shown"/> named.</summary>
    private static string NonOptimal(SolveOutcome outcome, int shown) =>
        outcome.NonOptimalStages.Count == 0
            ? "none"
            : string.Join("; ", outcome.NonOptimalStages.Take(shown))
                + (outcome.NonOptimalStages.Count > shown ? $"; … ({outcome.NonOptimalStages.Count})" : "");

    private static void Stress(MarkdownText md, StressRun s)
    {
        var solver = s.Policies.Select(p => p.Solver).FirstOrDefault() ?? "?";
        md.Line($"### Stress scenario `{s.Name}`");
        md.Line();
        md.Line(
            $"The Zhejiang problem with {s.Description}. Factors: "
                + $"{string.Join(", ", s.Factors.Select(f => $"{f.Product} × {f.Amount:0.000}"))}. "
                + $"Each policy is solved with the default settings ({solver}) and `Policy` set. Shortfall is summed "
                + $"over products (units of different products added up) and over destinations and days. "
                + "Minimum fill rate: for each product and tier, every destination's served ÷ demand over the whole "
                + "horizon, the lowest over destinations with demand in the tier; the table gives the lowest over "
                + "products. "
                + "A failed solve returns no allocation, so it has no figures."
        );
        md.Line();
        md.Line(
            "| policy | status | solve s | demand t1 | shortfall t1 | t2 | t3 | t4 | t5 | min fill t1 | t2 | t3 | t4 | "
                + "t5 |"
        );
        md.Line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in s.Policies)
        {
            if (p.Status == "Failed")
            {
                md.Line(
                    $"| {p.Policy} | **Failed**: {string.Join("; ", p.NonOptimalStages)} | {p.Seconds:0.00} | | | | | "
                        + $"| | | | | | |"
                );
                continue;
            }
            var demand1 = p.Demand.Where(d => d.Tier == 1).Sum(d => d.Amount);
            md.Line(
                $"| {p.Policy} | {p.Status} | {p.Seconds:0.00} | {demand1:N0} | "
                    + $"{string.Join(" | ", Tiers.Select(t => $"{p.ShortfallOf(t):N0}"))} | "
                    + $"{string.Join(" | ", Tiers.Select(t => Percent(p.MinFillOf(t))))} |"
            );
        }
        md.Line();
        StressPerProduct(md, s);
        FairnessCost(md, s);
        TierOneCheck(md, s);
        CrossCheck(md, s);
    }

    private static void StressPerProduct(MarkdownText md, StressRun s)
    {
        md.Line("Shortfall per product (units), tiers 1–5, and the tier-1 minimum fill rate:");
        md.Line();
        md.Line("| product | policy | t1 | t2 | t3 | t4 | t5 | min fill t1 |");
        md.Line("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var product in s.Factors.Select(f => f.Product))
        {
            foreach (var p in s.Policies.Where(p => p.Status != "Failed"))
            {
                md.Line(
                    $"| {product} | {p.Policy} | "
                        + $"{string.Join(" | ", Tiers.Select(t => $"{ShortfallOf(p, product, t):N0}"))} "
                        + $"| {Percent(TierOneFill(p, product))} |"
                );
            }
        }
        md.Line();
    }

    /// <summary>What fairness cost under the optimized policy, if it solved.</summary>
    private static void FairnessCost(MarkdownText md, StressRun s)
    {
        if (s.Policies.FirstOrDefault(p => p.Policy == "Optimized" && p.Status != "Failed") is { } opt)
        {
            md.Line(
                "Cost of fairness (`result.FairnessCosts`, optimized): extra shortfall if each tier maximised its "
                    + "minimum fill rate before its served total. "
                    + (
                        opt.FairnessCost.Count == 0
                            ? "No tier was short, so none was measured."
                            : "Per tier, summed over products: "
                                + string.Join(
                                    ", ",
                                    opt.FairnessCost.GroupBy(f => f.Tier)
                                        .OrderBy(g => g.Key)
                                        .Select(g => Invariant($"tier {g.Key}: {g.Sum(f => f.Amount):N0}"))
                                )
                                + Invariant($" units (over {opt.FairnessCost.Count} product-tiers measured).")
                    )
            );
            md.Line();
        }
    }

    /// <summary>The tier-1 targets, and what bounds tier-1 shortfall: demand no lane reaches in time, cities' own
    /// supply.</summary>
    private static void TierOneCheck(MarkdownText md, StressRun s)
    {
        var check = TierOneChecks(s);
        md.Line(
            $"Tier-1 check: {check.Text}. Optimized ≤ every other policy: **{Met(check.AtMost)}**; strictly below "
                + $"pro-rata: **{Met(check.StrictProRata)}**; strictly below no-sharing: "
                + $"**{Met(check.StrictNoSharing)}**."
        );
        md.Line();
        var unreachable = s.SelfSufficiency.Sum(x => x.UnreachableTierOne);
        md.Line(
            $"The least tier-1 shortfall any plan can have is the tier-1 demand no lane delivers in time: "
                + $"{unreachable:N0} units (demand on days before the shortest lead time into its destination: day 0 "
                + $"at the Hubei sites, a day's drive or more from every depot). "
                + "Under no-sharing a city still draws on its own supply and on the provincial depot, and every depot "
                + "still delivers to the Hubei sites (only city ↔ city transfers close). "
                + "Per product, the cities whose own supply over the horizon covers their counties' tier-1 demand, and "
                + "what is left for the provincial depot and the transfers (the other cities' gaps plus the Hubei "
                + "sites):"
        );
        md.Line();
        md.Line(
            "| product | factor | tier-1 demand | unreachable in time | self-sufficient cities | tier-1 demand not "
                + "covered by own city supply | provincial depot supply | of which floor |"
        );
        md.Line("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var x in s.SelfSufficiency)
        {
            md.Line(
                $"| {x.Product} | {x.Factor:0.000} | {x.TierOneDemand:N0} | {x.UnreachableTierOne:N0} | "
                    + $"{x.SelfSufficientCities} of {x.Cities} | {x.TierOneDemandElsewhere:N0} | "
                    + $"{x.ProvincialSupply:N0} | {x.ProvincialFloor:N0} |"
            );
        }
        md.Line();
    }

    /// <summary>The spreadsheet policies solved with other LP solvers, if any were.</summary>
    private static void CrossCheck(MarkdownText md, StressRun s)
    {
        if (s.CrossCheck.Count > 0)
        {
            var products = s.Factors.Select(f => f.Product).ToList();
            md.Line(
                "Cross-check: pro-rata and no-sharing solved with other LP solvers. Pro-rata maximises one fill rate f "
                    + "per product, a unique optimum, yet the solvers return different f while all report OPTIMAL (f "
                    + "per product is the tier-1 minimum fill rate below):"
            );
            md.Line();
            md.Line(
                $"| policy | solver | status | tier-1 shortfall | all tiers shortfall | "
                    + $"{string.Join(" | ", products.Select(p => $"f {p}"))} |"
            );
            md.Line($"|---|---|---|---:|---:|{string.Concat(products.Select(_ => "---:|"))}");
            foreach (
                var p in s
                    .Policies.Where(p => p.Policy is "ProRata" or "NoSharing")
                    .Concat(s.CrossCheck)
                    .OrderBy(p => p.Policy, StringComparer.Ordinal)
            )
            {
                if (p.Status == "Failed")
                {
                    md.Line(
                        $"| {p.Policy} | {p.Solver} | **Failed**: {string.Join("; ", p.NonOptimalStages)} | | "
                            + $"|{string.Concat(products.Select(_ => " |"))}"
                    );
                    continue;
                }
                var fills = products.Select(product => Percent(TierOneFill(p, product)));
                md.Line(
                    $"| {p.Policy} | {p.Solver} | {p.Status} | {p.ShortfallOf(1):N0} | {Tiers.Sum(p.ShortfallOf):N0} | "
                        + $"{string.Join(" | ", fills)} |"
                );
            }
            md.Line();
        }
    }

    /// <summary>The policy's tier-1 minimum fill rate for the product (NaN when it has no tier-1 demand).</summary>
    private static double TierOneFill(PolicyRun p, string product) =>
        p
            .MinFill.Where(m => m.Product == product && m.Tier == 1)
            .Select(m => m.Amount)
            .DefaultIfEmpty(double.NaN)
            .First();

    private static void National(MarkdownText md, IReadOnlyList<NationalRun> runs)
    {
        var first = runs[0];
        var shape = first.Shape;
        md.Line("### National synthetic instance");
        md.Line();
        md.Line(
            $"Generated by `NationalInstance.Build(seed {first.Seed})`: {shape.Provinces} provinces, {shape.Cities} "
                + $"cities, {shape.Counties:N0} counties and {shape.Sites} Hubei sites, "
                + $"{shape.Population / 1e9:0.00} billion residents, 28 days, "
                + $"{first.Outcome.Demand.Select(d => d.Product).Distinct().Count()} products; {shape.Lanes:N0} "
                + $"lanes ({shape.TransferLanes:N0} of them transfers), "
                + $"{shape.Demands:N0} demand rows (per county, product, day and tier), {shape.Supplies:N0} supply "
                + $"rows. "
                + $"Largest product LP before the stages add rows: {Size(first.LargestModel)}; five such LPs, two "
                + $"solved at a time. Problem generation: {first.BuildSeconds:0.0} s."
        );
        md.Line();
        md.Line(
            "| run | solver | fairness cost | transfers stage | stage limit | status | solve s | peak MiB | stages | "
                + "stages not OPTIMAL | served below own stage optimum | read-back after last stage s |"
        );
        md.Line("|---|---|---|---|---:|---|---:|---:|---:|---|---:|---:|");
        foreach (var n in runs)
        {
            md.Line(
                $"| {n.Variant} | {n.Solver} | {(n.MeasureFairnessCost ? "measured" : "off")} | "
                    + $"{(n.MinimizeTransfers ? "on" : "off")} | {n.StageLimitSeconds:0} s | {n.Outcome.Status} | "
                    + $"{n.Outcome.Seconds:0.0} | {n.PeakMb:0} | {n.Outcome.Stages} | {NonOptimal(n.Outcome, 3)} | "
                    + $"{n.Outcome.ServedBelowStageOptimum():0.0e0} | {n.AfterLastStageSeconds:0.0} |"
            );
        }
        md.Line();
        md.Line(
            "\"Served below own stage optimum\" is the check described under the solver comparison. A stage reported "
                + "FEASIBLE stopped at the stage time limit; "
                + "the plan read back after such a stage need not keep the earlier stages' optima, which this column "
                + "shows."
        );
        md.Line();
        NationalSupply(md, runs);
        NationalStages(md, runs);
    }

    private static void NationalSupply(MarkdownText md, IReadOnlyList<NationalRun> runs)
    {
        md.Line(
            "Supply against demand (supply sized to tiers 1–3 plus half of tier 4) and the share of each tier served:"
        );
        md.Line();
        md.Line($"| run | product | supply ÷ (t1–t3 + ½ t4) | served t1 | t2 | t3 | t4 | t5 |");
        md.Line("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var n in runs)
        {
            foreach (var product in n.Shape.Supply.Select(s => s.Product))
            {
                var need = n
                    .Outcome.Demand.Where(d => d.Product == product && d.Tier <= 4)
                    .Sum(d => d.Tier == 4 ? d.Amount / 2 : d.Amount);
                md.Line(
                    $"| {n.Variant} | {product} | "
                        + $"{Percent(n.Shape.Supply.Single(s => s.Product == product).Amount / need)} | "
                        + $"{string.Join(" | ", Tiers.Select(t => ServedShare(n.Outcome, product, t)))} |"
                );
            }
        }
        md.Line();
    }

    private static void NationalStages(MarkdownText md, IReadOnlyList<NationalRun> runs)
    {
        foreach (var n in runs)
        {
            md.Line($"Where the time goes ({n.Variant} settings, {n.Solver}; {n.Outcome.Seconds:0.0} s wall):");
            md.Line();
            StageTable(md, n.Stages, "0.0");
            if (n.FailedStages.Count > 0)
                md.Line(
                    $"Failed stages: {string.Join(", ", n.FailedStages)}; a failed product fails the whole result (no "
                        + $"allocation is returned)."
                );
            md.Line();
        }
    }

    /// <summary>Seconds per stage name, summed over products; a product's first stage includes building its
    /// model.</summary>
    private static void StageTable(MarkdownText md, IReadOnlyList<StageTime> stages, string format)
    {
        md.Line(
            "Seconds per stage, summed over the products (two run at a time, so the sum can exceed the wall time), "
                + "from the `OnStage` callback: each interval runs from the previous callback on the same thread. "
                + "A product's first stage (`+ model build`) also holds building its LP and reading back the plan of "
                + "the product solved before it on that thread."
        );
        md.Line();
        md.Line("| stage | products | total s | slowest s | objective returned |");
        md.Line("|---|---:|---:|---:|---|");
        foreach (var t in stages)
            md.Line(
                $"| {t.Stage} | {t.Count} | {t.TotalSeconds.ToString(format, CultureInfo.InvariantCulture)} | "
                    + $"{t.MaxSeconds.ToString(format, CultureInfo.InvariantCulture)} | {t.Statuses} |"
            );
        md.Line(
            $"| **all stages** | {stages.Sum(t => t.Count)} | "
                + $"**{stages.Sum(t => t.TotalSeconds).ToString(format, CultureInfo.InvariantCulture)}** | | |"
        );
    }

    /// <summary>Optimized against the others on tier-1 shortfall, within 1e-6 of the tier-1 demand; failed solves
    /// cannot count.</summary>
    private static (bool AtMost, bool StrictProRata, bool StrictNoSharing, string Text) TierOneChecks(StressRun s)
    {
        var opt = s.Policies.FirstOrDefault(p => p.Policy == "Optimized");
        if (opt is null || opt.Status == "Failed")
            return (false, false, false, "optimized failed or not run");
        var tolerance = Agreement * Math.Max(1, opt.Demand.Where(d => d.Tier == 1).Sum(d => d.Amount));
        var mine = opt.ShortfallOf(1);
        var others = s.Policies.Where(p => p != opt).ToList();
        var atMost = others.All(p => p.Status != "Failed" && mine <= p.ShortfallOf(1) + tolerance);
        bool Below(string policy) =>
            others.FirstOrDefault(p => p.Policy == policy) is { Status: not "Failed" } p
            && mine < p.ShortfallOf(1) - tolerance;
        var text =
            "tier-1 shortfall "
            + string.Join(
                ", ",
                s.Policies.Select(p =>
                    p.Status == "Failed"
                        ? $"{p.Policy} failed (no plan)"
                        : Invariant($"{p.Policy} {p.ShortfallOf(1):N0}")
                )
            );
        return (atMost, Below("ProRata"), Below("NoSharing"), text);
    }

    private static string ServedShare(SolveOutcome outcome, string product, int tier)
    {
        if (outcome.Status == "Failed")
            return "no plan";
        var demand = outcome.Demand.Where(d => d.Product == product && d.Tier == tier).Sum(d => d.Amount);
        return demand > 0
            ? Percent(outcome.Served.Where(d => d.Product == product && d.Tier == tier).Sum(d => d.Amount) / demand)
            : "–";
    }

    private static string Size(ModelSize m) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{m.Variables:N0} variables ({m.ShipVariables:N0} shipments, {m.ServedVariables:N0} served, "
                + $"{m.StockVariables:N0} stock, {m.BelowFloorVariables:N0} below-floor) and about {m.BalanceRows:N0} "
                + $"balance rows"
        );

    private static double Relative(IReadOnlyList<TierAmount> values, IReadOnlyList<TierAmount> reference)
    {
        var byKey = values.ToDictionary(v => (v.Product, v.Tier), v => v.Amount);
        return reference
            .Select(r => RelativeDiff(byKey.GetValueOrDefault((r.Product, r.Tier), double.NaN), r.Amount))
            .DefaultIfEmpty(0)
            .Max();
    }

    private static double RelativeDiff(double value, double reference) =>
        double.IsNaN(value) ? double.PositiveInfinity : Math.Abs(value - reference) / Math.Max(1, Math.Abs(reference));

    private static string Met(bool met) => met ? "yes" : "no";

    private static double ShortfallOf(PolicyRun p, string product, int tier) =>
        p.Shortfall.Where(x => x.Product == product && x.Tier == tier).Sum(x => x.Amount);

    private static string Percent(double share) =>
        double.IsNaN(share) ? "–" : share.ToString("0.0%", CultureInfo.InvariantCulture);

    internal static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
            return double.NaN;
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1
            ? sorted[sorted.Count / 2]
            : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static double Min(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Min();

    private static double Max(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Max();

    /// <summary>The machine, from lscpu, nproc and free -g.</summary>
    internal static string Machine()
    {
        var lscpu = Run("lscpu")
            .Split('\n')
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim())
            .ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.Ordinal);
        var memory = Run("free", "-g")
            .Split('\n')
            .FirstOrDefault(l => l.StartsWith("Mem:", StringComparison.Ordinal))
            ?.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .ElementAtOrDefault(1)
            ?? "?";
        return $"{lscpu.GetValueOrDefault("Model name", "?")} ({lscpu.GetValueOrDefault("Architecture", "?")}, "
            + $"{lscpu.GetValueOrDefault("Hypervisor vendor", "bare metal")} guest), "
            + $"`nproc` {Run("nproc").Trim()}, {memory} GiB RAM (`free -g` total), "
            + $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
    }

    internal static string Run(string program, string arguments = "")
    {
        try
        {
            using var process = Process.Start(
                new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, UseShellExecute = false }
            );
            if (process is null)
                return "";
            var text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return text;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "";
        }
    }

    /// <summary>Runs a program and waits for it; throws with the end of its output when it fails.</summary>
    internal static void RunChecked(string file, IEnumerable<string> arguments)
    {
        var info = ApiProcess.Redirected(file, arguments);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Cannot start {file}.");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var text = $"{output} {error.Result}".Trim();
            var end = text.Length <= 4000 ? text : text[^4000..];
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {end}");
        }
    }

    /// <summary>A Markdown builder whose interpolated lines are formatted with the invariant culture.</summary>
    private sealed class MarkdownText
    {
        private readonly StringBuilder _text = new();

        public void Line() => _text.Append('\n');

        public void Line(string line) => _text.Append(line).Append('\n');

        /// <summary>Interpolated lines (also several joined with +) come here rather than to the string
        /// overload.</summary>
        public void Line(ref InvariantLine line) => _text.Append(line.ToStringAndClear()).Append('\n');

        public override string ToString() => _text.ToString();
    }

    /// <summary>Formats an interpolated string with <see cref="CultureInfo.InvariantCulture"/> (CA1305).</summary>
    [System.Runtime.CompilerServices.InterpolatedStringHandler]
    private ref struct InvariantLine(int literalLength, int formattedCount)
    {
        private System.Runtime.CompilerServices.DefaultInterpolatedStringHandler _inner = new(
            literalLength,
            formattedCount,
            CultureInfo.InvariantCulture
        );

        public void AppendLiteral(string value) => _inner.AppendLiteral(value);

        public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);

        public void AppendFormatted<T>(T value, string? format) => _inner.AppendFormatted(value, format);

        public void AppendFormatted<T>(T value, int alignment, string? format = null) =>
            _inner.AppendFormatted(value, alignment, format);

        public string ToStringAndClear() => _inner.ToStringAndClear();
    }
}
