namespace Planner.Solver.Allocation;

/// <summary>
/// Turns one product's optimal (fractional) plan into one a depot can load: every shipment a whole number of packs,
/// every served quantity a whole number of units, stock exact. The plan is replayed day by day. Each lane ships what
/// brings its running total nearest to the optimum's running total, in whole packs, as far as the stock at its start
/// allows (not below the reserve level the optimum kept there, and within the lane's daily capacity); each
/// destination then serves its tiers highest first, each up to the optimum's running total for that tier, in whole
/// units. Running totals, not day by day: what one day's rounding withholds the next day makes up, so a lane stays
/// within half a pack of the optimum and a destination's tier within about a pack of it (checked on every plan by
/// the tests' independent checker). One exception puts the care tiers first: a lane ships a pack early where its
/// destination would otherwise leave a day's critical or severe care short of the optimum, and ships less later, so
/// that tier 1 is never short on a day for want of a pack the depot holds (stress scenarios of the allocation
/// benchmark: 20 units short before, none now).
/// </summary>
public static class PackRounding
{
    private const double Tolerance = 1e-6;

    /// <summary>The tiers a lane ships a pack early for (critical and severe care in the default order): a day's need
    /// in them is not left unmet for want of a pack the depot has.</summary>
    private const int CareTiers = 2;

    /// <summary>
    /// The rounded plan of <paramref name="product"/>: shipments, stock at the end of each day (every node that holds
    /// any), allocations (same rows as <paramref name="allocations"/>, served rounded) and what rounding cost each
    /// tier (units served less than the optimum; negative when it served more).
    /// </summary>
    public static (List<Shipment> Shipments, List<StockLevel> Stock, List<Allocation> Allocations) Round(
        AllocationProblem problem,
        string product,
        IReadOnlyList<Shipment> shipments,
        IReadOnlyList<StockLevel> stock,
        IReadOnlyList<Allocation> allocations,
        Policy policy
    )
    {
        var pack = Math.Max(1, problem.PackSizes.GetValueOrDefault(product, 1));
        var replay = new Replay(problem, product, pack, shipments, stock, allocations)
        {
            InTierOrder = policy != Policy.ProRata,
        };
        for (var day = 0; day < problem.Days; day++)
            replay.Day(day);
        return (replay.Shipments, replay.StockLevels, replay.Allocations);
    }

    /// <summary>Per tier: units the optimum served and units the rounded plan serves.</summary>
    public static List<RoundingCost> Costs(IReadOnlyList<Allocation> optimum, IReadOnlyList<Allocation> rounded) =>
        optimum
            .Zip(rounded)
            .GroupBy(p => (p.First.Product, p.First.Tier))
            .OrderBy(g => g.Key.Product, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Tier)
            .Select(g => new RoundingCost(
                g.Key.Product,
                g.Key.Tier,
                Math.Round(g.Sum(p => p.First.Served), 3),
                g.Sum(p => p.Second.Served)
            ))
            .ToList();

    private sealed class Replay
    {
        private readonly AllocationProblem _problem;
        private readonly string _product;
        private readonly double _pack;
        private readonly Dictionary<string, double> _stock = new(StringComparer.Ordinal);
        private readonly Dictionary<(string Node, int Day), double> _keep = [];
        private readonly ILookup<int, (Lane Lane, double Optimum)> _departures;
        private readonly Dictionary<(string From, string To), (double Optimum, double Shipped)> _lanes = [];
        private readonly Dictionary<string, (double Optimum, double Shipped)> _inflows = new(StringComparer.Ordinal);
        private readonly ILookup<int, int> _rows;
        private readonly Dictionary<(string Destination, int Tier), (double Optimum, double Served)> _tiers = [];
        private readonly ILookup<int, Supply> _supplies;
        private readonly Dictionary<int, Dictionary<string, double>> _onTheRoad = [];
        private readonly IReadOnlyList<Allocation> _optimum;
        private readonly HashSet<string> _holders;

        /// <summary>What the optimum serves at each destination on each day: in all, and in the care tiers.</summary>
        private readonly Dictionary<(string Destination, int Day), (double All, double Care)> _planned = [];

