using Planner.Solver.Care;

namespace Planner.Tests.Solver;

/// <summary>
/// Checks every hard rule of a team plan from the problem alone, without the model: integrity (known teams and needs,
/// whole weeks, one place per week, only inside the need's dates and the team's availability), the longest deployment
/// (weeks served before day 0 included), rest after return, each home city's floor of ICU-capable staff (teams kept
/// on deployment excepted), and that the unmet list is exactly what the assignments leave uncovered.
/// </summary>
public static class TeamPlanChecker
{
    public static void Check(TeamProblem problem, TeamSettings settings, TeamPlan plan)
    {
        var teams = problem.Teams.ToDictionary(t => t.Code);
        var needs = problem.Needs.ToDictionary(n => n.Code);
        var at = Weeks(problem, plan, teams, needs);
        var maxWeeks = Math.Max(1, settings.MaxDeploymentDays / 7);
        foreach (var team in problem.Teams)
            CheckRotation(problem, team, maxWeeks, at);
        CheckHomeFloors(problem, settings, needs, at);

        // Covered staff of the specialty at the need in the week, capped at what it asks for.
        int Covered(StaffNeed need, string specialty, int required, int w) =>
            Math.Min(
                required,
                at.Where(kv => kv.Key.Week == w && kv.Value == need.Code)
                    .Sum(kv => teams[kv.Key.Team].Members.GetValueOrDefault(specialty))
            );
        // Every specialty-week a need asks for, with what the assignments cover of it.
        var asked = (
            from n in problem.Needs
            from w in Enumerable.Range(0, problem.Weeks).Where(w => Active(n, w))
            from r in n.Required.Where(r => r.Value > 0)
            select (Need: n, Week: w, Specialty: r.Key, Required: r.Value, Covered: Covered(n, r.Key, r.Value, w))
        ).ToList();
        Assert.Equal(
            asked
                .Where(e => e.Covered < e.Required)
                .Select(e => (e.Need.Code, e.Specialty, e.Week, e.Required, e.Covered))
                .OrderBy(e => e.Code)
                .ThenBy(e => e.Week)
                .ThenBy(e => e.Specialty),
            plan.Unmet.Select(u => (u.Need, u.Specialty, u.Week, u.Required, u.Covered))
                .OrderBy(e => e.Need)
                .ThenBy(e => e.Week)
                .ThenBy(e => e.Specialty)
        );
        Assert.Equal(asked.Sum(e => settings.Weight(e.Need.Kind) * (long)e.Covered), plan.Coverage);
    }

    /// <summary>Whether the need is active in the week (its days overlap it).</summary>
    private static bool Active(StaffNeed need, int w) => need.StartDay < 7 * w + 7 && need.StartDay + need.Days > 7 * w;

    /// <summary>Each assignment's integrity, and where each team is in each week.</summary>
    private static Dictionary<(string Team, int Week), string> Weeks(
        TeamProblem problem,
        TeamPlan plan,
        Dictionary<string, MedicalTeam> teams,
        Dictionary<string, StaffNeed> needs
    )
    {
        var at = new Dictionary<(string Team, int Week), string>();
        foreach (var a in plan.Assignments)
        {
            Assert.True(teams.ContainsKey(a.Team), $"unknown team {a.Team}");
            Assert.True(needs.ContainsKey(a.Need), $"unknown need {a.Need}");
            Assert.True(a.FromDay % 7 == 0 && a.ToDay % 7 == 0 && a.ToDay > a.FromDay, $"{a.Team}: not whole weeks");
            var need = needs[a.Need];
            var team = teams[a.Team];
            Assert.Equal(need.Site, a.Site);
            Assert.Contains(a.Specialties, s =>
                team.Members.GetValueOrDefault(s) > 0 && need.Required.GetValueOrDefault(s) > 0
            );
            for (var w = a.FromDay / 7; w < a.ToDay / 7; w++)
            {
                Assert.True(w < problem.Weeks, $"{a.Team} past the horizon");
                Assert.True(at.TryAdd((a.Team, w), a.Need), $"{a.Team} in two places in week {w}");
                Assert.True(
                    team.AvailableFrom <= 7 * w && team.AvailableTo >= 7 * w + 6,
                    $"{a.Team} deployed in week {w} outside its availability"
                );
                Assert.True(Active(need, w), $"{a.Team} at {a.Need} in week {w}, outside the need's dates");
            }
        }
        return at;
    }

    /// <summary>The longest deployment (weeks served before day 0 included) and rest after coming home.</summary>
    private static void CheckRotation(
        TeamProblem problem,
        MedicalTeam team,
        int maxWeeks,
        Dictionary<(string Team, int Week), string> at
    )
    {
        var served = team.CurrentSite is null ? 0 : Math.Max(1, (int)Math.Ceiling(-team.DeployedSince / 7.0));
        bool On(int w) => w < 0 ? served >= -w : at.ContainsKey((team.Code, w));
        var run = 0;
        for (var w = -served; w < problem.Weeks; w++)
        {
            run = On(w) ? run + 1 : 0;
            // Weeks before day 0 are history: a team already past the limit must not stay on.
            Assert.True(run <= maxWeeks || w < 0, $"{team.Code} deployed {run} weeks in a row by week {w}");
        }
        var rest = (int)Math.Ceiling(team.RestDays / 7.0);
        for (var w = -1; w + 1 < problem.Weeks; w++)
        {
            if (!On(w) || On(w + 1))
                continue;
            for (var k = 2; k <= rest && w + k < problem.Weeks; k++)
            {
                Assert.False(
                    On(w + k),
                    $"{team.Code} back at week {w + 1} and out again in week {w + k}, within its "
                        + $"{team.RestDays} rest days"
                );
            }
        }
    }

    /// <summary>Each home city keeps its share of ICU-capable staff at home, teams kept on deployment
    /// excepted.</summary>
    private static void CheckHomeFloors(
        TeamProblem problem,
        TeamSettings settings,
        Dictionary<string, StaffNeed> needs,
        Dictionary<(string Team, int Week), string> at
    )
    {
        foreach (var city in problem.Teams.Select(t => t.HomeCity).Distinct())
        {
            var members = problem.Teams.Where(t => t.HomeCity == city).ToList();
            var total = members.Sum(t => t.IcuCapable);
            for (var w = 0; w < problem.Weeks; w++)
            {
                var away = members.Where(t => at.TryGetValue((t.Code, w), out var n) && needs[n].City != city).ToList();
                var kept = away.Where(t => settings.KeepCurrent && t.CurrentSite == needs[at[(t.Code, w)]].Site)
                    .Sum(t => t.IcuCapable);
                var limit = Math.Max(Math.Floor((1 - settings.HomeFloorShare) * total + 1e-9), kept);
                Assert.True(
                    away.Sum(t => t.IcuCapable) <= limit,
                    $"{city} keeps too few ICU-capable staff at home in week {w}"
                );
            }
        }
    }
}
