using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Planner.Solver.Allocation;

namespace Planner.Api.Planning;

/// <summary>What a run was: identity, scenario, solver outcome and the freshness of its data.</summary>
public sealed record PlanRunInfo(
    string RunId,
    string Scenario,
    DateOnly PlanStart,
    int HorizonDays,
    string Policy,
    string Solver,
    string SolverStatus,
    double Objective,
    string DataFreshness);

/// <summary>The machine-readable <c>summary.json</c> written beside the workbooks.</summary>
public sealed record PlanSummary(
    PlanRunInfo Run,
    IReadOnlyList<StageResult> Stages,
    IReadOnlyList<PlanSummary.ProductEntry> Products,
    IReadOnlyList<PlanSummary.SourceEntry> Sources,
    IReadOnlyList<string> Outputs)
{
    public sealed record Figures(double Demand, double Served, double Shortfall, double FillRate);

    public sealed record TierEntry(int Tier, string Name, double Demand, double Served, double Shortfall, double FillRate, double MinFillRate);

    public sealed record ProductEntry(string Product, string Name, string Unit, Figures Totals, IReadOnlyList<TierEntry> Tiers);

    public sealed record SourceEntry(string Source, string PullRunId, long RowsRead, long RowsChanged, long RowsRejected, long Watermark);

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Chinese names stay readable in the file.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public static PlanSummary From(PlanRunInfo run, AllocationResult result, PlanReport report, IReadOnlyList<SourceEntry> sources, IReadOnlyList<string> outputs) =>
        new(run, result.Stages,
            report.Products.Select(p => new ProductEntry(p.Product, p.Name, p.Unit, FiguresOf(p.Totals),
                p.Tiers.Select(t => new TierEntry(t.Tier, t.Name, t.Totals.Demand, t.Totals.Served, t.Totals.Shortfall, Math.Round(t.Totals.FillRate, 6), t.MinFillRate)).ToList())).ToList(),
            sources, outputs);

    private static Figures FiguresOf(Totals t) => new(t.Demand, t.Served, t.Shortfall, Math.Round(t.FillRate, 6));

    public string ToJson() => JsonSerializer.Serialize(this, Options) + "\n";

    public static PlanSummary FromJson(string json) => JsonSerializer.Deserialize<PlanSummary>(json, Options)
        ?? throw new JsonException("summary.json is empty.");
}