        /// <summary>The highest tier (lowest number) the optimum serves at each destination; depots are not here
        /// (0).</summary>
        private readonly Dictionary<string, int> _rank;

        public List<Shipment> Shipments { get; } = [];
        public List<StockLevel> StockLevels { get; } = [];
        public List<Allocation> Allocations { get; }

        /// <summary>Whether a day's units go to the highest tiers first (all policies but pro-rata, which gives each
        /// row its own share).</summary>
        public bool InTierOrder { get; init; } = true;

        public Replay(
            AllocationProblem problem,
            string product,
            double pack,
            IReadOnlyList<Shipment> shipments,
            IReadOnlyList<StockLevel> stock,
            IReadOnlyList<Allocation> allocations
        )
        {
            (_problem, _product, _pack, _optimum) = (problem, product, pack, allocations);
            var lanes = problem.Lanes.ToDictionary(l => (l.From, l.To));
            // Lanes from the province first, then between cities, then to destinations: what a same-day lane brings
            // in can go on the same day.
            _departures = shipments
                .OrderBy(s => Echelon(lanes[(s.From, s.To)].Kind))
                .ThenBy(s => s.From, StringComparer.Ordinal)
                .ThenBy(s => s.To, StringComparer.Ordinal)
                .ToLookup(s => s.Day, s => (lanes[(s.From, s.To)], s.Quantity));
            // Where the optimum kept stock below a reserve floor, the rounded plan may go as low; elsewhere not below
            // the floor.
            var floors = problem
                .ReserveFloors.Where(f => f.Product == product)
                .ToDictionary(f => f.Depot, f => f.Floor, StringComparer.Ordinal);
            foreach (var s in stock.Where(s => floors.ContainsKey(s.Node)))
                _keep[(s.Node, s.Day)] = Math.Min(floors[s.Node], s.Quantity);
            _rows = Enumerable.Range(0, allocations.Count).ToLookup(i => allocations[i].Day);
            Allocations = [.. allocations];
            _supplies = problem.Supplies.Where(s => s.Product == product).ToLookup(s => s.Day);
            foreach (var a in problem.Arrivals.Where(a => a.Product == product))
                OnTheRoad(a.Node, a.Day, a.Quantity);
            _holders = stock.Select(s => s.Node).ToHashSet(StringComparer.Ordinal);
            foreach (var a in allocations)
            {
                var (all, care) = _planned.GetValueOrDefault((a.Destination, a.Day));
                _planned[(a.Destination, a.Day)] = (all + a.Served, care + (a.Tier <= CareTiers ? a.Served : 0));
            }
            _rank = allocations
                .Where(a => a.Served > 0)
                .GroupBy(a => a.Destination, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Min(a => a.Tier), StringComparer.Ordinal);
        }

        private static int Echelon(LaneKind kind) =>
            kind switch
            {
                LaneKind.Provincial => 0,
                LaneKind.Transfer => 1,
                _ => 2,
            };

        public void Day(int day)
        {
            foreach (var s in _supplies[day])
                Add(s.Depot, s.Quantity);
            foreach (var (to, quantity) in _onTheRoad.GetValueOrDefault(day) ?? [])
                Add(to, quantity);
            foreach (var depot in _departures[day].GroupBy(d => d.Lane.From, StringComparer.Ordinal))
                Ship(depot.Key, day, depot.ToList());
            Serve(day);
            foreach (var (node, quantity) in _stock.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                if (_holders.Contains(node) || quantity > Tolerance)
                    StockLevels.Add(new StockLevel(node, _product, day, Clean(quantity)));
            }
        }

        private void Add(string node, double quantity) => _stock[node] = _stock.GetValueOrDefault(node) + quantity;

