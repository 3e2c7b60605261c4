using System.Diagnostics;
using System.Globalization;
using System.Text;
using Planner.Api.Planning;
using Planner.Api.Storage;
using Planner.Solver.Forecasting;

namespace Planner.Benchmarks;

/// <summary>
/// The forecast benchmark of issue 19: a rolling-origin backtest (<see cref="Backtest"/>) of each driver's chosen
/// method against hold-last-value and a log-linear trend, on the February 2020 replay (<c>data/sample</c>) and on the
/// real series (<c>data/zhejiang-*-2020.csv</c>), origins every day 1–25 February 2020, horizons 1–14 days; then the
/// cost of forecasting every county's drivers for 14 days. The CSV files are read directly: no database.
/// </summary>
public static class ForecastBenchmark
{
    public const string Heading = "## Forecasts (issue 19)";

    public const string Usage = """
        usage: dotnet run -c Release --project Planner.Benchmarks -- forecast [options]
          --data DIR       the data folder (default: the data/ folder found above the working directory)
          --repeat N       timed repetitions of the cost measurement; the report gives the median (default 15)
          --write FILE     replace (or add) the "## Forecasts (issue 19)" section of FILE
        """;

    private const int MaxHorizon = 14;
    private const string Province = "330000";
    private static readonly DateOnly FirstOrigin = new(2020, 2, 1);
    private static readonly DateOnly LastOrigin = new(2020, 2, 25);
    private static readonly int[] Shown = [1, 3, 7, 14];

    /// <summary>The as-of day of the cost measurement (the acceptance plan's), and the day the province wanted 70 % of
    /// employees back on post by.</summary>
    private static readonly DateOnly CostAsOf = new(2020, 2, 16);
    private static readonly DateOnly ReturnToWorkDate = new(2020, 2, 29);

    /// <summary>One kind of series backtested: its data (replay or real), what it is, how many series, the chosen
    /// method's name, and the rows of every method compared.</summary>
    private sealed record Kind(string Data, string Name, int Count, string Chosen, List<BacktestRow> Rows)
    {
        public BacktestRow Row(string method, int horizon) =>
            Rows.Single(r => r.Method == method && r.Horizon == horizon);

        /// <summary>The chosen method's P10–P90 coverage over every horizon, each outcome counting once.</summary>
        public double PooledCoverage()
        {
            var rows = Rows.Where(r => r.Method == Chosen).ToList();
            return rows.Sum(r => r.Coverage * r.Outcomes) / Math.Max(1, rows.Sum(r => r.Outcomes));
        }
    }

    /// <summary>What the cost measurement found: forecasts made per pass, seconds of each pass.</summary>
    private sealed record Cost(
        int Counties,
        int Forecasts,
        int Lines,
        double First,
        List<double> Repeats,
        List<double> WithLines
    );

    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var (repeat, write, data) = (15, (string?)null, (string?)null);
        new Options(Usage)
            .Int("--repeat", v => repeat = v)
            .Text("--write", v => write = v)
            .Text("--data", v => data = v)
            .ParseOrThrow(args);
        var folder = data
            ?? StorageOptions.FindDataDirectory()
            ?? throw new ArgumentException($"no data folder found above the working directory\n{Usage}");
        var read = Stopwatch.StartNew();
        var sample = Sample.Read(Path.Combine(folder, "sample"));
        read.Stop();
        log.WriteLine(Invariant($"forecast: read data/sample in {read.Elapsed.TotalSeconds:0.00} s"));
        var kinds = ReplayKinds(sample).Concat(RealKinds(folder)).ToList();
        foreach (var kind in kinds)
            log.WriteLine($"forecast: backtested {kind.Data}, {kind.Name}");
        var cost = MeasureCost(sample, Path.Combine(folder, "reference"), repeat, log);

