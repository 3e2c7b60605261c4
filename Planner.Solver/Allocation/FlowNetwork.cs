using Google.OrTools.Graph;

namespace Planner.Solver.Allocation;

/// <summary>
/// A circulation: a flow on every arc between its lower and upper bound (the upper may be +∞), conserved at every
/// node. Solved with OR-Tools' max flow and <see cref="NetworkSimplex"/>, which work in integers: quantities are
/// counted in grains, the data's unit divided by a power of two such that the network's volume (every finite bound
/// added up) is at most 2⁴⁸ grains. Quantities that are whole units are then whole grains; others have lower bounds
/// rounded up and upper bounds down, so that a flow found here keeps the real bounds. A flow is returned in grains.
/// </summary>
internal sealed class FlowNetwork(double unit)
{
    private readonly List<int> _tail = [];
    private readonly List<int> _head = [];
    private readonly List<double> _lower = [];
    private readonly List<double> _upper = [];
    private double _grain;
    private long _infinity;

    /// <summary>The last flow found: where the next min-cost solve starts from.</summary>
    private long[]? _last;

    public int Nodes { get; private set; }

    public int Arcs => _tail.Count;

    /// <summary>The quantity one unit of a returned flow stands for (fixed at the first solve).</summary>
    public double Grain =>
        _grain > 0 ? _grain : throw new InvalidOperationException("The network has not been solved yet.");

    public int AddNode() => Nodes++;

    public int AddArc(int tail, int head, double lower, double upper)
    {
        _incident = null;
        _tail.Add(tail);
        _head.Add(head);
        _lower.Add(lower);
        _upper.Add(upper);
        return _tail.Count - 1;
    }

    public int Tail(int arc) => _tail[arc];

    public int Head(int arc) => _head[arc];

    public double Lower(int arc) => _lower[arc];

    public double Upper(int arc) => _upper[arc];

    public void SetBounds(int arc, double lower, double upper)
    {
        _lower[arc] = lower;
        _upper[arc] = upper;
    }

    /// <summary>A feasible flow with the most on <paramref name="arc"/>, or null if the bounds admit no flow at
    /// all.</summary>
    public long[]? MaxFlowOn(int arc)
    {
        var bounds = Bounds(null, 0, null);
        var (lo, hi, live) = bounds;
        // The last flow usually still fits (a stage only fixes what the flow reached, or opens a tier): then it is
        // the start, and one max flow of two is saved.
        var flow = Fits(_last, bounds) ? (long[])_last!.Clone() : Feasible(bounds).Flow;
        if (flow is null)
            return null;
        if (!live[arc])
            return _last = flow;
        // Push more round the cycle through the arc: from its head back to its tail in the residual network.
        using var graph = new MaxFlow();
        var moves = new List<(int Arc, int Sign)>();
        for (var e = 0; e < Arcs; e++)
        {
            if (e == arc || !live[e])
                continue;
            if (hi[e] > flow[e])
            {
                graph.AddArcWithCapacity(_tail[e], _head[e], hi[e] - flow[e]);
                moves.Add((e, 1));
            }
            if (flow[e] > lo[e])
            {
                graph.AddArcWithCapacity(_head[e], _tail[e], flow[e] - lo[e]);
                moves.Add((e, -1));
            }
        }
        var source = Nodes;
        graph.AddArcWithCapacity(source, _head[arc], hi[arc] - flow[arc]);
        var status = graph.Solve(source, _tail[arc]);
        if (status != MaxFlow.Status.OPTIMAL)
            throw new InvalidOperationException($"Max flow ended {status}.");
        for (var i = 0; i < moves.Count; i++)
            flow[moves[i].Arc] += moves[i].Sign * graph.Flow(i);
        flow[arc] += graph.OptimalFlow();
        return _last = flow;
    }

