using System.Globalization;
using System.Text;
using Planner.Solver.Risk;
using static System.FormattableString;

namespace Planner.Benchmarks;

/// <summary>The "Plans that hedge (issue 22)" section of docs/benchmarks.md.</summary>
internal static class RiskMarkdown
{
    /// <summary>The section, and whether every target of the issue held.</summary>
    public static (string Markdown, bool Met) Section(IReadOnlyList<string> args, RiskBenchmark.RiskResults r)
    {
        var md = Benchmarks.Section.Start(RiskBenchmark.Heading, "risk", args);
        Intro(md, r);
        var met = Targets(md, r);
        Policies(md, r);
        Lines(md, r);
        Products(md, r);
        if (r.Settling.Count > 0)
            HeldOut(md, r);
        if (r.Methods.Count > 0)
            Methods(md, r);
        if (r.Timing.Count > 0)
            Timing(md, r);
        if (r.Scaling.Count > 0)
            Scaling(md, r);
        RiskConclusions.Write(md, r);
        return (md.ToString(), met);
    }

    private static void Intro(StringBuilder md, RiskBenchmark.RiskResults r)
    {
        var (risk, o) = (r.Risk, r.Options);
        var days = string.Join(", ", o.AsOf.Select(d => d.ToString("d MMMM", CultureInfo.InvariantCulture)));
        var horizon = r.Policies[0].Case.Problem.Days;
        md.Append(
            Invariant(
                $"""
                The Zhejiang sample planned as of {days} 2020 (the replay's days; the snapshot a run builds, before the
                care plan moves patients, as the forecast-plans replay takes it) and a stress
                scenario made from the first of them: the allocation benchmark's `stress-60-epicentre` (every
                product's supply scaled to 60 % of its demand over the horizon, the provincial depot's supply handed to
                the cities, no reserve floor, then Wenzhou's counties' tier-1 demand raised to 1.5 × what its depot
                receives: Wenzhou cannot cover its own critical care; {r.Policies[^1].Case.Description}; production
                scaled alike). Six plans each, solved with the run's solver settings: optimized on the median (the
                point forecast, no buffers); hedged, buffers on the forecast's quantile (`BufferMethod.Quantile`, the
                default); hedged, buffers on the empirical quantile of {o.SamplePaths} plan paths
                (`BufferMethod.Sample`, seed {risk.Seed}); pro-rata, population share and no sharing on the median.
                Every plan is measured by `RiskEvaluation` on the same {o.HeldOut:N0} held-out paths (seed
                {risk.EvaluationSeed}, a run's), stockout target {risk.Target:0%} (`stockout_target`), counties of a
                city correlated ρ = 0.5.

                Expected shortfall: the mean over the paths of the units a tier is short over the {horizon} days, summed
                over the five products (their units added: the product table keeps them apart); P95: each product's 95th
                percentile, summed. A county line is a county and product with a need in the tier; its stockout
                probability is the share of paths short on some day. Supply allows the target where the hedged
                (quantile) plan positions a line's median need and buffer in full (`Unpositioned` = 0); every plan is
                judged on those lines. Tiers 3–5: the share of their expected need met on the paths (the evaluation
                keeps their units whole even on paths where production falls short, so this is an upper bound) and the
                units the plan serves them. Transport: the plan's objective (`AllocationResult.Objective`, unit-km).


                """
            )
        );
    }

