using Google.OrTools.LinearSolver;
using Planner.Solver.Flows;

namespace Planner.Solver.Allocation;

/// <summary>
/// A product's LP read as the network it is (stock balances are flow conservation), so that the optimized and
/// no-sharing stages can be solved with max-flow and min-cost-flow algorithms instead of the LP solver; on the national
/// instance that is the difference between minutes and seconds (docs/decisions/0002). Nodes: every balance row,
/// a node per destination and tier (its served variables flow into it), a node per tier, and a hub that supplies
/// each balance row what becomes available there and takes back stock left at the end, surplus lost at a node that
/// holds none, and each tier's served total. The stages' fixings become arc bounds: a tier's served total is the
/// flow on its tier → hub arc, a destination's served total in a tier the flow on its destination → tier arc.
/// A reserve floor splits the depot's stock arc in two: the part up to the floor, and the rest; what the first part
/// lacks of the floor is drawn below it.
/// </summary>
internal sealed class ProductNetwork
{
    private readonly ProductModel _model;
    private readonly FlowNetwork _network;
    private readonly Dictionary<Variable, int> _arcOf = [];
    private readonly Dictionary<int, int> _tierArc = [];
    private readonly Dictionary<int, double> _tierDemand = [];
    private readonly Dictionary<(string Destination, int Tier), (int Arc, double Demand)> _fillArc = [];
    private readonly List<(ProductModel.Below Below, int Arc)> _reserveArcs = [];

    /// <summary>Each variable's arc, by the variable's position in the model: how a flow is read back.</summary>
    private readonly List<(int Variable, int Arc)> _variableArcs = [];
    private readonly List<(ProductModel.Row Row, int Arc)> _surplusArcs = [];

    /// <summary>Stock variables split in two arcs at a reserve floor (see <see cref="Build"/>).</summary>
    private readonly HashSet<Variable> _splitStocks = new(ReferenceEqualityComparer.Instance);

    /// <summary>The current plan's flow, in the model's units.</summary>
    private double[] _flow = [];

    private ProductNetwork(ProductModel model)
    {
        _model = model;
        // One product unit in the LP's units: whole quantities stay whole in the network.
        _network = new FlowNetwork(1 / model.Scale);
    }

    /// <summary>
    /// The network of the model, or null if the model is not one: when re-planning (dispatched shipments and change
    /// penalties), under the pro-rata and population-share policies (their rows tie destinations together), or if a
    /// variable is not an arc between at most two balance rows.
    /// </summary>
    public static ProductNetwork? For(ProductModel model)
    {
        if (model.Problem.Previous is not null || model.Settings.Policy is Policy.ProRata or Policy.PopulationShare)
            return null;
        var network = new ProductNetwork(model);
        return network.Build() ? network : null;
    }

    private bool Build()
    {
        var hub = _network.AddNode();
        var ends = new Dictionary<Variable, (int From, int To)>();
        if (!AddBalanceNodes(hub, ends))
            return false;
        var servedInto = AddDemandNodes(hub);
        return AddVariableArcs(hub, ends, servedInto);
    }

    /// <summary>A node per balance row, with its supply from the hub; each variable's tail and head among them
    /// (false if a variable is not an arc).</summary>
    private bool AddBalanceNodes(int hub, Dictionary<Variable, (int From, int To)> ends)
    {
        foreach (var row in _model.BalanceRows)
        {
            var node = _network.AddNode();
            var available = -row.Constraint.Lb();
            _network.AddArc(hub, node, available, available);
            if (double.IsPositiveInfinity(row.Constraint.Ub()))
                _surplusArcs.Add((row, _network.AddArc(node, hub, 0, double.PositiveInfinity)));
            foreach (var (v, coef) in row.Terms)
            {
                var (from, to) = ends.GetValueOrDefault(v, (-1, -1));
                if (coef == -1 && from < 0)
                    from = node;
                else if (coef == 1 && to < 0)
                    to = node;
                else
                    return false;
                ends[v] = (from, to);
            }
        }
        return true;
    }

