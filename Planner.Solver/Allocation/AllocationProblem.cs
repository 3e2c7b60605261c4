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

    /// <summary>Distribution centres (the province's and one per city) that receive supply and hold stock.</summary>
    public required IReadOnlyList<string> Depots { get; init; }

    /// <summary>Places where demand is served and stock may be held: counties and external assistance sites.</summary>
    public required IReadOnlyList<string> Destinations { get; init; }

    /// <summary>Quantities becoming available at a depot on a day (opening stock is supply on day 0).</summary>
    public required IReadOnlyList<Supply> Supplies { get; init; }

    /// <summary>Goods already on the road when the plan starts (earlier plans' shipments), arriving at a depot or a
    /// destination on a day of this plan.</summary>
    public IReadOnlyList<Arrival> Arrivals { get; init; } = [];

    /// <summary>Needs per destination, product, day and priority tier (1 = highest).</summary>
    public required IReadOnlyList<Demand> Demands { get; init; }

    /// <summary>Depot → depot transfers and depot → destination deliveries.</summary>
    public required IReadOnlyList<Lane> Lanes { get; init; }

    /// <summary>Stock a depot keeps untouched unless a tier-1 need would otherwise go unmet.</summary>
    public IReadOnlyList<ReserveFloor> ReserveFloors { get; init; } = [];

    /// <summary>Units per pack (carton) of each product: shipments are whole packs. A product missing here ships in
    /// whole units.</summary>
    public IReadOnlyDictionary<string, double> PackSizes { get; init; } = new Dictionary<string, double>();

    /// <summary>Residents per destination, for the population-share policy (destinations missing here are served
    /// without a quota).</summary>
    public IReadOnlyDictionary<string, double> Population { get; init; } = new Dictionary<string, double>();

    /// <summary>The plan being revised, when re-planning: changes against it are penalised and its dispatched shipments
    /// kept.</summary>
    public PreviousPlan? Previous { get; init; }

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
        var known = new Known(
            Products.ToHashSet(StringComparer.Ordinal),
            Depots.ToHashSet(StringComparer.Ordinal),
            Destinations.ToHashSet(StringComparer.Ordinal)
        );
        Duplicates(Products, "product", errors);
        Duplicates(Depots.Concat(Destinations), "node", errors);
        ValidateSupplies(known, errors);
        ValidateArrivals(known, errors);
        ValidateDemands(known, errors);
        ValidateLanes(known, errors);
        ValidateFloorsAndPopulation(known, errors);
        ValidatePrevious(known, errors);
        return errors;
    }

    /// <summary>The products, depots and destinations the records may name.</summary>
    private sealed record Known(HashSet<string> Products, HashSet<string> Depots, HashSet<string> Destinations);

    private void ValidateSupplies(Known known, List<string> errors)
    {
        foreach (var s in Supplies)
        {
            ValidateDated(
                new Dated("Supply", "of", s.Product, "depot", s.Depot, s.Day, null, s.Quantity),
                known.Products,
                known.Depots,
                errors
            );
        }
    }

    private void ValidateArrivals(Known known, List<string> errors)
    {
        var nodes = known.Depots.Concat(known.Destinations).ToHashSet(StringComparer.Ordinal);
        foreach (var a in Arrivals)
        {
            ValidateDated(
                new Dated("Arrival", "of", a.Product, "node", a.Node, a.Day, null, a.Quantity),
                known.Products,
                nodes,
                errors
            );
        }
    }

    private void ValidateDemands(Known known, List<string> errors)
    {
        foreach (var d in Demands)
        {
            ValidateDated(
                new Dated("Demand", "for", d.Product, "destination", d.Destination, d.Day, d.Tier, d.Quantity),
                known.Products,
                known.Destinations,
                errors
            );
        }
    }

    /// <summary>A supply or a demand, as their checks see it: "Supply of N95 at A", "Demand for N95 at X".</summary>
    private readonly record struct Dated(
        string Kind,
        string Of,
        string Product,
        string PlaceKind,
        string Place,
        int Day,
        int? Tier,
        double Quantity
    );

    /// <summary>
    /// The checks a supply and a demand share: a known product and place, a day inside the horizon, a tier from 1
    /// (demands only), a finite quantity ≥ 0.
    /// </summary>
    private void ValidateDated(Dated r, HashSet<string> products, HashSet<string> places, List<string> errors)
    {
        if (!products.Contains(r.Product))
            errors.Add($"{r.Kind} at {r.Place} names unknown product {r.Product}.");
        if (!places.Contains(r.Place))
            errors.Add($"{r.Kind} {r.Of} {r.Product} names unknown {r.PlaceKind} {r.Place}.");
        if (r.Day < 0 || r.Day >= Days)
            errors.Add($"{r.Kind} {r.Of} {r.Product} at {r.Place} is on day {r.Day}, outside 0..{Days - 1}.");
        if (r.Tier < 1)
            errors.Add($"{r.Kind} {r.Of} {r.Product} at {r.Place} has tier {r.Tier}; tiers start at 1.");
        if (!NonNegative(r.Quantity))
            errors.Add(
                $"{r.Kind} {r.Of} {r.Product} at {r.Place} on day {r.Day} is {r.Quantity}; quantities must be finite "
                    + $"and ≥ 0."
            );
    }

    private void ValidateLanes(Known known, List<string> errors)
    {
        foreach (var l in Lanes)
        {
            if (!known.Depots.Contains(l.From))
                errors.Add($"Lane {l.From} → {l.To} starts at {l.From}, which is not a depot.");
            if (!(known.Depots.Contains(l.To) || known.Destinations.Contains(l.To)))
                errors.Add($"Lane {l.From} → {l.To} ends at unknown node {l.To}.");
            if (l.From == l.To)
                errors.Add($"Lane {l.From} → {l.To} is a loop.");
            if (l.LeadDays < 0)
                errors.Add($"Lane {l.From} → {l.To} has lead time {l.LeadDays} days; it must be ≥ 0.");
            if (!NonNegative(l.CostPerUnit))
                errors.Add($"Lane {l.From} → {l.To} has cost {l.CostPerUnit}; it must be finite and ≥ 0.");
            if (!(l.DailyCapacity is null || NonNegative(l.DailyCapacity.Value)))
                errors.Add($"Lane {l.From} → {l.To} has daily capacity {l.DailyCapacity}; it must be finite and ≥ 0.");
        }
        foreach (var lane in Lanes.GroupBy(l => (l.From, l.To)).Where(g => g.Count() > 1))
        {
            errors.Add($"Lane {lane.Key.From} → {lane.Key.To} is listed {lane.Count()} times.");
        }
    }

    private void ValidateFloorsAndPopulation(Known known, List<string> errors)
    {
        foreach (var f in ReserveFloors)
        {
            if (!known.Depots.Contains(f.Depot))
                errors.Add($"Reserve floor of {f.Product} names unknown depot {f.Depot}.");
            if (!known.Products.Contains(f.Product))
                errors.Add($"Reserve floor at {f.Depot} names unknown product {f.Product}.");
            if (!NonNegative(f.Floor))
                errors.Add($"Reserve floor of {f.Product} at {f.Depot} is {f.Floor}; it must be finite and ≥ 0.");
        }
        foreach (var (code, population) in Population)
        {
            if (!known.Destinations.Contains(code))
                errors.Add($"Population names unknown destination {code}.");
            if (!NonNegative(population))
                errors.Add($"Population of {code} is {population}; it must be finite and ≥ 0.");
        }
    }

    private void ValidatePrevious(Known known, List<string> errors)
    {
        if (Previous is { } previous)
        {
            var lanes = Lanes.Select(l => (l.From, l.To)).ToHashSet();
            foreach (var s in previous.Shipments)
            {
                if (!lanes.Contains((s.From, s.To)))
                    errors.Add($"Previous shipment {s.From} → {s.To} uses a lane that does not exist.");
                if (!known.Products.Contains(s.Product))
                    errors.Add($"Previous shipment {s.From} → {s.To} names unknown product {s.Product}.");
                if (!NonNegative(s.Quantity))
                    errors.Add(
                        $"Previous shipment {s.From} → {s.To} of {s.Product} on day {s.Day} is {s.Quantity}; it "
                            + $"must be ≥ 0."
                    );
            }
        }
    }

    private static bool NonNegative(double value) => value >= 0 && double.IsFinite(value);

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

