using ClosedXML.Excel;
using Planner.Api.Localization;
using Planner.Api.Planning;
using static Planner.Api.Workbooks.Sheet;
using RegionInfo = Planner.Api.Planning.RegionInfo;

namespace Planner.Api.Workbooks;

/// <summary>
/// Two plan runs side by side (a scenario against the baseline, say), from what each recorded: <c>Summary</c>
/// (both runs' settings, then per product and tier demand, served, shortfall and fill rate of each and the
/// differences), <c>Cities</c> and <c>Counties</c> (per region and product: served, shortfall and fill rate of
/// each, the differences, and the shortfall difference per tier). Differences are the second run minus the first.
/// Below the Summary's totals, both runs' risk of running out per product in tiers 1 and 2 (where a run measured it):
/// the mean and 95th-percentile shortfall over all destinations, the destinations at or under the run's stockout
/// target and those where supply or lead times leave the target out of reach.
/// </summary>
public static class ComparisonWorkbook
{
    private const string RunSql = """
        SELECT id AS Id, scenario_id AS Scenario, policy AS Policy, solver AS Solver, solver_status AS SolverStatus,
               plan_start AS PlanStart, horizon_days AS Days, objective AS Objective,
               stockout_target AS StockoutTarget, risk_paths AS RiskPaths
        FROM plan_runs WHERE id = COALESCE((SELECT run_id FROM run_requests WHERE id = @id), @id)
          AND status = 'succeeded'
        """;

    private const string TotalsSql = """
        SELECT destination_code AS Destination, product_code AS Product, tier AS Tier, SUM(demand) AS Demand,
        SUM(served) AS Served FROM plan_allocations WHERE run_id = @run
        GROUP BY destination_code, product_code, tier
        """;

    /// <summary>Per product and protected tier: the shortfall over all destinations (the 95th percentile of the total,
    /// not a sum), and of the destinations with a need in that tier those at or under the target (a probability is
    /// a count of paths over their number: equal to the target is at it) and those supply leaves short.</summary>
    private const string RiskSql = $"""
        SELECT t.product_code AS {nameof(RiskRow.Product)}, t.tier AS {nameof(RiskRow.Tier)},
               t.expected_shortfall AS {nameof(RiskRow.Expected)}, t.p95_shortfall AS {nameof(RiskRow.P95)},
               (SELECT COUNT(*) FROM plan_risk d WHERE d.run_id = t.run_id AND d.product_code = t.product_code
                  AND d.tier = t.tier) AS {nameof(RiskRow.Destinations)},
               (SELECT COUNT(*) FROM plan_risk d WHERE d.run_id = t.run_id AND d.product_code = t.product_code
                  AND d.tier = t.tier AND d.stockout_probability <= r.stockout_target + 1e-9)
                  AS {nameof(RiskRow.AtTarget)},
               (SELECT COUNT(*) FROM plan_risk d WHERE d.run_id = t.run_id AND d.product_code = t.product_code
                  AND d.tier = t.tier AND d.unpositioned > 0) AS {nameof(RiskRow.CannotReach)}
        FROM plan_risk_tiers t JOIN plan_runs r ON r.id = t.run_id
        WHERE t.run_id = @run AND t.tier IN (1, 2)
        """;

    private const string RegionsSql =
        "SELECT code AS Code, name AS Name, name_en AS NameEn, level AS Level, parent_code AS ParentCode FROM "
        + "regions WHERE level IN ('city', 'county', 'external')";

    private sealed class RunRow
    {
        public string Id { get; set; } = "";
        public string Scenario { get; set; } = "";
        public string Policy { get; set; } = "";
        public string Solver { get; set; } = "";
        public string? SolverStatus { get; set; }
        public DateOnly PlanStart { get; set; }
        public long Days { get; set; }
        public double? Objective { get; set; }
        public double? StockoutTarget { get; set; }
        public long? RiskPaths { get; set; }
    }

    private sealed class RiskRow
    {
        public string Product { get; set; } = "";
        public long Tier { get; set; }
        public double Expected { get; set; }
        public double P95 { get; set; }
        public long Destinations { get; set; }
        public long AtTarget { get; set; }
        public long CannotReach { get; set; }
    }

    private sealed class TotalRow
    {
        public string Destination { get; set; } = "";
        public string Product { get; set; } = "";
        public long Tier { get; set; }
        public double Demand { get; set; }
        public double Served { get; set; }
    }

    private sealed record Side(double Demand, double Served)
    {
        public double Shortfall => Math.Max(0, Demand - Served);
        public double Fill => Demand <= 0 ? 1 : Served / Demand;

        public static Side Of(IEnumerable<TotalRow> rows) =>
            rows.Aggregate(new Side(0, 0), (s, r) => new Side(s.Demand + r.Demand, s.Served + r.Served));
    }

