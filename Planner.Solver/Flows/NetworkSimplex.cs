namespace Planner.Solver.Flows;

/// <summary>
/// Primal network simplex for min-cost flow, after LEMON's NetworkSimplex (Király and Kovács, "Efficient
/// implementations of minimum-cost flow algorithms", 2012): a spanning tree kept as parent, predecessor arc and
/// thread (preorder) lists, block search for the entering arc, strongly feasible trees (which rule out cycling) for the
/// leaving one. Integer capacities, costs and supplies. On the national allocation it found the least reserve draw 4 to
/// 8 times faster than OR-Tools' cost-scaling min-cost flow, and the least transport cost in about the same time
/// (docs/decisions/0002); it also gives the reduced costs that say which flows every least-cost plan shares.
/// </summary>
internal sealed class NetworkSimplex
{
    /// <summary>An arc without an upper bound.</summary>
    public const long Unbounded = long.MaxValue;

    private const int Upper = -1;
    private const int Tree = 0;
    private const int LowerState = 1;
    private const int Up = 1;
    private const int Down = -1;

    private readonly int _nodes;
    private readonly int _arcs;
    private readonly int _root;
    private readonly int[] _source;
    private readonly int[] _target;
    private readonly long[] _cap;
    private readonly long[] _cost;
    private readonly long[] _flow;
    private readonly int[] _state;
    private readonly long[] _pi;
    private readonly int[] _parent;
    private readonly int[] _pred;
    private readonly int[] _thread;
    private readonly int[] _revThread;
    private readonly int[] _succNum;
    private readonly int[] _lastSucc;
    private readonly int[] _predDir;
    private readonly List<int> _dirtyRevs = [];

    private int _inArc,
        _join,
        _uIn,
        _vIn,
        _uOut;
    private long _delta;
    private int _nextArc;
    private readonly int _blockSize;

    /// <summary>The largest cost in absolute value: a cold start's artificial arcs cost more than any path.</summary>
    private readonly long _largestCost;

    private NetworkSimplex(
        int nodes,
        IReadOnlyList<int> tail,
        IReadOnlyList<int> head,
        IReadOnlyList<long> capacity,
        IReadOnlyList<long> cost
    )
    {
        _nodes = nodes;
        _arcs = tail.Count;
        _root = nodes;
        var all = _arcs + nodes;
        (_source, _target, _cap, _cost, _flow, _state) = (
            new int[all],
            new int[all],
            new long[all],
            new long[all],
            new long[all],
            new int[all]
        );
        (_pi, _parent, _pred, _thread, _revThread, _succNum, _lastSucc, _predDir) = (
            new long[nodes + 1],
            new int[nodes + 1],
            new int[nodes + 1],
            new int[nodes + 1],
            new int[nodes + 1],
            new int[nodes + 1],
            new int[nodes + 1],
            new int[nodes + 1]
        );
        long largest = 0;
        for (var e = 0; e < _arcs; e++)
        {
            (_source[e], _target[e], _cap[e], _cost[e], _state[e]) = (
                tail[e],
                head[e],
                capacity[e],
                cost[e],
                LowerState
            );
            largest = Math.Max(largest, Math.Abs(cost[e]));
        }
        _blockSize = Math.Max(10, (int)Math.Ceiling(Math.Sqrt(_arcs)));
        for (var e = _arcs; e < all; e++)
            _cap[e] = Unbounded;
        _parent[_root] = -1;
        _pred[_root] = -1;
        _largestCost = largest;
    }

    /// <summary>
    /// LEMON's starting tree: an artificial arc between the root and every node, carrying the node's supply, at a cost
    /// so high that any flow left on one at the end means there is no feasible flow.
    /// </summary>
    private void ColdStart(IReadOnlyList<long> supply, long artificial)
    {
        _thread[_root] = 0;
        _revThread[0] = _root;
        _succNum[_root] = _nodes + 1;
        _lastSucc[_root] = _root - 1;
        for (int u = 0, e = _arcs; u < _nodes; u++, e++)
        {
            _parent[u] = _root;
            _pred[u] = e;
            _thread[u] = u + 1;
            _revThread[u + 1] = u;
            _succNum[u] = 1;
            _lastSucc[u] = u;
            _state[e] = Tree;
            if (supply[u] >= 0)
            {
                (_predDir[u], _pi[u], _source[e], _target[e], _flow[e], _cost[e]) = (Up, 0, u, _root, supply[u], 0);
            }
            else
            {
                (_predDir[u], _pi[u], _source[e], _target[e], _flow[e], _cost[e]) = (
                    Down,
                    artificial,
                    _root,
                    u,
                    -supply[u],
                    artificial
                );
            }
        }
    }