        var md = Section.Start(Heading, "forecast", args);
        Describe(md);
        Targets(md, kinds, cost, log);
        Summary(md, kinds);
        foreach (var kind in kinds)
            Table(md, kind);
        CostSection(md, cost, read.Elapsed.TotalSeconds);
        Section.Publish(md.ToString(), Heading, write, output);
        return Task.FromResult(0);
    }

    /// <summary>The replay's series, summed by city (a county's city is its code's first four digits and 00) and over
    /// the province.</summary>
    private static List<Kind> ReplayKinds(Sample s)
    {
        var census = SumByKey(
            s.Census.Select(r => (City(r.County), r.Day, r.Severe + r.Critical)),
            "severe + critical"
        );
        var cases = SumByKey(s.Bulletins.Select(r => (City(r.County), r.Day, r.NewCases)), "new cases");
        var observed = SumByKey(s.Bulletins.Select(r => (City(r.County), r.Day, r.Observation)), "under observation");
        DailySeries Total(Func<(string, DateOnly, double NewCases, double Observation), double> value, string what) =>
            SumByKey(s.Bulletins.Select(r => (Province, r.Day, value(r))), what)[Province];
        var provinceCases = Total(r => r.NewCases, "new cases");
        var provinceObserved = Total(r => r.Observation, "under observation");
        var output = SumByKey(s.Production.Select(r => (r.Product, r.Day, r.Output)), "output");
        var capacity = s
            .Lines.GroupBy(l => l.Product)
            .ToDictionary(g => g.Key, g => g.Sum(l => l.Capacity), StringComparer.Ordinal);
        return
        [
            Census("replay", "severe + critical by city", Driven(census, cases)),
            Observation("replay", "under observation by city", Driven(observed, cases)),
            Observation("replay", "under observation, province", [new(provinceObserved, provinceCases)]),
            ProductionKind("replay", "production by product, province", output, capacity),
        ];
    }

    /// <summary>
    /// The real bulletins: the province's severe + critical (the bulletin's "现有重症病例"), its people under medical
    /// observation and its new cases; each city's severe patients (critical included: the city lists count them) with
    /// its new cases from its cumulative count (revisions downwards clamped, as the planner does).
    /// </summary>
    private static IEnumerable<Kind> RealKinds(string folder)
    {
        var province = Csv(Path.Combine(folder, "zhejiang-epidemic-2020.csv"));
        var cities = Csv(Path.Combine(folder, "zhejiang-city-epidemic-2020.csv"));
        var last = province.Max(r => Date(r["date"]));
        DailySeries Of(
            string name,
            IEnumerable<Dictionary<string, string>> rows,
            Func<Dictionary<string, string>, double> v
        ) => new(name, rows.Select(r => new DailyPoint(Date(r["date"]), v(r))), last);
        var newCases = Of("province new cases", province, r => Number(r["confirmed_new"]));
        var census = Of("province severe + critical", province.Where(r => r["severe"].Length > 0), r =>
            Number(r["severe"]) + (r["critical"].Length > 0 ? Number(r["critical"]) : 0)
        );
        var observed = Of(
            "province under observation",
            province.Where(r => r["under_medical_observation"].Length > 0),
            r => Number(r["under_medical_observation"])
        );
        var byCity = cities.GroupBy(r => r["city_code"]).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var cityCensus = byCity
            .Select(g => new BacktestSeries(
                Of($"{g.Key} severe", g.Where(r => r["severe"].Length > 0), r => Number(r["severe"])),
                DailySeries
                    .DailyFromCumulative(Of($"{g.Key} confirmed", g, r => Number(r["confirmed_cumulative"])))
                    .Daily
            ))
            .ToList();
        yield return Census("real", "severe (incl. critical) by city", cityCensus);
        yield return Census("real", "severe + critical, province", [new(census, newCases)]);
        yield return Observation("real", "under observation, province", [new(observed, newCases)]);
    }

    private static Kind Census(string data, string name, List<BacktestSeries> series) =>
        Compared(data, name, new CaseDrivenCensus(EpidemicForecasts.SevereStayDays), series);

    private static Kind Observation(string data, string name, List<BacktestSeries> series) =>
        Compared(data, name, new CaseDrivenCensus(EpidemicForecasts.ObservationStayDays), series);

    /// <summary>The chosen method against hold-last and a log-linear trend (14 days), each with the forecaster's
    /// default range.</summary>
    private static Kind Compared(string data, string name, CaseDrivenCensus chosen, List<BacktestSeries> series)
    {
        Forecaster[] methods = [new(chosen), new(new HoldLast()), new(new LogLinearTrend())];
        var rows = Backtest.Run(series, methods, FirstOrigin, LastOrigin, MaxHorizon);
        return new Kind(data, name, series.Count, chosen.Name, rows);
    }

    /// <summary>
    /// Each product's province total, forecast as <see cref="Production.Forecast"/> forecasts a line: the recent ramp
    /// (a log-linear trend over <see cref="Production.RampWindowDays"/> days) capped by the declared capacity, here
    /// the sum of the province's lines (release lag 0: what is made, not what is released). No
    /// <see cref="Forecaster"/> makes that forecast (the cap applies after the range), so <see cref="Scored"/> scores
    /// it by Backtest.Run's rules, checked in every run against Backtest.Run on hold-last.
    /// </summary>
    private static Kind ProductionKind(
        string data,
        string name,
        Dictionary<string, DailySeries> output,
        Dictionary<string, double> capacity
    )
    {
        var products = output.Keys.Order(StringComparer.Ordinal).ToList();
        var series = products.Select(p => new BacktestSeries(output[p])).ToList();
        Forecaster[] baselines = [new(new HoldLast()), new(new LogLinearTrend())];
        var rows = Backtest.Run(series, baselines, FirstOrigin, LastOrigin, MaxHorizon);
        var check = Scored("hold-last", products.Select(p => (output[p], Baseline(baselines[0], output[p]))));
        if (!check.SequenceEqual(rows.Where(r => r.Method == "hold-last")))
            throw new InvalidOperationException("The production scorer no longer scores as Backtest.Run does.");
        const string chosen = "production-ramp";
        var ramp = Scored(
            chosen,
            products.Select(p =>
            {
                var line = new ProductionLine(Province, p, capacity[p]);
                return (output[p], Ramp(line, output[p]));
            })
        );
        return new Kind(data, name, series.Count, chosen, [.. ramp, .. rows]);
    }

    private static Func<DateOnly, int, Forecast> Baseline(Forecaster forecaster, DailySeries series) =>
        (origin, reach) => forecaster.Forecast(series, origin, reach);

    private static Func<DateOnly, int, Forecast> Ramp(ProductionLine line, DailySeries series) =>
        (origin, reach) => Production.Forecast(line, series, origin, reach).Output;

    /// <summary>
    /// <see cref="Backtest.Run"/>'s scoring of a forecast no <see cref="Forecaster"/> makes: the same origins (an
    /// origin outside the series, before its first point or without a later day is skipped), the same naive scale and
    /// measures, summed in the same order.
    /// </summary>
    private static List<BacktestRow> Scored(
        string method,
        IEnumerable<(DailySeries Series, Func<DateOnly, int, Forecast> Forecast)> lines
    )
    {
        var scores = new double[MaxHorizon, 5]; // outcomes, Σ |error|, scaled outcomes, Σ |error| / scale, covered
        foreach (var (series, forecast) in lines)
        {
            var scale = NaiveScale(series);
            for (var origin = FirstOrigin; origin <= LastOrigin; origin = origin.AddDays(1))
            {
                var reach = Math.Min(MaxHorizon, series.AsOf.DayNumber - origin.DayNumber);
                if (origin < series.Start || series.LastOnOrBefore(origin) is null || reach < 1)
                    continue;
                foreach (var day in forecast(origin, reach).Days)
                {
                    if (series.ValueOn(day.Date) is not { } actual)
                        continue;
                    var (h, error) = (day.Horizon - 1, Math.Abs(day.P50 - actual));
                    scores[h, 0]++;
                    scores[h, 1] += error;
                    if (scale > 0)
                        (scores[h, 2], scores[h, 3]) = (scores[h, 2] + 1, scores[h, 3] + error / scale);
                    if (actual >= day.P10 && actual <= day.P90)
                        scores[h, 4]++;
                }
            }
        }
        return Enumerable
            .Range(0, MaxHorizon)
            .Select(h =>
            {
                var n = scores[h, 0];
                double? mase = scores[h, 2] > 0 ? scores[h, 3] / scores[h, 2] : null;
                return new BacktestRow(
                    method,
                    h + 1,
                    (int)n,
                    n > 0 ? scores[h, 1] / n : 0,
                    mase,
                    n > 0 ? scores[h, 4] / n : 0
                );
            })
            .ToList();
    }

    /// <summary>Backtest's in-sample one-step naive error up to the last origin (reports further apart count as
    /// |change| / √gap).</summary>
    private static double NaiveScale(DailySeries series)
    {
        var p = series.Points.Where(x => x.Date <= LastOrigin).ToList();
        var steps = p.Zip(p.Skip(1), (a, b) =>
                Math.Abs(b.Value - a.Value) / Math.Sqrt(b.Date.DayNumber - a.Date.DayNumber)
            )
            .ToList();
        return steps.Count > 0 ? steps.Average() : 0;
    }

    /// <summary>
    /// Forecasts every county's drivers for 14 days as of <see cref="CostAsOf"/> (new cases, severe, critical, under
    /// observation, risk colour with the fever-clinic visits and checkpoints that follow it, employees on post) and
    /// every production line: a first pass (compiling as it goes), three untimed ones, then <paramref name="repeat"/>
    /// timed passes.
    /// </summary>
    private static Cost MeasureCost(Sample sample, string reference, int repeat, TextWriter log)
    {
        var multipliers = Csv(Path.Combine(reference, "risk-levels.csv"))
            .OrderBy(r => Number(r["level"]))
            .Select(r => Number(r["multiplier"]))
            .ToList();
        var counties = sample.Counties(multipliers);
        var parameters = Csv(Path.Combine(reference, "planning-parameters.csv"))
            .ToDictionary(r => r["name"], r => r["value"], StringComparer.Ordinal);
        var share = Number(parameters["return_to_work_share"]);
        var lines = sample.ProductionLines(product => ProductionSupply.Lag(parameters, product));
        var watch = Stopwatch.StartNew();
        var forecasts = ForecastCounties(counties, multipliers, share);
        var first = watch.Elapsed.TotalSeconds;
        // Tiered compilation recompiles the hot methods after their first calls: a few untimed passes first.
        for (var i = 0; i < 3; i++)
            ForecastLines(lines, ForecastCounties(counties, multipliers, share));
        var (repeats, withLines) = (new List<double>(), new List<double>());
        for (var i = 0; i < repeat; i++)
        {
            watch.Restart();
            var made = ForecastCounties(counties, multipliers, share);
            repeats.Add(watch.Elapsed.TotalSeconds);
            ForecastLines(lines, made);
            withLines.Add(watch.Elapsed.TotalSeconds);
        }
        log.WriteLine(
            Invariant($"forecast: {counties.Count} counties, {forecasts} forecasts: first {first:0.000} s, ")
                + Invariant($"median {Report.Median(repeats):0.000} s of {repeat}")
        );
        return new Cost(counties.Count, forecasts, lines.Count, first, repeats, withLines);
    }

    /// <summary>Every production line's forecast (after <paramref name="after"/>, so that a pass is timed
    /// whole).</summary>
    private static int ForecastLines(List<(ProductionLine Line, DailySeries Output)> lines, int after) =>
        after + lines.Count(l => Production.Forecast(l.Line, l.Output, CostAsOf, MaxHorizon).Available.Days.Count > 0);

    /// <summary>One pass over every county; the number of forecasts made.</summary>
    private static int ForecastCounties(List<County> counties, List<double> multipliers, double share)
    {
        var made = 0;
        foreach (var c in counties)
        {
            var cases = EpidemicForecasts.NewCases(c.NewCases, CostAsOf, MaxHorizon);
            var (severe, critical) = EpidemicForecasts.SevereAndCritical(
                c.Severe,
                c.Critical,
                c.NewCases,
                CostAsOf,
                MaxHorizon
            );
            var observed = EpidemicForecasts.UnderObservation(c.Observation, c.NewCases, CostAsOf, MaxHorizon);
            var risk = RiskLevels.Forecast(c.Risk, c.NewCases, cases, CostAsOf);
            var fever = RiskLevels.Scaled($"{c.Code} fever-clinic visits", new(c.FeverClinic, multipliers), risk);
            var gates = RiskLevels.Scaled($"{c.Code} checkpoints", new(c.Checkpoints, multipliers), risk);
            var plan = new ReturnToWork(c.Employees, share, ReturnToWorkDate);
            var onPost = EmployeesOnPost.Forecast(c.OnPost, plan, CostAsOf, MaxHorizon);
            Forecast[] all = [cases, severe, critical, observed, risk, fever, gates, onPost];
            made += all.Count(f => f.Days.Count == MaxHorizon);
        }
        return made;
    }

    /// <summary>What was backtested and how it is scored.</summary>
    private static void Describe(StringBuilder md)
    {
        md.Append(
            "Rolling-origin backtest (`Backtest.Run`, `Planner.Solver/Forecasting`): from every origin day 1–25 "
                + "February 2020 each method forecasts each series as it was known on that day (nothing dated later is "
                + "read), for 1–14 days ahead, and every forecast day that was later reported is scored. MAE: mean "
                + "absolute error of P50, in the series' units (pooled over the series of a kind, so the largest weigh "
                + "most). MASE: each error divided by its series' in-sample one-step naive error (mean |day-to-day "
                + "change| up to 25 Feb, |change| / √gap between sparser reports), so every series weighs alike. "
                + "Coverage: the share of outcomes inside P10 … P90 (0.8 is right). Every method gets its range the "
                + "same way (`Forecaster`: its own past errors over the 21 days before the origin, or ± 1.28 · 0.2 · "
                + "√h in log(x + 1) with fewer than 5).\n\n"
        );
        md.Append(
            "Series. **Replay** (`data/sample`): severe + critical patients by city (`capacity.csv`, hospitals summed "
                + "by their county's city); people under observation by city and for the province, with the new "
                + "cases that drive both (`case-bulletins.csv`); each product's output, province total "
                + "(`production.csv`). **Real** (`data/zhejiang-*-2020.csv`, the health commission's bulletins): "
                + "each city's severe patients (critical included: the city lists count them; 191 of 550 city-days "
                + "reported), the province's severe + critical (22 days reported) and under observation (every day), "
                + "with new cases (the province's `confirmed_new`; a city's from its cumulative count).\n\n"
        );
        md.Append(
            "Methods. Chosen: `case-driven` (`CaseDrivenCensus`, fed by the new cases: τ = "
                + Invariant($"{EpidemicForecasts.SevereStayDays} days for the census, ")
                + Invariant($"{EpidemicForecasts.ObservationStayDays} for observation, `EpidemicForecasts`' choices); ")
                + "`production-ramp` (`Production.Forecast`'s output: a log-linear trend over "
                + Invariant($"{Production.RampWindowDays} days capped by the declared capacity, here the sum of the ")
                + "province's lines of the product; scored by the benchmark with Backtest.Run's rules, since no "
                + "`Forecaster` applies the cap, and checked against Backtest.Run on hold-last in every run). "
                + "Baselines: `hold-last` (the last value held: the plan before forecasts) and `log-linear` "
                + "(`LogLinearTrend`, 14 days).\n\n"
        );
    }

    /// <summary>The issue's targets as PASS/FAIL lines, on the replay and on the real series.</summary>
    private static void Targets(StringBuilder md, List<Kind> kinds, Cost cost, TextWriter log)
    {
        var lines = new List<string>();
        var census = kinds
            .Where(k =>
                k.Name.StartsWith("severe", StringComparison.Ordinal)
                && k.Name.EndsWith("by city", StringComparison.Ordinal)
            )
            .ToList();
        foreach (var kind in census)
        {
            var (chosen, hold) = (kind.Row(kind.Chosen, 7), kind.Row("hold-last", 7));
            var change = chosen.Mae / hold.Mae - 1;
            lines.Add(
                Invariant($"{Pass(change <= -0.3)}: {kind.Data}, {kind.Name}, 7 days ahead: {kind.Chosen} MAE ")
                    + Invariant($"{chosen.Mae:0.00} against hold-last's {hold.Mae:0.00}, {Change(change)} ")
                    + "(target: at least 30% below)"
            );
            lines.Add(CoverageLine(kind));
        }
        lines.AddRange(kinds.Except(census).Select(CoverageLine));
        var median = Report.Median(cost.Repeats);
        lines.Add(
            Invariant($"{Pass(median < 1)}: forecasting all {cost.Counties} counties' drivers for 14 days takes ")
                + Invariant($"{median:0.000} s (median of {cost.Repeats.Count}; target: under 1 s)")
        );
        md.Append("### Targets (issue 19)\n\n");
        foreach (var line in lines)
        {
            md.Append("- ").Append(line).Append('\n');
            log.WriteLine($"forecast: {line}");
        }
        md.Append('\n');
    }

    /// <summary>Every kind 7 days ahead, and which method had the lowest error at each shown horizon.</summary>
    private static void Summary(StringBuilder md, List<Kind> kinds)
    {
        md.Append("### Seven days ahead, by series kind\n\n");
        md.Append(
            "MAE and MASE of the chosen method, hold-last and log-linear; the chosen method's change against "
                + "hold-last; its coverage at 7 days and over 1–14 days; the method with the lowest MAE 1, 3, 7 and "
                + "14 days ahead.\n\n"
        );
        md.Append("| data | series | n | chosen | MAE chosen / hold-last / log-linear | MASE chosen / hold-last / ")
            .Append(
                "log-linear | chosen vs hold-last | coverage 7 d | coverage 1–14 d | lowest MAE at 1 / 3 / 7 / 14 d |\n"
            );
        md.Append("|---|---|---:|---|---:|---:|---:|---:|---:|---|\n");
        foreach (var k in kinds)
        {
            var rows = new[] { k.Chosen, "hold-last", "log-linear" }.Select(m => k.Row(m, 7)).ToList();
            var best = Shown.Select(h => k.Rows.Where(r => r.Horizon == h).MinBy(r => r.Mae)!.Method);
            md.Append(
                CultureInfo.InvariantCulture,
                $"| {k.Data} | {k.Name} | {k.Count} | {k.Chosen} | "
                    + $"{string.Join(" / ", rows.Select(r => Amount(r.Mae)))} | "
            );
            md.Append(
                CultureInfo.InvariantCulture,
                $"{string.Join(" / ", rows.Select(r => r.Mase is { } m ? Invariant($"{m:0.00}") : "–"))} | "
                    + $"{Change(rows[0].Mae / rows[1].Mae - 1)} | {rows[0].Coverage:0%} | {k.PooledCoverage():0%} | "
                    + $"{string.Join(" / ", best)} |\n"
            );
        }
        md.Append('\n');
    }

    /// <summary>A kind's rows at the shown horizons, the methods side by side at each.</summary>
    private static void Table(StringBuilder md, Kind kind)
    {
        md.Append(
            CultureInfo.InvariantCulture,
            $"### {kind.Data}: {kind.Name} ({kind.Count} series; chosen: {kind.Chosen})\n\n"
        );
        var order = new[] { kind.Chosen, "hold-last", "log-linear" };
        var rows = kind
            .Rows.Where(r => Shown.Contains(r.Horizon))
            .OrderBy(r => r.Horizon)
            .ThenBy(r => Array.IndexOf(order, r.Method));
        md.Append(Backtest.Markdown(rows).ReplaceLineEndings("\n")).Append('\n');
    }

    private static void CostSection(StringBuilder md, Cost cost, double readSeconds)
    {
        md.Append("### Cost\n\n");
        md.Append(
            CultureInfo.InvariantCulture,
            $"Every county's drivers forecast for 14 days as of {CostAsOf:yyyy-MM-dd} ({cost.Counties} counties: new "
                + $"cases, severe, critical, under observation, risk colour, fever-clinic visits and checkpoints "
                + $"following it, employees on post; {cost.Forecasts} forecasts a pass), one thread, series already "
                + $"built (reading the CSV files of data/sample took {readSeconds:0.00} s).\n\n"
        );
        md.Append("| pass | seconds |\n|---|---:|\n");
        md.Append(CultureInfo.InvariantCulture, $"| first (JIT) | {cost.First:0.000} |\n");
        md.Append(
            CultureInfo.InvariantCulture,
            $"| **warm: median (min … max) of {cost.Repeats.Count}** | **{Report.Median(cost.Repeats):0.000}** "
                + $"({cost.Repeats.Min():0.000} … {cost.Repeats.Max():0.000}) |\n"
        );
        md.Append(
            CultureInfo.InvariantCulture,
            $"| warm, with the {cost.Lines} production lines (`Production.Forecast`): median of "
                + $"{cost.WithLines.Count} | {Report.Median(cost.WithLines):0.000} |\n\n"
        );
    }

    /// <summary>The chosen method's P10–P90 coverage, all horizons pooled, against 70–90%.</summary>
    private static string CoverageLine(Kind kind)
    {
        var pooled = kind.PooledCoverage();
        return Invariant($"{Pass(pooled is >= 0.7 and <= 0.9)}: {kind.Data}, {kind.Name}: {kind.Chosen}'s P10–P90 ")
            + Invariant($"band covers {pooled:0%} of the outcomes 1–14 days ahead ")
            + Invariant($"({kind.Row(kind.Chosen, 7).Coverage:0%} at 7 days; target: 70–90%)");
    }

    private static string Pass(bool met) => met ? "**PASS**" : "**FAIL**";

    /// <summary>A relative change as "37% below" or "12% above".</summary>
    private static string Change(double change) =>
        Invariant($"{Math.Abs(change) * 100:0}% {(change <= 0 ? "below" : "above")}");

    /// <summary>An error in a series' units: two decimals for patients and people, whole units for output.</summary>
    private static string Amount(double value) =>
        value >= 1000 ? value.ToString("N0", CultureInfo.InvariantCulture) : Invariant($"{value:0.00}");

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private static string City(string county) => county[..4] + "00";

    private static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>A CSV file of data/ as rows of named fields (data/README.md: these files quote no field).</summary>
    private static List<Dictionary<string, string>> Csv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines
            .Skip(1)
            .Where(l => l.Length > 0)
            .Select(l =>
                header.Zip(l.Split(','), (name, value) => (name, value)).ToDictionary(p => p.name, p => p.value)
            )
            .ToList();
    }

    /// <summary>Values summed by key and day: one series per key, known on <paramref name="last"/> (by default the
    /// last day of the values).</summary>
    private static Dictionary<string, DailySeries> SumByKey(
        IEnumerable<(string Key, DateOnly Day, double Value)> values,
        string what,
        DateOnly? last = null
    )
    {
        var all = values.ToList();
        last ??= all.Max(v => v.Day);
        return all.GroupBy(v => v.Key)
            .ToDictionary(
                g => g.Key,
                g => new DailySeries(
                    $"{g.Key} {what}",
                    g.GroupBy(v => v.Day).Select(d => new DailyPoint(d.Key, d.Sum(v => v.Value))),
                    last.Value
                ),
                StringComparer.Ordinal
            );
    }

    /// <summary>Each key's series with its driver (the same key's new cases), in code order.</summary>
    private static List<BacktestSeries> Driven(
        Dictionary<string, DailySeries> series,
        Dictionary<string, DailySeries> drivers
    ) => series.Keys.Order(StringComparer.Ordinal).Select(k => new BacktestSeries(series[k], drivers[k])).ToList();

    /// <summary>One county's drivers as a plan made on the cost day reads them, and its planning figures.</summary>
    private sealed record County(
        string Code,
        DailySeries NewCases,
        DailySeries Severe,
        DailySeries Critical,
        DailySeries Observation,
        DailySeries Risk,
        DailySeries OnPost,
        double Employees,
        double FeverClinic,
        double Checkpoints
    );

    /// <summary>The replay's rows the benchmark reads (data/sample, data/README.md), a hospital's census under its
    /// county.</summary>
    private sealed record Sample(
        List<(string County, DateOnly Day, double Severe, double Critical)> Census,
        List<(string County, DateOnly Day, double NewCases, double Observation)> Bulletins,
        List<(string Supplier, string Product, DateOnly Day, double Output)> Production,
        List<(string Supplier, string Product, double Capacity)> Lines,
        List<Dictionary<string, string>> Drivers,
        List<Dictionary<string, string>> Risk,
        List<Dictionary<string, string>> Workforce
    )
    {
        public static Sample Read(string folder)
        {
            List<Dictionary<string, string>> Read(string file) => Csv(Path.Combine(folder, file));
            var county = Read("hospitals.csv")
                .ToDictionary(r => r["code"], r => r["county_code"], StringComparer.Ordinal);
            return new Sample(
                Read("capacity.csv")
                    .Select(r =>
                        (
                            county[r["hospital_code"]],
                            Date(r["report_date"]),
                            Number(r["severe_patients"]),
                            Number(r["critical_patients"])
                        )
                    )
                    .ToList(),
                Read("case-bulletins.csv")
                    .Select(r =>
                        (
                            r["county_code"],
                            Date(r["report_date"]),
                            Number(r["new_confirmed"]),
                            Number(r["under_observation"])
                        )
                    )
                    .ToList(),
                Read("production.csv")
                    .Select(r => (r["supplier_code"], r["product_code"], Date(r["report_date"]), Number(r["output"])))
                    .ToList(),
                Read("supplier-products.csv")
                    .Select(r => (r["supplier_code"], r["product_code"], Number(r["daily_capacity"])))
                    .ToList(),
                Read("county-drivers.csv"),
                Read("risk-map.csv"),
                Read("workforce.csv")
            );
        }

        /// <summary>Every county of county-drivers.csv with its series (empty where a file has none for it); its
        /// fever-clinic visits and checkpoints (at its 9 February colour) divided by that colour's
        /// <paramref name="multipliers"/> entry, to give the base the forecast colour scales.</summary>
        public List<County> Counties(List<double> multipliers)
        {
            var (first, last) = (Bulletins.Min(b => b.Day), Bulletins.Max(b => b.Day));
            var severe = SumByKey(Census.Select(r => (r.County, r.Day, r.Severe)), "severe", last);
            var critical = SumByKey(Census.Select(r => (r.County, r.Day, r.Critical)), "critical", last);
            var cases = SumByKey(Bulletins.Select(r => (r.County, r.Day, r.NewCases)), "new cases", last);
            var observed = SumByKey(Bulletins.Select(r => (r.County, r.Day, r.Observation)), "under observation", last);
            var levels = Risk.Select(r => (r["county_code"], Date(r["effective_date"]), Number(r["risk_level"])));
            var risk = SumByKey(levels, "risk level", last);
            var onPost = SumByKey(
                Workforce.Select(r => (r["county_code"], Date(r["report_date"]), Number(r["employees_on_post"]))),
                "employees on post",
                last
            );
            DailySeries Of(Dictionary<string, DailySeries> series, string code, string what) =>
                series.GetValueOrDefault(code) ?? new DailySeries($"{code} {what}", [], last, first);
            return Drivers
                .Select(d =>
                {
                    var code = d["county_code"];
                    var multiplier = multipliers[int.Parse(d["risk_level"], CultureInfo.InvariantCulture) - 1];
                    return new County(
                        code,
                        Of(cases, code, "new cases"),
                        Of(severe, code, "severe"),
                        Of(critical, code, "critical"),
                        Of(observed, code, "under observation"),
                        Of(risk, code, "risk level"),
                        Of(onPost, code, "employees on post"),
                        Number(d["employees"]),
                        Number(d["fever_clinic_visits"]) / multiplier,
                        Number(d["checkpoints"]) / multiplier
                    );
                })
                .ToList();
        }

        /// <summary>Every supplier's line with its reported output, as the plan forecasts them.</summary>
        public List<(ProductionLine Line, DailySeries Output)> ProductionLines(Func<string, int> lag)
        {
            var last = Production.Max(r => r.Day);
            var output = Production.ToLookup(r => (r.Supplier, r.Product));
            return Lines
                .Select(l =>
                    (
                        new ProductionLine(l.Supplier, l.Product, l.Capacity, lag(l.Product)),
                        new DailySeries(
                            $"{l.Supplier} {l.Product}",
                            output[(l.Supplier, l.Product)].Select(r => new DailyPoint(r.Day, r.Output)),
                            last
                        )
                    )
                )
                .ToList();
        }
    }
}