    /// <summary>A succeeded plan run by its id or its request's id.</summary>
    private static async Task<RunRow> RunAsync(System.Data.Common.DbConnection db, string id) =>
        await db.QuerySingleOrDefaultAsync<RunRow>(RunSql, new { id })
        ?? throw new PlannerException(Messages.Get("NoRunToCompare", id));

    /// <summary>The workbook comparing run <paramref name="first"/> with run <paramref name="second"/> (plan run ids or
    /// run request ids).</summary>
    public static async Task<(byte[] Content, string FileName)> BuildAsync(
        Database database,
        string first,
        string second,
        CancellationToken ct = default
    )
    {
        await using var db = await database.OpenAsync(ct);
        var (a, b) = (await RunAsync(db, first), await RunAsync(db, second));
        var totalsA = (await db.QueryAsync<TotalRow>(TotalsSql, new { run = a.Id })).ToList();
        var totalsB = (await db.QueryAsync<TotalRow>(TotalsSql, new { run = b.Id })).ToList();
        var regions = (await db.QueryAsync<RegionInfo>(RegionsSql)).ToDictionary(r => r.Code, StringComparer.Ordinal);
        var compared = new Compared(a, b, totalsA, totalsB, regions)
        {
            RiskA = (await db.QueryAsync<RiskRow>(RiskSql, new { run = a.Id })).ToList(),
            RiskB = (await db.QueryAsync<RiskRow>(RiskSql, new { run = b.Id })).ToList(),
        };

        using var workbook = new XLWorkbook();
        workbook.Properties.Title = $"Planner comparison: {b.Id} against {a.Id}";
        workbook.Properties.Subject = $"Scenario {b.Scenario} against {a.Scenario}";
        workbook.Properties.Author = "Planner";
        workbook.Properties.Created = a.PlanStart.ToDateTime(TimeOnly.MinValue);
        workbook.Properties.Modified = a.PlanStart.ToDateTime(TimeOnly.MinValue);
        Summary(workbook.Worksheets.Add("Summary"), compared);
        Regions(
            workbook.Worksheets.Add("Cities"),
            "Cities",
            compared,
            regions.Values.Where(r => r.Level == "city").Select(r => r.Code).Order(StringComparer.Ordinal).ToList(),
            code =>
                regions.Values.Where(r => r.ParentCode == code).Select(r => r.Code).ToHashSet(StringComparer.Ordinal)
        );
        Regions(
            workbook.Worksheets.Add("Counties"),
            "Counties",
            compared,
            totalsA.Concat(totalsB).Select(t => t.Destination).Distinct().Order(StringComparer.Ordinal).ToList(),
            code => [code]
        );
        return (PrintTitles.Bytes(workbook), $"compare-{a.Id}-{b.Id}.xlsx");
    }

    /// <summary>The two runs and their totals, with what every sheet of the comparison is laid out by: the products
    /// and tiers either run has, and the footer naming both runs.</summary>
    private sealed record Compared(
        RunRow A,
        RunRow B,
        List<TotalRow> TotalsA,
        List<TotalRow> TotalsB,
        Dictionary<string, RegionInfo> Regions
    )
    {
        public List<string> Products { get; } =
            TotalsA.Concat(TotalsB).Select(t => t.Product).Distinct().Order(StringComparer.Ordinal).ToList();

        public List<long> Tiers { get; } = TotalsA.Concat(TotalsB).Select(t => t.Tier).Distinct().Order().ToList();

        /// <summary>Each run's risk per product and protected tier (none: the run did not measure it).</summary>
        public List<RiskRow> RiskA { get; init; } = [];

        public List<RiskRow> RiskB { get; init; } = [];

        public PlanRunInfo Footer { get; } =
            new(
                $"{B.Id} vs {A.Id}",
                B.Scenario,
                B.PlanStart,
                (int)B.Days,
                B.Policy,
                B.Solver,
                B.SolverStatus ?? "",
                B.Objective ?? 0,
                0,
                "",
                ""
            );
    }

    /// <summary>The titles of the columns <see cref="Sides"/> writes.</summary>
    private static readonly string[] SideTitles =
    [
        "Demand (first)",
        "Served (first)",
        "Shortfall (first)",
        "Fill (first)",
        "Demand (second)",
        "Served (second)",
        "Shortfall (second)",
        "Fill (second)",
        "Served Δ",
        "Shortfall Δ",
        "Fill Δ",
    ];

