using Planner.Solver.Allocation;

namespace Planner.Tests.Solver;

/// <summary>
/// Checks a plan against the problem without the model's code: it replays every node's stock day by day from
/// supplies, shipments and served demand, then checks lanes, capacities, reserve floors, bounds and tier order.
/// Returns every violation found.
/// </summary>
public static class AllocationChecker
{
    private const double Eps = 1e-4;

    public static IReadOnlyList<string> Check(AllocationProblem problem, AllocationResult result)
    {
        var errors = new List<string>();
        var lanes = problem.Lanes.ToDictionary(l => (l.From, l.To));
        var supplies = problem.Supplies.ToLookup(s => (s.Depot, s.Product, s.Day));
        var arrivals = result.Shipments.ToLookup(s => (s.To, s.Product, s.ArrivalDay));
        var departures = result.Shipments.ToLookup(s => (s.From, s.Product, s.Day));
        var allocations = result.Allocations.ToLookup(a => (a.Destination, a.Product, a.Day));
        var demands = problem.Demands.ToLookup(d => (d.Destination, d.Product, d.Day));
        var released = result.ReserveReleases.ToDictionary(r => (r.Depot, r.Product, r.Day), r => r.BelowFloor);
        // The LP works in units of the product's largest quantity ÷ 10^3 to 10^4 with a feasibility tolerance of 1e-7,
        // so a balance can be off by about 1e-10 of that quantity (half a thousandth of a mask for SURGICAL on the
        // sample); the replay allows 1e-9 of it, and never less than Eps.
        var precision = problem.Products.ToDictionary(
            p => p,
            p =>
                1e-9
                * problem
                    .Supplies.Where(s => s.Product == p)
                    .Select(s => s.Quantity)
                    .Concat(problem.Demands.Where(d => d.Product == p).Select(d => d.Quantity))
                    .DefaultIfEmpty(0)
                    .Max()
        );

        foreach (var s in result.Shipments)
        {
            if (!lanes.TryGetValue((s.From, s.To), out var lane))
            {
                errors.Add($"{s.Product}: shipment on a lane that does not exist: {s.From} → {s.To}.");
                continue;
            }
            if (s.ArrivalDay != s.Day + lane.LeadDays)
                errors.Add(
                    $"{s.Product}: {s.From} → {s.To} day {s.Day} arrives {s.ArrivalDay}, lead is {lane.LeadDays}."
                );
            if (s.ArrivalDay >= problem.Days)
                errors.Add($"{s.Product}: {s.From} → {s.To} arrives after the horizon.");
            if (s.Quantity < -Eps)
                errors.Add($"{s.Product}: negative shipment {s.Quantity}.");
            if (lane.DailyCapacity is { } cap && s.Quantity > cap + Eps * Math.Max(1, cap))
                errors.Add($"{s.Product}: {s.From} → {s.To} day {s.Day} carries {s.Quantity}, capacity {cap}.");
            if (result.Policy == Policy.NoSharing && lane.Kind == LaneKind.Transfer)
                errors.Add($"{s.Product}: no-sharing plan transfers {s.From} → {s.To}.");
        }

        foreach (var product in problem.Products)
        {
            var tierOneDemand = problem.Demands.Any(d => d.Product == product && d.Tier == 1 && d.Quantity > 0);
            foreach (var node in problem.Depots.Concat(problem.Destinations))
            {
                var floor = problem.ReserveFloors.Where(f => f.Depot == node && f.Product == product).Sum(f => f.Floor);
                double held = 0,
                    received = 0;
                for (var day = 0; day < problem.Days; day++)
                {
                    received +=
                        supplies[(node, product, day)].Sum(s => s.Quantity)
                        + arrivals[(node, product, day)].Sum(s => s.Quantity);
                    held += supplies[(node, product, day)].Sum(s => s.Quantity);
                    held += arrivals[(node, product, day)].Sum(s => s.Quantity);
                    held -= departures[(node, product, day)].Sum(s => s.Quantity);
                    held -= allocations[(node, product, day)].Sum(a => a.Served);
                    var tol = Math.Max(Eps * Math.Max(1, Math.Abs(held)), precision[product]);
                    if (held < -tol)
                        errors.Add(
                            $"{product}: {node} ships or serves more than it holds on day {day} (balance {held})."
                        );
                    if (floor > 0)
                    {
                        // What a reserve has received, up to its floor, it keeps, unless released for tier 1.
                        var below = released.GetValueOrDefault((node, product, day));
                        var keep = Math.Min(floor, received);
                        if (held < keep - below - Eps * Math.Max(1, floor))
                            errors.Add(
                                $"{product}: reserve {node} holds {held} on day {day}, under {keep} (its floor "
                                    + $"{floor}, or all it received) by more than the {below} released."
                            );
                        if (below > Eps && !tierOneDemand)
                            errors.Add($"{product}: reserve {node} released {below} on day {day} with no tier-1 need.");
                    }
                }
            }

            foreach (var destination in problem.Destinations)
            {
                for (var day = 0; day < problem.Days; day++)
                {
                    var rows = allocations[(destination, product, day)].OrderBy(a => a.Tier).ToList();
                    var demand = demands[(destination, product, day)]
                        .GroupBy(d => d.Tier)
                        .ToDictionary(g => g.Key, g => g.Sum(d => d.Quantity));
                    foreach (var a in rows)
                    {
                        if (Math.Abs(demand.GetValueOrDefault(a.Tier) - a.Demand) > Eps)
                            errors.Add(
                                $"{product}: {destination} day {day} tier {a.Tier} demand {a.Demand}, problem says "
                                    + $"{demand.GetValueOrDefault(a.Tier)}."
                            );
                        if (a.Served < -Eps || a.Served > a.Demand + Eps)
                            errors.Add(
                                $"{product}: {destination} day {day} tier {a.Tier} serves {a.Served} of {a.Demand}."
                            );
                        if (a.Shortfall >= 0.5 && a.Reason is null)
                            errors.Add(
                                $"{product}: {destination} day {day} tier {a.Tier} is short by {a.Shortfall} "
                                    + $"without a reason."
                            );
                    }
                    if (result.Policy is Policy.ProRata)
                        continue;
                    // Tier order: units at a destination on a day could serve any of its tiers, so a lower tier is
                    // served only when every higher tier there is full.
                    for (var i = 0; i < rows.Count; i++)
                    {
                        if (rows[i].Shortfall <= Eps * Math.Max(1, rows[i].Demand))
                            continue;
                        foreach (var lower in rows.Skip(i + 1).Where(r => r.Served > Eps))
                        {
                            errors.Add(
                                $"{product}: {destination} day {day} serves tier {lower.Tier} ({lower.Served}) "
                                    + $"while tier {rows[i].Tier} is short by {rows[i].Shortfall}."
                            );
                        }
                    }
                }
            }
        }

        var keys = problem.Demands.Select(d => (d.Destination, d.Product, d.Day, d.Tier)).Distinct().Count();
        if (result.Status != PlanStatus.Failed && result.Allocations.Count != keys)
        {
            errors.Add($"The result has {result.Allocations.Count} allocation rows for {keys} demand keys.");
        }
        return errors;
    }
}
