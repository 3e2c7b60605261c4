namespace Planner.Solver.Care;

/// <summary>The specialties teams bring and hospitals need; the ICU-capable ones count for the home-city
/// floor.</summary>
public static class Specialties
{
    /// <summary>Every specialty.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        "critical_care",
        "respiratory",
        "infectious_disease",
        "icu_nursing",
        "general_nursing",
        "infection_control",
    ];

    /// <summary>Specialties that can staff an ICU.</summary>
    public static readonly IReadOnlySet<string> IcuCapable = new HashSet<string>(
        ["critical_care", "icu_nursing", "respiratory"],
        StringComparer.Ordinal
    );
}

/// <summary>
/// A medical team that travels as a whole. Days count from the first planned day (day 0); <see cref="AvailableTo"/>
/// is the last available day. A team on deployment has <see cref="CurrentSite"/> and the day it left
/// (<see cref="DeployedSince"/>, usually negative).
/// </summary>
public sealed record MedicalTeam(
    string Code,
    string HomeCity,
    int AvailableFrom,
    int AvailableTo,
    int RestDays,
    IReadOnlyDictionary<string, int> Members,
    string? CurrentSite = null,
    int DeployedSince = 0
)
{
    /// <summary>Members in all.</summary>
    public int Size => Members.Values.Sum();

    /// <summary>Members in ICU-capable specialties.</summary>
    public int IcuCapable => Members.Where(m => Specialties.IcuCapable.Contains(m.Key)).Sum(m => m.Value);
}

/// <summary>Why staff is needed: Hubei commitments come first (tier 1), then critical before severe care.</summary>
public enum NeedKind
{
    /// <summary>A Hubei assistance request (tier 1).</summary>
    Hubei,

    /// <summary>A hospital's critical patients.</summary>
    Critical,

    /// <summary>A hospital's severe patients.</summary>
    Severe,
}

/// <summary>
/// Staff a site needs from <see cref="StartDay"/> for <see cref="Days"/> days, per specialty. <see cref="Site"/> is a
/// Hubei assistance site or a hospital code; <see cref="City"/> is the site's city (a Hubei site is its own city);
/// <see cref="Destination"/> is where its PPE is planned (the site, or the hospital's county).
/// </summary>
public sealed record StaffNeed(
    string Code,
    string Site,
    string City,
    string Destination,
    NeedKind Kind,
    int StartDay,
    int Days,
    IReadOnlyDictionary<string, int> Required
);

/// <summary>A team at a need over a run of weeks (days are whole weeks from day 0).</summary>
public sealed record TeamAssignment(
    string Team,
    string Need,
    string Site,
    int FromDay,
    int ToDay,
    IReadOnlyList<string> Specialties
);

/// <summary>The team-deployment instance: weekly periods over the horizon.</summary>
public sealed record TeamProblem
{
    /// <summary>Weekly periods from day 0.</summary>
    public int Weeks { get; init; }

    /// <summary>The teams that may be deployed.</summary>
    public IReadOnlyList<MedicalTeam> Teams { get; init; } = [];

    /// <summary>What the sites need.</summary>
    public IReadOnlyList<StaffNeed> Needs { get; init; } = [];

    /// <summary>Road distance in km between a team's home city and a need's city.</summary>
    public Func<string, string, double> Km { get; init; } = (_, _) => 0;

    /// <summary>The previous plan's assignments (re-planning: change against them is penalised).</summary>
    public IReadOnlyList<TeamAssignment> Previous { get; init; } = [];

    /// <summary>Data errors that make the instance unusable; empty when it can be solved.</summary>
    public IReadOnlyList<DataFlag> Validate()
    {
        var errors = new List<DataFlag>();
        if (Weeks < 1)
            errors.Add(new DataFlag(DataFlagKind.NoWeeks, "", Weeks));
        foreach (var (code, count) in Repeated(Teams.Select(t => t.Code)))
            errors.Add(new DataFlag(DataFlagKind.TeamRepeated, code, count));
        foreach (var t in Teams)
            ValidateTeam(t, errors);
        foreach (var (code, count) in Repeated(Needs.Select(n => n.Code)))
            errors.Add(new DataFlag(DataFlagKind.NeedRepeated, code, count));
        foreach (var n in Needs)
            ValidateNeed(n, errors);
        return errors;
    }

    private static void ValidateTeam(MedicalTeam t, List<DataFlag> errors)
    {
        var (negative, unknown) = Counts(t.Members);
        if (t.Size <= 0)
            errors.Add(new DataFlag(DataFlagKind.TeamNoMembers, t.Code));
        if (negative)
            errors.Add(new DataFlag(DataFlagKind.TeamNegativeMembers, t.Code));
        if (unknown.Count > 0)
            errors.Add(new DataFlag(DataFlagKind.TeamUnknownSpecialty, t.Code, string.Join(", ", unknown)));
        if (t.AvailableTo < t.AvailableFrom)
            errors.Add(new DataFlag(DataFlagKind.TeamEndsBeforeStart, t.Code, t.AvailableTo, t.AvailableFrom));
        if (t.RestDays < 0)
            errors.Add(new DataFlag(DataFlagKind.TeamNegativeRest, t.Code));
    }