    private static bool Targets(StringBuilder md, RiskBenchmark.RiskResults r)
    {
        md.Append("### Targets (issue 22)\n\n| target | measured | met |\n|---|---|---|\n");
        var met = true;
        foreach (var (c, plans) in r.Policies)
        {
            var (point, hedged) = (plans[0], plans[1]);
            var half = hedged.T1Expected <= 0.5 * point.T1Expected;
            var t1 = hedged.Tier1;
            var within = t1.OverBeyondError == 0;
            met &= half && within;
            md.Append(
                Invariant($"| {c.Name}: hedged expected tier-1 shortfall ≤ ½ the point plan's | ")
                    + Invariant($"{hedged.T1Expected:#,0} against {point.T1Expected:#,0} ")
                    + Invariant($"({Ratio(hedged.T1Expected, point.T1Expected)}) | {Met(half)} |\n")
            );
            md.Append(
                Invariant($"| {c.Name}: tier-1 stockout ≤ {r.Risk.Target:0%} in every county line where supply ")
                    + Invariant($"allows it, within 2 SE | highest {t1.MaxAllowed:0.0%}; {t1.OverBeyondError} of ")
                    + Invariant($"{t1.Lines - t1.SupplyShort} over by > 2 SE ({t1.SupplyShort} lines supply cannot ")
                    + Invariant($"bring to it) | {Met(within)} |\n")
            );
        }
        var hundred = r.Timing.Where(s => s.Paths == 100 && s.Method == BufferMethod.Quantile).ToList();
        if (hundred.Count > 0)
        {
            var median = Report.Median(hundred.Select(s => s.Total).ToList());
            var peak = hundred.Max(s => s.PeakMb);
            met &= median < RiskBenchmark.SecondsLimit && peak < RiskBenchmark.MegabytesLimit;
            md.Append(
                Invariant(
                    $"| Zhejiang, 100 paths: paths + buffers + hedged solve + evaluation < 30 s | {median:0.00} s "
                )
                    + Invariant($"(median of {hundred.Count}) | {Met(median < RiskBenchmark.SecondsLimit)} |\n")
                    + Invariant($"| … peak memory < 4 GB | {peak:#,0} MiB (the process's peak resident set) | ")
                    + Invariant($"{Met(peak < RiskBenchmark.MegabytesLimit)} |\n")
            );
        }
        md.Append('\n');
        return met;
    }

