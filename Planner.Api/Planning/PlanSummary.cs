using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Planner.Api.Sources;
using Planner.Solver.Allocation;
using Planner.Solver.Care;
using Planner.Solver.Risk;

namespace Planner.Api.Planning;

/// <summary>What a run was: identity, scenario, solver outcome and the freshness of its data
/// (<see cref="DataFreshness"/> for machines, <see cref="Pulls"/> for the workbooks to word in their
/// language).</summary>
public sealed record PlanRunInfo(
    string RunId,
    string Scenario,
    DateOnly PlanStart,
    int HorizonDays,
    string Policy,
    string Solver,
    string SolverStatus,
    double Objective,
    int Transfers,
    string InputDigest,
    string DataFreshness
)
{
    /// <summary>The pull runs the data comes from; not in <c>summary.json</c>, which has
    /// <see cref="DataFreshness"/>.</summary>
    [JsonIgnore]
    public IReadOnlyList<PullRun> Pulls { get; init; } = [];
}

/// <summary>The machine-readable <c>summary.json</c> written beside the workbooks.</summary>
public sealed record PlanSummary(
    PlanRunInfo Run,
    IReadOnlyList<StageResult> Stages,
    IReadOnlyList<PlanSummary.ProductEntry> Products,
    IReadOnlyList<ReserveRelease> ReserveReleases,
    IReadOnlyList<BindingConstraint> Binding,
    IReadOnlyList<PlanSummary.SourceEntry> Sources,
    IReadOnlyList<string> Outputs,
    PlanSummary.CareEntry Care
)
{
    /// <summary>Warnings the run was published with (stale feeds under <c>Planner:Freshness:Mode=warn</c>, what the
    /// inputs made the plan assume), as sentences in the run's language, as the command line and the run record
    /// have them.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The dispatch plan's lines not confirmed by the day after they arrived, as of the first planned day
    /// (<see cref="OverdueLines"/>): depot, consignee and product codes, quantity, the day the receipt was
    /// due.</summary>
    public IReadOnlyList<OverdueLine> OverdueReceipts { get; init; } = [];

    /// <summary>The forecast the plan is made on (<see cref="PlanForecast"/>).</summary>
    public PlanForecast? Forecast { get; init; }

    /// <summary>The priority order the run used: each tier, served before the next, with its demand
    /// segments.</summary>
    public IReadOnlyList<PriorityEntry> Priority { get; init; } = [];

    /// <summary>Per county and product, the hospitals' stock above their safety cover that the plan's hospital demand
    /// is net of (<see cref="NetRequirements"/>).</summary>
    public IReadOnlyList<NetRequirements.Held> HeldAboveCover { get; init; } = [];

    /// <summary>The gap list in short (<see cref="GapList"/>; the lines are on the <c>Gaps</c> sheets and
    /// <c>GET /api/runs/{id}/gaps</c>): per product and tier, the units unmet and those extra supply closes.</summary>
    public IReadOnlyList<GapTotal> Gaps { get; init; } = [];

    /// <summary>The plan's risk of running out on held-out forecast paths (<see cref="RiskPlanning"/>), rounded: per
    /// destination, product and tier the stockout probability and the expected and 95th-percentile shortfall; per
    /// product and tier the same over all destinations; each depot's days of cover.</summary>
    public RiskReport? Risk { get; init; }

    /// <summary>A report's figures rounded for the file (probabilities to 4 places, units to 1).</summary>
    public static RiskReport? RiskOf(RiskReport? risk) =>
        risk is null
            ? null
            : risk with
            {
                Destinations = risk
                    .Destinations.Select(d =>
                        d with
                        {
                            ExpectedNeed = Math.Round(d.ExpectedNeed, 1),
                            StockoutProbability = Math.Round(d.StockoutProbability, 4),
                            StandardError = Math.Round(d.StandardError, 4),
                            ExpectedShortfall = Math.Round(d.ExpectedShortfall, 1),
                        }
                    )
                    .ToList(),
                Tiers = risk
                    .Tiers.Select(t =>
                        t with
                        {
                            ExpectedShortfall = Math.Round(t.ExpectedShortfall, 1),
                            ExpectedNeed = Math.Round(t.ExpectedNeed, 1),
                            ExpectedFill = Math.Round(t.ExpectedFill, 6),
                        }
                    )
                    .ToList(),
                Depots = risk
                    .Depots.Select(d => d with { Days = d.Days is { } days ? Math.Round(days, 2) : null })
                    .ToList(),
            };

    /// <summary>A product's tier in <see cref="Gaps"/>.</summary>
    public sealed record GapTotal(string Product, int Tier, double Unmet, double Closable);

    /// <summary>The gap list's totals per product and tier.</summary>
    public static IReadOnlyList<GapTotal> GapsOf(IEnumerable<Gap> gaps) =>
        gaps.GroupBy(g => (g.Product, g.Tier))
            .OrderBy(g => g.Key.Product, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Tier)
            .Select(g => new GapTotal(g.Key.Product, g.Key.Tier, g.Sum(x => x.Unmet), g.Sum(x => x.Closable)))
            .ToList();

    /// <summary>A tier of the priority order and the segments it serves (<c>segments.csv</c>).</summary>
    public sealed record PriorityEntry(int Tier, string Name, string NameEn, IReadOnlyList<string> Segments);

    /// <summary>The priority order of a plan: its tiers in order, each with its segments.</summary>
    public static IReadOnlyList<PriorityEntry> PriorityOf(PlanSnapshot snapshot) =>
        snapshot
            .Tiers.OrderBy(t => t.Tier)
            .Select(t => new PriorityEntry(
                t.Tier,
                t.Name,
                t.NameEn,
                snapshot.Segments.Where(s => s.Tier == t.Tier).Select(s => s.Code).ToList()
            ))
            .ToList();

    /// <summary>
    /// The care plan: the team plan's status (Optimal, or Feasible with the proven relative gap), weighted coverage and
    /// CP-SAT's bound, travel (km) and changes against the previous plan; assignments, uncovered needs with reasons,
    /// critical-patient transfers, patients left over capacity, and data flagged before solving (in English, the
    /// sentences the flags always had; the workbooks and the run's progress word them in their language).
    /// </summary>
    public sealed record CareEntry(
        string TeamStatus,
        double Coverage,
        double CoverageBound,
        double Gap,
        long TravelKm,
        int Changes,
        IReadOnlyList<TeamAssignment> Assignments,
        IReadOnlyList<UnmetNeed> UnmetNeeds,
        IReadOnlyList<PatientTransfer> Transfers,
        IReadOnlyList<Unplaced> Unplaced,
        IReadOnlyList<string> Flags
    );

    public sealed record Figures(double Demand, double Served, double Shortfall, double FillRate);

    /// <summary>A tier of a product; ShortfallIfFairFirst is the shortfall had the minimum fill rate been maximised
    /// first (null when the tier is served in full).</summary>
    public sealed record TierEntry(
        int Tier,
        string Name,
        string Policy,
        double Demand,
        double Served,
        double Shortfall,
        double FillRate,
        double MinFillRate,
        double? ShortfallIfFairFirst,
        double? CostOfFairness
    )
    {
        /// <summary>Units the optimum served that the plan in whole packs and units does not (negative:
        /// more).</summary>
        public double RoundingCost { get; init; }
    }

    public sealed record ProductEntry(
        string Product,
        string Name,
        string Unit,
        Figures Totals,
        IReadOnlyDictionary<string, double> ShortfallByReason,
        IReadOnlyList<TierEntry> Tiers
    );

    public sealed record SourceEntry(
        string Source,
        string PullRunId,
        long RowsRead,
        long RowsChanged,
        long RowsRejected,
        long Watermark
    );

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Chinese names stay readable in the file.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public static PlanSummary From(
        PlanRunInfo run,
        AllocationResult result,
        PlanReport report,
        IReadOnlyList<SourceEntry> sources,
        IReadOnlyList<string> outputs,
        CareOutcome care
    )
    {
        var stages = result.Stages.Select(s => s with { Objective = Math.Round(s.Objective, 6) }).ToList();
        return new PlanSummary(
            run,
            stages,
            ProductEntries(run.Policy, result, report),
            result.ReserveReleases,
            result.Binding,
            sources,
            outputs,
            CareEntryOf(care)
        );
    }

    /// <summary>Per product its figures, its shortfall by reason, and per tier its figures with the cost of
    /// fairness.</summary>
    private static List<ProductEntry> ProductEntries(string policy, AllocationResult result, PlanReport report)
    {
        var fairness = result.FairnessCosts.ToDictionary(f => (f.Product, f.Tier));
        return report
            .Products.Select(p => new ProductEntry(
                p.Product,
                p.Name,
                p.Unit,
                FiguresOf(p.Totals),
                report
                    .Shortfalls.Where(s => s.Product == p.Product)
                    .GroupBy(s => ShortfallReasons.Code(s.Reason))
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => Math.Round(g.Sum(s => s.Shortfall), 3)),
                p.Tiers.Select(t =>
                    {
                        var f = fairness.GetValueOrDefault((p.Product, t.Tier));
                        return new TierEntry(
                            t.Tier,
                            t.Name,
                            policy,
                            t.Totals.Demand,
                            t.Totals.Served,
                            t.Totals.Shortfall,
                            Math.Round(t.Totals.FillRate, 6),
                            t.MinFillRate,
                            f is null ? null : Math.Round(f.ShortfallIfFairFirst, 3),
                            f is null ? null : Math.Round(f.Cost, 3)
                        )
                        {
                            RoundingCost = t.RoundingCost,
                        };
                    })
                    .ToList()
            ))
            .ToList();
    }

    private static CareEntry CareEntryOf(CareOutcome care)
    {
        var teams = care.Teams;
        return new CareEntry(
            teams.Status,
            teams.Coverage,
            Math.Round(teams.CoverageBound, 3),
            teams.Gap,
            teams.Travel,
            teams.Changes,
            teams.Assignments,
            teams.Unmet,
            care.Transfers.Transfers,
            care.Transfers.Unplaced,
            care.Flags.Select(CareFlags.English).ToList()
        );
    }

    private static Figures FiguresOf(Totals t) => new(t.Demand, t.Served, t.Shortfall, Math.Round(t.FillRate, 6));

    public string ToJson() => JsonSerializer.Serialize(this, Options) + "\n";

    public static PlanSummary FromJson(string json) =>
        JsonSerializer.Deserialize<PlanSummary>(json, Options) ?? throw new JsonException("summary.json is empty.");
}
