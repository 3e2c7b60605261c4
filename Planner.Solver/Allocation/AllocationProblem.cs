namespace Planner.Solver.Allocation;

/// <summary>
/// Everything the allocation model needs, free of I/O: where supply appears, who needs what on which day
/// at which priority, and the lanes between them. Days are 0-based offsets from the plan's first day.
/// </summary>
public sealed record AllocationProblem
{
    /// <summary>Number of days in the horizon (day 0 … Days − 1).</summary>
    public required int Days { get; init; }

    /// <summary>Product codes; products do not share lanes or stock, so each is planned independently.</summary>
    public required IReadOnlyList<string> Products { get; init; }

    /// <summary>Distribution centres (one per city) that receive production and hold stock.</summary>
    public required IReadOnlyList<string> Depots { get; init; }

    /// <summary>Places where demand is served: counties and external assistance sites.</summary>
    public required IReadOnlyList<string> Destinations { get; init; }

    /// <summary>Quantities becoming available at a depot on a day (opening stock is supply on day 0).</summary>
    public required IReadOnlyList<Supply> Supplies { get; init; }

    /// <summary>Needs per destination, product, day and priority tier (1 = highest).</summary>
    public required IReadOnlyList<Demand> Demands { get; init; }

    /// <summary>Depot → depot transfers and depot → destination deliveries.</summary>
    public required IReadOnlyList<Lane> Lanes { get; init; }

    /// <summary>
    /// Checks the data before any model is built, so bad input is rejected with a message that names the record.
    /// Returns every problem found, not just the first.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Days < 1)
        {
            errors.Add($"Days must be at least 1 (got {Days}).");
        }
        var products = Products.ToHashSet(StringComparer.Ordinal);
        var depots = Depots.ToHashSet(StringComparer.Ordinal);
        var destinations = Destinations.ToHashSet(StringComparer.Ordinal);
        Duplicates(Products, "product", errors);
        Duplicates(Depots.Concat(Destinations), "node", errors);

        foreach (var s in Supplies)
        {
            Check(products.Contains(s.Product), $"Supply at {s.Depot} names unknown product {s.Product}.");
            Check(depots.Contains(s.Depot), $"Supply of {s.Product} names unknown depot {s.Depot}.");
            Check(s.Day >= 0 && s.Day < Days, $"Supply of {s.Product} at {s.Depot} is on day {s.Day}, outside 0..{Days - 1}.");
            Check(s.Quantity >= 0 && double.IsFinite(s.Quantity), $"Supply of {s.Product} at {s.Depot} on day {s.Day} is {s.Quantity}; quantities must be finite and ≥ 0.");
        }
        foreach (var d in Demands)
        {
            Check(products.Contains(d.Product), $"Demand at {d.Destination} names unknown product {d.Product}.");
            Check(destinations.Contains(d.Destination), $"Demand for {d.Product} names unknown destination {d.Destination}.");
            Check(d.Day >= 0 && d.Day < Days, $"Demand for {d.Product} at {d.Destination} is on day {d.Day}, outside 0..{Days - 1}.");
            Check(d.Tier >= 1, $"Demand for {d.Product} at {d.Destination} has tier {d.Tier}; tiers start at 1.");
            Check(d.Quantity >= 0 && double.IsFinite(d.Quantity), $"Demand for {d.Product} at {d.Destination} on day {d.Day} is {d.Quantity}; quantities must be finite and ≥ 0.");
        }
        foreach (var l in Lanes)
        {
            Check(depots.Contains(l.From), $"Lane {l.From} → {l.To} starts at {l.From}, which is not a depot.");
            Check(depots.Contains(l.To) || destinations.Contains(l.To), $"Lane {l.From} → {l.To} ends at unknown node {l.To}.");
            Check(l.From != l.To, $"Lane {l.From} → {l.To} is a loop.");
            Check(l.LeadDays >= 0, $"Lane {l.From} → {l.To} has lead time {l.LeadDays} days; it must be ≥ 0.");
            Check(l.CostPerUnit >= 0 && double.IsFinite(l.CostPerUnit), $"Lane {l.From} → {l.To} has cost {l.CostPerUnit}; it must be finite and ≥ 0.");
        }
        foreach (var lane in Lanes.GroupBy(l => (l.From, l.To)).Where(g => g.Count() > 1))
        {
            errors.Add($"Lane {lane.Key.From} → {lane.Key.To} is listed {lane.Count()} times.");
        }
        return errors;

        void Check(bool ok, string message)
        {
            if (!ok) errors.Add(message);
        }
    }

    private static void Duplicates(IEnumerable<string> codes, string what, List<string> errors)
    {
        foreach (var code in codes.GroupBy(c => c, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"The {what} code {code.Key} appears {code.Count()} times.");
        }
    }
}

/// <summary>Units of a product that become available at a depot on a day.</summary>
public sealed record Supply(string Depot, string Product, int Day, double Quantity);

/// <summary>Units of a product a destination needs on a day, at a priority tier (1 = highest).</summary>
public sealed record Demand(string Destination, string Product, int Day, int Tier, double Quantity);

/// <summary>A lane from a depot: what ships on day t arrives on day t + LeadDays.</summary>
public sealed record Lane(string From, string To, int LeadDays, double CostPerUnit);