    /// <summary>A node per tier and per destination and tier, with the arcs that carry the fill rates; returns the
    /// node each served variable flows into (−1 where there is no demand).</summary>
    private Dictionary<Variable, int> AddDemandNodes(int hub)
    {
        var tierNode = new Dictionary<int, int>();
        foreach (var tier in _model.ServedVars.Select(s => s.Tier).Distinct().Order())
        {
            tierNode[tier] = _network.AddNode();
            var demand = _model.ServedVars.Where(s => s.Tier == tier).Sum(s => s.Demand);
            _tierArc[tier] = _network.AddArc(tierNode[tier], hub, 0, demand);
            _tierDemand[tier] = demand;
        }
        var destinationNode = new Dictionary<(string, int), int>();
        foreach (var ((destination, tier), (demand, _)) in _model.ByDestinationTier.Where(kv => kv.Value.Demand > 0))
        {
            var node = _network.AddNode();
            destinationNode[(destination, tier)] = node;
            _fillArc[(destination, tier)] = (_network.AddArc(node, tierNode[tier], 0, demand), demand);
        }
        return _model.ServedVars.ToDictionary(
            s => s.Var,
            s => destinationNode.GetValueOrDefault((s.Destination, s.Tier), -1)
        );
    }

    /// <summary>An arc per variable, and the reserve arcs beside the stock arcs they draw on.</summary>
    private bool AddVariableArcs(
        int hub,
        Dictionary<Variable, (int From, int To)> ends,
        Dictionary<Variable, int> servedInto
    )
    {
        var belowVars = _model.BelowFloor.Select(b => b.Var).ToHashSet();
        for (var index = 0; index < _model.Variables.Count; index++)
        {
            var v = _model.Variables[index];
            if (belowVars.Contains(v))
                continue;
            var (from, to) = ends.GetValueOrDefault(v, (-1, -1));
            if (servedInto.TryGetValue(v, out var into))
            {
                if (into < 0 || to >= 0)
                    continue; // no demand: held at zero
                to = into;
            }
            if (from < 0 && to < 0)
                return false;
            _arcOf[v] = _network.AddArc(from < 0 ? hub : from, to < 0 ? hub : to, v.Lb(), v.Ub());
            _variableArcs.Add((index, _arcOf[v]));
        }
        foreach (var below in _model.BelowFloor)
        {
            var stockVar = _model.Stock[(below.Floor.Depot, below.Day)];
            // Two floors on one depot's stock would tie two draws to one arc.
            if (!_splitStocks.Add(stockVar))
                return false;
            var stock = _arcOf[stockVar];
            _reserveArcs.Add((below, _network.AddArc(_network.Tail(stock), _network.Head(stock), 0, below.Var.Ub())));
        }
        return true;
    }

    /// <summary>Tiers after <paramref name="tier"/> get nothing (see <c>Stages.OpenThrough</c>).</summary>
    public void OpenThrough(int tier)
    {
        foreach (var (t, arc) in _tierArc)
            _network.SetBounds(arc, _network.Lower(arc), t <= tier ? _tierDemand[t] : 0);
    }

    /// <summary>The most the tier can be served, with a plan serving it.</summary>
    public double? MaxServed(int tier) =>
        Apply(_network.MaxFlowOn(_tierArc[tier])) is { } flow ? flow[_tierArc[tier]] : null;

    /// <summary>The tier's served total is at least <paramref name="lower"/>.</summary>
    public void FixServed(int tier, double lower) => SetLower(_tierArc[tier], lower);