    /// <summary>
    /// The largest rate z ≤ <paramref name="ceiling"/> for which the bounds admit a flow with at least z·weight on each
    /// of <paramref name="arcs"/> (whose own lower bounds must be zero), with such a flow; null if not even z = 0 does.
    /// Newton's method on the cuts (Dinkelbach): at a rate that admits no flow, the minimum cut of the feasibility
    /// problem is a set of nodes Y whose net capacity a − b·z is negative, and a / b is the next rate to try. The
    /// rates fall, and end at the optimum after a few steps; a and b are added up from the real bounds.
    /// </summary>
    public (double Rate, long[] Flow)? MaxRate(IReadOnlyList<int> arcs, IReadOnlyList<double> weights, double ceiling)
    {
        var rated = new Dictionary<int, double>(arcs.Count);
        for (var i = 0; i < arcs.Count; i++)
            rated[arcs[i]] = weights[i];
        var rate = Math.Min(ceiling, Reach(arcs, weights));
        for (var step = 0; step < 100; step++)
        {
            var bounds = Bounds(arcs, rate, weights);
            var (flow, sourceSide, missing) = Feasible(bounds);
            if (flow is not null)
                return (rate, _last = flow);
            double a = 0,
                b = 0;
            for (var e = 0; e < Arcs; e++)
            {
                if (!bounds.Live[e])
                    continue;
                var fromInside = sourceSide[_tail[e]];
                var intoInside = sourceSide[_head[e]];
                // What enters Y can be at most Σ upper(X → Y); what must leave it is at least Σ lower(Y → X).
                if (fromInside && !intoInside)
                    a += _upper[e];
                else if (!fromInside && intoInside)
                {
                    if (rated.TryGetValue(e, out var w))
                        b += w;
                    else
                        a -= _lower[e];
                }
            }
            if (b <= 0 || a < 0)
                return null;
            var next = a / b;
            // At a / b itself the rounding to grains can still leave a few grains missing on this cut: step below by
            // them.
            if (next >= rate)
                next = rate - (missing + 1) * _grain / b;
            if (next < 0)
                return null;
            rate = next;
        }
        throw new InvalidOperationException("The maximum rate did not converge.");
    }

    /// <summary>Whether a flow found before keeps the current bounds (and carries nothing on arcs that
    /// cannot).</summary>
    private bool Fits(long[]? flow, (long[] Lo, long[] Hi, bool[] Live) bounds)
    {
        if (flow?.Length != Arcs)
            return false;
        for (var e = 0; e < Arcs; e++)
        {
            if (flow[e] < bounds.Lo[e] || flow[e] > bounds.Hi[e] || (!bounds.Live[e] && flow[e] != 0))
                return false;
        }
        return true;
    }

    /// <summary>
    /// An upper bound on the rate: no rated arc can carry more than the arcs into its tail can bring, and the cut round
    /// a single tail is often the one that binds (a destination that most days' deliveries cannot reach).
    /// </summary>
    private double Reach(IReadOnlyList<int> arcs, IReadOnlyList<double> weights)
    {
        var (_, hi, live) = Bounds(null, 0, null);
        var (start, incident) = _incident!.Value;
        var reach = double.PositiveInfinity;
        for (var i = 0; i < arcs.Count; i++)
        {
            if (weights[i] <= 0)
                continue;
            var node = _tail[arcs[i]];
            double into = 0;
            for (var k = start[node]; k < start[node + 1]; k++)
            {
                var e = incident[k];
                if (_head[e] != node || !live[e])
                    continue;
                if (hi[e] == _infinity)
                {
                    into = double.PositiveInfinity;
                    break;
                }
                into += hi[e] * _grain;
            }
            reach = Math.Min(reach, into / weights[i]);
        }
        return reach;
    }

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