    /// <summary>
    /// A starting tree made from a feasible flow: the arcs strictly between their bounds, made a forest by pushing
    /// flow round every cycle they close (the cheaper way) until an arc on it reaches a bound; each tree of the forest
    /// hangs from the root by an artificial arc that carries nothing. The simplex then only lowers the cost.
    /// </summary>
    private void WarmStart(IReadOnlyList<long> start, IReadOnlyList<long> supply)
    {
        var parent = new int[_nodes];
        var parentArc = new int[_nodes];
        var stamp = new int[_nodes];
        Array.Fill(parent, -1);
        Array.Fill(parentArc, -1);
        var visit = 0;
        var balance = supply.ToArray();
        for (var e = 0; e < _arcs; e++)
        {
            _flow[e] = start[e];
            if (start[e] < 0 || start[e] > _cap[e])
                throw new ArgumentException($"The starting flow is outside arc {e}'s bounds.", nameof(start));
            balance[_source[e]] -= start[e];
            balance[_target[e]] += start[e];
        }
        if (balance.Any(b => b != 0))
            throw new ArgumentException("The starting flow does not meet the supplies.", nameof(start));
        for (var e = _arcs; e < _arcs + _nodes; e++)
            _state[e] = LowerState;
        for (var e = 0; e < _arcs; e++)
        {
            if (!Free(e))
                continue;
            int u = _source[e],
                v = _target[e];
            if (u == v)
            {
                _flow[e] = 0;
                continue;
            }
            // The nearest common ancestor of u and v, if they are in one tree: mark u's way up, then climb from v.
            visit++;
            for (var a = u; a >= 0; a = parent[a])
                stamp[a] = visit;
            var join = v;
            while (join >= 0 && stamp[join] != visit)
                join = parent[join];
            if (join < 0)
            {
                Reroot(u);
                (parent[u], parentArc[u]) = (v, e);
                continue;
            }
            // The cycle: e from u to v, up from v to the join, down from the join to u. Forward raises e.
            long forward = Residual(e),
                backward = _flow[e],
                cycleCost = _cost[e];
            for (var a = v; a != join; a = parent[a])
                Step(parentArc[a], _source[parentArc[a]] == a);
            for (var a = u; a != join; a = parent[a])
                Step(parentArc[a], _source[parentArc[a]] != a);
            // The cheaper way round, unless only the other way is bounded.
            var sign =
                forward == Unbounded ? -1
                : backward == Unbounded ? 1
                : cycleCost > 0 ? -1
                : 1;
            var delta = sign > 0 ? forward : backward;
            _flow[e] += sign * delta;
            var blocked = -1;
            for (var a = v; a != join; a = parent[a])
                Push(a, _source[parentArc[a]] == a);
            for (var a = u; a != join; a = parent[a])
                Push(a, _source[parentArc[a]] != a);
            if (!Free(e) || blocked < 0)
                continue;
            // An arc of the tree reached a bound: it leaves the forest and e takes its place.
            parent[blocked] = -1;
            parentArc[blocked] = -1;
            var inside = Below(u, blocked) ? u : v;
            Reroot(inside);
            (parent[inside], parentArc[inside]) = (inside == u ? v : u, e);

            // Along the cycle's direction an arc traversed with (along) its orientation gains flow.
            void Step(int arc, bool along)
            {
                var (gain, loss) = along ? (Residual(arc), _flow[arc]) : (_flow[arc], Residual(arc));
                forward = Math.Min(forward, gain);
                backward = Math.Min(backward, loss);
                cycleCost += along ? _cost[arc] : -_cost[arc];
            }

            void Push(int child, bool along)
            {
                var arc = parentArc[child];
                _flow[arc] += (along ? sign : -sign) * delta;
                if (blocked < 0 && !Free(arc))
                    blocked = child;
            }
        }

        // Every tree arc left at a bound becomes a non-tree arc at that bound: both sides stay balanced.
        for (var a = 0; a < _nodes; a++)
        {
            if (parentArc[a] >= 0 && !Free(parentArc[a]))
                (parent[a], parentArc[a]) = (-1, -1);
        }
        for (var e = 0; e < _arcs; e++)
            _state[e] = _flow[e] > 0 && _flow[e] == _cap[e] ? Upper : LowerState;
        BuildTree(parent, parentArc);

        bool Free(int arc) => _flow[arc] > 0 && (_cap[arc] == Unbounded || _flow[arc] < _cap[arc]);

        bool Below(int node, int top)
        {
            for (var a = node; a >= 0; a = parent[a])
            {
                if (a == top)
                    return true;
            }
            return false;
        }

        // Makes node the root of its tree: the parent links on its way up are turned round.
        void Reroot(int node)
        {
            int previous = -1,
                previousArc = -1;
            for (var a = node; a >= 0; )
            {
                var (up, upArc) = (parent[a], parentArc[a]);
                (parent[a], parentArc[a]) = (previous, previousArc);
                (previous, previousArc) = (a, upArc);
                a = up;
            }
        }
    }

