namespace Planner.Solver.Allocation;

/// <summary>
/// Reads a solved plan of one product and says why each unmet need is unmet, checking the causes in order:
/// <list type="number">
/// <item>no route: no open lane chain reaches the destination from any supply;</item>
/// <item>lead time: nothing could have arrived by that day;</item>
/// <item>lane capacity: a lane into the destination, or into the depot that delivers to it, was full on the way;</item>
/// <item>reserve floor: a reserve sat at its floor while this lower-tier need went short;</item>
/// <item>policy rule: a spreadsheet policy held back supply that was still in stock;</item>
/// <item>lower priority: higher tiers of the product took the supply;</item>
/// <item>supply exhausted: everything that could get there was used.</item>
/// </list>
/// </summary>
internal sealed class ShortfallExplainer
{
    private const double Eps = 1e-6;

    /// <summary>The smallest shortfall that gets a reason.</summary>
    public const double HalfUnit = 0.5;

    private readonly AllocationProblem _problem;
    private readonly string _product;
    private readonly Policy _policy;
    private readonly IReadOnlyList<Lane> _lanes;
    private readonly IReadOnlyList<Shipment> _shipments;
    private readonly IReadOnlyList<StockLevel> _stock;
    private readonly IReadOnlyList<Allocation> _allocations;
    private readonly IReadOnlyList<(ReserveFloor Floor, int Day, double Quantity)> _below;
    private readonly Dictionary<string, int> _earliest;
    private readonly Dictionary<(string, int), double> _stockIndex;
    private readonly bool _anySupply;

    public ShortfallExplainer(
        AllocationProblem problem,
        string product,
        Policy policy,
        IReadOnlyList<Lane> openLanes,
        IReadOnlyList<Shipment> shipments,
        IReadOnlyList<StockLevel> stock,
        IReadOnlyList<Allocation> allocations,
        IReadOnlyList<(ReserveFloor Floor, int Day, double Quantity)> below
    )
    {
        _problem = problem;
        _product = product;
        _policy = policy;
        _lanes = openLanes;
        _shipments = shipments;
        _stock = stock;
        _allocations = allocations;
        _below = below;
        _stockIndex = stock.ToDictionary(s => (s.Node, s.Day), s => s.Quantity);
        _anySupply = problem.Supplies.Any(s => s.Product == product && s.Quantity > 0);
        _earliest = EarliestArrival();
    }

    /// <summary>The allocations with a reason on every row that falls short.</summary>
    public IReadOnlyList<Allocation> Explained()
    {
        var saturated = SaturatedLanes().ToLookup(s => s.Lane.To);
        var deliveredBy = _lanes.Where(l => l.Kind == LaneKind.Delivery).ToLookup(l => l.To, l => l.From);
        var firstFloorDay = _below
            .Where(b => StockAt(b.Floor.Depot, b.Day) <= b.Floor.Floor + Eps)
            .Select(b => b.Day)
            .DefaultIfEmpty(int.MaxValue)
            .Min();
        var topTier = _allocations.Select(a => a.Tier).DefaultIfEmpty(1).Min();
        var higherServedFrom = _allocations
            .Where(a => a.Served > Eps)
            .GroupBy(a => a.Tier)
            .ToDictionary(g => g.Key, g => g.Min(a => a.Day));
        var floors = _problem.ReserveFloors.Where(f => f.Product == _product).Sum(f => f.Floor);
        var unused = Unused(floors);

        // The reserve floor holds back units from the first tier below tier 1 that runs short; tiers under that one
        // are short because it comes first.
        var firstShortTier = _allocations
            .Where(a => a.Tier > 1 && Short(a) && Reachable(a) && !Saturated(a))
            .Select(a => a.Tier)
            .DefaultIfEmpty(int.MaxValue)
            .Min();
        var blamed = BlamedOnTheFloor(
            _allocations.Where(a => a.Tier == firstShortTier && Short(a) && firstFloorDay <= a.Day),
            floors
        );
        return _allocations.Select(a => Short(a) ? a with { Reason = Reason(a) } : a).ToList();

        ShortfallReason Reason(Allocation a)
        {
            if (!_anySupply)
                return ShortfallReason.SupplyExhausted;
            if (!_earliest.TryGetValue(a.Destination, out var earliest))
                return ShortfallReason.NoRoute;
            if (a.Day < earliest)
                return ShortfallReason.LeadTime;
            if (Saturated(a))
                return ShortfallReason.LaneCapacity;
            if (blamed.Contains(a))
                return ShortfallReason.ReserveFloor;
            if (_policy is Policy.ProRata or Policy.PopulationShare && unused.GetValueOrDefault(a.Day) > Eps)
                return ShortfallReason.PolicyRule;
            if (a.Tier > topTier && higherServedFrom.Any(kv => kv.Key < a.Tier && kv.Value <= a.Day))
                return ShortfallReason.LowerPriority;
            return ShortfallReason.SupplyExhausted;
        }

        // Less than half a unit short is the solver's tolerance, not a shortfall of whole items.
        bool Short(Allocation a) => a.Shortfall >= HalfUnit;

        bool Reachable(Allocation a) => _anySupply && _earliest.TryGetValue(a.Destination, out var e) && a.Day >= e;

        bool Saturated(Allocation a) =>
            deliveredBy[a.Destination]
                .Append(a.Destination)
                .SelectMany(n => saturated[n])
                .Any(s => s.Day + s.Lane.LeadDays <= a.Day);
    }

