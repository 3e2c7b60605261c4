using Google.OrTools.Graph;

namespace Planner.Solver.Flows;

/// <summary>
/// A circulation: a flow on every arc between its lower and upper bound (the upper may be +∞), conserved at every
/// node. Solved with OR-Tools' max flow and <see cref="NetworkSimplex"/>, which work in integers: quantities are
/// counted in grains, the data's unit divided by a power of two such that the network's volume (every finite bound
/// added up) is at most 2⁴⁸ grains. Quantities that are whole units are then whole grains; others have lower bounds
/// rounded up and upper bounds down, so that a flow found here keeps the real bounds. A flow is returned in grains.
/// The algorithms are in files of their own: <c>FlowNetwork.MaxFlow.cs</c> (max flow with lower bounds),
/// <c>FlowNetwork.RateSearch.cs</c> (the largest common rate) and <c>FlowNetwork.MinCost.cs</c> (least cost).
/// </summary>
internal sealed partial class FlowNetwork(double unit)
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

    /// <summary>The bounds in grains, with the rated arcs at the rate, and which arcs are live (see
    /// <see cref="Live"/>).</summary>
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
        return (lo, hi, Live(lo, hi));
    }

    /// <summary>
    /// Which arcs are live: an arc whose tail nothing can flow into, or whose head nothing can flow out of, carries
    /// nothing in any feasible flow (unless its lower bound says otherwise, which is then infeasible anyway); the
    /// solvers are spared those, such as every served arc of a tier held at zero.
    /// </summary>
    private bool[] Live(long[] lo, long[] hi)
    {
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
        _incident ??= ByNode(Nodes, _tail, _head);
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
        return live;

        void Kill(int v)
        {
            if (isDead[v])
                return;
            isDead[v] = true;
            dead.Enqueue(v);
        }
    }

    /// <summary>The arcs at each node (in and out), grouped by node: node v's are Arcs[Start[v] .. Start[v +
    /// 1]).</summary>
    private (int[] Start, int[] Arcs)? _incident;

    /// <summary>
    /// The arcs grouped by the node at one end (<paramref name="head"/> null) or at both: node v's are
    /// Arcs[Start[v] .. Start[v + 1]), in arc order (at both ends, an arc's tail before its head).
    /// </summary>
    private static (int[] Start, int[] Arcs) ByNode(int nodes, List<int> tail, List<int>? head)
    {
        var start = new int[nodes + 1];
        for (var e = 0; e < tail.Count; e++)
        {
            start[tail[e] + 1]++;
            if (head is not null)
                start[head[e] + 1]++;
        }
        for (var v = 0; v < nodes; v++)
            start[v + 1] += start[v];
        var fill = (int[])start.Clone();
        var arcs = new int[start[nodes]];
        for (var e = 0; e < tail.Count; e++)
        {
            arcs[fill[tail[e]]++] = e;
            if (head is not null)
                arcs[fill[head[e]]++] = e;
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
}