    /// <summary>The tier's best minimum fill rate over destinations (known to be at most <paramref name="ceiling"/>),
    /// with a plan reaching it.</summary>
    public double? MaxMinFill(int tier, double ceiling)
    {
        var arcs = _fillArc
            .Where(kv => kv.Key.Tier == tier)
            .OrderBy(kv => kv.Key.Destination, StringComparer.Ordinal)
            .Select(kv => kv.Value)
            .ToList();
        foreach (var (arc, _) in arcs)
            SetLower(arc, 0);
        if (
            _network.MaxRate(arcs.Select(a => a.Arc).ToList(), arcs.Select(a => a.Demand).ToList(), ceiling)
            is not { } best
        )
            return null;
        Apply(best.Flow);
        return best.Rate;
    }

    /// <summary>Every destination gets at least <paramref name="rate"/> of its demand in the tier (zero undoes
    /// it).</summary>
    public void SetFill(int tier, double rate)
    {
        foreach (var ((_, t), (arc, demand)) in _fillArc.Where(kv => kv.Key.Tier == tier))
            SetLower(arc, rate * demand);
    }

    /// <summary>The destination's served total in the tier is at least <paramref name="lower"/>.</summary>
    public void FixFill(string destination, int tier, double lower) =>
        SetLower(_fillArc[(destination, tier)].Arc, lower);

    /// <summary>The least drawn below the reserve floors (summed over depots and days), with a plan drawing
    /// it.</summary>
    public double? MinReserveDraw()
    {
        var costs = new double[_network.Arcs];
        foreach (var (_, arc) in _reserveArcs)
            costs[arc] = -1;
        if (Apply(_network.MinCost(costs)) is null)
            return null;
        _leastDrawPinned = _network.Pinned;
        return _reserveArcs.Sum(r => _model.Value(r.Below.Var));
    }

    /// <summary>After <see cref="MinReserveDraw"/>, until the next flow: which arcs every least-draw plan shares (see
    /// <see cref="FlowNetwork.Pinned"/>).</summary>
    private bool[]? _leastDrawPinned;

    /// <summary>
    /// Keeps each day's draw below the floor as in the current plan, which is the LP's fixing (at most the least total
    /// draw) when every least-draw plan draws the same each day: when nothing is drawn, or when every day's draw is
    /// pinned by the least-draw flow just found (a floor no supply reaches; or, on the national instance, N95's floors
    /// carried a grain short, the floating-point noise of dividing them into grains, and drawn on by that grain every
    /// day). Otherwise the draws could be spread differently, and false says the network cannot go on. Draws count in
    /// whole grains: a floor that is not a whole number of grains is carried rounded down (as every upper bound in
    /// <see cref="FlowNetwork"/>), so a plan drawing nothing still shows less than a grain per floor drawn. Before
    /// either, the national GLOVES and N95 went on by the LP alone after tier 1 (national solve 74 s, not 41–48).
    /// </summary>
    public bool HoldReserves(double tolerance)
    {
        var grain = _network.Grain;
        var drawing = _reserveArcs
            .Select(r => (r.Arc, Grains: Math.Floor((r.Below.Var.Ub() - _flow[r.Arc]) / grain + 1e-6)))
            .Where(r => r.Grains > 0)
            .ToList();
        if (
            drawing.Sum(r => r.Grains) * grain > tolerance
            && (_leastDrawPinned is not { } pinned || !drawing.All(r => pinned[r.Arc]))
        )
            return false;
        foreach (var (below, arc) in _reserveArcs)
            _network.SetBounds(arc, below.Var.Ub() - _model.Value(below.Var), below.Var.Ub());
        return true;
    }

    /// <summary>
    /// The least Σ coef·variable (the transport cost, or a transfer round's weights), with a plan reaching it; null if
    /// a term is not the flow on one arc (a split stock), which leaves the stage to the LP.
    /// </summary>
    public double? MinCost(IReadOnlyList<(Variable Var, double Coef)> terms)
    {
        var costs = new double[_network.Arcs];
        foreach (var (v, coef) in terms)
        {
            if (!_arcOf.TryGetValue(v, out var arc) || _splitStocks.Contains(v))
                return null;
            costs[arc] += coef;
        }
        return Apply(_network.MinCost(costs)) is null ? null : terms.Sum(t => t.Coef * _model.Value(t.Var));
    }

