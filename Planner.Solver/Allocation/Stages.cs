using Google.OrTools.LinearSolver;
using LpSolver = Google.OrTools.LinearSolver.Solver;

namespace Planner.Solver.Allocation;

/// <summary>
/// The lexicographic solve of one product under a policy. Each stage sets an objective, solves, and fixes its
/// optimum (with a tolerance of 1e-7 of its size, at least 1e-6: tighter made GLOP and CLP fail on some stages) before
/// the next:
/// <list type="number">
/// <item>per tier, highest first: most demand served; then (optimized) the best minimum fill rate over destinations;
/// after tier 1, the least draw on reserves below their floor;</item>
/// <item>least transport cost (plus the change penalty when re-planning);</item>
/// <item>fewer city-to-city transfers at that cost (reweighted rounds).</item>
/// </list>
/// Under the optimized and no-sharing policies each stage is solved as a network flow (<see cref="ProductNetwork"/>)
/// as long as the model is one; the LP gets the same fixings, so that it can take over and every stage can be exported.
/// </summary>
internal sealed class Stages(ProductModel model)
{
    private const double Tolerance = 1e-7;

    private readonly List<StageResult> _results = [];

    /// <summary>The LP and, while the model is one, the network: where each stage's optimum is fixed.</summary>
    private readonly StageForms _forms = new(model);

    /// <summary>Whether the LP solver has solved a stage of this model, so that its basis is a start for the next
    /// one.</summary>
    private bool _lpSolved;

    private readonly List<FairnessCost> _fairness = [];

    public IReadOnlyList<StageResult> Results => _results;

    public IReadOnlyList<FairnessCost> Fairness => _fairness;

    public PlanStatus Status { get; private set; } = PlanStatus.Optimal;

    public int Transfers { get; private set; }

    private IEnumerable<int> Tiers => model.ServedVars.Select(s => s.Tier).Distinct().Order();

    public void Run()
    {
        if (model.LockedDeficit.Count > 0 && !Minimize("locked_deficit", model.LockedDeficit.Select(v => (v, 1.0))))
            return;
        switch (model.Settings.Policy)
        {
            case Policy.ProRata:
                if (!KeepReserves())
                    return;
                _forms.OpenThrough(int.MaxValue);
                if (!EqualFill())
                    return;
                break;
            case Policy.PopulationShare:
                if (!KeepReserves())
                    return;
                AddPopulationQuotas();
                foreach (var tier in Tiers)
                {
                    _forms.OpenThrough(tier);
                    if (MaximizeServed(tier) is null)
                        return;
                }
                break;
            default:
                // Only tier-1 needs may draw a reserve below its floor.
                if (Tiers.FirstOrDefault() != 1 && !KeepReserves())
                    return;
                foreach (var tier in Tiers)
                {
                    if (!SolveTier(tier))
                        return;
                }
                break;
        }
        _forms.OpenThrough(int.MaxValue);
        var cost = CostTerms().ToList();
        var costValue = Solve("transport_cost", "min", cost, network: n => n.MinCost(cost));
        if (costValue is null)
            return;
        if (model.Settings.MinimizeTransfers && model.TransfersAllowed)
            ReduceTransfers(cost, costValue.Value);
    }

