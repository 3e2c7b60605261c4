using System.Collections.Concurrent;

namespace Planner.Solver.Allocation;

/// <summary>
/// Plans the allocation of every product: builds each product's network (<see cref="ProductModel"/>), solves it
/// stage by stage under the chosen policy (<see cref="Stages"/>), reads the plan back and explains every shortfall
/// (<see cref="ShortfallExplainer"/>). Products share nothing, so they are solved in parallel; the result is
/// assembled in product order and does not depend on the parallelism.
/// </summary>
public static class AllocationModel
{
    private const double Epsilon = 1e-6;

    /// <summary>Solves the problem; throws <see cref="ArgumentException"/> listing every data error first.</summary>
    public static AllocationResult Solve(AllocationProblem problem, AllocationSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        settings ??= new AllocationSettings();
        Check(problem, settings);

        var products = problem.Products.Order(StringComparer.Ordinal).ToList();
        var parts = new AllocationResult[products.Count];
        var order = LargestFirst(problem, products);
        Parallel.ForEach(
            Partitioner.Create(order, EnumerablePartitionerOptions.NoBuffering),
            new ParallelOptions
            {
                MaxDegreeOfParallelism = Math.Max(1, settings.Parallelism),
                CancellationToken = settings.Cancellation,
            },
            i => parts[i] = SolveProduct(problem, products[i], settings)
        );

        return Assemble(parts, settings.Policy);
    }