    /// <summary>Per day, the stock the depots hold above the reserve floors.</summary>
    private Dictionary<int, double> Unused(double floors) =>
        Enumerable.Range(0, _problem.Days).ToDictionary(d => d, d => _problem.Depots.Sum(n => StockAt(n, d)) - floors);

    /// <summary>The floor can be blamed for at most what it holds: the first short tier's rows take the reason day by
    /// day, the largest shortfall first, each only if its whole shortfall fits in what the floors hold beyond the
    /// rows blamed before it; the rest are short for the reasons below it. (A row has one reason: one larger than
    /// the floors is not the floor's doing alone, and releasing the floor would not recover it.)</summary>
    private static HashSet<Allocation> BlamedOnTheFloor(IEnumerable<Allocation> candidates, double floors)
    {
        var blamed = new HashSet<Allocation>(ReferenceEqualityComparer.Instance);
        var budget = floors;
        foreach (var a in candidates.OrderBy(a => a.Day).ThenByDescending(a => a.Shortfall))
        {
            if (budget < HalfUnit)
                break;
            if (a.Shortfall > budget + Eps)
                continue;
            blamed.Add(a);
            budget -= a.Shortfall;
        }
        return blamed;
    }

    /// <summary>
    /// Each day a reserve was drawn below its floor, with the tier-1 destinations served that day. A reserve that has
    /// not received its floor yet is short of it by the difference whatever the plan does: only what it lacks beyond
    /// that was released.
    /// </summary>
    public IReadOnlyList<ReserveRelease> ReserveReleases()
    {
        var servedOn = _allocations.Where(a => a.Tier == 1 && a.Served > Eps).ToLookup(a => a.Day, a => a.Destination);
        return _below
            .Select(b => (b.Floor, b.Day, Quantity: Released(b)))
            .Where(b => b.Quantity > Eps)
            .Select(b => new ReserveRelease(
                b.Floor.Depot,
                _product,
                b.Day,
                AllocationModel.Clean(b.Quantity),
                servedOn[b.Day].Distinct().Order(StringComparer.Ordinal).ToList()
            ))
            .ToList();
    }

    /// <summary>
    /// What a reserve lacks of its floor beyond how far the floor is above everything the depot has received by the
    /// day (supply and arrivals): that much it lacks whatever the plan does.
    /// </summary>
    private double Released((ReserveFloor Floor, int Day, double Quantity) below) =>
        Math.Max(0, below.Quantity - Math.Max(0, below.Floor.Floor - Received(below.Floor.Depot)[below.Day]));

    private readonly Dictionary<string, double[]> _received = [];

    /// <summary>What a depot has received by each day, supply and arrivals added up.</summary>
    private double[] Received(string depot)
    {
        if (_received.TryGetValue(depot, out var received))
            return received;
        received = new double[_problem.Days];
        foreach (var s in _problem.Supplies.Where(s => s.Product == _product && s.Depot == depot))
            received[s.Day] += s.Quantity;
        foreach (var s in _shipments.Where(s => s.To == depot && s.ArrivalDay < _problem.Days))
            received[s.ArrivalDay] += s.Quantity;
        for (var day = 1; day < received.Length; day++)
            received[day] += received[day - 1];
        return _received[depot] = received;
    }

    /// <summary>The constraints at their limits, grouped into day ranges.</summary>
    public IReadOnlyList<BindingConstraint> Binding() =>
        FullLanes().Concat(FloorsHeld()).Concat(OutOfReach()).Concat(SupplyExhausted()).ToList();

