namespace Planner.Solver.Flows;

/// <summary>The rate search: the largest rate at which given arcs can all carry their weighted share.</summary>
internal sealed partial class FlowNetwork
{
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
}
