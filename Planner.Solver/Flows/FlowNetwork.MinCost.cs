namespace Planner.Solver.Flows;

/// <summary>A least-cost flow by the network simplex, and which arcs every least-cost flow shares.</summary>
internal sealed partial class FlowNetwork
{
    /// <summary>
    /// A feasible flow of least Σ cost·flow, or null if the bounds admit none, by <see cref="NetworkSimplex"/>. Costs
    /// are rounded to 2⁻³⁰ of the largest.
    /// </summary>
    public long[]? MinCost(IReadOnlyList<double> costs)
    {
        var bounds = Bounds(null, 0, null);
        var (lo, hi, live) = bounds;
        var largest = costs.Select(Math.Abs).DefaultIfEmpty(0).Max();
        Pinned = new bool[Arcs];
        // Without costs every feasible flow costs the least, and no arc is pinned.
        if (largest == 0)
            return _last = Feasible(bounds).Flow;
        var unit = Math.Pow(2, Math.Ceiling(Math.Log2(largest)) - 30);
        var supply = new long[Nodes];
        var used = new List<int>();
        var (tails, heads, capacities, unitCosts) = (
            new List<int>(),
            new List<int>(),
            new List<long>(),
            new List<long>()
        );
        // The last flow, where it still fits, is the start (its part above the lower bounds).
        var start = Fits(_last, bounds) ? new List<long>() : null;
        for (var e = 0; e < Arcs; e++)
        {
            // The lower bound is sent already: the head must pass it on, the tail must be given it.
            supply[_tail[e]] -= lo[e];
            supply[_head[e]] += lo[e];
            // An arc held at one value (as most are in the transfer rounds) carries it already: the simplex is spared
            // it.
            if (!live[e] || hi[e] == lo[e])
                continue;
            used.Add(e);
            tails.Add(_tail[e]);
            heads.Add(_head[e]);
            capacities.Add(hi[e] == _infinity ? NetworkSimplex.Unbounded : hi[e] - lo[e]);
            unitCosts.Add((long)Math.Round(costs[e] / unit));
            start?.Add(_last![e] - lo[e]);
        }
        if (NetworkSimplex.Solve(Nodes, tails, heads, capacities, unitCosts, supply, start) is not { } solved)
            return null;
        var flow = (long[])lo.Clone();
        Array.Fill(Pinned, true);
        for (var i = 0; i < used.Count; i++)
        {
            flow[used[i]] += solved.Flow[i];
            Pinned[used[i]] = solved.ReducedCost[i] != 0;
        }
        return _last = flow;
    }

    /// <summary>
    /// After <see cref="MinCost"/>: the arcs whose flow is the same in every least-cost flow (a reduced cost other than
    /// zero at the optimum, an arc held at one value, or one that can carry nothing). Fixing them at their flows leaves
    /// exactly the least-cost flows.
    /// </summary>
    public bool[] Pinned { get; private set; } = [];
}