    /// <summary>
    /// After <see cref="MinCost"/>: holds, in the network and in the LP alike, every quantity that is the same in all
    /// least-cost plans (an arc whose reduced cost is not zero at the optimum): the variables on such arcs, and the
    /// totals the other arcs stand for (a tier's or a destination's served total, a surplus, a draw below a floor).
    /// Every plan left costs the least, so the transfer rounds run on the network, and the LP they export is the same
    /// problem (the cost band the LP also has then holds anyway).
    /// </summary>
    public void HoldLeastCost()
    {
        var pinned = _network.Pinned;
        foreach (var (v, arc) in _arcOf.Where(kv => pinned[kv.Value]))
        {
            if (!_splitStocks.Contains(v))
                v.SetBounds(_flow[arc], _flow[arc]);
        }
        foreach (var (below, arc) in _reserveArcs)
        {
            var stock = _model.Stock[(below.Floor.Depot, below.Day)];
            if (pinned[arc])
                below.Var.SetBounds(_model.Value(below.Var), _model.Value(below.Var));
            // The stock's part above the floor: stock + below − floor.
            var total = _model.Value(stock) + _model.Value(below.Var);
            if (pinned[_arcOf[stock]])
                _model.Fix(
                    $"hold_stock[{below.Floor.Depot},{below.Day}]",
                    [(stock, 1.0), (below.Var, 1.0)],
                    total,
                    total
                );
        }
        foreach (var (tier, arc) in _tierArc.Where(t => pinned[t.Value]))
        {
            _model.Fix(
                $"hold_tier{tier}_served",
                _model.ServedVars.Where(s => s.Tier == tier).Select(s => (s.Var, 1.0)),
                _flow[arc],
                _flow[arc]
            );
        }
        foreach (
            var ((destination, tier), (arc, _)) in _fillArc
                .Where(f => pinned[f.Value.Arc])
                .OrderBy(f => f.Key.Destination, StringComparer.Ordinal)
                .ThenBy(f => f.Key.Tier)
        )
        {
            _model.Fix(
                $"hold_fill[{destination},t{tier}]",
                _model.ByDestinationTier[(destination, tier)].Vars.Select(v => (v, 1.0)),
                _flow[arc],
                _flow[arc]
            );
        }
        foreach (var (row, arc) in _surplusArcs.Where(r => pinned[r.Arc]))
        {
            // Σ terms = surplus − available (see Build).
            var activity = _flow[arc] + row.Constraint.Lb();
            _model.Fix($"hold_{row.Name}", row.Terms, activity, activity);
        }
        for (var arc = 0; arc < _network.Arcs; arc++)
        {
            if (pinned[arc])
                _network.SetBounds(arc, _flow[arc], _flow[arc]);
        }
    }

    private void SetLower(int arc, double lower) => _network.SetBounds(arc, lower, _network.Upper(arc));

    /// <summary>Makes the flow the model's current plan; returns it in the model's units.</summary>
    private double[]? Apply(long[]? grains)
    {
        if (grains is null)
            return null;
        var grain = _network.Grain;
        _leastDrawPinned = null;
        var flow = _flow = grains.Select(g => g * grain).ToArray();
        var values = new double[_model.Variables.Count];
        foreach (var (v, arc) in _variableArcs)
            values[v] = flow[arc];
        foreach (var (below, arc) in _reserveArcs)
        {
            values[_model.IndexOf(_model.Stock[(below.Floor.Depot, below.Day)])] += flow[arc];
            values[_model.IndexOf(below.Var)] = Math.Max(0, below.Var.Ub() - flow[arc]);
        }
        _model.SetValues(values);
        return flow;
    }
}
