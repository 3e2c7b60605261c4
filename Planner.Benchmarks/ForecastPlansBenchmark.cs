using System.Globalization;
using System.Text;
using Planner.Api.Storage;

namespace Planner.Benchmarks;

/// <summary>
/// What forecasts change in the plans (issue 19): the plan-level replay (<see cref="PlanReplay"/>), then the cost of
/// the <c>plan</c> pipeline against an earlier build (<see cref="PipelineCost"/>).
/// </summary>
public static class ForecastPlansBenchmark
{
    public const string Heading = "## Forecast plans (issue 19)";

    public const string Usage = """
        usage: dotnet run -c Release --project Planner.Benchmarks -- forecast-plans [options]
          --baseline DIR   a checkout built with -c Release (e.g. a worktree of the commit before issue 19): its
                           plan pipeline is timed against this one's (default: the replay only)
          --short-production F  the factor on every factory's output of the second replay (default 0.2)
          --bands-only     only the regional bands (no replay, no pipeline)
          --runs N         plan pipeline runs per build, the builds taking turns (default 5)
          --write FILE     replace (or add) the "## Forecast plans (issue 19)" section of FILE
        """;

    /// <summary>The most the pipeline may slow down against the baseline (issue 19: no more than 20 %).</summary>
    private const double SlowdownLimit = 1.2;

    private static readonly string[] Made = ["forecast", "hold-last"];

