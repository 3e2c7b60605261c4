using Planner.Api.Localization;
using Planner.Solver.Allocation;
using Planner.Solver.Forecasting;
using Planner.Solver.Risk;

namespace Planner.Api.Planning;

/// <summary>
/// How a plan hedges (planning parameters, a scenario may set the first two): the highest chance of running out of a
/// tier-1 or tier-2 item over the horizon it accepts per county (<c>stockout_target</c>), the number of forecast
/// paths its risk is measured on, held out from the plan (and, with the sample method, that its buffers are sized on)
/// (<c>risk_paths</c>), their seed (<c>risk_seed</c>; the held-out paths use the next one) and how buffers are sized
/// (<c>risk_method</c>: <c>quantile</c> or <c>sample</c>, <see cref="BufferMethod"/>).
/// </summary>
public sealed record RiskSettings(double Target, int Paths, int Seed, BufferMethod Method = BufferMethod.Quantile)
{
    /// <summary>The defaults when the parameters are missing (a database seeded before they existed).</summary>
    public static RiskSettings Default { get; } = new(0.05, 1000, 20200210);

    /// <summary>The seed of the held-out paths: never the paths the plan was made on.</summary>
    public int EvaluationSeed => Seed + 1;

    /// <summary>The run's settings: the scenario's, else the planning parameters', else <see cref="Default"/>; a
    /// parameter out of its range is refused with a message naming it.</summary>
    public static RiskSettings Of(PlanInputs inputs)
    {
        var d = Default;
        var target = inputs.Overrides.StockoutTarget ?? Number(inputs, "stockout_target", d.Target, 1e-6, 0.5);
        var paths = inputs.Overrides.RiskPaths ?? (int)Number(inputs, "risk_paths", d.Paths, 100, 100_000);
        var seed = (int)Number(inputs, "risk_seed", d.Seed, 0, int.MaxValue - 1);
        var method = d.Method;
        if (
            inputs.Parameters.TryGetValue("risk_method", out var text)
            && !Enum.TryParse(text, ignoreCase: true, out method)
        )
            throw new PlannerException(Messages.Get("ParameterInvalid", "risk_method", text, "quantile, sample"));
        return new RiskSettings(target, paths, seed, method);
    }

    private static double Number(PlanInputs inputs, string name, double fallback, double min, double max)
    {
        if (!inputs.Parameters.TryGetValue(name, out var text))
            return fallback;
        if (
            !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !(value >= min && value <= max)
        )
            throw new PlannerException(
                Messages.Get("ParameterInvalid", name, text, $"{min.ToString(CultureInfo.InvariantCulture)} – {max}")
            );
        return value;
    }
}

/// <summary>
/// The hedged plan and its risk: buffers for tiers 1 and 2 sized on paths drawn from the forecast
/// (<see cref="SafetyStock"/>), the plan solved with them (<see cref="HedgedAllocation"/>), and its risk measured on
/// held-out paths (<see cref="RiskEvaluation"/>). Counties of a city move together with the correlation the
/// regional-bands backtest chose (<see cref="Aggregate.CountyCorrelation"/>).
/// </summary>
public static class RiskPlanning
{
    /// <summary>The tiers a plan hedges: critical and severe care.</summary>
    public static readonly IReadOnlySet<int> ProtectedTiers = new HashSet<int> { 1, 2 };

    /// <summary>The paths the plan is made on, and the held-out paths it is judged on.</summary>
    public static (ScenarioPaths Plan, ScenarioPaths HeldOut) Paths(
        IReadOnlyList<UncertainSeries> series,
        RiskSettings risk
    ) =>
        (
            ScenarioPaths.Draw(series, risk.Paths, risk.Seed, Aggregate.CountyCorrelation),
            ScenarioPaths.Draw(series, risk.Paths, risk.EvaluationSeed, Aggregate.CountyCorrelation)
        );

    /// <summary>The buffers for <paramref name="problem"/> on the plan's paths.</summary>
    public static List<Demand> Buffers(AllocationProblem problem, ScenarioPaths paths, RiskSettings risk) =>
        SafetyStock.Buffers(problem.Demands, ProtectedTiers, paths, risk.Target, problem.Days, risk.Method);

    /// <summary>A plan's risk on the held-out paths.</summary>
    public static RiskReport Evaluate(
        PlanSnapshot snapshot,
        AllocationProblem problem,
        AllocationResult plan,
        ScenarioPaths heldOut,
        RiskSettings risk
    ) => RiskEvaluation.Evaluate(problem, plan, heldOut, snapshot.Production, ProtectedTiers, risk.Target);
}