    private static void Summary(IXLWorksheet ws, Compared compared)
    {
        ws.Cell(1, 1).SetValue("Plan comparison · 方案对比").Style.Font.Bold = true;
        ws.Cell(1, 1).Style.Font.FontSize = 14;
        var row = Settings(ws, compared.A, compared.B) + 2;
        var header = row;
        Header(ws, row, ["Product", "Tier", .. SideTitles]);
        foreach (var product in compared.Products)
        {
            foreach (var tier in compared.Tiers)
            {
                var sa = Side.Of(compared.TotalsA.Where(t => t.Product == product && t.Tier == tier));
                var sb = Side.Of(compared.TotalsB.Where(t => t.Product == product && t.Tier == tier));
                if (sa.Demand <= 0 && sb.Demand <= 0)
                    continue;
                row++;
                Text(ws.Cell(row, 1), product);
                ws.Cell(row, 2).SetValue(tier);
                Sides(ws, row, 3, sa, sb);
            }
        }
        List(ws, "ComparisonByProductTier", header, row, 13);
        DeltaScale(ws.Range(header + 1, 11, Math.Max(row, header + 1), 11));
        Risk(ws, Math.Max(row, header + 1) + 3, compared);
        Widths(ws, 16, 30, 30, 14, 14, 10, 14, 14, 14, 10, 14, 14, 9);
        Finish(ws, compared.Footer, headerRows: 0, onePage: true);
    }

    /// <summary>Both runs' settings side by side under a header on row 3; returns the last row written.</summary>
    private static int Settings(IXLWorksheet ws, RunRow a, RunRow b)
    {
        Header(ws, 3, ["", "First run", "Second run"]);
        var inv = CultureInfo.InvariantCulture;
        var facts = new (string Label, string A, string B)[]
        {
            ("Run", a.Id, b.Id),
            ("Scenario", a.Scenario, b.Scenario),
            ("Policy", a.Policy, b.Policy),
            ("Solver", a.Solver, b.Solver),
            ("Solver status", a.SolverStatus ?? "", b.SolverStatus ?? ""),
            (
                "Plan start",
                a.PlanStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                b.PlanStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            ),
            (
                "Horizon (days)",
                a.Days.ToString(CultureInfo.InvariantCulture),
                b.Days.ToString(CultureInfo.InvariantCulture)
            ),
            (
                "Stockout target",
                Measured(a, a.StockoutTarget?.ToString("0.##%", inv)),
                Measured(b, b.StockoutTarget?.ToString("0.##%", inv))
            ),
            ("Risk paths", Measured(a, a.RiskPaths?.ToString(inv)), Measured(b, b.RiskPaths?.ToString(inv))),
        };
        var row = 3;
        foreach (var (label, va, vb) in facts)
        {
            row++;
            ws.Cell(row, 1).SetValue(label).Style.Font.Bold = true;
            Text(ws.Cell(row, 2), va);
            Text(ws.Cell(row, 3), vb);
        }
        return row;
    }

    /// <summary>
    /// A row per region of <paramref name="codes"/> and product either run served there, the region's totals taken
    /// over its <paramref name="members"/> (a city's counties, or the county itself).
    /// </summary>
    private static void Regions(
        IXLWorksheet ws,
        string table,
        Compared compared,
        List<string> codes,
        Func<string, HashSet<string>> members
    )
    {
        var tiers = compared.Tiers;
        var byA = compared.TotalsA.ToLookup(t => (t.Destination, t.Product));
        var byB = compared.TotalsB.ToLookup(t => (t.Destination, t.Product));
        Header(
            ws,
            1,
            ["Code", "Name", "Name (EN)", "Product", .. SideTitles, .. tiers.Select(t => $"Tier {t} shortfall Δ")]
        );
        var row = 1;
        foreach (var code in codes)
        {
            var inside = members(code);
            foreach (var product in compared.Products)
            {
                var rowsA = inside.SelectMany(m => byA[(m, product)]).ToList();
                var rowsB = inside.SelectMany(m => byB[(m, product)]).ToList();
                if (rowsA.Count == 0 && rowsB.Count == 0)
                    continue;
                row++;
                var region = compared.Regions.GetValueOrDefault(code);
                Text(ws.Cell(row, 1), code);
                ws.Cell(row, 2).SetValue(region?.Name ?? "");
                ws.Cell(row, 3).SetValue(region?.NameEn ?? "");
                Text(ws.Cell(row, 4), product);
                Sides(ws, row, 5, Side.Of(rowsA), Side.Of(rowsB));
                for (var i = 0; i < tiers.Count; i++)
                {
                    var delta =
                        Side.Of(rowsB.Where(r => r.Tier == tiers[i])).Shortfall
                        - Side.Of(rowsA.Where(r => r.Tier == tiers[i])).Shortfall;
                    Number(ws.Cell(row, 16 + i), Math.Round(delta, 3));
                }
            }
        }
        List(ws, table, 1, row, 15 + tiers.Count);
        DeltaScale(ws.Range(2, 13, Math.Max(row, 2), 13));
        Widths(ws, [11, 14, 20, 11, 14, 14, 14, 9, 14, 14, 14, 9, 13, 13, 9, .. tiers.Select(_ => 13.0)]);
        Finish(ws, compared.Footer);
    }