/// <summary>Units of a product on the road when the plan starts, arriving at a depot or a destination on a
/// day.</summary>
public sealed record Arrival(string Node, string Product, int Day, double Quantity);

/// <summary>Units of a product a destination needs on a day, at a priority tier (1 = highest).</summary>
public sealed record Demand(
    string Destination,
    string Product,
    int Day,
    int Tier,
    double Quantity,
    string? Segment = null
);

/// <summary>What a lane is for; the no-sharing policy closes <see cref="Transfer"/> lanes, and transfers are
/// counted.</summary>
public enum LaneKind
{
    /// <summary>A depot delivering to a destination (a city to its counties, or to an assistance site).</summary>
    Delivery,

    /// <summary>A transfer between two city depots, ordered by the province.</summary>
    Transfer,

    /// <summary>The provincial depot supplying a city depot.</summary>
    Provincial,
}

/// <summary>A lane from a depot: what ships on day t arrives on day t + LeadDays; at most DailyCapacity units a day
/// when set.</summary>
public sealed record Lane(
    string From,
    string To,
    int LeadDays,
    double CostPerUnit,
    double? DailyCapacity = null,
    LaneKind Kind = LaneKind.Delivery
);

/// <summary>Stock of a product a depot keeps on hand every day, unless tier-1 needs would otherwise go unmet.</summary>
public sealed record ReserveFloor(string Depot, string Product, double Floor);

/// <summary>The plan being revised: its shipments, of which those leaving on or before
/// <see cref="DispatchedThroughDay"/> are already on the road.</summary>
public sealed record PreviousPlan(IReadOnlyList<Shipment> Shipments, int DispatchedThroughDay);