    /// <summary>
    /// One tier under the optimized and no-sharing policies: the most served, the cost of fairness if measured, the
    /// least reserve draw (tier 1), then the best minimum fill rate. False if a stage failed.
    /// </summary>
    private bool SolveTier(int tier)
    {
        _forms.OpenThrough(tier);
        var demand = Served(tier).Sum(x => x.Demand);
        var served = Solve($"tier{tier}_served", "max", Served(tier).Select(x => (x.Var, 1.0)).ToList(), network: n =>
            n.MaxServed(tier)
        );
        if (served is null)
            return false;
        // Read before anything changes the model (a change discards the solution).
        var drawn = model.BelowFloor.Sum(b => model.Value(b.Var));
        // A tier served in full is fair already (every fill rate is 1): no probe, no min-fill stage.
        var full = served.Value >= demand - Slack(demand);
        double? provenFill = null,
            fairest = null;
        if (!full && model.Settings.MeasureFairnessCost)
        {
            var fair = MeasureFairness(tier, served.Value);
            if (fair is null)
                return false;
            // The fairest point serving the maximum also solves the min-fill stage below (its fixings hold
            // there); below tier 1 nothing comes between, and in tier 1 only when no reserve can be drawn.
            if (fair.Value.AtMaximum && (tier != 1 || model.BelowFloor.Count == 0))
                provenFill = fair.Value.Fill;
            // Otherwise it bounds the min-fill stage from above (that stage only adds constraints).
            fairest = fair.Value.Fill;
            _fairness.Add(
                new FairnessCost(
                    model.Product,
                    tier,
                    Round((demand - served.Value) * model.Scale),
                    Round((demand - fair.Value.Served) * model.Scale),
                    Math.Round(fair.Value.Fill, 9)
                )
            );
        }
        var least = served.Value - Slack(served.Value);
        _forms.FixServed(tier, Served(tier).Select(x => (x.Var, 1.0)), least);
        if (tier == 1 && model.BelowFloor.Count > 0)
        {
            if (
                !Minimize("reserve_release", model.BelowFloor.Select(b => (b.Var, 1.0)), drawn, n => n.MinReserveDraw())
            )
                return false;
            _forms.HoldReserves(Slack(0));
        }
        if (!full && !MaximizeMinFill(tier, provenFill, fairest))
            return false;
        return true;
    }

    /// <summary>
    /// Where no tier-1 need may draw on a reserve (the policy rules, or no tier 1), each reserve is kept at its floor
    /// as far as supply allows: the least draw with nothing served, fixed. That is zero unless a floor is more than its
    /// depot has received by some day; closing the draws outright made such a plan infeasible.
    /// </summary>
    private bool KeepReserves()
    {
        if (model.BelowFloor.Count == 0)
            return true;
        _forms.OpenThrough(0);
        if (
            !Minimize("reserve_unavoidable", model.BelowFloor.Select(b => (b.Var, 1.0)), network: n =>
                n.MinReserveDraw()
            )
        )
            return false;
        _forms.HoldReserves(Slack(0));
        return true;
    }

    private double? MaximizeServed(int tier)
    {
        var terms = Served(tier).Select(s => (s.Var, 1.0)).ToList();
        var value = Solve($"tier{tier}_served", "max", terms);
        if (value is null)
            return null;
        _forms.FixServed(tier, terms, value.Value - Slack(value.Value));
        return value;
    }

    /// <summary>max z: every destination's fill rate in the tier (over the horizon) is at least z; then fixed per
    /// destination.</summary>
    private bool MaximizeMinFill(int tier, double? proven, double? ceiling)
    {
        var (z, value) = MinFill(tier, $"tier{tier}_min_fill", proven, ceiling);
        if (value is null)
            return false;
        Release(z);
        FixFill(tier, value.Value, exact: false);
        return true;
    }

    /// <summary>
    /// The cost of fairness: maximise the tier's minimum fill rate first, then its served total at that rate.
    /// Compared with the plain maximum (the stage before) this gives the units fairness-first would cost.
    /// Nothing is fixed: the probe is undone.
    /// </summary>
    private (double Fill, double Served, bool AtMaximum)? MeasureFairness(int tier, double maximum)
    {
        var (z, fill) = MinFill(tier, $"tier{tier}_fair_first_min_fill");
        if (fill is null)
            return null;
        // If the fairest point already serves the tier's maximum, no point at that fill rate serves more.
        var terms = Served(tier).Select(s => (s.Var, 1.0)).ToList();
        var atFairest = terms.Sum(t => model.Value(t.Var));
        _forms.HoldFill(z, tier, Math.Max(0, fill.Value - Tolerance));
        var atMaximum = atFairest >= maximum - Slack(maximum);
        var served = Solve(
            $"tier{tier}_fair_first_served",
            "max",
            terms,
            proven: atMaximum ? maximum : null,
            network: n => n.MaxServed(tier)
        );
        Release(z);
        _forms.HoldFill(z, tier, 0);
        return served is null ? null : (fill.Value, served.Value, atMaximum);
    }