    private const string NotMeasured = "not measured for this run · 本次计划未评估断供风险";

    private static string Measured(RunRow run, string? value) => run.RiskPaths is null ? NotMeasured : value ?? "";

    /// <summary>The titles of the columns <see cref="RiskSide"/> writes.</summary>
    private static string[] RiskTitles(string side) =>
        [
            $"Destinations ({side})",
            $"At target ({side})",
            $"Cannot reach ({side})",
            $"Expected shortfall ({side})",
            $"P95 shortfall ({side})",
        ];

    /// <summary>Both runs' risk of running out per product in tiers 1 and 2, as a list from row
    /// <paramref name="title"/>; a run that did not measure it has no figures.</summary>
    private static void Risk(IXLWorksheet ws, int title, Compared compared)
    {
        ws.Cell(title, 1).SetValue("Stockout risk, tiers 1 and 2 · 断供风险（第 1、2 级）").Style.Font.Bold = true;
        ws.Cell(title + 1, 1)
            .SetValue(
                "P95: the 95th percentile of the shortfall summed over all destinations, on forecast paths the plan "
                    + "was not made on · P95 为全部收货地合计缺口的第 95 百分位"
            );
        var header = title + 2;
        Header(ws, header, ["Product", "Tier", .. RiskTitles("first"), .. RiskTitles("second"), "Expected Δ", "P95 Δ"]);
        var byA = compared.RiskA.ToDictionary(r => (r.Product, r.Tier));
        var byB = compared.RiskB.ToDictionary(r => (r.Product, r.Tier));
        var row = header;
        foreach (
            var key in byA.Keys.Union(byB.Keys).OrderBy(k => k.Product, StringComparer.Ordinal).ThenBy(k => k.Tier)
        )
        {
            row++;
            Text(ws.Cell(row, 1), key.Product);
            ws.Cell(row, 2).SetValue(key.Tier);
            var (a, b) = (byA.GetValueOrDefault(key), byB.GetValueOrDefault(key));
            RiskSide(ws, row, 3, a);
            RiskSide(ws, row, 8, b);
            if (a is not null && b is not null)
            {
                Number(ws.Cell(row, 13), Math.Round(b.Expected - a.Expected, 1));
                Number(ws.Cell(row, 14), Math.Round(b.P95 - a.P95, 1));
            }
        }
        List(ws, "ComparisonRisk", header, row, 14);
        var note = Math.Max(row, header + 1) + 1;
        foreach (var (run, label) in new[] { (compared.A, "First run"), (compared.B, "Second run") })
        {
            if (run.RiskPaths is null)
                ws.Cell(note++, 1).SetValue($"{label}: {NotMeasured}");
        }
    }

    private static void RiskSide(IXLWorksheet ws, int row, int column, RiskRow? risk)
    {
        if (risk is null)
            return;
        ws.Cell(row, column).SetValue(risk.Destinations);
        ws.Cell(row, column + 1).SetValue(risk.AtTarget);
        ws.Cell(row, column + 2).SetValue(risk.CannotReach);
        Number(ws.Cell(row, column + 3), Math.Round(risk.Expected, 1));
        Number(ws.Cell(row, column + 4), Math.Round(risk.P95, 1));
    }

    private static void Sides(IXLWorksheet ws, int row, int column, Side a, Side b)
    {
        Number(ws.Cell(row, column), Math.Round(a.Demand, 3));
        Number(ws.Cell(row, column + 1), Math.Round(a.Served, 3));
        Number(ws.Cell(row, column + 2), Math.Round(a.Shortfall, 3));
        Number(ws.Cell(row, column + 3), a.Fill, Percent);
        Number(ws.Cell(row, column + 4), Math.Round(b.Demand, 3));
        Number(ws.Cell(row, column + 5), Math.Round(b.Served, 3));
        Number(ws.Cell(row, column + 6), Math.Round(b.Shortfall, 3));
        Number(ws.Cell(row, column + 7), b.Fill, Percent);
        Number(ws.Cell(row, column + 8), Math.Round(b.Served - a.Served, 3));
        Number(ws.Cell(row, column + 9), Math.Round(b.Shortfall - a.Shortfall, 3));
        Number(ws.Cell(row, column + 10), b.Fill - a.Fill, "+0.0%;-0.0%;0.0%");
    }

    /// <summary>Red for less served, green for more, white for no change.</summary>
    private static void DeltaScale(IXLRange range) =>
        range
            .AddConditionalFormat()
            .ColorScale()
            .LowestValue(XLColor.FromHtml("#F8696B"))
            .Midpoint(XLCFContentType.Number, "0", XLColor.White)
            .HighestValue(XLColor.FromHtml("#63BE7B"));
}