    /// <summary>
    /// The simplex's tree from a forest of free arcs (given by parent links): each forest root hangs from the root by
    /// its artificial arc, carrying nothing; thread order, subtree sizes and potentials follow from a depth-first walk.
    /// </summary>
    private void BuildTree(int[] parent, int[] parentArc)
    {
        var childStart = new int[_nodes + 2];
        for (var a = 0; a < _nodes; a++)
            childStart[(parent[a] < 0 ? _root : parent[a]) + 1]++;
        for (var a = 0; a <= _nodes; a++)
            childStart[a + 1] += childStart[a];
        var children = new int[_nodes];
        var fill = (int[])childStart.Clone();
        for (var a = 0; a < _nodes; a++)
            children[fill[parent[a] < 0 ? _root : parent[a]]++] = a;

        var previous = _root;
        var stack = new Stack<int>();
        stack.Push(_root);
        while (stack.TryPop(out var a))
        {
            if (a != _root)
            {
                _thread[previous] = a;
                _revThread[a] = previous;
                previous = a;
                var up = parent[a] < 0 ? _root : parent[a];
                _parent[a] = up;
                if (parent[a] < 0)
                {
                    var e = _arcs + a;
                    (_pred[a], _predDir[a], _source[e], _target[e], _flow[e], _cost[e], _state[e]) = (
                        e,
                        Up,
                        a,
                        _root,
                        0,
                        0,
                        Tree
                    );
                    _pi[a] = 0;
                }
                else
                {
                    var e = parentArc[a];
                    _pred[a] = e;
                    _state[e] = Tree;
                    _predDir[a] = _source[e] == a ? Up : Down;
                    _pi[a] = _predDir[a] == Up ? _pi[up] - _cost[e] : _pi[up] + _cost[e];
                }
            }
            for (var k = childStart[a + 1] - 1; k >= childStart[a]; k--)
                stack.Push(children[k]);
        }
        _thread[previous] = _root;
        _revThread[_root] = previous;
        // Subtree sizes, children before parents (reverse thread order); a subtree is a run of the thread, so its last
        // successor is the node its size on from it.
        var order = new int[_nodes + 1];
        for (int a = _root, k = 0; k <= _nodes; a = _thread[a], k++)
            order[k] = a;
        foreach (var a in order)
            _succNum[a] = 1;
        for (var k = _nodes; k > 0; k--)
            _succNum[_parent[order[k]]] += _succNum[order[k]];
        for (var k = 0; k <= _nodes; k++)
            _lastSucc[order[k]] = order[k + _succNum[order[k]] - 1];
        for (var e = 0; e < _arcs; e++)
        {
            if (_state[e] != Tree && _flow[e] != 0 && _flow[e] != _cap[e])
                throw new InvalidOperationException("The starting tree left a free arc out.");
        }
    }