    private (Variable Z, double? Value) MinFill(int tier, string stage, double? proven = null, double? ceiling = null)
    {
        var z = model.NewVar(0, 1, $"z[{stage}]");
        var first = model.Rows.Count;
        foreach (
            var ((destination, _), (demand, vars)) in model.ByDestinationTier.Where(kv =>
                kv.Key.Tier == tier && kv.Value.Demand > 0
            )
        )
        {
            model.AddRow(
                $"{stage}[{destination}]",
                0,
                double.PositiveInfinity,
                vars.Select(v => (v, 1.0)).Append((z, -demand))
            );
        }
        _fillRows = (first, model.Rows.Count - first);
        return (
            z,
            Solve(stage, "max", [(z, 1.0)], perUnit: false, proven: proven, network: n =>
                n.MaxMinFill(tier, ceiling ?? 1)
            )
        );
    }

    /// <summary>The rows of the min-fill LP in use (one at a time), from <see cref="MinFill"/> to
    /// <see cref="Release"/>.</summary>
    private (int First, int Count) _fillRows;

    /// <summary>
    /// Ends a min-fill LP: z is held at zero, so its rows hold for any plan and are emptied. Later stages run without
    /// presolve and would otherwise carry them: on the national instance (GLOVES, lean settings) the least-cost stage
    /// took 29.5 s instead of 40.2 s without them and the rows of zero fixings (<see cref="FixFill"/>).
    /// </summary>
    private void Release(Variable z)
    {
        z.SetBounds(0, 0);
        model.DropRows(_fillRows.First, _fillRows.Count);
    }

    /// <summary>Each destination's served total in the tier at least (or, for pro-rata, exactly) fill ×
    /// demand.</summary>
    private void FixFill(int tier, double fill, bool exact)
    {
        foreach (
            var ((destination, t), (demand, _)) in model
                .ByDestinationTier.Where(kv => kv.Key.Tier == tier && kv.Value.Demand > 0)
                .OrderBy(kv => kv.Key.Destination, StringComparer.Ordinal)
        )
        {
            var target = fill * demand;
            // Served variables are never negative: a lower bound at or below zero holds anyway. At a minimum fill
            // rate of zero (a tier some destination cannot get at all) that is every destination's row, and later
            // stages, which run without presolve, would carry them all.
            if (!exact && target - Slack(target) <= 0)
                continue;
            _forms.FixFill(
                destination,
                tier,
                target - Slack(target),
                exact ? target + Slack(target) : double.PositiveInfinity
            );
        }
    }

    /// <summary>Pro-rata: one fill rate f for every destination and tier, as high as supply allows.</summary>
    private bool EqualFill()
    {
        var f = model.NewVar(0, 1, "f[pro_rata]");
        foreach (var ((destination, tier), (demand, vars)) in model.ByDestinationTier.Where(kv => kv.Value.Demand > 0))
        {
            model.AddRow($"pro_rata[{destination},t{tier}]", 0, 0, vars.Select(v => (v, 1.0)).Append((f, -demand)));
        }
        var value = Solve("pro_rata_fill", "max", [(f, 1.0)], perUnit: false);
        if (value is null)
            return false;
        f.SetBounds(value.Value, 1);
        foreach (var tier in Tiers)
            FixFill(tier, value.Value, exact: true);
        f.SetBounds(0, 1);
        return true;
    }

