namespace Planner.Solver.Breakdown;

/// <summary>A region in the administrative tree: its parent (null for the root) and its weight for sharing out
/// (population).</summary>
public sealed record RegionNode(string Code, string? ParentCode, double Weight);

/// <summary>
/// Turns county quantities (possibly fractional, from the LP) into whole units at every level of the tree, so that
/// every region's quantity is exactly the sum of its children's:
/// <list type="number">
/// <item>the root gets the county total rounded to a whole number;</item>
/// <item>going down, each region's whole quantity is shared among its children by largest remainder — by the
/// children's planned quantities down to the counties, and by their weights (population) below them.</item>
/// </list>
/// Ties go to the child that comes first by code, so the result is deterministic.
/// </summary>
public static class FiveLevelBreakdown
{
    /// <summary>Whole quantities for every region of the tree, for one product.</summary>
    /// <param name="tree">Every region, root first or in any order; each non-root parent must be in the tree.</param>
    /// <param name="planned">The planned quantity of the regions where the plan is made (counties).</param>
    public static IReadOnlyDictionary<string, long> Build(
        IReadOnlyList<RegionNode> tree,
        IReadOnlyDictionary<string, double> planned
    )
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(planned);
        var children = tree.Where(n => n.ParentCode is not null).ToLookup(n => n.ParentCode!);
        var roots = tree.Where(n => n.ParentCode is null).ToList();
        if (roots.Count != 1)
        {
            throw new ArgumentException($"The tree must have one root; it has {roots.Count}.", nameof(tree));
        }

        // Planned quantities summed up the tree: what each region above the plan level plans in total.
        var above = new Dictionary<string, double>(StringComparer.Ordinal);
        double Sum(RegionNode node)
        {
            if (planned.TryGetValue(node.Code, out var q))
                return above[node.Code] = q;
            var total = children[node.Code].Sum(Sum);
            above[node.Code] = total;
            return total;
        }
        var root = roots[0];
        var result = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            [root.Code] = (long)Math.Round(Sum(root), MidpointRounding.AwayFromZero),
        };

        var stack = new Stack<RegionNode>([root]);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            var kids = children[node.Code].OrderBy(k => k.Code, StringComparer.Ordinal).ToList();
            if (kids.Count == 0)
                continue;
            // Down to the plan level, share by plan; below it, by weight.
            var belowPlan = planned.ContainsKey(node.Code) || !kids.Any(k => above.GetValueOrDefault(k.Code) > 0);
            var weights = kids.Select(k => belowPlan ? k.Weight : above.GetValueOrDefault(k.Code)).ToList();
            var shares = Apportion(result[node.Code], weights);
            for (var i = 0; i < kids.Count; i++)
            {
                result[kids[i].Code] = shares[i];
                stack.Push(kids[i]);
            }
        }
        return result;
    }

    /// <summary>
    /// Largest-remainder (Hamilton) apportionment: whole shares of <paramref name="total"/> proportional to the
    /// weights, summing exactly to the total. With no positive weight, the total is shared equally.
    /// </summary>
    public static long[] Apportion(long total, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (total < 0)
            throw new ArgumentOutOfRangeException(nameof(total), total, "The total must be ≥ 0.");
        if (weights.Count == 0)
            return [];
        var positive = weights.Select(w => double.IsFinite(w) && w > 0 ? w : 0).ToList();
        var sum = positive.Sum();
        if (sum <= 0)
        {
            positive = weights.Select(_ => 1.0).ToList();
            sum = weights.Count;
        }
        var quotas = positive.Select(w => total * (w / sum)).ToList();
        var shares = quotas.Select(q => (long)Math.Floor(q)).ToArray();
        var left = total - shares.Sum();
        foreach (
            var i in Enumerable
                .Range(0, weights.Count)
                .OrderByDescending(i => quotas[i] - shares[i])
                .ThenBy(i => i)
                .Take((int)Math.Max(0, left))
        )
        {
            shares[i]++;
        }
        return shares;
    }
}
