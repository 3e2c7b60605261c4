using System.Globalization;
using System.Text.RegularExpressions;
using Planner.Solver.Allocation;

namespace Planner.Solver.Risk;

/// <summary>
/// Solves a problem with buffer lines (<see cref="SafetyStock"/>): each protected tier's buffers are served in a tier
/// of their own right after it, ahead of the next tier, so a buffer never takes from the median need of its tier or a
/// higher one and takes from lower tiers only what the optimum must. The solver sees the tiers renumbered; the result
/// comes back in the problem's tiers, with the buffers' allocations in <see cref="AllocationResult.Buffers"/> and not
/// among the needs. Without buffers this is <see cref="AllocationModel.Solve"/>.
/// </summary>
public static partial class HedgedAllocation
{
    /// <summary>The plan for <paramref name="problem"/> with <paramref name="buffers"/> served after their
    /// tiers.</summary>
    public static AllocationResult Solve(
        AllocationProblem problem,
        IReadOnlyList<Demand> buffers,
        AllocationSettings settings
    )
    {
        if (buffers.Count == 0)
            return AllocationModel.Solve(problem, settings);
        // Solver tiers in order: each tier, then its buffers if it has any.
        var order = problem
            .Demands.Select(d => (d.Tier, Buffer: false))
            .Concat(buffers.Select(b => (b.Tier, Buffer: true)))
            .Distinct()
            .OrderBy(t => t.Tier)
            .ThenBy(t => t.Buffer)
            .ToList();
        var solverTier = order.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i + 1);
        var solved = AllocationModel.Solve(
            problem with
            {
                Demands =
                [
                    .. problem.Demands.Select(d => d with { Tier = solverTier[(d.Tier, false)] }),
                    .. buffers.Select(b => b with { Tier = solverTier[(b.Tier, true)] }),
                ],
            },
            settings
        );
        (int Tier, bool Buffer) Of(int tier) => order[tier - 1];
        return solved with
        {
            Allocations = solved
                .Allocations.Where(a => !Of(a.Tier).Buffer)
                .Select(a => a with { Tier = Of(a.Tier).Tier })
                .ToList(),
            Buffers = solved
                .Allocations.Where(a => Of(a.Tier).Buffer)
                .Select(a => a with { Tier = Of(a.Tier).Tier })
                .ToList(),
            Stages = solved.Stages.Select(s => s with { Stage = Renamed(s.Stage, Of) }).ToList(),
            FairnessCosts = solved
                .FairnessCosts.Where(f => !Of(f.Tier).Buffer)
                .Select(f => f with { Tier = Of(f.Tier).Tier })
                .ToList(),
            RoundingCosts = solved
                .RoundingCosts.Where(r => !Of(r.Tier).Buffer)
                .Select(r => r with { Tier = Of(r.Tier).Tier })
                .ToList(),
        };
    }

    /// <summary>A stage's name in the problem's tiers: <c>tier3_served</c> → <c>tier2_buffer_served</c>.</summary>
    private static string Renamed(string stage, Func<int, (int Tier, bool Buffer)> of) =>
        TierName()
            .Replace(stage, m =>
            {
                var (tier, buffer) = of(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                return buffer ? $"tier{tier}_buffer" : $"tier{tier}";
            });

    [GeneratedRegex(@"tier(\d+)")]
    private static partial Regex TierName();
}
