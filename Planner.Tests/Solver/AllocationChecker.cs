using Planner.Solver.Allocation;

namespace Planner.Tests.Solver;

/// <summary>
/// Checks a plan against the problem without using the model's code: it replays the shipments day by day
/// and recomputes every depot's stock, then checks deliveries, bounds and tier order.
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
        var stock = result.Stock.ToDictionary(s => (s.Depot, s.Product, s.Day));
        var allocations = result.Allocations.ToLookup(a => (a.Destination, a.Product, a.Day));
        var demands = problem.Demands.ToLookup(d => (d.Destination, d.Product, d.Day));

        foreach (var s in result.Shipments)
        {
            if (!lanes.TryGetValue((s.From, s.To), out var lane))
            {
                errors.Add($"{s.Product}: shipment on a lane that does not exist: {s.From} → {s.To}.");
                continue;
            }
            if (s.ArrivalDay != s.Day + lane.LeadDays) errors.Add($"{s.Product}: {s.From} → {s.To} day {s.Day} arrives {s.ArrivalDay}, lead is {lane.LeadDays}.");
            if (s.ArrivalDay >= problem.Days) errors.Add($"{s.Product}: {s.From} → {s.To} arrives after the horizon.");
            if (s.Quantity < -Eps) errors.Add($"{s.Product}: negative shipment {s.Quantity}.");
        }

        foreach (var product in problem.Products)
        {
            // Replay each depot: nothing may leave that has not arrived.
            foreach (var depot in problem.Depots)
            {
                double held = 0;
                for (var day = 0; day < problem.Days; day++)
                {
                    held += supplies[(depot, product, day)].Sum(s => s.Quantity);
                    held += arrivals[(depot, product, day)].Sum(s => s.Quantity);
                    held -= departures[(depot, product, day)].Sum(s => s.Quantity);
                    if (held < -Eps * Math.Max(1, Math.Abs(held))) errors.Add($"{product}: depot {depot} ships more than it holds on day {day} (balance {held}).");
                    if (stock.TryGetValue((depot, product, day), out var reported) && Math.Abs(reported.Quantity - held) > Eps * Math.Max(1, held)) errors.Add($"{product}: depot {depot} day {day} reports stock {reported.Quantity}, replay gives {held}.");
                }
            }

            foreach (var destination in problem.Destinations)
            {
                for (var day = 0; day < problem.Days; day++)
                {
                    var arrived = arrivals[(destination, product, day)].Sum(s => s.Quantity);
                    var rows = allocations[(destination, product, day)].OrderBy(a => a.Tier).ToList();
                    var served = rows.Sum(a => a.Served);
                    if (Math.Abs(arrived - served) > Eps * Math.Max(1, arrived)) errors.Add($"{product}: {destination} day {day} receives {arrived} but serves {served}.");
                    var demand = demands[(destination, product, day)]
                        .GroupBy(d => d.Tier).ToDictionary(g => g.Key, g => g.Sum(d => d.Quantity));
                    foreach (var a in rows)
                    {
                        if (Math.Abs(demand.GetValueOrDefault(a.Tier) - a.Demand) > Eps) errors.Add($"{product}: {destination} day {day} tier {a.Tier} demand {a.Demand}, problem says {demand.GetValueOrDefault(a.Tier)}.");
                        if (a.Served < -Eps || a.Served > a.Demand + Eps) errors.Add($"{product}: {destination} day {day} tier {a.Tier} serves {a.Served} of {a.Demand}.");
                    }
                    // Tier order: the same units could have served the higher tier, so a lower tier may be served only when every higher tier there is full.
                    for (var i = 0; i < rows.Count; i++)
                    {
                        if (rows[i].Shortfall <= Eps * Math.Max(1, rows[i].Demand)) continue;
                        foreach (var lower in rows.Skip(i + 1).Where(r => r.Served > Eps))
                        {
                            errors.Add($"{product}: {destination} day {day} serves tier {lower.Tier} ({lower.Served}) while tier {rows[i].Tier} is short by {rows[i].Shortfall}.");
                        }
                    }
                }
            }
        }

        if (result.Status != PlanStatus.Failed && result.Allocations.Count != problem.Demands.Select(d => (d.Destination, d.Product, d.Day, d.Tier)).Distinct().Count())
        {
            errors.Add($"The result has {result.Allocations.Count} allocation rows for {problem.Demands.Select(d => (d.Destination, d.Product, d.Day, d.Tier)).Distinct().Count()} demand keys.");
        }
        return errors;
    }
}
