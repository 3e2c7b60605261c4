using Planner.Solver.Allocation;

namespace Planner.Api.Planning;

/// <summary>
/// What earlier published plans did before this one starts. Logistics officers dispatch from the plan in force on
/// each day (the latest published baseline plan whose horizon covers the day, the newest start first), so a rolling
/// plan starts from the stock the reports and those dispatches leave, and counts the goods still on the road:
/// <list type="bullet">
/// <item>a depot's opening stock = its latest stock report on or before the as-of day + production reported after it
/// up to the as-of day − what the plans in force sent out after it + what they sent in (transfers) that arrived by
/// the as-of day; never below 0 (a warning names the depot when the dispatches exceed it);</item>
/// <item>a shipment sent on or before the as-of day that arrives on a planned day is an <see cref="Arrival"/>.</item>
/// </list>
/// The plans are assumed to have been dispatched as published (there is no dispatch feed: what left a depot is the
/// line's quantity). What arrived is what the consignee confirmed (<see cref="EarlierShipment.Received"/>, issue 21
/// item 5): a line with a receipt arrives on the day it was received with the quantity received in good order, so
/// that a shortage or damage is missing from the next plan's stock and the plan can make up for it. A line without
/// a receipt (not confirmed yet, overdue or not) counts as published: its whole quantity, on its planned arrival
/// day. Officers confirm a day or more after goods arrive, so most of the latest lines are unconfirmed while on
/// the road or just unloaded; counting them as lost would ship the same goods twice, and nothing would tell the
/// lost from the merely unconfirmed. The overdue list (in the next plan's Summary) is where those lines are chased.
/// </summary>
public static class EarlierPlans
{
    /// <summary>How far back dispatches are looked for: a plan's horizon.</summary>
    public const int LookBackDays = 14;

    /// <summary>For each of the <see cref="LookBackDays"/> days before <paramref name="start"/>, the run in force that
    /// day, if any.</summary>
    public static IReadOnlyList<(DateOnly Day, string RunId, DateOnly RunStart)> InForce(
        IReadOnlyList<EarlierRun> runs,
        DateOnly start
    )
    {
        var days = new List<(DateOnly, string, DateOnly)>();
        for (var day = start.AddDays(-LookBackDays); day < start; day = day.AddDays(1))
        {
            var run = runs.Where(r => r.PlanStart <= day && day < r.PlanStart.AddDays(r.HorizonDays))
                .OrderByDescending(r => r.PlanStart)
                .ThenByDescending(r => r.FinishedAt)
                .ThenByDescending(r => r.Id, StringComparer.Ordinal)
                .FirstOrDefault();
            if (run is not null)
                days.Add((day, run.Id, run.PlanStart));
        }
        return days;
    }

    /// <summary>Opening stock per depot and product as supply on day 0, the arrivals, and warnings.</summary>
    public static (List<Supply> Opening, List<Arrival> Arrivals, List<string> Warnings) CarryOver(
        PlanInputs inputs,
        IReadOnlyDictionary<(string Depot, string Product), double> releasedSinceStock,
        IReadOnlyList<string> depots,
        IReadOnlyList<Lane> lanes
    )
    {
        var lead = lanes.ToDictionary(l => (l.From, l.To), l => l.LeadDays);
        var asOf = inputs.PlanStart.AddDays(-1);
        var stockDate = inputs.OpeningStock.ToDictionary(s => (s.Depot, s.Product), s => s.Day);
        var opening = inputs.OpeningStock.ToDictionary(s => (s.Depot, s.Product), s => (double)s.Quantity);
        foreach (var (key, quantity) in releasedSinceStock)
            opening[key] = opening.GetValueOrDefault(key) + quantity;
        var arrivals = new List<Arrival>();
        foreach (var s in inputs.EarlierShipments.Where(s => lead.ContainsKey((s.From, s.To))))
        {
            // Confirmed: the day and quantity received; unconfirmed: as published (see above).
            var arrival = s.ReceivedOn ?? s.Dispatched.AddDays(lead[(s.From, s.To)]);
            var arrived = s.Received ?? s.Quantity;
            if (s.Dispatched > stockDate.GetValueOrDefault((s.From, s.Product), DateOnly.MinValue))
                opening[(s.From, s.Product)] = opening.GetValueOrDefault((s.From, s.Product)) - s.Quantity;
            var counted = stockDate.GetValueOrDefault((s.To, s.Product), DateOnly.MinValue);
            if (arrival <= asOf && arrival > counted && depots.Contains(s.To))
                opening[(s.To, s.Product)] = opening.GetValueOrDefault((s.To, s.Product)) + arrived;
            else if (arrival > asOf && arrival.DayNumber - inputs.PlanStart.DayNumber < inputs.HorizonDays)
                arrivals.Add(new Arrival(s.To, s.Product, arrival.DayNumber - inputs.PlanStart.DayNumber, arrived));
        }
        var warnings = opening
            .Where(o => o.Value < -0.5)
            .OrderBy(o => o.Key.Depot, StringComparer.Ordinal)
            .ThenBy(o => o.Key.Product, StringComparer.Ordinal)
            .Select(o =>
                WarningText.Overdrawn(
                    WarningText.Region(inputs.Regions.FirstOrDefault(r => r.Code == o.Key.Depot), o.Key.Depot),
                    ProductionSupply.Product(inputs, o.Key.Product),
                    -o.Value
                )
            )
            .ToList();
        var supplies = opening
            .OrderBy(o => o.Key.Depot, StringComparer.Ordinal)
            .ThenBy(o => o.Key.Product, StringComparer.Ordinal)
            .Select(o => new Supply(o.Key.Depot, o.Key.Product, 0, Math.Max(0, o.Value)))
            .ToList();
        return (supplies, Merged(arrivals), warnings);
    }

    private static List<Arrival> Merged(List<Arrival> arrivals) =>
        arrivals
            .GroupBy(a => (a.Node, a.Product, a.Day))
            .Select(g => new Arrival(g.Key.Node, g.Key.Product, g.Key.Day, g.Sum(a => a.Quantity)))
            .OrderBy(a => a.Day)
            .ThenBy(a => a.Node, StringComparer.Ordinal)
            .ThenBy(a => a.Product, StringComparer.Ordinal)
            .ToList();
}

/// <summary>A published baseline plan that started before this one.</summary>
public sealed record EarlierRun
{
    public string Id { get; init; } = "";
    public DateOnly PlanStart { get; init; }
    public int HorizonDays { get; init; }
    public DateTimeOffset FinishedAt { get; init; }
}

/// <summary>A shipment the plan in force sent on a day before this plan starts.</summary>
public sealed record EarlierShipment(DateOnly Dispatched, string From, string To, string Product, double Quantity)
{
    /// <summary>What the consignee confirmed receiving in good order (shortage and damage left out); null while the
    /// line has no receipt.</summary>
    public long? Received { get; init; }

    /// <summary>The day the consignee received it; null while the line has no receipt.</summary>
    public DateOnly? ReceivedOn { get; init; }
}