        /// <summary>
        /// A depot's shipments of the day, rounded together: each lane's want is what brings its running total to the
        /// optimum's, in packs; every lane gets its whole packs, and the packs the wants' fractions add up to go to
        /// the largest fractions (largest remainder), as far as the depot's spare stock allows. So the depot ships,
        /// in all, within half a pack of the optimum's running total, and each lane within one pack of its own.
        /// A lane also carries the packs its destination needs to serve the care tiers on the day they arrive
        /// (<see cref="Early"/>), ahead of its running total: the lane ships less later. When the depot cannot spare
        /// them all, the packs beyond those go first, then the early packs of the places with the lowest tier.
        /// </summary>
        private void Ship(string depot, int day, List<(Lane Lane, double Optimum)> lanes)
        {
            var wants = lanes
                .Select(l =>
                {
                    var (total, shipped) = _lanes.GetValueOrDefault((l.Lane.From, l.Lane.To));
                    _lanes[(l.Lane.From, l.Lane.To)] = (total + l.Optimum, shipped);
                    var (into, received) = _inflows.GetValueOrDefault(l.Lane.To);
                    _inflows[l.Lane.To] = (into + l.Optimum, received);
                    var want = Math.Max(0, (total + l.Optimum - shipped) / _pack);
                    var capacity = l.Lane.DailyCapacity is { } c
                        ? Math.Floor((c + Tolerance) / _pack)
                        : double.MaxValue;
                    want = Math.Min(want, capacity);
                    var early = Math.Min(Early(l.Lane, day), capacity);
                    return (l.Lane, Want: want, Packs: Math.Max(Math.Floor(want + Tolerance), early), Early: early);
                })
                .ToList();
            var spare = Math.Floor(
                (_stock.GetValueOrDefault(depot) - _keep.GetValueOrDefault((depot, day)) + Tolerance) / _pack
            );
            var wanted = Math.Round(wants.Sum(w => w.Want), MidpointRounding.AwayFromZero);
            var total = Math.Min(spare, Math.Max(wanted, wants.Sum(w => w.Packs)));
            // More whole packs wanted than the depot can spare: the largest wants give up packs first, then the early
            // packs of the places with the lowest tier, the place furthest ahead of the optimum first.
            while (wants.Sum(w => w.Packs) > Math.Max(0, total))
            {
                var cut = wants.Any(w => w.Packs > w.Early)
                    ? wants.Where(w => w.Packs > w.Early).MaxBy(w => w.Packs - w.Want + w.Packs / 1e6)
                    : wants.Where(w => w.Packs > 0).MaxBy(w => (_rank.GetValueOrDefault(w.Lane.To), w.Packs - w.Want));
                var i = wants.IndexOf(cut);
                wants[i] = cut with { Packs = cut.Packs - 1 };
            }
            // The spare packs go to the places behind the optimum (over all their lanes in): depots first, then the
            // places with the highest tier served, each time the place furthest behind first.
            var order = wants
                .OrderBy(w => Behind(w.Lane.To) - w.Packs > Tolerance ? 0 : 1)
                .ThenBy(w => _rank.GetValueOrDefault(w.Lane.To))
                .ThenByDescending(w => Behind(w.Lane.To) - w.Packs)
                .ThenBy(w => w.Lane.To, StringComparer.Ordinal)
                .ToList();
            foreach (var w in order)
            {
                if (wants.Sum(x => x.Packs) >= total)
                    break;
                var i = wants.IndexOf(w);
                wants[i] = w with { Packs = w.Packs + 1 };
            }
            foreach (var w in wants.Where(w => w.Packs > 0))
                Send(w.Lane, day, w.Packs * _pack);
        }

        /// <summary>
        /// The packs <paramref name="lane"/> must carry today for its destination to serve, on the day they arrive,
        /// what the optimum serves there in the care tiers that day: what the destination holds, plus what is on the
        /// road to it by then, less what the optimum serves there before, falls short of that by these packs (0 for a
        /// depot, or when nothing falls short).
        /// </summary>
        private double Early(Lane lane, int day)
        {
            var arrival = day + lane.LeadDays;
            if (arrival >= _problem.Days || _planned.GetValueOrDefault((lane.To, arrival)).Care <= Tolerance)
                return 0;
            var position = _stock.GetValueOrDefault(lane.To);
            for (var t = day; t < arrival; t++)
            {
                position += _onTheRoad.GetValueOrDefault(t + 1)?.GetValueOrDefault(lane.To) ?? 0;
                position -= _planned.GetValueOrDefault((lane.To, t)).All;
            }
            var shortBy = _planned[(lane.To, arrival)].Care - position;
            return shortBy > Tolerance ? Math.Ceiling(shortBy / _pack - Tolerance) : 0;
        }