    /// <summary>
    /// The bounds in grains, with the rated arcs at the rate, and which arcs are live: an arc whose tail nothing can
    /// flow into, or whose head nothing can flow out of, carries nothing in any feasible flow (unless its lower
    /// bound says otherwise, which is then infeasible anyway); the solvers are spared those, such as every served arc
    /// of a tier held at zero.
    /// </summary>
    private (long[] Lo, long[] Hi, bool[] Live) Bounds(
        IReadOnlyList<int>? rated,
        double rate,
        IReadOnlyList<double>? weights
    )
    {
        if (_grain == 0)
            FixGrain();
        var lo = new long[Arcs];
        var hi = new long[Arcs];
        for (var e = 0; e < Arcs; e++)
        {
            var (lower, upper) = (_lower[e], _upper[e]);
            if (lower == upper)
            {
                lo[e] = hi[e] = (long)Math.Round(lower / _grain);
                continue;
            }
            // Flows are never negative: a lower bound below zero (a fixed optimum of zero less its tolerance) is zero.
            lo[e] = Math.Max(0, Up(lower));
            hi[e] = double.IsPositiveInfinity(upper) ? _infinity : Math.Max(lo[e], Down(upper));
        }
        for (var i = 0; i < (rated?.Count ?? 0); i++)
        {
            var e = rated![i];
            // Rounded down: the search runs on a relaxation by at most a grain per arc, so that it stops at the cut
            // that binds in the real network, and the rate it returns is that cut's, not a grain below it.
            lo[e] = Math.Min(hi[e], Down(rate * weights![i]));
        }

        var live = new bool[Arcs];
        var (outLive, inLive) = (new int[Nodes], new int[Nodes]);
        for (var e = 0; e < Arcs; e++)
        {
            if (hi[e] <= 0)
                continue;
            live[e] = true;
            outLive[_tail[e]]++;
            inLive[_head[e]]++;
        }
        var dead = new Queue<int>();
        var isDead = new bool[Nodes];
        for (var v = 0; v < Nodes; v++)
        {
            if (outLive[v] == 0 || inLive[v] == 0)
                Kill(v);
        }
        _incident ??= Incidence();
        var (start, incident) = _incident.Value;
        while (dead.TryDequeue(out var v))
        {
            for (var k = start[v]; k < start[v + 1]; k++)
            {
                var e = incident[k];
                if (!live[e] || lo[e] > 0)
                    continue;
                live[e] = false;
                if (--outLive[_tail[e]] == 0)
                    Kill(_tail[e]);
                if (--inLive[_head[e]] == 0)
                    Kill(_head[e]);
            }
        }
        return (lo, hi, live);

        void Kill(int v)
        {
            if (isDead[v])
                return;
            isDead[v] = true;
            dead.Enqueue(v);
        }
    }

    private (int[] Start, int[] Arcs)? _incident;

    /// <summary>The arcs at each node (in and out), grouped by node: node v's are Arcs[Start[v] .. Start[v +
    /// 1]).</summary>
    private (int[] Start, int[] Arcs) Incidence()
    {
        var start = new int[Nodes + 1];
        for (var e = 0; e < Arcs; e++)
        {
            start[_tail[e] + 1]++;
            start[_head[e] + 1]++;
        }
        for (var v = 0; v < Nodes; v++)
            start[v + 1] += start[v];
        var fill = (int[])start.Clone();
        var arcs = new int[2 * Arcs];
        for (var e = 0; e < Arcs; e++)
        {
            arcs[fill[_tail[e]]++] = e;
            arcs[fill[_head[e]]++] = e;
        }
        return (start, arcs);
    }

    // A millionth of a grain either way is the floating-point noise of dividing a whole number of units by the grain.
    private long Up(double value) => (long)Math.Ceiling(value / _grain - 1e-6);

    private long Down(double value) => (long)Math.Floor(value / _grain + 1e-6);

    private void FixGrain()
    {
        var volume = 0.0;
        for (var e = 0; e < Arcs; e++)
        {
            volume += double.IsPositiveInfinity(_upper[e]) ? _lower[e] : _upper[e];
        }
        _grain = unit * Math.Pow(2, Math.Ceiling(Math.Log2(Math.Max(volume / unit, 1))) - 48);
        // Every flow stays within the volume: an unbounded arc never needs more. Thousands of such arcs at a node
        // still leave OR-Tools' sums of capacities inside 64 bits.
        _infinity = 1L << 49;
    }