    private static void ValidateNeed(StaffNeed n, List<DataFlag> errors)
    {
        var (negative, unknown) = Counts(n.Required);
        if (n.Days <= 0)
            errors.Add(new DataFlag(DataFlagKind.NeedNoDays, n.Code, n.Days));
        if (negative)
            errors.Add(new DataFlag(DataFlagKind.NeedNegativeStaff, n.Code));
        if (unknown.Count > 0)
            errors.Add(new DataFlag(DataFlagKind.NeedUnknownSpecialty, n.Code));
    }

    /// <summary>Codes listed more than once, with how often.</summary>
    private static IEnumerable<(string Code, int Count)> Repeated(IEnumerable<string> codes) =>
        codes.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => (g.Key, g.Count()));

    /// <summary>What is wrong with staff counts per specialty (a team's members, a need's requirement): a negative
    /// count, specialties not in <see cref="Specialties.All"/>.</summary>
    private static (bool Negative, List<string> Unknown) Counts(IReadOnlyDictionary<string, int> counts) =>
        (counts.Any(c => c.Value < 0), counts.Keys.Where(s => !Specialties.All.Contains(s)).ToList());
}

/// <summary>How to deploy teams.</summary>
public sealed record TeamSettings
{
    /// <summary>Share of each home city's ICU-capable team staff that stays in the city every week.</summary>
    public double HomeFloorShare { get; init; } = 0.5;

    /// <summary>Longest continuous deployment, in days (rounded down to whole weeks).</summary>
    public int MaxDeploymentDays { get; init; } = 56;

    /// <summary>Teams on deployment stay where they are while their site still needs them and their rotation
    /// allows.</summary>
    public bool KeepCurrent { get; init; } = true;

    /// <summary>Weight of one covered staff-week per kind of need: Hubei commitments (tier 1), critical,
    /// severe.</summary>
    public int HubeiWeight { get; init; } = 4;

    /// <summary>Weight of a covered staff-week for critical care.</summary>
    public int CriticalWeight { get; init; } = 3;

    /// <summary>Weight of a covered staff-week for severe care.</summary>
    public int SevereWeight { get; init; } = 1;

    /// <summary>Cost of a team-week that differs from the previous plan, in km of travel.</summary>
    public int ChangePenaltyKm { get; init; } = 500;

    /// <summary>CP-SAT time limit for the whole plan (half per phase); it reports the gap when it stops
    /// short.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>CP-SAT workers. One (the default) gives the same plan for the same input; more search faster.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>CP-SAT's random seed.</summary>
    public int Seed { get; init; } = 20200210;

    /// <summary>The weight of a kind of need.</summary>
    public int Weight(NeedKind kind) =>
        kind switch
        {
            NeedKind.Hubei => HubeiWeight,
            NeedKind.Critical => CriticalWeight,
            _ => SevereWeight,
        };
}

/// <summary>Why part of a need stays uncovered.</summary>
public enum UnmetReason
{
    /// <summary>No team with the specialty is available in that week at all.</summary>
    NoTeamAvailable,

    /// <summary>A team could go but its home city must keep its share of ICU-capable staff.</summary>
    HomeCityFloor,

    /// <summary>A team could go but the rotation holds it: resting after a deployment, at its longest deployment, or
    /// kept for a later deployment that weighs more.</summary>
    RestRule,

    /// <summary>The teams that could go serve needs that weigh at least as much.</summary>
    LowerPriority,
}

/// <summary>A specialty of a need left (partly) uncovered in a week, with its reason.</summary>
public sealed record UnmetNeed(
    string Need,
    string Site,
    NeedKind Kind,
    string Specialty,
    int Week,
    int Required,
    int Covered,
    UnmetReason Reason
);

/// <summary>
/// The team plan: status (Optimal; Optimal coverage with travel feasible or not improved in the time left; or Feasible
/// with <see cref="Gap"/> the proven relative gap of the coverage), the
/// weighted coverage reached and CP-SAT's bound on it, travel in km, changes against the previous plan.
/// </summary>
public sealed record TeamPlan(
    string Status,
    double Coverage,
    double CoverageBound,
    double Gap,
    long Travel,
    int Changes,
    IReadOnlyList<TeamAssignment> Assignments,
    IReadOnlyList<UnmetNeed> Unmet,
    double Seconds
);
