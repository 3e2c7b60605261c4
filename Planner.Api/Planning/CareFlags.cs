using Microsoft.Extensions.Localization;
using Planner.Api.Localization;
using Planner.Solver.Care;

namespace Planner.Api.Planning;

/// <summary>
/// The care plan's data flags (<see cref="DataFlag"/>) as sentences, from <c>CareFlags.zh-CN.resx</c> and
/// <c>CareFlags.en.resx</c> keyed by the flag's kind ({0} the code, then its figures): in the current language for the
/// run's progress and the workbook, in English for <c>summary.json</c>. A team's flag says it is left out of the team
/// plan, as <see cref="CarePlanning"/> does with it; need and horizon flags only come with the solver's refusal.
/// </summary>
public static class CareFlags
{
    private static readonly IStringLocalizer Text = Texts.For(typeof(CareFlags));

    /// <summary>The flag in the current UI language.</summary>
    public static string Say(DataFlag flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        return Text.Get(flag.Kind.ToString(), [flag.Code, .. flag.Values]);
    }

    /// <summary>The flag in English, as <c>summary.json</c> keeps it (the same sentences as before the flags had a
    /// Chinese wording, for whatever reads them).</summary>
    public static string English(DataFlag flag)
    {
        using (Texts.Use(LocalizationSetup.English))
            return Say(flag);
    }
}