    private static void Policies(StringBuilder md, RiskBenchmark.RiskResults r)
    {
        md.Append("### Policies under uncertainty: shortfall and cost\n\n");
        md.Append(
            "| case | plan | tier-1 expected | tier-1 P95 | tier-2 expected | tier-2 P95 | transport | vs point "
                + "| tiers 3–5 fill on paths | tiers 3–5 served | buffers t1 / t2 (positioned) | solve s |\n"
        );
        md.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var (c, plans) in r.Policies)
        {
            foreach (var p in plans)
                md.Append(
                    Invariant($"| {c.Name} | {p.Plan} | {p.T1Expected:#,0} | {p.T1P95:#,0} | {p.T2Expected:#,0} ")
                        + Invariant($"| {p.T2P95:#,0} | {p.Transport:0.000e0} | ")
                        + Invariant($"{(p.Transport / plans[0].Transport - 1):+0.0%;-0.0%;0.0%} | {p.LowerFill:0.00%} ")
                        + Invariant(
                            $"| {p.LowerServed:#,0} | {p.BufferT1:#,0} / {p.BufferT2:#,0} ({p.Positioned:#,0}) "
                        )
                        + Invariant($"| {p.Seconds:0.00} |{Status(p)}\n")
                );
        }
        md.Append('\n');
    }

    private static void Lines(StringBuilder md, RiskBenchmark.RiskResults r)
    {
        md.Append("### Policies under uncertainty: county lines against the target\n\n");
        md.Append(
            Invariant($"Per tier: lines at or under {r.Risk.Target:0%}; among the lines where supply allows it, those ")
                + "over it, over it by more than two standard errors (of the measured probability), and the highest "
                + "probability. Where supply is short the least total shortfall has many optima, so another plan "
                + "may leave short a county line the reference plan positions in full: it then runs out on most "
                + "paths.\n\n"
        );
        md.Append(
            "| case (lines; short of supply) | plan | t1 ≤ target | t1 over | t1 over > 2 SE | t1 highest "
                + "| t2 ≤ target | t2 over | t2 over > 2 SE | t2 highest |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        );
        foreach (var (c, plans) in r.Policies)
        {
            var (a, b) = (plans[1].Tier1, plans[1].Tier2);
            var name = Invariant($"{c.Name} (t1 {a.Lines}; {a.SupplyShort} · t2 {b.Lines}; {b.SupplyShort})");
            foreach (var p in plans)
                md.Append(Invariant($"| {name} | {p.Plan} | {Cells(p.Tier1)} | {Cells(p.Tier2)} |\n"));
        }
        md.Append('\n');
    }

    /// <summary>Tier 1 per product: the point plan against the hedged (quantile) one.</summary>
    private static void Products(StringBuilder md, RiskBenchmark.RiskResults r)
    {
        md.Append("### Tier 1 per product: point forecast against hedged (quantile)\n\n");
        md.Append("Units of the product over the horizon, on the held-out paths.\n\n");
        md.Append(
            "| case | product | expected need | point expected | hedged expected | hedged ÷ point | point P95 "
                + "| hedged P95 | point fill | hedged fill |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        );
        foreach (var (c, plans) in r.Policies)
        {
            foreach (var point in plans[0].Tiers.Where(t => t.Tier == 1))
            {
                var hedged = plans[1].Tiers.Single(t => t.Product == point.Product && t.Tier == 1);
                md.Append(
                    Invariant($"| {c.Name} | {point.Product} | {point.ExpectedNeed:#,0} | ")
                        + Invariant($"{point.ExpectedShortfall:#,0} | {hedged.ExpectedShortfall:#,0} | ")
                        + Invariant($"{Ratio(hedged.ExpectedShortfall, point.ExpectedShortfall)} | ")
                        + Invariant($"{point.P95Shortfall:#,0} | {hedged.P95Shortfall:#,0} | ")
                        + Invariant($"{point.ExpectedFill:0.00%} | {hedged.ExpectedFill:0.00%} |\n")
                );
            }
        }
        md.Append('\n');
    }

    private static void HeldOut(StringBuilder md, RiskBenchmark.RiskResults r)
    {
        var first = r.Policies[0].Case.Name;
        md.Append("### How many held-out paths: the estimates settling\n\n");
        md.Append(
            Invariant($"The hedged (quantile) plan {first}, measured on more and more held-out paths, ")
                + Invariant($"{r.Options.Seeds} seeds each (never the plan's or a run's; a seed's n paths are the ")
                + "first n of its larger draws: a running estimate); the reference is "
                + Invariant($"{RiskBenchmark.ReferencePaths:N0} paths of yet another seed. Mean (least – most) over ")
                + "the seeds. The distance is the root mean square, over the tier-1 county lines where supply allows "
                + "the target, of a line's measured stockout probability minus the reference's (the reference's own "
                + Invariant($"noise, about {StandardError(r, RiskBenchmark.ReferencePaths):0.000} ")
                + "at the target, included).\n\n"
        );
        md.Append(
            "| held-out paths | s per evaluation | tier-1 expected shortfall | highest tier-1 stockout "
                + "| lines over target by > 2 SE | distance from the reference |\n|---:|---:|---:|---:|---:|---:|\n"
        );
        foreach (var row in r.Settling)
            md.Append(
                Invariant($"| {row.Paths:N0} | {row.Seconds:0.00} | {Spread(row.Shortfall, "#,0")} ")
                    + Invariant($"| {Spread(row.MaxProbability, "0.0%")} | {Spread(row.Over, "0.#")} ")
                    + Invariant($"| {Spread(row.Rms, "0.000")} |\n")
            );
        md.Append('\n');
    }

    private static void Methods(StringBuilder md, RiskBenchmark.RiskResults r)
    {
        md.Append("### Buffers on a sample of plan paths against buffers on the quantile\n\n");
        md.Append(
            Invariant(
                $"The plan {r.Policies[0].Case.Name}, its buffers sized on the forecast's quantile (no paths) or "
            )
                + Invariant($"on the empirical {1 - r.Risk.Target:0%} quantile of 50 … 1,000 plan paths, ")
                + Invariant($"{r.Options.Seeds} plan seeds each; every plan judged out of sample on the same ")
                + Invariant($"{RiskBenchmark.ReferencePaths:N0} held-out paths (one standard error at the target: ")
                + Invariant($"{StandardError(r, RiskBenchmark.ReferencePaths):0.0%}). ")
                + "Tier-1 county lines where supply allows the target; mean (least – most) over the seeds.\n\n"
        );
        md.Append(
            "| buffers | plan paths | tier-1 buffer units | mean stockout | highest stockout | lines over target "
                + "| lines over by > 2 SE | tier-1 expected shortfall |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
        );
        foreach (var row in r.Methods)
            md.Append(
                Invariant($"| {row.Method} | {(row.PlanPaths > 0 ? Invariant($"{row.PlanPaths:N0}") : "–")} ")
                    + Invariant($"| {Spread(row.Buffer, "#,0")} | {Spread(row.MeanProbability, "0.00%")} ")
                    + Invariant($"| {Spread(row.MaxProbability, "0.0%")} | {Spread(row.AboveTarget, "0.#")} ")
                    + Invariant($"| {Spread(row.Over, "0.#")} | {Spread(row.Shortfall, "#,0")} |\n")
            );
        md.Append('\n');
    }

    private static void Timing(StringBuilder md, RiskBenchmark.RiskResults r)
    {
        md.Append("### Time and memory of the hedged step\n\n");
        md.Append(
            Invariant($"The step as a run takes it ({r.Policies[0].Case.Name}; `RiskPlanning.Paths`, `Buffers`, ")
                + "`HedgedAllocation.Solve`, `RiskEvaluation.Evaluate`): the plan's and the held-out paths (as many "
                + "of each), the buffers, the hedged solve and the evaluation, in one process that also holds the "
                + "sample; the first run includes compiling (JIT). Peak: the process's resident set during the step "
                + "(VmHWM reset before it).\n\n"
        );
        md.Append(
            "| paths | buffers | run | draw s | buffers s | hedged solve s | evaluation s | total s | peak MiB |\n"
                + "|---:|---|---:|---:|---:|---:|---:|---:|---:|\n"
        );
        foreach (var g in r.Timing.GroupBy(s => (s.Paths, s.Method)))
        {
            foreach (var (s, i) in g.Select((s, i) => (s, i + 1)))
                md.Append(
                    Invariant($"| {s.Paths:N0} | {s.Method} | {i} | {s.Draw:0.00} | {s.Buffers:0.00} | ")
                        + Invariant($"{s.Solve:0.00} | {s.Evaluate:0.00} | {s.Total:0.00} | {s.PeakMb:#,0} |\n")
                );
            md.Append(
                Invariant($"| {g.Key.Paths:N0} | {g.Key.Method} | **median** | | | | | ")
                    + Invariant($"**{Report.Median(g.Select(s => s.Total).ToList()):0.00}** | |\n")
            );
        }
        md.Append('\n');
    }

    private static void Scaling(StringBuilder md, RiskBenchmark.RiskResults r)
    {
        md.Append("### How the step grows with paths and counties\n\n");
        md.Append(
            "Every county copied 1, 2 and 4 times (its demand, lane, population and forecast series; supply, floors "
                + "and production multiplied alike), one run each. Draw: the plan's and the held-out paths (as many "
                + "of each); buffers by quantile, and by sample apart (not in the sum); the evaluation on the held-out "
                + "paths; the hedged solve (quantile buffers) does not depend on the paths.\n\n"
        );
        md.Append(
            "| counties | series | demand rows | hedged solve s | paths | draw s | buffers s | sample buffers s "
                + "| evaluation s | draw + buffers + evaluation s | peak MiB |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        );
        foreach (var row in r.Scaling)
        {
            foreach (var s in row.Steps)
                md.Append(
                    Invariant($"| {row.Counties:N0} | {row.Series:N0} | {row.DemandRows:N0} | {row.Solve:0.00} ")
                        + Invariant($"| {s.Paths:N0} | {s.Draw:0.00} | {s.Quantile:0.00} | {s.Sample:0.00} ")
                        + Invariant($"| {s.Evaluate:0.00} | {s.Total:0.00} | {s.PeakMb:#,0} |\n")
                );
        }
        md.Append('\n');
    }

    private static string Cells(TierLines t) =>
        Invariant($"{t.AtTarget} | {t.OverTarget} | {t.OverBeyondError} | {t.MaxAllowed:0.0%}");

    private static string Status(PlanRisk p) => p.Status == "Optimal" ? "" : Invariant($" ({p.Status})");

    internal static string Spread(RiskSettling.Spread s, string format) =>
        s.Min == s.Max
            ? s.Mean.ToString(format, CultureInfo.InvariantCulture)
            : Invariant($"{s.Mean.ToString(format, CultureInfo.InvariantCulture)} ")
                + Invariant($"({s.Min.ToString(format, CultureInfo.InvariantCulture)} – ")
                + Invariant($"{s.Max.ToString(format, CultureInfo.InvariantCulture)})");

    internal static string Ratio(double part, double whole) =>
        whole > 0 ? (part / whole).ToString("0.0%", CultureInfo.InvariantCulture) : "–";

    /// <summary>The standard error of a stockout probability at the target measured on
    /// <paramref name="paths"/> paths.</summary>
    internal static double StandardError(RiskBenchmark.RiskResults r, int paths) =>
        Math.Sqrt(r.Risk.Target * (1 - r.Risk.Target) / paths);

    private static string Met(bool met) => met ? "yes" : "no";
}