    private static readonly (string Name, int Days)[] Windows = [("day 1", 1), ("days 1–7", 7), ("days 1–14", 14)];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var (runs, write, baseline, shortProduction, bandsOnly) = (5, (string?)null, (string?)null, 0.2, false);
        new Options(Usage)
            .Double("--short-production", v => shortProduction = v)
            .Flag("--bands-only", () => bandsOnly = true)
            .Int("--runs", v => runs = v)
            .Text("--write", v => write = v)
            .Text("--baseline", v => baseline = v)
            .ParseOrThrow(args);
        var data = StorageOptions.FindDataDirectory()
            ?? throw new ArgumentException($"no data folder found above the working directory\n{Usage}");
        List<PlanReplay.Outcome> replays = [];
        foreach (var production in new[] { 1, shortProduction }.Where(_ => !bandsOnly))
            replays.Add(await PlanReplay.RunAsync(production, log));
        var bands = await RegionalBands.RunAsync(log);
        List<PipelineCost.Timing> timings = [];
        if (baseline is not null)
        {
            PipelineCost.Build[] builds =
            [
                PipelineCost.Other(Path.GetFullPath(baseline)),
                PipelineCost.Current("this build, as of 2020-02-09", data, "--as-of", "2020-02-09"),
                PipelineCost.Current("this build, as of the latest data", data),
            ];
            timings = await PipelineCost.MeasureAsync(builds, runs, log);
        }
        var md = Section.Start(Heading, "forecast-plans", args);
        if (replays.Count > 0)
            Describe(md, replays);
        var met = Targets(md, timings);
        foreach (var replay in replays)
        {
            var supply = replay.Production == 1 ? "as reported" : Invariant($"× {replay.Production}");
            ByProduct(md, supply, replay.Rows);
            ByAsOf(md, supply, replay.Rows);
        }
        if (timings.Count > 0)
            CostTable(md, timings);
        BandsTable(md, bands);
        Section.Publish(md.ToString(), Heading, write, output);
        return met ? 0 : 1;
    }

    private static void Describe(StringBuilder md, List<PlanReplay.Outcome> replays)
    {
        var (plans, built, solved) = (
            replays.Sum(r => r.Plans),
            replays.Sum(r => r.BuildSeconds),
            replays.Sum(r => r.SolveSeconds)
        );
        md.Append(
            CultureInfo.InvariantCulture,
            $"""
            Plan-level replay (`PlanReplay`): one plan a day as of 9 … 28 February 2020 (from 10 … 29 February, 14
            days, the sample's SQLite database seeded and pulled), made on the forecast (every driver's P50) and on
            every driver held at its last report (`holdDrivers`: the plan before forecasts) from the same data and
            the same supply; twice, with production as reported and with every factory's output times
            {replays[^1].Production} (supply short of more than the lowest tiers); {plans} plans, built in {built:0.0}
            s and solved (CLP, optimized) in {solved:0.0} s. Each plan's deliveries to the counties then meet the
            demand that actually came, day by day, tier 1 first; what is left is kept at the county for the next
            day, as the model keeps it. The demand that came on a day is the demand of that day's own drivers: day 0
            of a plan as of that day with its drivers held, which reads nothing dated later. Days after
            {PlanReplay.LastData:d MMMM} (the data's last day) are not scored. The Hubei sites are left out: their
            requests are the same pledges in both plans, and what their first day lacks is the lead time of a replay
            that publishes no plan (a published plan's convoys cover it, as `RollingPlanTests` shows).


            """
        );
    }

    private static bool Targets(StringBuilder md, List<PipelineCost.Timing> timings)
    {
        if (timings.Count == 0)
            return true;
        md.Append("### Target (issue 19)\n\n");
        var baseline = timings[0];
        var met = true;
        foreach (var t in timings.Skip(1))
        {
            var ratio = Report.Median(t.Again) / Report.Median(baseline.Again);
            var first = Report.Median(t.First) / Report.Median(baseline.First);
            met &= ratio <= SlowdownLimit;
            md.Append(
                CultureInfo.InvariantCulture,
                $"- {(ratio <= SlowdownLimit ? "**PASS**" : "**FAIL**")}: `plan` on Zhejiang, {t.Build.Label}: "
                    + $"{Report.Median(t.Again):0.00} s against {Report.Median(baseline.Again):0.00} s at "
                    + $"{baseline.Build.Label}, {Change(ratio)} (a run on a database already made: the daily plan; "
                    + $"target: at most 20 % slower); on a new database {Change(first)}\n"
            );
        }
        md.Append('\n');
        return met;
    }

    /// <summary>Per product and window: the demand that came, what each plan delivered, shortfall by tier and what
    /// was left over at the window's end.</summary>
    private static void ByProduct(StringBuilder md, string supply, List<PlanReplay.Scored> rows)
    {
        md.Append(CultureInfo.InvariantCulture, $"### Production {supply}: unmet demand by product\n\n");
        md.Append(
            "The counties, forecast plan / hold-last plan, summed over the 20 plans' days in the window; units of the "
                + "product.\n\n"
        );
        md.Append(
            "| product | window | demand that came | delivered | tier 1 unmet | tier 2 unmet | tier 3 unmet "
                + "| tiers 4–5 unmet | left at the counties at the window's end |\n"
        );
        md.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var product in rows.Select(r => r.Product).Distinct())
        {
            foreach (var (name, days) in Windows)
            {
                var f = Sum(rows, "forecast", product, days);
                var h = Sum(rows, "hold-last", product, days);
                md.Append(
                    CultureInfo.InvariantCulture,
                    $"| {product} | {name} | {Amount(f.Need.Sum())} | {Pair(f.Delivered, h.Delivered)} "
                );
                for (var t = 0; t < PlanReplay.Tiers; t++)
                    md.Append(CultureInfo.InvariantCulture, $"| {Pair(f.Short[t], h.Short[t])} ");
                md.Append(CultureInfo.InvariantCulture, $"| {Pair(f.Kept, h.Kept)} |\n");
            }
        }
        md.Append('\n');
    }

    /// <summary>Per plan: the share of each tier's demand left unmet over its first 7 days, the mean over products
    /// (each weighs alike, whatever its unit).</summary>
    private static void ByAsOf(StringBuilder md, string supply, List<PlanReplay.Scored> rows)
    {
        md.Append(CultureInfo.InvariantCulture, $"### Production {supply}: each day's plan, days 1–7\n\n");
        md.Append(
            "The counties: share of the demand that came left unmet, the mean over the five products; forecast plan "
                + "/ hold-last plan.\n\n"
        );
        md.Append("| as of | plan from | tier 1 | tier 2 | tier 3 | tiers 4–5 | left over / demand |\n");
        md.Append("|---|---|---:|---:|---:|---:|---:|\n");
        foreach (var asOf in rows.Select(r => r.AsOf).Distinct().Order())
        {
            var day = rows.Where(r => r.AsOf == asOf).ToList();
            var products = day.Select(r => r.Product).Distinct().ToList();
            string Share(Func<Totals, double> part, Func<Totals, double> whole) =>
                string.Join(
                    " / ",
                    Made.Select(made =>
                        products
                            .Average(p => Ratio(part(Sum(day, made, p, 7)), whole(Sum(day, made, p, 7))))
                            .ToString("0.0%", CultureInfo.InvariantCulture)
                    )
                );
            md.Append(CultureInfo.InvariantCulture, $"| {asOf:yyyy-MM-dd} | {asOf.AddDays(1):yyyy-MM-dd} ");
            for (var t = 0; t < PlanReplay.Tiers; t++)
                md.Append(CultureInfo.InvariantCulture, $"| {Share(x => x.Short[t], x => x.Need[t])} ");
            md.Append(CultureInfo.InvariantCulture, $"| {Share(x => x.Kept, x => x.Need.Sum())} |\n");
        }
        md.Append('\n');
    }

    private static void BandsTable(StringBuilder md, List<RegionalBands.Outcome> outcomes)
    {
        md.Append("### Regional bands\n\n");
        md.Append(
            Invariant(
                $"""
                A city's (and the province's) P10–P90 band made from its counties' forecasts (`RegionalBands`): as of
                every day {RegionalBands.FirstAsOf:%d} … {RegionalBands.LastAsOf:d MMMM}, each county's drivers are
                forecast as a plan forecasts them and summed, each side's spread √((1 − ρ) Σ dᵢ² + ρ (Σ dᵢ)²) for a
                correlation ρ between the counties' errors (ρ = 1: the percentiles added up); the share of the
                outcomes (the counties' reports, summed) inside the band, 1, 7 and 14 days ahead and over 1–14 days
                (0.8 is right).


                """
            )
        );
        md.Append(
            "| driver | region | ρ | outcomes | 1 d | 7 d | 14 d | 1–14 d |\n|---|---|---:|---:|---:|---:|---:|---:|\n"
        );
        foreach (var g in outcomes.GroupBy(o => (o.Segment, o.Province, o.Correlation)))
        {
            string At(Func<RegionalBands.Outcome, bool> which) =>
                g.Where(which).ToList() is { Count: > 0 } some
                    ? (some.Count(o => o.Inside) / (double)some.Count).ToString("0%", CultureInfo.InvariantCulture)
                    : "–";
            md.Append(
                CultureInfo.InvariantCulture,
                $"| {g.Key.Segment} | {(g.Key.Province ? "province" : "cities")} | {g.Key.Correlation} | {g.Count()} "
                    + $"| {At(o => o.Horizon == 1)} | {At(o => o.Horizon == 7)} | {At(o => o.Horizon == 14)} "
                    + $"| {At(_ => true)} |\n"
            );
        }
        md.Append('\n');
    }

    private static void CostTable(StringBuilder md, List<PipelineCost.Timing> timings)
    {
        md.Append("### The `plan` pipeline\n\n");
        md.Append(
            "`Planner.Api plan` on Zhejiang, a process each time (start-up included), the builds taking turns: "
                + "first on a new local directory (migrate, import the reference data, seed and pull the sample, plan, "
                + "publish the workbooks), then again on the same directory (pull, plan, publish). Seconds: median "
                + "(min … max).\n\n"
        );
        md.Append("| build | runs | new database | again (the daily plan) | again vs the first build |\n");
        md.Append("|---|---:|---:|---:|---:|\n");
        var baseline = Report.Median(timings[0].Again);
        foreach (var t in timings)
        {
            md.Append(
                CultureInfo.InvariantCulture,
                $"| {t.Build.Label} | {t.Again.Count} | {Spread(t.First)} | {Spread(t.Again)} "
                    + $"| {Report.Median(t.Again) / baseline:0.00}× |\n"
            );
        }
        md.Append('\n');
    }

    /// <summary>What one kind of plan left unmet per tier, of the demand that came, what it delivered and what it
    /// left over.</summary>
    private sealed record Totals(double[] Need, double[] Short, double Delivered, double Kept);

    /// <summary>One kind of plan's totals for a product over the first <paramref name="days"/> days of every plan;
    /// what is left over is counted on the window's last scored day.</summary>
    private static Totals Sum(List<PlanReplay.Scored> rows, string made, string product, int days)
    {
        var r = rows.Where(x => x.Made == made && x.Product == product && x.Day < days).ToList();
        double[] Tiers(Func<PlanReplay.Scored, double[]> of) =>
            Enumerable.Range(0, PlanReplay.Tiers).Select(t => r.Sum(x => of(x)[t])).ToArray();
        return new Totals(
            Tiers(x => x.Need),
            Tiers(x => x.Short),
            r.Sum(x => x.Delivered),
            r.GroupBy(x => x.AsOf).Sum(g => g.MaxBy(x => x.Day)!.Kept)
        );
    }

    private static double Ratio(double part, double whole) => whole > 0 ? part / whole : 0;

    private static string Pair(double forecast, double held) => $"{Amount(forecast)} / {Amount(held)}";

    private static string Spread(List<double> seconds) =>
        Invariant($"{Report.Median(seconds):0.00} ({seconds.Min():0.00} … {seconds.Max():0.00})");

    private static string Change(double ratio) =>
        ratio >= 1 ? Invariant($"{ratio - 1:0%} slower") : Invariant($"{1 - ratio:0%} faster");

    private static string Amount(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