    /// <summary>
    /// Population share: each destination with a population may receive at most its share of what the province
    /// can hand out over the horizon (supply less reserve floors less the needs of places without a population).
    /// </summary>
    private void AddPopulationQuotas()
    {
        var population = model.Problem.Population;
        var total = population.Values.Sum();
        if (total <= 0)
            return;
        var supply = model.Problem.Supplies.Where(s => s.Product == model.Product).Sum(s => s.Quantity) / model.Scale;
        var floors = model.Problem.ReserveFloors.Where(f => f.Product == model.Product).Sum(f => f.Floor) / model.Scale;
        var unquoted = model.ServedVars.Where(s => !population.ContainsKey(s.Destination)).Sum(s => s.Demand);
        var pool = Math.Max(0, supply - floors - unquoted);
        foreach (
            var destination in model
                .ByDestinationTier.Keys.Select(k => k.Destination)
                .Distinct()
                .Where(population.ContainsKey)
                .Order(StringComparer.Ordinal)
        )
        {
            var quota = pool * population[destination] / total;
            model.Fix(
                $"quota[{destination}]",
                model
                    .ByDestinationTier.Where(kv => kv.Key.Destination == destination)
                    .SelectMany(kv => kv.Value.Vars)
                    .Select(v => (v, 1.0)),
                double.NegativeInfinity,
                quota
            );
        }
    }

    private IEnumerable<(Variable, double)> CostTerms()
    {
        foreach (
            var term in model.Ships.Where(s => s.Lane.CostPerUnit > 0).SelectMany(s => s.Terms(s.Lane.CostPerUnit))
        )
        {
            yield return term;
        }
        if (model.Problem.Previous is null || model.Settings.ChangePenalty <= 0)
            yield break;
        // |ship − previous| through a deviation variable on every shipment the new plan may still change.
        foreach (var s in model.Ships.Where(s => s.Var is { } v && v.Lb() != v.Ub()))
        {
            var before = model.PreviousShipments.GetValueOrDefault((s.Lane, s.Day));
            var dev = model.NewVar(0, double.PositiveInfinity, $"change[{s.Lane.From}>{s.Lane.To},{s.Day}]");
            model.AddRow(
                $"change_up[{s.Lane.From}>{s.Lane.To},{s.Day}]",
                -before,
                double.PositiveInfinity,
                [(dev, 1), (s.Var!, -1)]
            );
            model.AddRow(
                $"change_down[{s.Lane.From}>{s.Lane.To},{s.Day}]",
                before,
                double.PositiveInfinity,
                [(dev, 1), (s.Var!, 1)]
            );
            yield return (dev, model.Settings.ChangePenalty);
        }
    }

    /// <summary>
    /// Minimises and fixes the optimum. <paramref name="current"/>, if given, is the objective at the current point:
    /// when it is zero (up to the stage tolerance) and every term is non-negative, that point is optimal and the LP
    /// is not run again.
    /// </summary>
    private bool Minimize(
        string stage,
        IEnumerable<(Variable Var, double Coef)> terms,
        double? current = null,
        Func<ProductNetwork, double?>? network = null
    )
    {
        var list = terms.ToList();
        var value = Solve(stage, "min", list, proven: current <= Tolerance ? current : null, network: network);
        if (value is null)
            return false;
        _forms.FixAtMost(stage, list, value.Value + Slack(value.Value));
        return true;
    }

