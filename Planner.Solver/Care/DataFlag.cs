using System.Globalization;

namespace Planner.Solver.Care;

/// <summary>What is wrong with a hospital's report, a team or a need, found before solving.</summary>
public enum DataFlagKind
{
    /// <summary>A hospital's report has a negative count; it is left out of the transfers.</summary>
    NegativeCount,

    /// <summary>A hospital reports more critical patients (first value) than beds (second); it is left out of the
    /// transfers.</summary>
    CriticalOverBeds,

    /// <summary>The horizon has fewer than one week (first value: the weeks); the code is empty.</summary>
    NoWeeks,

    /// <summary>A team is listed more than once (first value: how often).</summary>
    TeamRepeated,

    /// <summary>A team has no members.</summary>
    TeamNoMembers,

    /// <summary>A team has a negative member count.</summary>
    TeamNegativeMembers,

    /// <summary>A team has specialties not in <see cref="Specialties.All"/> (first value: them,
    /// comma-separated).</summary>
    TeamUnknownSpecialty,

    /// <summary>A team's availability ends (first value: its last day) before it starts (second).</summary>
    TeamEndsBeforeStart,

    /// <summary>A team has negative rest days.</summary>
    TeamNegativeRest,

    /// <summary>A need is listed more than once (first value: how often).</summary>
    NeedRepeated,

    /// <summary>A need lasts no days (first value: its days).</summary>
    NeedNoDays,

    /// <summary>A need asks for a negative number of staff.</summary>
    NeedNegativeStaff,

    /// <summary>A need asks for a specialty not in <see cref="Specialties.All"/>.</summary>
    NeedUnknownSpecialty,
}

/// <summary>
/// A data problem found before solving: its kind, the code of the hospital, team or need it is about, and the figures
/// that show it (see each <see cref="DataFlagKind"/>). The solver says no sentence; the application words it in the
/// reader's language.
/// </summary>
public sealed record DataFlag(DataFlagKind Kind, string Code, params IReadOnlyList<object> Values)
{
    /// <summary>For exceptions and logs: kind, code and figures ("TeamEndsBeforeStart T-1 3 9").</summary>
    public override string ToString() =>
        string.Join(
            " ",
            new[] { Kind.ToString(), Code }
                .Concat(Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? ""))
                .Where(s => s.Length > 0)
        );
}
