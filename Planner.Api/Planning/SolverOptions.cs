using Planner.Api.Localization;
using Planner.Solver.Allocation;
using Planner.Solver.Care;

namespace Planner.Api.Planning;

/// <summary>How the allocation is solved (<c>Planner:Solver:*</c>).</summary>
public sealed class SolverOptions
{
    public const string Section = "Planner:Solver";

    private static readonly string[] LpSolvers = ["CLP", "GLOP", "PDLP", "HIGHS_LP"];

    /// <summary>The OR-Tools LP solver: CLP (default), GLOP, PDLP or HIGHS_LP.</summary>
    public string Name { get; set; } = new AllocationSettings().Solver;

    /// <summary>Time limit for each LP stage.</summary>
    public double StageTimeLimitSeconds { get; set; } = new AllocationSettings().StageTimeLimit.TotalSeconds;

    /// <summary><c>optimized</c>, <c>pro-rata</c>, <c>population-share</c> or <c>no-sharing</c>.</summary>
    public string Policy { get; set; } = "optimized";

    /// <summary>Solve the optimized and no-sharing stages as network flows (false: every stage by the LP
    /// solver).</summary>
    public bool NetworkFlow { get; set; } = true;

    /// <summary>The solver's settings these options stand for.</summary>
    public AllocationSettings ToSettings() =>
        new AllocationSettings() with
        {
            Solver = Name,
            StageTimeLimit = TimeSpan.FromSeconds(StageTimeLimitSeconds),
            Policy = Policies.Parse(Policy),
            NetworkFlow = NetworkFlow,
        };

    internal sealed class Validator : IValidateOptions<SolverOptions>
    {
        public ValidateOptionsResult Validate(string? name, SolverOptions o)
        {
            var failures = new List<string>();
            if (!LpSolvers.Contains(o.Name, StringComparer.Ordinal))
            {
                failures.Add(SettingErrors.Get("OneOf", $"{Section}:Name", o.Name, string.Join(", ", LpSolvers)));
            }
            if (o.StageTimeLimitSeconds <= 0)
                failures.Add(
                    SettingErrors.Get("MoreThanZero", $"{Section}:StageTimeLimitSeconds", o.StageTimeLimitSeconds)
                );
            if (!Policies.TryParse(o.Policy, out _))
                failures.Add(SettingErrors.Get("OneOf", $"{Section}:Policy", o.Policy, Policies.Names));
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}

/// <summary>The CP-SAT knobs of the team plan (<c>Planner:Teams:*</c>); the rules come from planning
/// parameters.</summary>
public sealed class TeamOptions
{
    public const string Section = "Planner:Teams";

    /// <summary>CP-SAT's budget for the whole team plan.</summary>
    public double TimeLimitSeconds { get; set; } = new TeamSettings().TimeLimit.TotalSeconds;

    /// <summary>CP-SAT workers; one gives the same plan every time.</summary>
    public int Workers { get; set; } = new TeamSettings().Workers;

    public int Seed { get; set; } = new TeamSettings().Seed;

    /// <summary>Teams on deployment stay at their site while it needs them and their rotation allows.</summary>
    public bool KeepCurrent { get; set; } = new TeamSettings().KeepCurrent;

    public TeamSettings ToSettings() =>
        new TeamSettings() with
        {
            TimeLimit = TimeSpan.FromSeconds(TimeLimitSeconds),
            Workers = Workers,
            Seed = Seed,
            KeepCurrent = KeepCurrent,
        };

    internal sealed class Validator : IValidateOptions<TeamOptions>
    {
        public ValidateOptionsResult Validate(string? name, TeamOptions o)
        {
            var failures = new List<string>();
            if (o.TimeLimitSeconds <= 0)
                failures.Add(SettingErrors.Get("MoreThanZero", $"{Section}:TimeLimitSeconds", o.TimeLimitSeconds));
            if (o.Workers < 1)
                failures.Add(SettingErrors.Get("AtLeastOne", $"{Section}:Workers", o.Workers));
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}

/// <summary>The allocation rules by the names people and settings use for them.</summary>
public static class Policies
{
    public const string Names = "optimized, pro-rata, population-share or no-sharing";

    /// <summary>optimized, pro-rata, population-share or no-sharing (case and dashes ignored).</summary>
    public static bool TryParse(string text, out Policy policy) =>
        Enum.TryParse(
            text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal),
            ignoreCase: true,
            out policy
        ) && Enum.IsDefined(policy);

    public static Policy Parse(string text) =>
        TryParse(text, out var policy)
            ? policy
            : throw new PlannerException(Messages.Get("UnknownPolicy", text, Messages.Get("PolicyNames")));

    public static string Name(Policy policy) =>
        policy switch
        {
            Policy.Optimized => "optimized",
            Policy.ProRata => "pro-rata",
            Policy.PopulationShare => "population-share",
            Policy.NoSharing => "no-sharing",
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
        };
}