    /// <summary>
    /// Fewer city-to-city transfers at the least cost: with the cost fixed, minimise Σ δ·ship / (previous ship + δ)
    /// over transfer lane-days, twice (iteratively reweighted L1, a standard heuristic for the number of non-zeros that
    /// keeps every step an LP). It does not prove the minimum; the stage reports the count reached.
    /// </summary>
    private void ReduceTransfers(List<(Variable, double)> cost, double costValue)
    {
        var ships = model.Ships.Where(s => s.Lane.Kind == LaneKind.Transfer).ToList();
        var transfers = ships.Select(s => s.Var!).ToList();
        var count = Count();
        if (count <= 1)
            return;
        // Read before the cost is fixed: adding a constraint discards the solution. A cost within one part in a
        // million of the least is accepted for fewer transfers; a tighter band makes this LP ill-conditioned.
        var flows = transfers.Select(model.Value).ToList();
        _forms.FixCost(cost, costValue + 1e-6 * Math.Max(1, Math.Abs(costValue)));
        for (var round = 1; round <= 2; round++)
        {
            if (round > 1)
                flows = transfers.Select(model.Value).ToList();
            var delta = Math.Max(1, flows.Where(f => f > 1e-6).DefaultIfEmpty(1).Average() * 0.01);
            // Weights δ / (flow + δ) lie in (0, 1]: 1 for an unused lane, small for a busy one. Kept near 1 rather
            // than 1 / (flow + δ), so that they stay far above the solvers' reduced-cost tolerances. Up to 1 % more
            // for later days breaks ties between equal splits towards sending sooner, in one consignment.
            var terms = transfers
                .Select((v, i) => (v, delta / (flows[i] + delta) * (1 + 0.01 * ships[i].Day / model.Problem.Days)))
                .ToList();
            if (Solve($"transfers_round{round}", "min", terms, network: n => n.MinCost(terms)) is null)
                return;
            var next = Count();
            if (next >= count)
                break;
            count = next;
        }

        int Count() => Transfers = transfers.Count(v => model.Value(v) > 1e-6);
    }

    private IEnumerable<ProductModel.Served> Served(int tier) => model.ServedVars.Where(s => s.Tier == tier);

    /// <summary>
    /// Solves one stage and records it (objective in product units unless <paramref name="perUnit"/> is false, as for
    /// fill rates). If the solver fails, which happens only numerically since every stage is feasible by
    /// construction, the stage is tried again with CLP's default parameters (presolve, its own algorithm); if that
    /// fails too, the earlier stages' fixings are widened to 1e-5 and then 1e-3 of their values and the stage is
    /// tried again; the stage's status says so, and the plan counts as feasible rather than proven optimal.
    /// </summary>
    private double? Solve(
        string stage,
        string sense,
        IReadOnlyList<(Variable Var, double Coef)> terms,
        bool perUnit = true,
        double? proven = null,
        Func<ProductNetwork, double?>? network = null
    )
    {
        if (proven is { } known)
        {
            // The current point is optimal for this stage (see the callers); the stage is recorded and exported all the
            // same.
            return Record(stage, sense, terms, perUnit, known, "OPTIMAL (current point)");
        }
        model.Settings.Cancellation.ThrowIfCancellationRequested();
        if (_forms.Network is { } net && network is not null)
        {
            if (network(net) is { } flowValue)
                return Record(stage, sense, terms, perUnit, flowValue, "OPTIMAL (network flow)");
            // Rounding to the network's grains can make a stage infeasible there, and an objective may not be arcs: the
            // LP takes over.
            _forms.DropNetwork();
        }
        var (objective, status) = SolveLp(stage, sense, terms);
        var note = "";
        foreach (var relax in new[] { 1e-5, 1e-3 })
        {
            if (Ok(status) || model.FixingCount == 0)
                break;
            model.RelaxFixings(relax);
            status = model.Solver.Solve(Parameters(stage));
            note = $" (fixings widened to {relax:0e0})";
            Status = Max(Status, PlanStatus.Feasible);
        }
        if (!Ok(status))
        {
            Record(stage, sense, terms, perUnit, double.NaN, status + note);
            Status = PlanStatus.Failed;
            return null;
        }
        return Record(stage, sense, terms, perUnit, objective.Value(), status + note);
    }

