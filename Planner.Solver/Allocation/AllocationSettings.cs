namespace Planner.Solver.Allocation;

/// <summary>The allocation rule a run follows; the non-optimized ones are the spreadsheet rules to compare
/// against.</summary>
public enum Policy
{
    /// <summary>Lexicographic by tier: least unmet demand, then the best minimum fill rate; then least transport and
    /// fewest transfers.</summary>
    Optimized,

    /// <summary>Every destination and tier gets the same fill rate.</summary>
    ProRata,

    /// <summary>Each county's quota is its population share of the province's supply; tiers in order within the
    /// quota.</summary>
    PopulationShare,

    /// <summary>As optimized, but no transfers between cities: each city lives on its own supply and the provincial
    /// reserve.</summary>
    NoSharing,
}

/// <summary>How to solve: which OR-Tools LP solver, limits, the policy and the re-planning penalty.</summary>
public sealed record AllocationSettings
{
    /// <summary>
    /// The OR-Tools MPSolver id for the stages solved as LPs (see <see cref="NetworkFlow"/>): CLP (default, fastest on
    /// this model: see docs/benchmarks.md), GLOP, PDLP or HIGHS_LP.
    /// </summary>
    public string Solver { get; init; } = "CLP";

    /// <summary>Time limit per LP stage; no solver has one by default, and a plan must always come back.</summary>
    public TimeSpan StageTimeLimit { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The allocation rule.</summary>
    public Policy Policy { get; init; } = Policy.Optimized;

    /// <summary>Round the optimum to whole packs and units (<see cref="PackRounding"/>); off, the result is the
    /// optimum as the solver left it (for tests that compare optima).</summary>
    public bool WholePacks { get; init; } = true;

    /// <summary>Cost per unit moved differently from the previous plan, in unit-km (re-planning only).</summary>
    public double ChangePenalty { get; init; } = 100;

    /// <summary>Whether to run the last stages, which reduce the number of city-to-city transfers at least
    /// cost.</summary>
    public bool MinimizeTransfers { get; init; } = true;

    /// <summary>Whether to measure the cost of fairness: the shortfall if each tier maximised its minimum fill rate
    /// first.</summary>
    public bool MeasureFairnessCost { get; init; } = true;

    /// <summary>
    /// Models with more variables than this solve their service stages with CLP's presolve and its own choice of
    /// algorithm; smaller ones, and every least-cost and transfers stage, continue from the previous basis with primal
    /// simplex. Measured in docs/benchmarks.md; CLP only (other solvers ignore it).
    /// </summary>
    public int WarmStartVariableLimit { get; init; } = 100_000;

    /// <summary>
    /// Whether the optimized and no-sharing stages are solved as network flows (OR-Tools max flow and a network
    /// simplex, see <see cref="ProductNetwork"/>) rather than by the LP solver, which then solves only what is not a
    /// network flow: re-planning, the other policies, and the stages after a tier-1 draw on a reserve floor.
    /// </summary>
    public bool NetworkFlow { get; init; } = true;

    /// <summary>Products solved at once; they share nothing, so they run in parallel. Results do not depend on
    /// it.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Checked before every LP stage: a cancelled run stops there with
    /// <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Called after each LP stage with its name, sense, objective and a function returning the model as MPS
    /// (with the earlier stages' fixings in it), so a caller can export it. The solver itself does no I/O.
    /// </summary>
    public Action<StageModel>? OnStage { get; init; }
}

/// <summary>
/// An LP stage as solved, for export: <see cref="ToMps"/> renders the model in free MPS format. Quantities in it
/// (and in <see cref="Objective"/>, unless the stage optimises a fill rate) are product units divided by
/// <see cref="Scale"/>.
/// </summary>
public sealed record StageModel(
    string Stage,
    string Product,
    string Sense,
    double Objective,
    double Scale,
    Func<string> ToMps
);
