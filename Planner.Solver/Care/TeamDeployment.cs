using System.Diagnostics;
using System.Globalization;
using Google.OrTools.Sat;

namespace Planner.Solver.Care;

/// <summary>
/// Deploys whole medical teams to staff needs over weekly periods with CP-SAT.
/// <para>x[team, need, week] = 1 when the team works at the need that week. Hard rules: a team is in one place a
/// week; only weeks inside its availability window and the need's dates; at most <c>MaxDeploymentDays</c> in a row
/// (weeks already served count); after coming home it rests <c>RestDays</c> (whole weeks) before leaving again; every
/// week each home city keeps <c>HomeFloorShare</c> of its teams' ICU-capable staff at home (teams on deployment
/// when the plan starts count as away and never make the model infeasible); teams on deployment stay while their site
/// needs them and their rotation allows (unless <c>KeepCurrent</c> is off).</para>
/// <para>Objective, two phases: (1) maximise covered staff-weeks weighted by kind (Hubei > critical > severe),
/// coverage per specialty capped at what the need asks; (2) with that coverage kept, minimise travel (km from home to
/// site for each new arrival) plus a penalty per team-week changed against the previous plan.</para>
/// </summary>
public static class TeamDeployment
{
    /// <summary>Solves the problem; throws <see cref="ArgumentException"/> listing every data error first.</summary>
    public static TeamPlan Solve(TeamProblem problem, TeamSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        settings ??= new TeamSettings();
        var errors = problem.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("The team problem is invalid:\n" + string.Join("\n", errors.Select(e => " - " + e)), nameof(problem));
        }
        var watch = Stopwatch.StartNew();
        var m = new Model(problem, settings);
        var plan = m.Solve();
        return plan with { Seconds = Math.Round(watch.Elapsed.TotalSeconds, 3) };
    }

    /// <summary>Weeks a need is active in (overlapping its days) within the horizon.</summary>
    public static IEnumerable<int> WeeksOf(StaffNeed need, int weeks) =>
        Enumerable.Range(0, weeks).Where(w => need.StartDay < 7 * w + 7 && need.StartDay + need.Days > 7 * w);

    /// <summary>Whether the team is available the whole week.</summary>
    public static bool Available(MedicalTeam team, int week) => team.AvailableFrom <= 7 * week && team.AvailableTo >= 7 * week + 6;

    /// <summary>Weeks already served by a team on deployment when the plan starts.</summary>
    public static int WeeksServed(MedicalTeam team) => team.CurrentSite is null ? 0 : Math.Max(1, (int)Math.Ceiling(-team.DeployedSince / 7.0));

    /// <summary>Rest after a deployment, in whole weeks.</summary>
    public static int RestWeeks(MedicalTeam team) => (int)Math.Ceiling(team.RestDays / 7.0);

    /// <summary>The longest deployment, in whole weeks.</summary>
    public static int MaxWeeks(TeamSettings settings) => Math.Max(1, settings.MaxDeploymentDays / 7);

    /// <summary>Whether the team counts as away from its home city when at the need.</summary>
    public static bool Away(MedicalTeam team, StaffNeed need) => !string.Equals(team.HomeCity, need.City, StringComparison.Ordinal);

    private sealed class Model(TeamProblem problem, TeamSettings settings)
    {
        private readonly CpModel _cp = new();
        private readonly Dictionary<(int Team, int Need, int Week), BoolVar> _x = [];
        private readonly Dictionary<(int Need, string Specialty, int Week), IntVar> _cov = [];
        private readonly List<(IntVar Var, long Weight)> _coverage = [];
        private readonly List<(ILiteral Var, long Cost)> _cost = [];
        private readonly HashSet<(int Team, int Week)> _forced = [];
        private readonly Dictionary<(string City, int Week), long> _floors = [];

        private IReadOnlyList<MedicalTeam> Teams => problem.Teams;
        private IReadOnlyList<StaffNeed> Needs => problem.Needs;
        private int W => problem.Weeks;

        public TeamPlan Solve()
        {
            Build();
            var solver = new CpSolver
            {
                StringParameters = string.Create(CultureInfo.InvariantCulture,
                    $"max_time_in_seconds:{settings.TimeLimit.TotalSeconds / 2} num_workers:{Math.Max(1, settings.Workers)} random_seed:{settings.Seed}"),
            };
            // Phase 1: coverage.
            _cp.Maximize(Sum(_coverage));
            var status = solver.Solve(_cp);
            if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
            {
                // Every rule leaves "deploy nobody new" open, so this is only a time limit before any solution.
                return new TeamPlan(status.ToString(), 0, solver.BestObjectiveBound, 1, 0, 0, [], Unmet(null), 0);
            }
            var coverage = (long)Math.Round(solver.ObjectiveValue);
            var bound = solver.BestObjectiveBound;
            var optimal = status == CpSolverStatus.Optimal;
            Hint(solver);

            // Phase 2: keep the coverage, least travel and change.
            _cp.Add(Sum(_coverage) >= coverage);
            _cp.Minimize(Sum(_cost));
            var second = solver.Solve(_cp);
            if (second is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
            {
                // The hint is feasible, so this means the time ran out before CP-SAT re-checked it; rare. Use phase 1.
                throw new InvalidOperationException($"CP-SAT returned {second} in the travel phase of the team plan.");
            }
            var assignments = Assignments(solver);
            var gap = bound > 0 ? Math.Max(0, (bound - coverage) / bound) : 0;
            var label = optimal && second == CpSolverStatus.Optimal ? "Optimal" : optimal ? "Optimal coverage; travel feasible" : "Feasible";
            return new TeamPlan(label, coverage, bound, Math.Round(gap, 6), Travel(solver), Changes(solver), assignments, Unmet(solver), 0);
        }

        private void Build()
        {
            var maxWeeks = MaxWeeks(settings);
            for (var t = 0; t < Teams.Count; t++)
            {
                var team = Teams[t];
                for (var n = 0; n < Needs.Count; n++)
                {
                    var need = Needs[n];
                    if (!need.Required.Any(r => r.Value > 0 && team.Members.GetValueOrDefault(r.Key) > 0)) continue;
                    foreach (var w in WeeksOf(need, W).Where(w => Available(team, w)))
                    {
                        _x[(t, n, w)] = _cp.NewBoolVar($"x[{team.Code},{need.Code},{w}]");
                    }
                }
            }
            var byTeamWeek = _x.GroupBy(kv => (kv.Key.Team, kv.Key.Week)).ToDictionary(g => g.Key, g => g.Select(kv => (kv.Key.Need, kv.Value)).ToList());
            for (var t = 0; t < Teams.Count; t++)
            {
                var team = Teams[t];
                var deployed = new LinearExpr[W];
                for (var w = 0; w < W; w++)
                {
                    var here = byTeamWeek.GetValueOrDefault((t, w)) ?? [];
                    deployed[w] = Sum(here.Select(h => ((IntVar)h.Value, 1L)));
                    if (here.Count > 1) _cp.AddAtMostOne(here.Select(h => (ILiteral)h.Value));
                }
                var served = WeeksServed(team);
                // At most maxWeeks deployed in any maxWeeks + 1 consecutive weeks, the weeks served before day 0 included.
                for (var start = -served; start + maxWeeks < W; start++)
                {
                    var window = Enumerable.Range(start, maxWeeks + 1);
                    var before = window.Count(w => w < 0);
                    _cp.Add(Sum(window.Where(w => w >= 0).Select(w => deployed[w])) <= maxWeeks - before);
                }
                // Rest: home at the end of week w (deployed in w, not in w + 1) means not deployed in w + 2 … w + R.
                var rest = RestWeeks(team);
                for (var w = served > 0 ? -1 : 0; w + 1 < W; w++)
                {
                    for (var k = 2; k <= rest && w + k < W; k++)
                    {
                        var now = w < 0 ? LinearExpr.Constant(1) : deployed[w];
                        _cp.Add(now - deployed[w + 1] + deployed[w + k] <= 1);
                    }
                }
                if (settings.KeepCurrent && team.CurrentSite is { } site) KeepAtSite(t, site, served, maxWeeks);
            }

            AddHomeFloors();
            AddCoverage();
            AddCosts();
        }

        /// <summary>A team on deployment stays at its site for each week the site needs it, until its rotation ends.</summary>
        private void KeepAtSite(int t, string site, int served, int maxWeeks)
        {
            for (var w = 0; w < W && served + w < maxWeeks; w++)
            {
                var there = _x.Where(kv => kv.Key.Team == t && kv.Key.Week == w && Needs[kv.Key.Need].Site == site).Select(kv => (ILiteral)kv.Value).ToList();
                if (there.Count == 0) break;
                _cp.AddBoolOr(there);
                _forced.Add((t, w));
            }
        }

        /// <summary>
        /// Per home city and week: ICU-capable staff away ≤ (1 − share) × the city's ICU-capable team staff, or what the
        /// teams kept away by <see cref="KeepAtSite"/> already take, whichever is more (so the rule never makes the plan infeasible).
        /// </summary>
        private void AddHomeFloors()
        {
            foreach (var city in Teams.Select(t => t.HomeCity).Distinct(StringComparer.Ordinal))
            {
                var members = Enumerable.Range(0, Teams.Count).Where(t => Teams[t].HomeCity == city).ToList();
                var total = members.Sum(t => Teams[t].IcuCapable);
                if (total == 0) continue;
                for (var w = 0; w < W; w++)
                {
                    var away = _x.Where(kv => kv.Key.Week == w && Teams[kv.Key.Team].HomeCity == city && Away(Teams[kv.Key.Team], Needs[kv.Key.Need]) && Teams[kv.Key.Team].IcuCapable > 0)
                        .Select(kv => ((IntVar)kv.Value, (long)Teams[kv.Key.Team].IcuCapable)).ToList();
                    if (away.Count == 0) continue;
                    var forced = members.Where(t => _forced.Contains((t, w)) && Teams[t].CurrentSite is { } s && Needs.Any(n => n.Site == s && Away(Teams[t], n))).Sum(t => Teams[t].IcuCapable);
                    var limit = Math.Max((long)Math.Floor((1 - settings.HomeFloorShare) * total + 1e-9), forced);
                    _floors[(city, w)] = limit;
                    _cp.Add(Sum(away) <= limit);
                }
            }
        }

        private void AddCoverage()
        {
            for (var n = 0; n < Needs.Count; n++)
            {
                var need = Needs[n];
                foreach (var w in WeeksOf(need, W))
                {
                    foreach (var (specialty, required) in need.Required.Where(r => r.Value > 0).OrderBy(r => r.Key, StringComparer.Ordinal))
                    {
                        var supply = _x.Where(kv => kv.Key.Need == n && kv.Key.Week == w && Teams[kv.Key.Team].Members.GetValueOrDefault(specialty) > 0)
                            .Select(kv => ((IntVar)kv.Value, (long)Teams[kv.Key.Team].Members[specialty])).ToList();
                        var cov = _cp.NewIntVar(0, required, $"cov[{need.Code},{specialty},{w}]");
                        _cov[(n, specialty, w)] = cov;
                        _cp.Add(cov <= Sum(supply));
                        _coverage.Add((cov, settings.Weight(need.Kind)));
                    }
                }
            }
        }

        /// <summary>Travel: km from home for each arrival at a need (a week there not preceded by a week there); change: team-weeks unlike the previous plan.</summary>
        private void AddCosts()
        {
            foreach (var ((t, n, w), x) in _x)
            {
                var team = Teams[t];
                var need = Needs[n];
                var km = (long)Math.Round(problem.Km(team.HomeCity, need.City));
                if (km <= 0) continue;
                if (w == 0)
                {
                    if (team.CurrentSite != need.Site) _cost.Add((x, km));
                    continue;
                }
                if (!_x.TryGetValue((t, n, w - 1), out var before))
                {
                    _cost.Add((x, km));
                    continue;
                }
                var arrive = _cp.NewBoolVar($"arrive[{team.Code},{need.Code},{w}]");
                _cp.Add(arrive >= x - before);
                _cost.Add((arrive, km));
            }
            if (problem.Previous.Count == 0 || settings.ChangePenaltyKm <= 0) return;
            var previous = new HashSet<(string, string, int)>();
            foreach (var a in problem.Previous)
            {
                for (var w = a.FromDay / 7; w * 7 < a.ToDay; w++) previous.Add((a.Team, a.Need, w));
            }
            foreach (var ((t, n, w), x) in _x)
            {
                if (previous.Contains((Teams[t].Code, Needs[n].Code, w))) _cost.Add((x.Not(), settings.ChangePenaltyKm));
                else _cost.Add((x, settings.ChangePenaltyKm));
            }
        }

        private void Hint(CpSolver solver)
        {
            foreach (var x in _x.Values) _cp.AddHint(x, solver.BooleanValue(x));
        }

        private List<TeamAssignment> Assignments(CpSolver solver)
        {
            var list = new List<TeamAssignment>();
            for (var t = 0; t < Teams.Count; t++)
            {
                for (var n = 0; n < Needs.Count; n++)
                {
                    var weeks = Enumerable.Range(0, W).Where(w => _x.TryGetValue((t, n, w), out var x) && solver.BooleanValue(x)).ToList();
                    // One assignment per run of consecutive weeks.
                    for (var i = 0; i < weeks.Count;)
                    {
                        var j = i;
                        while (j + 1 < weeks.Count && weeks[j + 1] == weeks[j] + 1) j++;
                        var covered = Needs[n].Required.Where(r => r.Value > 0 && Teams[t].Members.GetValueOrDefault(r.Key) > 0).Select(r => r.Key).Order(StringComparer.Ordinal).ToList();
                        list.Add(new TeamAssignment(Teams[t].Code, Needs[n].Code, Needs[n].Site, 7 * weeks[i], 7 * weeks[j] + 7, covered));
                        i = j + 1;
                    }
                }
            }
            return list.OrderBy(a => a.Team, StringComparer.Ordinal).ThenBy(a => a.FromDay).ToList();
        }

        private long Travel(CpSolver solver) =>
            _cost.Where(c => c.Var is BoolVar b && b.Name().StartsWith("arrive", StringComparison.Ordinal) || c.Var is BoolVar x && x.Name().StartsWith("x[", StringComparison.Ordinal) && c.Cost != settings.ChangePenaltyKm)
                .Sum(c => solver.BooleanValue(c.Var) ? c.Cost : 0);

        private int Changes(CpSolver solver)
        {
            if (problem.Previous.Count == 0) return 0;
            var before = problem.Previous.SelectMany(a => Enumerable.Range(a.FromDay / 7, Math.Max(0, (a.ToDay - a.FromDay + 6) / 7)).Select(w => (a.Team, a.Need, w))).ToHashSet();
            var now = _x.Where(kv => solver.BooleanValue(kv.Value)).Select(kv => (Teams[kv.Key.Team].Code, Needs[kv.Key.Need].Code, kv.Key.Week)).ToHashSet();
            return before.Where(b => b.w < W).Count(b => !now.Contains(b)) + now.Count(n => !before.Contains(n));
        }

        /// <summary>Each uncovered specialty-week of a need with its reason (see <see cref="UnmetReason"/>).</summary>
        private List<UnmetNeed> Unmet(CpSolver? solver)
        {
            var list = new List<UnmetNeed>();
            foreach (var ((n, specialty, w), cov) in _cov.OrderBy(c => c.Key.Need).ThenBy(c => c.Key.Week).ThenBy(c => c.Key.Specialty, StringComparer.Ordinal))
            {
                var need = Needs[n];
                var required = need.Required[specialty];
                var covered = solver is null ? 0 : (int)solver.Value(cov);
                if (covered >= required) continue;
                list.Add(new UnmetNeed(need.Code, need.Site, need.Kind, specialty, w, required, covered, Reason(solver, n, specialty, w)));
            }
            return list;
        }

        private UnmetReason Reason(CpSolver? solver, int n, string specialty, int w)
        {
            var candidates = Enumerable.Range(0, Teams.Count).Where(t => Teams[t].Members.GetValueOrDefault(specialty) > 0 && Available(Teams[t], w)).ToList();
            if (candidates.Count == 0) return UnmetReason.NoTeamAvailable;
            if (solver is null) return UnmetReason.LowerPriority;
            var idle = candidates.Where(t => !Enumerable.Range(0, Needs.Count).Any(k => _x.TryGetValue((t, k, w), out var x) && solver.BooleanValue(x))).ToList();
            if (idle.Count == 0) return UnmetReason.LowerPriority;
            // An idle team that would take its city's ICU-capable staff away below the floor is held by the floor; one
            // that is free of it is held by the rotation (resting now, or kept for a deployment that weighs more later).
            return idle.Any(t => FloorHolds(solver, t, n, w)) ? UnmetReason.HomeCityFloor : UnmetReason.RestRule;
        }

        private bool FloorHolds(CpSolver solver, int t, int n, int w)
        {
            var team = Teams[t];
            if (!Away(team, Needs[n]) || team.IcuCapable == 0 || !_floors.TryGetValue((team.HomeCity, w), out var limit)) return false;
            var away = _x.Where(kv => kv.Key.Week == w && Teams[kv.Key.Team].HomeCity == team.HomeCity && Away(Teams[kv.Key.Team], Needs[kv.Key.Need]) && solver.BooleanValue(kv.Value))
                .Sum(kv => Teams[kv.Key.Team].IcuCapable);
            return away + team.IcuCapable > limit;
        }

        private static LinearExprBuilder Sum(IEnumerable<(IntVar Var, long Coef)> terms)
        {
            var b = LinearExpr.NewBuilder();
            foreach (var (v, c) in terms) b.AddTerm(v, c);
            return b;
        }

        private static LinearExprBuilder Sum(IEnumerable<(ILiteral Var, long Coef)> terms)
        {
            var b = LinearExpr.NewBuilder();
            foreach (var (v, c) in terms) b.AddTerm(v, c);
            return b;
        }

        private static LinearExprBuilder Sum(IEnumerable<LinearExpr> terms)
        {
            var b = LinearExpr.NewBuilder();
            foreach (var e in terms) b.Add(e);
            return b;
        }
    }
}
