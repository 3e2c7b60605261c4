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
            throw new ArgumentException(
                "The team problem is invalid:\n" + string.Join("\n", errors.Select(e => " - " + e)),
                nameof(problem)
            );
        }
        var watch = Stopwatch.StartNew();
        var plan = new Model(problem, settings, watch).Solve();
        return plan with { Seconds = Math.Round(watch.Elapsed.TotalSeconds, 3) };
    }

    /// <summary>Weeks a need is active in (overlapping its days) within the horizon.</summary>
    public static IEnumerable<int> WeeksOf(StaffNeed need, int weeks) =>
        Enumerable.Range(0, weeks).Where(w => need.StartDay < 7 * w + 7 && need.StartDay + need.Days > 7 * w);

    /// <summary>Whether the team is available the whole week.</summary>
    public static bool Available(MedicalTeam team, int week) =>
        team.AvailableFrom <= 7 * week && team.AvailableTo >= 7 * week + 6;

    /// <summary>Weeks already served by a team on deployment when the plan starts.</summary>
    public static int WeeksServed(MedicalTeam team) =>
        team.CurrentSite is null ? 0 : Math.Max(1, (int)Math.Ceiling(-team.DeployedSince / 7.0));

    /// <summary>Rest after a deployment, in whole weeks.</summary>
    public static int RestWeeks(MedicalTeam team) => (int)Math.Ceiling(team.RestDays / 7.0);

    /// <summary>The longest deployment, in whole weeks.</summary>
    public static int MaxWeeks(TeamSettings settings) => Math.Max(1, settings.MaxDeploymentDays / 7);

    /// <summary>Whether the team counts as away from its home city when at the need.</summary>
    public static bool Away(MedicalTeam team, StaffNeed need) =>
        !string.Equals(team.HomeCity, need.City, StringComparison.Ordinal);

    private sealed class Model(TeamProblem problem, TeamSettings settings, Stopwatch watch)
    {
        private readonly CpModel _cp = new();
        private readonly Dictionary<(int Team, int Need, int Week), BoolVar> _x = [];
        private readonly Dictionary<(int Need, string Specialty, int Week), IntVar> _cov = [];
        private readonly List<(IntVar Var, long Weight)> _coverage = [];
        private readonly List<(ILiteral Var, long Cost)> _cost = [];
        private readonly Dictionary<BoolVar, (int Team, int Need)> _tripOf = [];
        private readonly HashSet<(int Team, int Week)> _forced = [];
        private readonly Dictionary<(string City, int Week), long> _floors = [];
        private readonly Dictionary<(int Team, int Week), List<(int Need, BoolVar X)>> _byTeamWeek = [];
        private readonly Dictionary<(int Need, int Week), List<(int Team, BoolVar X)>> _byNeedWeek = [];
        private readonly Dictionary<(int Team, int Week), BoolVar> _deployed = [];

        private IReadOnlyList<MedicalTeam> Teams => problem.Teams;
        private IReadOnlyList<StaffNeed> Needs => problem.Needs;
        private int W => problem.Weeks;

        /// <summary>Road distance from the team's home city to the need's city.</summary>
        private double Km(MedicalTeam team, StaffNeed need) => problem.Km(team.HomeCity, need.City);

        public TeamPlan Solve()
        {
            Build();
            // Phase 1: coverage, from a greedy plan that keeps every rule (a feasible start for CP-SAT's search).
            HintGreedy(new GreedyStart(this, settings).Plan());
            // The time limit covers everything from the call: building, the greedy start and both phases, coverage
            // getting up to 60 % of it.
            var solver = new CpSolver { StringParameters = Parameters(SecondsUpTo(0.6)) };
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
            var first = Chosen(solver);

            // Phase 2: keep the coverage, least travel and change.
            AddCosts();
            Hint(solver);
            _cp.Add(Sum(_coverage) >= coverage);
            _cp.Minimize(Sum(_cost));
            solver.StringParameters = Parameters(SecondsUpTo(0.9));
            var second = solver.Solve(_cp);
            // Without a travel solution in the time left (CP-SAT still presolving), phase 1's plan stands.
            var travelled = second is CpSolverStatus.Optimal or CpSolverStatus.Feasible;
            var label =
                !optimal ? "Feasible"
                : second == CpSolverStatus.Optimal ? "Optimal"
                : travelled ? "Optimal coverage; travel feasible"
                : "Optimal coverage; travel not improved";
            return Plan(label, travelled ? Chosen(solver) : first, bound);
        }

        /// <summary>The greedy plan as the hint of the coverage phase: its assignments, the weeks each team is out,
        /// and the coverage they bring.</summary>
        private void HintGreedy(HashSet<(int Team, int Need, int Week)> greedy)
        {
            foreach (var (key, x) in _x)
                _cp.AddHint(x, greedy.Contains(key));
            var busy = greedy.Select(g => (g.Team, g.Week)).ToHashSet();
            foreach (var ((t, w), d) in _deployed)
                _cp.AddHint(d, busy.Contains((t, w)));
            foreach (var ((n, specialty, w), cov) in _cov)
            {
                var covered = (_byNeedWeek.GetValueOrDefault((n, w)) ?? [])
                    .Where(h => greedy.Contains((h.Team, n, w)))
                    .Sum(h => (long)Teams[h.Team].Members.GetValueOrDefault(specialty));
                _cp.AddHint(cov, Math.Min(covered, Needs[n].Required[specialty]));
            }
        }

        /// <summary>A phase's time: up to <paramref name="share"/> of the limit from the call, less what has gone, but
        /// at least a quarter of it.</summary>
        private double SecondsUpTo(double share) =>
            Math.Max(
                0.25 * settings.TimeLimit.TotalSeconds,
                share * settings.TimeLimit.TotalSeconds - watch.Elapsed.TotalSeconds
            );

        /// <summary>The chosen assignments as the plan, its coverage counted from them (the coverage phase's cov may
        /// sit below what the teams bring).</summary>
        private TeamPlan Plan(string label, HashSet<(int Team, int Need, int Week)> chosen, double bound)
        {
            var assignments = Assignments(chosen);
            var coverage = _cov.Keys.Sum(c =>
                settings.Weight(Needs[c.Need].Kind) * (long)Covered(chosen, c.Need, c.Specialty, c.Week)
            );
            var gap = bound > 0 ? Math.Max(0, (bound - coverage) / bound) : 0;
            return new TeamPlan(
                label,
                coverage,
                bound,
                Math.Round(gap, 6),
                Travel(chosen),
                Changes(chosen),
                assignments,
                Unmet(chosen),
                0
            );
        }

        /// <summary>
        /// Light presolve: CP-SAT's full presolve took longer than the whole time limit on the 300-team benchmark, and
        /// the greedy start gives the search a feasible point from the first second.
        /// </summary>
        private string Parameters(double seconds) =>
            string.Create(
                CultureInfo.InvariantCulture,
                $"max_time_in_seconds:{seconds:0.###} num_workers:{Math.Max(1, settings.Workers)} "
                    + $"random_seed:{settings.Seed} max_presolve_iterations:1 cp_model_probing_level:0 symmetry_level:0"
            );

        private void Build()
        {
            AddAssignments();
            var maxWeeks = MaxWeeks(settings);
            for (var t = 0; t < Teams.Count; t++)
                AddRotation(t, maxWeeks);

            AddHomeFloors();
            AddCoverage();
        }

        /// <summary>x[team, need, week] wherever the team brings a specialty the need asks for, inside the need's
        /// weeks and the team's availability; indexed by team and week and by need and week.</summary>
        private void AddAssignments()
        {
            for (var t = 0; t < Teams.Count; t++)
            {
                var team = Teams[t];
                for (var n = 0; n < Needs.Count; n++)
                {
                    var need = Needs[n];
                    if (!need.Required.Any(r => r.Value > 0 && team.Members.GetValueOrDefault(r.Key) > 0))
                        continue;
                    foreach (var w in WeeksOf(need, W).Where(w => Available(team, w)))
                    {
                        _x[(t, n, w)] = _cp.NewBoolVar($"x[{team.Code},{need.Code},{w}]");
                    }
                }
            }
            foreach (
                var ((t, n, w), x) in _x.OrderBy(kv => kv.Key.Team).ThenBy(kv => kv.Key.Need).ThenBy(kv => kv.Key.Week)
            )
            {
                (_byTeamWeek.TryGetValue((t, w), out var here) ? here : _byTeamWeek[(t, w)] = []).Add((n, x));
                (_byNeedWeek.TryGetValue((n, w), out var there) ? there : _byNeedWeek[(n, w)] = []).Add((t, x));
            }
        }

        /// <summary>A team's rotation: one place a week, the longest deployment, rest after coming home, and (if
        /// kept) its current site.</summary>
        private void AddRotation(int t, int maxWeeks)
        {
            var team = Teams[t];
            var deployed = AddDeployed(t);
            var served = WeeksServed(team);
            // At most maxWeeks deployed in any maxWeeks + 1 consecutive weeks, the weeks served before day 0
            // included.
            for (var start = -served; start + maxWeeks < W; start++)
            {
                var window = Enumerable.Range(start, maxWeeks + 1);
                var before = window.Count(w => w < 0);
                // A team already out longer than the longest deployment comes home at once (never an infeasible
                // plan).
                _cp.Add(Sum(window.Where(w => w >= 0).Select(w => deployed[w])) <= Math.Max(0, maxWeeks - before));
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
            if (settings.KeepCurrent && team.CurrentSite is { } site)
                KeepAtSite(t, site, served, maxWeeks);
        }

        /// <summary>d[w] = 1 when the team is deployed in week w (at one need at most); a constant 0 in weeks it
        /// cannot be.</summary>
        private LinearExpr[] AddDeployed(int t)
        {
            var deployed = new LinearExpr[W];
            for (var w = 0; w < W; w++)
            {
                var here = _byTeamWeek.GetValueOrDefault((t, w)) ?? [];
                if (here.Count == 0)
                {
                    deployed[w] = LinearExpr.Constant(0);
                    continue;
                }
                var d = _cp.NewBoolVar($"d[{Teams[t].Code},{w}]");
                _cp.Add(Sum(here.Select(h => ((IntVar)h.X, 1L))) == d);
                _deployed[(t, w)] = d;
                deployed[w] = d;
            }
            return deployed;
        }

        /// <summary>A team on deployment stays at its site for each week the site needs it, until its rotation
        /// ends.</summary>
        private void KeepAtSite(int t, string site, int served, int maxWeeks)
        {
            for (var w = 0; w < W && served + w < maxWeeks; w++)
            {
                var there = (_byTeamWeek.GetValueOrDefault((t, w)) ?? [])
                    .Where(h => Needs[h.Need].Site == site)
                    .Select(h => (ILiteral)h.X)
                    .ToList();
                if (there.Count == 0)
                    break;
                _cp.AddBoolOr(there);
                _forced.Add((t, w));
            }
        }

        /// <summary>
        /// Per home city and week: ICU-capable staff away ≤ (1 − share) × the city's ICU-capable team staff, or what
        /// the teams kept away by <see cref="KeepAtSite"/> already take, whichever is more (so the rule never makes the
        /// plan infeasible).
        /// </summary>
        private void AddHomeFloors()
        {
            foreach (var city in Teams.Select(t => t.HomeCity).Distinct(StringComparer.Ordinal))
            {
                var members = Enumerable.Range(0, Teams.Count).Where(t => Teams[t].HomeCity == city).ToList();
                var total = members.Sum(t => Teams[t].IcuCapable);
                if (total == 0)
                    continue;
                for (var w = 0; w < W; w++)
                {
                    var away = members
                        .Where(t => Teams[t].IcuCapable > 0)
                        .SelectMany(t =>
                            (_byTeamWeek.GetValueOrDefault((t, w)) ?? [])
                                .Where(h => Away(Teams[t], Needs[h.Need]))
                                .Select(h => ((IntVar)h.X, (long)Teams[t].IcuCapable))
                        )
                        .ToList();
                    if (away.Count == 0)
                        continue;
                    var forced = members
                        .Where(t =>
                            _forced.Contains((t, w))
                            && Teams[t].CurrentSite is { } s
                            && Needs.Any(n => n.Site == s && Away(Teams[t], n))
                        )
                        .Sum(t => Teams[t].IcuCapable);
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
                    foreach (
                        var (specialty, required) in need
                            .Required.Where(r => r.Value > 0)
                            .OrderBy(r => r.Key, StringComparer.Ordinal)
                    )
                    {
                        var supply = (_byNeedWeek.GetValueOrDefault((n, w)) ?? [])
                            .Where(h => Teams[h.Team].Members.GetValueOrDefault(specialty) > 0)
                            .Select(h => ((IntVar)h.X, (long)Teams[h.Team].Members[specialty]))
                            .ToList();
                        var cov = _cp.NewIntVar(0, required, $"cov[{need.Code},{specialty},{w}]");
                        _cov[(n, specialty, w)] = cov;
                        _cp.Add(cov <= Sum(supply));
                        _coverage.Add((cov, settings.Weight(need.Kind)));
                    }
                }
            }
        }

        /// <summary>
        /// Travel: km from home for each team sent to a need it is not already at (one trip per team and need, through
        /// trip[t, n] ≥ x[t, n, w]); change: team-weeks unlike the previous plan. Added after the coverage phase, which
        /// does not need them.
        /// </summary>
        private void AddCosts()
        {
            foreach (
                var group in _x.GroupBy(kv => (kv.Key.Team, kv.Key.Need))
                    .OrderBy(g => g.Key.Team)
                    .ThenBy(g => g.Key.Need)
            )
            {
                var (team, need) = (Teams[group.Key.Team], Needs[group.Key.Need]);
                var km = (long)Math.Round(problem.Km(team.HomeCity, need.City));
                if (km <= 0 || team.CurrentSite == need.Site)
                    continue;
                var trip = _cp.NewBoolVar($"trip[{team.Code},{need.Code}]");
                foreach (var (_, x) in group)
                    _cp.AddImplication(x, trip);
                _tripOf[trip] = group.Key;
                _cost.Add((trip, km));
            }
            if (problem.Previous.Count == 0 || settings.ChangePenaltyKm <= 0)
                return;
            var previous = new HashSet<(string, string, int)>();
            foreach (var a in problem.Previous)
            {
                for (var w = a.FromDay / 7; w * 7 < a.ToDay; w++)
                    previous.Add((a.Team, a.Need, w));
            }
            foreach (var ((t, n, w), x) in _x)
            {
                if (previous.Contains((Teams[t].Code, Needs[n].Code, w)))
                    _cost.Add((x.Not(), settings.ChangePenaltyKm));
                else
                    _cost.Add((x, settings.ChangePenaltyKm));
            }
        }

        /// <summary>
        /// A plan that keeps every hard rule, built week by week: teams kept at their sites first, then each need in
        /// order of weight takes the team that covers most of what it still lacks (nearer first on ties), as long as
        /// the team's rotation and its city's floor allow.
        /// </summary>
        private sealed class GreedyStart(Model model, TeamSettings settings)
        {
            private readonly HashSet<(int Team, int Need, int Week)> _chosen = [];
            private readonly HashSet<(int Team, int Week)> _on = [];
            private readonly Dictionary<(string City, int Week), long> _away = [];
            private readonly int _maxWeeks = MaxWeeks(settings);

            private IReadOnlyList<MedicalTeam> Teams => model.Teams;
            private IReadOnlyList<StaffNeed> Needs => model.Needs;

            public HashSet<(int Team, int Need, int Week)> Plan()
            {
                for (var w = 0; w < model.W; w++)
                {
                    foreach (var (t, _) in model._forced.Where(f => f.Week == w).Order())
                    {
                        var n = model._byTeamWeek[(t, w)].First(h => Needs[h.Need].Site == Teams[t].CurrentSite).Need;
                        Take(t, n, w);
                    }
                    foreach (
                        var n in Enumerable
                            .Range(0, Needs.Count)
                            .OrderByDescending(n => settings.Weight(Needs[n].Kind))
                            .ThenBy(n => n)
                    )
                    {
                        Fill(n, w);
                    }
                }
                return _chosen;
            }

            /// <summary>The need takes the team that covers most of what it still lacks, nearer first on ties, as
            /// long as one is allowed and brings anything.</summary>
            private void Fill(int n, int w)
            {
                var options = model._byNeedWeek.GetValueOrDefault((n, w)) ?? [];
                var lacking = Needs[n]
                    .Required.ToDictionary(
                        r => r.Key,
                        r =>
                            r.Value
                            - _chosen
                                .Where(c => c.Need == n && c.Week == w)
                                .Sum(c => Teams[c.Team].Members.GetValueOrDefault(r.Key)),
                        StringComparer.Ordinal
                    );
                while (true)
                {
                    var best = options
                        .Where(o => Allowed(o.Team, n, w))
                        .Select(o =>
                            (
                                o.Team,
                                Gain: lacking.Sum(l =>
                                    Math.Min(Math.Max(0, l.Value), Teams[o.Team].Members.GetValueOrDefault(l.Key))
                                ),
                                Km: model.Km(Teams[o.Team], Needs[n])
                            )
                        )
                        .Where(o => o.Gain > 0)
                        .OrderByDescending(o => o.Gain)
                        .ThenBy(o => o.Km)
                        .ThenBy(o => o.Team)
                        .FirstOrDefault();
                    if (best.Gain <= 0)
                        break;
                    Take(best.Team, n, w);
                    foreach (var key in lacking.Keys.ToList())
                        lacking[key] -= Teams[best.Team].Members.GetValueOrDefault(key);
                }
            }

            private bool On(int t, int w) => w < 0 ? WeeksServed(Teams[t]) >= -w : _on.Contains((t, w));

            private void Take(int t, int n, int w)
            {
                _chosen.Add((t, n, w));
                _on.Add((t, w));
                if (Away(Teams[t], Needs[n]))
                    _away[(Teams[t].HomeCity, w)] =
                        _away.GetValueOrDefault((Teams[t].HomeCity, w)) + Teams[t].IcuCapable;
            }

            private bool Allowed(int t, int n, int w)
            {
                if (_on.Contains((t, w)))
                    return false;
                var run = 0;
                for (var k = w - 1; On(t, k); k--)
                    run++;
                if (run + 1 > _maxWeeks)
                    return false;
                for (var k = w - 2; k >= -1; k--)
                {
                    // The latest return home (end of week k): rest through week k + R.
                    if (!On(t, k) || On(t, k + 1))
                        continue;
                    if (w <= k + RestWeeks(Teams[t]))
                        return false;
                    break;
                }
                var team = Teams[t];
                return !Away(team, Needs[n])
                    || team.IcuCapable == 0
                    || !model._floors.TryGetValue((team.HomeCity, w), out var limit)
                    || _away.GetValueOrDefault((team.HomeCity, w)) + team.IcuCapable <= limit;
            }
        }

        /// <summary>Phase 1's plan as the hint of phase 2, trips included (a trip wherever the team works at the
        /// need).</summary>
        private void Hint(CpSolver solver)
        {
            _cp.ClearHints();
            foreach (var x in _x.Values)
                _cp.AddHint(x, solver.BooleanValue(x));
            foreach (var d in _deployed.Values)
                _cp.AddHint(d, solver.BooleanValue(d));
            foreach (var cov in _cov.Values)
                _cp.AddHint(cov, solver.Value(cov));
            var used = _x.Where(kv => solver.BooleanValue(kv.Value))
                .Select(kv => (kv.Key.Team, kv.Key.Need))
                .ToHashSet();
            foreach (var (trip, key) in _tripOf)
                _cp.AddHint(trip, used.Contains(key));
        }

        private HashSet<(int Team, int Need, int Week)> Chosen(CpSolver solver) =>
            _x.Where(kv => solver.BooleanValue(kv.Value)).Select(kv => kv.Key).ToHashSet();

        private List<TeamAssignment> Assignments(HashSet<(int Team, int Need, int Week)> chosen)
        {
            var list = new List<TeamAssignment>();
            for (var t = 0; t < Teams.Count; t++)
            {
                for (var n = 0; n < Needs.Count; n++)
                {
                    var weeks = Enumerable.Range(0, W).Where(w => chosen.Contains((t, n, w))).ToList();
                    // One assignment per run of consecutive weeks.
                    for (var i = 0; i < weeks.Count; )
                    {
                        var j = i;
                        while (j + 1 < weeks.Count && weeks[j + 1] == weeks[j] + 1)
                            j++;
                        var covered = Needs[n]
                            .Required.Where(r => r.Value > 0 && Teams[t].Members.GetValueOrDefault(r.Key) > 0)
                            .Select(r => r.Key)
                            .Order(StringComparer.Ordinal)
                            .ToList();
                        list.Add(
                            new TeamAssignment(
                                Teams[t].Code,
                                Needs[n].Code,
                                Needs[n].Site,
                                7 * weeks[i],
                                7 * weeks[j] + 7,
                                covered
                            )
                        );
                        i = j + 1;
                    }
                }
            }
            return list.OrderBy(a => a.Team, StringComparer.Ordinal).ThenBy(a => a.FromDay).ToList();
        }

        private long Travel(HashSet<(int Team, int Need, int Week)> chosen) =>
            chosen
                .Select(c => (c.Team, c.Need))
                .Distinct()
                .Where(c => Teams[c.Team].CurrentSite != Needs[c.Need].Site)
                .Sum(c => (long)Math.Round(problem.Km(Teams[c.Team].HomeCity, Needs[c.Need].City)));

        private int Changes(HashSet<(int Team, int Need, int Week)> chosen)
        {
            if (problem.Previous.Count == 0)
                return 0;
            var before = problem
                .Previous.SelectMany(a =>
                    Enumerable
                        .Range(a.FromDay / 7, Math.Max(0, (a.ToDay - a.FromDay + 6) / 7))
                        .Select(w => (a.Team, a.Need, w))
                )
                .ToHashSet();
            var now = chosen.Select(c => (Teams[c.Team].Code, Needs[c.Need].Code, c.Week)).ToHashSet();
            return before.Where(b => b.w < W).Count(b => !now.Contains(b)) + now.Count(n => !before.Contains(n));
        }

        /// <summary>Each uncovered specialty-week of a need with its reason (see <see cref="UnmetReason"/>).</summary>
        private List<UnmetNeed> Unmet(HashSet<(int Team, int Need, int Week)>? chosen)
        {
            var list = new List<UnmetNeed>();
            foreach (
                var (n, specialty, w) in _cov
                    .Keys.OrderBy(c => c.Need)
                    .ThenBy(c => c.Week)
                    .ThenBy(c => c.Specialty, StringComparer.Ordinal)
            )
            {
                var need = Needs[n];
                var required = need.Required[specialty];
                // From the assignments, not from cov: after the coverage phase cov may sit below what the teams bring.
                var covered = chosen is null ? 0 : Covered(chosen, n, specialty, w);
                if (covered >= required)
                    continue;
                list.Add(
                    new UnmetNeed(
                        need.Code,
                        need.Site,
                        need.Kind,
                        specialty,
                        w,
                        required,
                        covered,
                        Reason(chosen, n, specialty, w)
                    )
                );
            }
            return list;
        }

        private int Covered(HashSet<(int Team, int Need, int Week)> chosen, int n, string specialty, int w) =>
            Math.Min(
                Needs[n].Required[specialty],
                (_byNeedWeek.GetValueOrDefault((n, w)) ?? [])
                    .Where(h => chosen.Contains((h.Team, n, w)))
                    .Sum(h => Teams[h.Team].Members.GetValueOrDefault(specialty))
            );

        private UnmetReason Reason(HashSet<(int Team, int Need, int Week)>? chosen, int n, string specialty, int w)
        {
            var candidates = Enumerable
                .Range(0, Teams.Count)
                .Where(t => Teams[t].Members.GetValueOrDefault(specialty) > 0 && Available(Teams[t], w))
                .ToList();
            if (candidates.Count == 0)
                return UnmetReason.NoTeamAvailable;
            if (chosen is null)
                return UnmetReason.LowerPriority;
            var busy = chosen.Select(c => (c.Team, c.Week)).ToHashSet();
            var idle = candidates.Where(t => !busy.Contains((t, w))).ToList();
            if (idle.Count == 0)
                return UnmetReason.LowerPriority;
            // An idle team that would take its city's ICU-capable staff away below the floor is held by the floor; one
            // that is free of it is held by the rotation (resting now, or kept for a deployment that weighs more
            // later).
            return idle.Any(t => FloorHolds(chosen, t, n, w)) ? UnmetReason.HomeCityFloor : UnmetReason.RestRule;
        }

        private bool FloorHolds(HashSet<(int Team, int Need, int Week)> chosen, int t, int n, int w)
        {
            var team = Teams[t];
            if (
                !Away(team, Needs[n])
                || team.IcuCapable == 0
                || !_floors.TryGetValue((team.HomeCity, w), out var limit)
            )
                return false;
            var away = Enumerable
                .Range(0, Teams.Count)
                .Where(o => Teams[o].HomeCity == team.HomeCity)
                .SelectMany(o =>
                    (_byTeamWeek.GetValueOrDefault((o, w)) ?? [])
                        .Where(h => Away(Teams[o], Needs[h.Need]) && chosen.Contains((o, h.Need, w)))
                        .Select(_ => Teams[o].IcuCapable)
                )
                .Sum();
            return away + team.IcuCapable > limit;
        }

        private static LinearExprBuilder Sum(IEnumerable<(IntVar Var, long Coef)> terms)
        {
            var b = LinearExpr.NewBuilder();
            foreach (var (v, c) in terms)
                b.AddTerm(v, c);
            return b;
        }

        private static LinearExprBuilder Sum(IEnumerable<(ILiteral Var, long Coef)> terms)
        {
            var b = LinearExpr.NewBuilder();
            foreach (var (v, c) in terms)
                b.AddTerm(v, c);
            return b;
        }

        private static LinearExprBuilder Sum(IEnumerable<LinearExpr> terms)
        {
            var b = LinearExpr.NewBuilder();
            foreach (var e in terms)
                b.Add(e);
            return b;
        }
    }
}