    /// <summary>Lanes full on some days.</summary>
    private IEnumerable<BindingConstraint> FullLanes() =>
        SaturatedLanes()
            .GroupBy(s => s.Lane)
            .Select(g => new BindingConstraint(
                "lane_capacity",
                $"{g.Key.From}>{g.Key.To}",
                _product,
                g.Min(s => s.Day),
                g.Max(s => s.Day),
                $"full ({g.Key.DailyCapacity:0.##} a day) on {g.Count()} day(s)"
            ));

    /// <summary>Reserves at (or below) their floors, and what they released for tier 1.</summary>
    private IEnumerable<BindingConstraint> FloorsHeld()
    {
        foreach (var g in _below.Where(b => StockAt(b.Floor.Depot, b.Day) <= b.Floor.Floor + Eps).GroupBy(b => b.Floor))
        {
            var released = g.Sum(Released);
            yield return new(
                "reserve_floor",
                g.Key.Depot,
                _product,
                g.Min(b => b.Day),
                g.Max(b => b.Day),
                released > Eps
                    ? $"at or below its floor of {g.Key.Floor:0.##}; {released:0.##} unit-days released for tier 1"
                    : $"held at its floor of {g.Key.Floor:0.##}"
            );
        }
    }

    /// <summary>Destinations with needs before anything can arrive, or that no lane reaches.</summary>
    private IEnumerable<BindingConstraint> OutOfReach() =>
        _allocations
            .Where(a => _anySupply && a.Demand > 0 && (!_earliest.TryGetValue(a.Destination, out var e) || a.Day < e))
            .GroupBy(a => a.Destination)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new BindingConstraint(
                _earliest.ContainsKey(g.Key) ? "lead_time" : "no_route",
                g.Key,
                _product,
                g.Min(a => a.Day),
                g.Max(a => a.Day),
                _earliest.TryGetValue(g.Key, out var first)
                    ? $"nothing can arrive before day {first}"
                    : "no lane reaches it from any supply"
            ));

    /// <summary>The days with unmet needs and no free stock left at any depot, as one range.</summary>
    private IEnumerable<BindingConstraint> SupplyExhausted()
    {
        var exhausted = Enumerable
            .Range(0, _problem.Days)
            .Where(d =>
                _problem.Depots.Sum(n => StockAt(n, d))
                    - _problem.ReserveFloors.Where(f => f.Product == _product).Sum(f => f.Floor)
                    <= Eps
                && _allocations.Any(a => a.Day == d && a.Shortfall >= HalfUnit)
            )
            .ToList();
        if (exhausted.Count > 0)
        {
            yield return new(
                "supply_exhausted",
                "province",
                _product,
                exhausted.Min(),
                exhausted.Max(),
                $"no free stock left at any depot on {exhausted.Count} day(s) with unmet needs"
            );
        }
    }

    private double StockAt(string node, int day) => _stockIndex.GetValueOrDefault((node, day));

    private IEnumerable<(Lane Lane, int Day)> SaturatedLanes()
    {
        var byLane = _lanes.Where(l => l.DailyCapacity is not null).ToDictionary(l => (l.From, l.To));
        foreach (var s in _shipments)
        {
            if (
                byLane.TryGetValue((s.From, s.To), out var lane)
                && s.Quantity >= lane.DailyCapacity!.Value - Eps * Math.Max(1, lane.DailyCapacity.Value)
            )
            {
                yield return (lane, s.Day);
            }
        }
        foreach (var lane in byLane.Values.Where(l => l.DailyCapacity <= Eps))
        {
            for (var day = 0; day + lane.LeadDays < _problem.Days; day++)
                yield return (lane, day);
        }
    }

    /// <summary>The first day any unit of the product can be at each node (Bellman-Ford over the open lanes).</summary>
    private Dictionary<string, int> EarliestArrival()
    {
        var earliest = _problem
            .Supplies.Where(s => s.Product == _product && s.Quantity > 0)
            .GroupBy(s => s.Depot)
            .ToDictionary(g => g.Key, g => g.Min(s => s.Day), StringComparer.Ordinal);
        var open = _lanes.Where(l => l.DailyCapacity is null or > 0).ToList();
        for (var changed = true; changed; )
        {
            changed = false;
            foreach (var lane in open)
            {
                if (!earliest.TryGetValue(lane.From, out var from))
                    continue;
                var arrival = from + lane.LeadDays;
                if (arrival < _problem.Days && (!earliest.TryGetValue(lane.To, out var to) || arrival < to))
                {
                    earliest[lane.To] = arrival;
                    changed = true;
                }
            }
        }
        return earliest;
    }
}