    /// <summary>Every data error at once, and a solver that exists here.</summary>
    private static void Check(AllocationProblem problem, AllocationSettings settings)
    {
        var errors = problem.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(
                "The allocation problem is invalid:\n" + string.Join("\n", errors.Select(e => " - " + e)),
                nameof(problem)
            );
        }
        if (Google.OrTools.LinearSolver.Solver.CreateSolver(settings.Solver) is not { } probe)
        {
            throw new ArgumentException(
                $"OR-Tools has no LP solver called '{settings.Solver}' here; use GLOP, PDLP, CLP or HIGHS_LP.",
                nameof(settings)
            );
        }
        probe.Dispose();
    }

    /// <summary>
    /// Largest first, each thread taking the next product when it is free: five products on two cores otherwise
    /// leave one core idle at the end. Sizes are demand rows (distinct tiers weigh most in the stage count).
    /// </summary>
    private static List<int> LargestFirst(AllocationProblem problem, List<string> products)
    {
        var size = problem
            .Demands.GroupBy(d => d.Product, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => (Tiers: g.Select(d => d.Tier).Distinct().Count(), Rows: g.Count()),
                StringComparer.Ordinal
            );
        return Enumerable
            .Range(0, products.Count)
            .OrderByDescending(i => size.GetValueOrDefault(products[i]).Tiers)
            .ThenByDescending(i => size.GetValueOrDefault(products[i]).Rows)
            .ThenBy(i => i)
            .ToList();
    }

    private static AllocationResult Assemble(AllocationResult[] parts, Policy policy)
    {
        var status = parts.Select(p => p.Status).DefaultIfEmpty(PlanStatus.Optimal).Max();
        if (status == PlanStatus.Failed)
        {
            return new AllocationResult(status, policy, parts.SelectMany(p => p.Stages).ToList(), [], [], []);
        }
        return new AllocationResult(
            status,
            policy,
            parts.SelectMany(p => p.Stages).ToList(),
            parts.SelectMany(p => p.Allocations).ToList(),
            parts.SelectMany(p => p.Shipments).ToList(),
            parts.SelectMany(p => p.Stock).ToList()
        )
        {
            ReserveReleases = parts.SelectMany(p => p.ReserveReleases).ToList(),
            Binding = parts.SelectMany(p => p.Binding).ToList(),
            FairnessCosts = parts.SelectMany(p => p.FairnessCosts).ToList(),
            RoundingCosts = parts.SelectMany(p => p.RoundingCosts).ToList(),
            Transfers = parts.Sum(p => p.Transfers),
        };
    }

    private static AllocationResult SolveProduct(AllocationProblem problem, string product, AllocationSettings settings)
    {
        using var model = new ProductModel(problem, product, settings, settings.Solver);
        var stages = new Stages(model);
        stages.Run();
        if (stages.Status == PlanStatus.Failed)
        {
            return new AllocationResult(PlanStatus.Failed, settings.Policy, stages.Results, [], [], []);
        }
        var scale = model.Scale;
        var shipments = model
            .Ships.Select(s => (s, q: Clean(model.Value(s) * scale)))
            .Where(x => x.q > 0)
            .Select(x => new Shipment(x.s.Lane.From, x.s.Lane.To, product, x.s.Day, x.s.Day + x.s.Lane.LeadDays, x.q))
            .ToList();
        var stock = model
            .Stock.Select(kv => new StockLevel(kv.Key.Node, product, kv.Key.Day, Clean(model.Value(kv.Value) * scale)))
            .ToList();
        var optimum = Allocations(model, product, settings.Policy);
        var allocations = optimum;
        if (settings.WholePacks)
            (shipments, stock, allocations) = PackRounding.Round(
                problem,
                product,
                shipments,
                stock,
                optimum,
                settings.Policy
            );
        var below = model
            .BelowFloor.Select(b => (b.Floor, b.Day, Quantity: Clean(model.Value(b.Var) * scale)))
            .ToList();

        var explainer = new ShortfallExplainer(
            problem,
            product,
            settings.Policy,
            model.Ships.Select(s => s.Lane).Distinct().ToList(),
            shipments,
            stock,
            allocations,
            below
        );
        return new AllocationResult(
            stages.Status,
            settings.Policy,
            stages.Results,
            explainer.Explained(),
            shipments,
            stock
        )
        {
            ReserveReleases = explainer.ReserveReleases(),
            Binding = explainer.Binding(),
            FairnessCosts = stages.Fairness,
            RoundingCosts = PackRounding.Costs(optimum, allocations),
            Transfers = stages.Transfers,
        };
    }

    /// <summary>What each destination gets per day and tier (in tier order unless pro-rata).</summary>
    private static List<Allocation> Allocations(ProductModel model, string product, Policy policy)
    {
        var scale = model.Scale;
        var allocations = model
            .ServedVars.Select(s => new Allocation(
                s.Destination,
                product,
                s.Day,
                s.Tier,
                s.Need,
                Math.Min(s.Need, Clean(model.Value(s.Var) * scale))
            ))
            .ToList();
        return policy != Policy.ProRata ? InTierOrder(allocations) : allocations;
    }

    /// <summary>
    /// The units a destination has on a day can serve any of its tiers, so they are handed out again highest tier
    /// first. Flows and stock do not change; this only removes the crumbs (≤ the stage tolerance) that a later stage
    /// may move from a higher tier to a lower one within the tolerance of the higher tier's fixed optimum.
    /// </summary>
    private static List<Allocation> InTierOrder(List<Allocation> allocations)
    {
        // The served variables, and so the allocations, are ordered by destination, day and tier (ProductModel.Build):
        // a destination-day's tiers are consecutive, highest first.
        var ordered = new List<Allocation>(allocations.Count);
        for (var start = 0; start < allocations.Count; )
        {
            var (destination, day) = (allocations[start].Destination, allocations[start].Day);
            var end = start;
            var left = 0.0;
            while (
                end < allocations.Count && allocations[end].Day == day && allocations[end].Destination == destination
            )
                left += allocations[end++].Served;
            for (; start < end; start++)
            {
                var served = Clean(Math.Min(allocations[start].Demand, left));
                left = Math.Max(0, left - served);
                ordered.Add(allocations[start] with { Served = served });
            }
        }
        return ordered;
    }

    /// <summary>Solver noise (1e-12, −0.0) would otherwise show up in workbooks and break byte-identical
    /// output.</summary>
    internal static double Clean(double value)
    {
        var rounded = Math.Round(value, 6);
        return rounded <= Epsilon ? 0 : rounded;
    }
}