    /// <summary>
    /// A least-cost flow with 0 ≤ flow ≤ capacity (<see cref="Unbounded"/> for none) on every arc and, at every node,
    /// outflow − inflow = supply, with each arc's reduced cost at the optimum (cost + potential of tail − potential of
    /// head: every least-cost flow keeps an arc whose reduced cost is not zero at the same bound); null if there is no
    /// such flow. Supplies must add up to zero. A feasible <paramref name="start"/> flow, if known, saves most of the
    /// pivots (<see cref="WarmStart"/>).
    /// </summary>
    public static (long[] Flow, long[] ReducedCost)? Solve(
        int nodes,
        IReadOnlyList<int> tail,
        IReadOnlyList<int> head,
        IReadOnlyList<long> capacity,
        IReadOnlyList<long> cost,
        IReadOnlyList<long> supply,
        IReadOnlyList<long>? start = null
    )
    {
        if (supply.Sum() != 0)
            throw new ArgumentException("Supplies must add up to zero.", nameof(supply));
        var simplex = new NetworkSimplex(nodes, tail, head, capacity, cost);
        if (start is null)
            simplex.ColdStart(supply, checked((simplex._largestCost + 1) * (nodes + 1)));
        else
            simplex.WarmStart(start, supply);
        if (!simplex.Run())
            return null;
        var reduced = new long[simplex._arcs];
        for (var e = 0; e < reduced.Length; e++)
            reduced[e] = simplex.ReducedCost(e);
        return (simplex._flow[..simplex._arcs], reduced);
    }

    private bool Run()
    {
        while (FindEnteringArc())
        {
            FindJoinNode();
            var change = FindLeavingArc();
            if (_delta == Unbounded)
                throw new InvalidOperationException(
                    "The min-cost flow is unbounded (a negative-cost cycle without capacity)."
                );
            ChangeFlow(change);
            if (change)
            {
                UpdateTreeStructure();
                UpdatePotential();
            }
        }
        for (var e = _arcs; e < _arcs + _nodes; e++)
        {
            if (_flow[e] != 0)
                return false;
        }
        return true;
    }

    private long ReducedCost(int e) => _cost[e] + _pi[_source[e]] - _pi[_target[e]];

    /// <summary>Block search: the most violating arc of the first block (of √arcs) that has one, going round from the
    /// last.</summary>
    private bool FindEnteringArc()
    {
        long min = 0;
        var count = _blockSize;
        for (var i = 0; i < _arcs; i++)
        {
            var e = _nextArc + i < _arcs ? _nextArc + i : _nextArc + i - _arcs;
            var c = _state[e] * ReducedCost(e);
            if (c < min)
            {
                min = c;
                _inArc = e;
            }
            if (--count == 0)
            {
                if (min < 0)
                {
                    _nextArc = e;
                    return true;
                }
                count = _blockSize;
            }
        }
        return min < 0;
    }

    private void FindJoinNode()
    {
        int u = _source[_inArc],
            v = _target[_inArc];
        while (u != v)
        {
            if (_succNum[u] < _succNum[v])
                u = _parent[u];
            else
                v = _parent[v];
        }
        _join = u;
    }

    /// <summary>The blocking arc on the cycle; ties go to the last one met from the join, which keeps the tree strongly
    /// feasible.</summary>
    private bool FindLeavingArc()
    {
        int first,
            second;
        if (_state[_inArc] == LowerState)
            (first, second) = (_source[_inArc], _target[_inArc]);
        else
            (first, second) = (_target[_inArc], _source[_inArc]);
        _delta = _cap[_inArc];
        var result = 0;
        for (var u = first; u != _join; u = _parent[u])
        {
            var e = _pred[u];
            var d = _predDir[u] == Down ? Residual(e) : _flow[e];
            if (d < _delta)
            {
                _delta = d;
                _uOut = u;
                result = 1;
            }
        }
        for (var u = second; u != _join; u = _parent[u])
        {
            var e = _pred[u];
            var d = _predDir[u] == Up ? Residual(e) : _flow[e];
            if (d <= _delta)
            {
                _delta = d;
                _uOut = u;
                result = 2;
            }
        }
        if (result == 1)
            (_uIn, _vIn) = (first, second);
        else
            (_uIn, _vIn) = (second, first);
        return result != 0;
    }

    private long Residual(int e) => _cap[e] == Unbounded ? Unbounded : _cap[e] - _flow[e];

    private void ChangeFlow(bool change)
    {
        if (_delta > 0)
        {
            var val = _state[_inArc] * _delta;
            _flow[_inArc] += val;
            for (var u = _source[_inArc]; u != _join; u = _parent[u])
                _flow[_pred[u]] -= _predDir[u] * val;
            for (var u = _target[_inArc]; u != _join; u = _parent[u])
                _flow[_pred[u]] += _predDir[u] * val;
        }
        if (change)
        {
            _state[_inArc] = Tree;
            _state[_pred[_uOut]] = _flow[_pred[_uOut]] == 0 ? LowerState : Upper;
        }
        else
        {
            _state[_inArc] = -_state[_inArc];
        }
    }