        /// <summary>How many packs the place's lanes in have shipped fewer than the optimum's, in all.</summary>
        private double Behind(string place)
        {
            var (optimum, shipped) = _inflows[place];
            return (optimum - shipped) / _pack;
        }

        private void Send(Lane lane, int day, double quantity)
        {
            var (total, shipped) = _lanes[(lane.From, lane.To)];
            _lanes[(lane.From, lane.To)] = (total, shipped + quantity);
            var (into, received) = _inflows[lane.To];
            _inflows[lane.To] = (into, received + quantity);
            Add(lane.From, -quantity);
            var arrival = day + lane.LeadDays;
            Shipments.Add(new Shipment(lane.From, lane.To, _product, day, arrival, quantity));
            if (lane.LeadDays == 0)
                Add(lane.To, quantity);
            else if (arrival < _problem.Days)
                OnTheRoad(lane.To, arrival, quantity);
        }

        /// <summary>Goods that reach <paramref name="node"/> on <paramref name="day"/>: a shipment's, or one the
        /// problem says arrives then.</summary>
        private void OnTheRoad(string node, int day, double quantity)
        {
            if (!_onTheRoad.TryGetValue(day, out var due))
                _onTheRoad[day] = due = new(StringComparer.Ordinal);
            due[node] = due.GetValueOrDefault(node) + quantity;
        }

        /// <summary>
        /// Each destination's rows of the day (highest tier first, as the allocations are ordered): the day uses what
        /// brings each tier's running total nearest the optimum's, in whole units, as far as the stock allows; that
        /// quantity is then handed out highest tier first, so a lower tier is served only when the higher are full.
        /// </summary>
        private void Serve(int day)
        {
            foreach (var rows in _rows[day].GroupBy(i => _optimum[i].Destination, StringComparer.Ordinal))
            {
                var destination = rows.Key;
                var have = Math.Floor(_stock.GetValueOrDefault(destination) + Tolerance);
                var wanted = rows.ToDictionary(i => i, i => Wanted(_optimum[i]));
                var today = Math.Min(wanted.Values.Sum(), have);
                if (InTierOrder && day == _problem.Days - 1)
                {
                    // On the last day, what rounding left here serves the day's unmet needs, highest tier first. (On
                    // earlier days it is what the running totals hold back from the next days' arrivals.)
                    var unmet = rows.Sum(i => Math.Floor(_optimum[i].Demand + Tolerance)) - today;
                    today += Math.Max(0, Math.Min(have - today, unmet));
                }
                Add(destination, -today);
                foreach (var i in rows)
                {
                    var row = _optimum[i];
                    var quantity = Math.Min(InTierOrder ? Math.Floor(row.Demand + Tolerance) : wanted[i], today);
                    today -= quantity;
                    var (total, served) = _tiers.GetValueOrDefault((destination, row.Tier));
                    _tiers[(destination, row.Tier)] = (total + row.Served, served + quantity);
                    Allocations[i] = row with { Served = quantity, Optimal = row.Served };
                }
            }
        }

        /// <summary>The whole units that bring the row's tier nearest the optimum's running total, within the row's
        /// demand.</summary>
        private double Wanted(Allocation row)
        {
            var (total, served) = _tiers.GetValueOrDefault((row.Destination, row.Tier));
            var wanted = Math.Round(total + row.Served - served, MidpointRounding.AwayFromZero);
            return Math.Clamp(wanted, 0, Math.Floor(row.Demand + Tolerance));
        }

        private static double Clean(double value)
        {
            var rounded = Math.Round(value, 6);
            return rounded <= Tolerance ? 0 : rounded;
        }
    }
}

/// <summary>What rounding to whole packs and units cost a product's tier: units the optimum served, units the rounded
/// plan serves.</summary>
public sealed record RoundingCost(string Product, int Tier, double Optimum, double Rounded)
{
    /// <summary>Units fewer than the optimum (negative: more).</summary>
    public double Cost => Math.Round(Optimum - Rounded, 3);
}