    // Only a proven optimum is used: an LP stopped at its time limit reports FEASIBLE for a point that may break
    // the earlier stages' optima (seen on the national benchmark), so it fails the plan instead.
    private static bool Ok(LpSolver.ResultStatus s) => s is LpSolver.ResultStatus.OPTIMAL;

    /// <summary>The stage on the LP: its objective set, solved from the previous optimum, retried with CLP's own
    /// choices if that stalls.</summary>
    private (Objective Objective, LpSolver.ResultStatus Status) SolveLp(
        string stage,
        string sense,
        IReadOnlyList<(Variable Var, double Coef)> terms
    )
    {
        var objective = model.Solver.Objective();
        objective.Clear();
        foreach (var (v, coef) in terms)
            objective.SetCoefficient(v, objective.GetCoefficient(v) + coef);
        if (sense == "max")
            objective.SetMaximization();
        else
            objective.SetMinimization();
        model.Solver.SetTimeLimit((long)model.Settings.StageTimeLimit.TotalMilliseconds);
        var status = model.Solver.Solve(Parameters(stage));
        model.ClearValues();
        _lpSolved = true;
        if (!Ok(status))
        {
            // A warm primal start can stall where CLP's own choice (with presolve) finishes: try that first.
            status = model.Solver.Solve(new MPSolverParameters());
        }
        return (objective, status);
    }

    private double Record(
        string stage,
        string sense,
        IReadOnlyList<(Variable Var, double Coef)> terms,
        bool perUnit,
        double value,
        string status
    )
    {
        _results.Add(new StageResult(stage, model.Product, sense, perUnit ? value * model.Scale : value, status));
        // OR-Tools' own MPS export keeps 6 significant digits; MpsWriter writes every number exactly. The exported
        // LP is in the model's units (quantities ÷ scale), and so is the objective given with it.
        model.Settings.OnStage?.Invoke(
            new StageModel(stage, model.Product, sense, value, model.Scale, () =>
                MpsWriter.Write($"{model.Product}-{stage}", model, sense, terms)
            )
        );
        return value;
    }

    /// <summary>
    /// CLP parameters per stage, chosen by measurement (docs/benchmarks.md). Every stage starts from the previous
    /// stage's optimum, which stays feasible (a stage only adds its predecessor's optimum as a constraint), so primal
    /// simplex without presolve continues from that basis: on the Zhejiang sample this halves the solve time, and on
    /// the national instance the least-cost stage went from not finishing in 180 s to 14 s. Service stages of large
    /// models move far from the previous point and are faster with CLP's presolve and its own choice of algorithm.
    /// </summary>
    private MPSolverParameters Parameters(string stage)
    {
        var p = new MPSolverParameters();
        var service =
            !stage.StartsWith("transport", StringComparison.Ordinal)
            && !stage.StartsWith("transfers", StringComparison.Ordinal);
        if (!_lpSolved || (service && model.Variables.Count > model.Settings.WarmStartVariableLimit))
            return p;
        p.SetIntegerParam(
            MPSolverParameters.IntegerParam.PRESOLVE,
            (int)MPSolverParameters.PresolveValues.PRESOLVE_OFF
        );
        p.SetIntegerParam(
            MPSolverParameters.IntegerParam.LP_ALGORITHM,
            (int)MPSolverParameters.LpAlgorithmValues.PRIMAL
        );
        return p;
    }

    /// <summary>
    /// How far a fixed optimum may give: 1e-7 of it, but never less than 1e-6 in LP units. At 1e-7 absolute (CLP's
    /// own feasibility tolerance) small per-destination fill fixings left later stages unsolvable until widened.
    /// </summary>
    private static double Slack(double value) => Math.Max(1e-6, Tolerance * Math.Abs(value));

    private static double Round(double value) => Math.Round(value, 6);

    private static PlanStatus Max(PlanStatus a, PlanStatus b) => (PlanStatus)Math.Max((int)a, (int)b);
}