    private void UpdateTreeStructure()
    {
        var oldRevThread = _revThread[_uOut];
        var oldSuccNum = _succNum[_uOut];
        var oldLastSucc = _lastSucc[_uOut];
        var vOut = _parent[_uOut];

        if (_uIn == _uOut)
        {
            _parent[_uIn] = _vIn;
            _pred[_uIn] = _inArc;
            _predDir[_uIn] = _uIn == _source[_inArc] ? Up : Down;
            if (_thread[_vIn] != _uOut)
            {
                var after = _thread[oldLastSucc];
                _thread[oldRevThread] = after;
                _revThread[after] = oldRevThread;
                after = _thread[_vIn];
                _thread[_vIn] = _uOut;
                _revThread[_uOut] = _vIn;
                _thread[oldLastSucc] = after;
                _revThread[after] = oldLastSucc;
            }
        }
        else
        {
            // If the old reverse thread is v_in, the join and v_out coincide.
            var threadContinue = oldRevThread == _vIn ? _thread[oldLastSucc] : _thread[_vIn];

            // Update the thread and parents along the stem (the nodes from u_in to u_out, whose parents change).
            var stem = _uIn;
            var parStem = _vIn;
            var last = _lastSucc[_uIn];
            var after = _thread[last];
            _thread[_vIn] = _uIn;
            _dirtyRevs.Clear();
            _dirtyRevs.Add(_vIn);
            while (stem != _uOut)
            {
                var nextStem = _parent[stem];
                _thread[last] = nextStem;
                _dirtyRevs.Add(last);

                var before = _revThread[stem];
                _thread[before] = after;
                _revThread[after] = before;

                _parent[stem] = parStem;
                parStem = stem;
                stem = nextStem;

                last = _lastSucc[stem] == _lastSucc[parStem] ? _revThread[parStem] : _lastSucc[stem];
                after = _thread[last];
            }
            _parent[_uOut] = parStem;
            _thread[last] = threadContinue;
            _revThread[threadContinue] = last;
            _lastSucc[_uOut] = last;

            if (oldRevThread != _vIn)
            {
                _thread[oldRevThread] = after;
                _revThread[after] = oldRevThread;
            }

            foreach (var u in _dirtyRevs)
                _revThread[_thread[u]] = u;

            // Predecessor arcs, directions, last successors and subtree sizes along the stem, from u_out to u_in.
            int tmpSc = 0,
                tmpLs = _lastSucc[_uOut];
            for (int u = _uOut, p = _parent[u]; u != _uIn; u = p, p = _parent[u])
            {
                _pred[u] = _pred[p];
                _predDir[u] = -_predDir[p];
                tmpSc += _succNum[u] - _succNum[p];
                _succNum[u] = tmpSc;
                _lastSucc[p] = tmpLs;
            }
            _pred[_uIn] = _inArc;
            _predDir[_uIn] = _uIn == _source[_inArc] ? Up : Down;
            _succNum[_uIn] = oldSuccNum;
        }

        // Last successors from v_in towards the root.
        var upLimitOut = _lastSucc[_join] == _vIn ? _join : -1;
        var lastSuccOut = _lastSucc[_uOut];
        for (var u = _vIn; u != -1 && _lastSucc[u] == _vIn; u = _parent[u])
            _lastSucc[u] = lastSuccOut;

        // Last successors from v_out towards the root.
        if (_join != oldRevThread && _vIn != oldRevThread)
        {
            for (var u = vOut; u != upLimitOut && _lastSucc[u] == oldLastSucc; u = _parent[u])
                _lastSucc[u] = oldRevThread;
        }
        else if (lastSuccOut != oldLastSucc)
        {
            for (var u = vOut; u != upLimitOut && _lastSucc[u] == oldLastSucc; u = _parent[u])
                _lastSucc[u] = lastSuccOut;
        }

        for (var u = _vIn; u != _join; u = _parent[u])
            _succNum[u] += oldSuccNum;
        for (var u = vOut; u != _join; u = _parent[u])
            _succNum[u] -= oldSuccNum;
    }

    /// <summary>Shifts the potentials of the moved subtree so that the entering arc's reduced cost is zero.</summary>
    private void UpdatePotential()
    {
        var sigma = _pi[_vIn] - _pi[_uIn] - _predDir[_uIn] * _cost[_inArc];
        var end = _thread[_lastSucc[_uIn]];
        for (var u = _uIn; u != end; u = _thread[u])
            _pi[u] += sigma;
    }
}