    /// <summary>
    /// Lower bounds moved into node excesses and a max flow from the excesses to the deficits: the bounds admit a
    /// flow if and only if it saturates them. Returns the flow (null if none), the source side of a minimum cut, and
    /// the grains the max flow fell short by.
    /// </summary>
    private (long[]? Flow, bool[] SourceSide, long Missing) Feasible((long[] Lo, long[] Hi, bool[] Live) bounds)
    {
        var (lo, hi, live) = bounds;
        var excess = new long[Nodes];
        using var graph = new MaxFlow();
        var (tails, heads, capacities) = (new List<int>(), new List<int>(), new List<long>());
        var used = new List<int>();
        for (var e = 0; e < Arcs; e++)
        {
            excess[_head[e]] += lo[e];
            excess[_tail[e]] -= lo[e];
            if (!live[e] || hi[e] == lo[e])
                continue;
            Add(_tail[e], _head[e], hi[e] - lo[e]);
            used.Add(e);
        }
        int source = Nodes,
            sink = Nodes + 1;
        long needed = 0;
        for (var v = 0; v < Nodes; v++)
        {
            if (excess[v] > 0)
            {
                Add(source, v, excess[v]);
                needed += excess[v];
            }
            else if (excess[v] < 0)
            {
                Add(v, sink, -excess[v]);
            }
        }
        if (needed == 0)
            return ((long[])lo.Clone(), [], 0);
        var status = graph.Solve(source, sink);
        if (status != MaxFlow.Status.OPTIMAL)
            throw new InvalidOperationException($"Max flow ended {status}.");
        var flows = new long[tails.Count];
        for (var i = 0; i < flows.Length; i++)
            flows[i] = graph.Flow(i);
        var missing = needed - graph.OptimalFlow();
        if (missing == 0)
        {
            var flow = (long[])lo.Clone();
            for (var i = 0; i < used.Count; i++)
                flow[used[i]] += flows[i];
            return (flow, [], 0);
        }
        return (null, SourceSide(Nodes + 2, tails, heads, capacities, flows, source), missing);

        void Add(int tail, int head, long capacity)
        {
            graph.AddArcWithCapacity(tail, head, capacity);
            tails.Add(tail);
            heads.Add(head);
            capacities.Add(capacity);
        }
    }

    /// <summary>The nodes a residual path reaches from <paramref name="source"/>: the source side of a minimum
    /// cut.</summary>
    private static bool[] SourceSide(
        int nodes,
        List<int> tail,
        List<int> head,
        List<long> capacity,
        long[] flow,
        int source
    )
    {
        var arcs = tail.Count;
        var outStart = new int[nodes + 1];
        var inStart = new int[nodes + 1];
        for (var i = 0; i < arcs; i++)
        {
            outStart[tail[i] + 1]++;
            inStart[head[i] + 1]++;
        }
        for (var v = 0; v < nodes; v++)
        {
            outStart[v + 1] += outStart[v];
            inStart[v + 1] += inStart[v];
        }
        var (outArcs, inArcs) = (new int[arcs], new int[arcs]);
        var (outFill, inFill) = ((int[])outStart.Clone(), (int[])inStart.Clone());
        for (var i = 0; i < arcs; i++)
        {
            outArcs[outFill[tail[i]]++] = i;
            inArcs[inFill[head[i]]++] = i;
        }
        var seen = new bool[nodes];
        var queue = new Queue<int>();
        seen[source] = true;
        queue.Enqueue(source);
        while (queue.TryDequeue(out var v))
        {
            for (var k = outStart[v]; k < outStart[v + 1]; k++)
            {
                var i = outArcs[k];
                if (capacity[i] > flow[i] && !seen[head[i]])
                    Visit(head[i]);
            }
            for (var k = inStart[v]; k < inStart[v + 1]; k++)
            {
                var i = inArcs[k];
                if (flow[i] > 0 && !seen[tail[i]])
                    Visit(tail[i]);
            }
        }
        return seen;

        void Visit(int node)
        {
            seen[node] = true;
            queue.Enqueue(node);
        }
    }
}
