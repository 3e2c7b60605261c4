using Google.OrTools.Graph;

namespace Planner.Solver.Flows;

/// <summary>Max flow with lower bounds: feasibility, and the most on one arc.</summary>
internal sealed partial class FlowNetwork
{
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
        var (outStart, outArcs) = ByNode(nodes, tail, null);
        var (inStart, inArcs) = ByNode(nodes, head, null);
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
