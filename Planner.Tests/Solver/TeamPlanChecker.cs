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
                Assert.True(
                    need.StartDay < 7 * w + 7 && need.StartDay + need.Days > 7 * w,
                    $"{a.Team} at {a.Need} in week {w}, outside the need's dates"
                );
            }
        }

        var maxWeeks = Math.Max(1, settings.MaxDeploymentDays / 7);
        foreach (var team in problem.Teams)
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

        var expected = new List<(string Need, string Specialty, int Week, int Required, int Covered)>();
        foreach (var need in problem.Needs)
        {
            for (var w = 0; w < problem.Weeks; w++)
            {
                if (!(need.StartDay < 7 * w + 7 && need.StartDay + need.Days > 7 * w))
                    continue;
                foreach (var (specialty, required) in need.Required.Where(r => r.Value > 0))
                {
                    var covered = Math.Min(
                        required,
                        at.Where(kv => kv.Key.Week == w && kv.Value == need.Code)
                            .Sum(kv => teams[kv.Key.Team].Members.GetValueOrDefault(specialty))
                    );
                    if (covered < required)
                        expected.Add((need.Code, specialty, w, required, covered));
                }
            }
        }
        Assert.Equal(
            expected.OrderBy(e => e.Need).ThenBy(e => e.Week).ThenBy(e => e.Specialty),
            plan.Unmet.Select(u => (u.Need, u.Specialty, u.Week, u.Required, u.Covered))
                .OrderBy(e => e.Need)
                .ThenBy(e => e.Week)
                .ThenBy(e => e.Specialty)
        );
        var coverage = problem.Needs.Sum(n =>
            Enumerable
                .Range(0, problem.Weeks)
                .Where(w => n.StartDay < 7 * w + 7 && n.StartDay + n.Days > 7 * w)
                .Sum(w =>
                    n.Required.Where(r => r.Value > 0)
                        .Sum(r =>
                            settings.Weight(n.Kind)
                            * (long)
                                Math.Min(
                                    r.Value,
                                    at.Where(kv => kv.Key.Week == w && kv.Value == n.Code)
                                        .Sum(kv => teams[kv.Key.Team].Members.GetValueOrDefault(r.Key))
                                )
                        )
                )
        );
        Assert.Equal(coverage, plan.Coverage);
    }
}
