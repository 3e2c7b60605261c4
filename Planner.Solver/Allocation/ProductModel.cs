using Google.OrTools.LinearSolver;
using LpSolver = Google.OrTools.LinearSolver.Solver;

namespace Planner.Solver.Allocation;

/// <summary>
/// The time-expanded network of one product, built on one OR-Tools solver:
/// <list type="bullet">
/// <item>ship[lane, day] — units leaving on a lane on a day (none if it would arrive after the horizon; bounded by the
/// lane's capacity);</item>
/// <item>stock[node, day] — units held at a depot or destination at the end of a day;</item>
/// <item>served[destination, day, tier] — demand met, at most the demand, so unmet demand is a slack and every instance
/// is feasible;</item>
/// <item>below[reserve depot, day] — how far a reserve is drawn under its floor (zero unless tier 1 needs it).</item>
/// </list>
/// Constraints: stock balance at every node and day (what ships on day t arrives on t + lead); the reserve floor.
/// The stages (<see cref="Stages"/>) set objectives and fix their optima as constraints.
/// </summary>
internal sealed class ProductModel : IDisposable
{
    /// <summary>
    /// Units leaving on a lane on a day: a variable, or for a folded delivery lane (<see cref="Folds"/>) exactly what
    /// its destination serves that day.
    /// </summary>
    public sealed record Ship(Lane Lane, int Day, Variable? Var, IReadOnlyList<Variable> Carried)
    {
        public IEnumerable<(Variable Var, double Coef)> Terms(double coef) =>
            Var is null ? Carried.Select(v => (v, coef)) : [(Var, coef)];
    }

    /// <summary>Served demand of a destination, day and tier; Demand is in LP units (divided by <see cref="Scale"/>),
    /// Need in the data's.</summary>
    public sealed record Served(string Destination, int Day, int Tier, double Demand, Variable Var, double Need);

    public sealed record Below(ReserveFloor Floor, int Day, Variable Var);

    public ProductModel(AllocationProblem problem, string product, AllocationSettings settings, string solverId)
    {
        Problem = problem;
        Product = product;
        Settings = settings;
        Solver = LpSolver.CreateSolver(solverId)
            ?? throw new ArgumentException(
                $"OR-Tools has no solver called '{solverId}' here; use GLOP, PDLP, CLP or HIGHS_LP.",
                nameof(settings)
            );
        Solver.SuppressOutput();
        Scale = ScaleOf(problem, product);
        Build();
    }

    /// <summary>
    /// Quantities enter the LP divided by this power of ten, so that the largest is at most 10,000: LP solvers'
    /// tolerances are absolute, and with tens of millions of masks on the right-hand sides they failed or stopped
    /// short. Results are multiplied back.
    /// </summary>
    public double Scale { get; }

    private static double ScaleOf(AllocationProblem problem, string product)
    {
        var largest = problem
            .Supplies.Where(s => s.Product == product)
            .Select(s => s.Quantity)
            .Concat(problem.Arrivals.Where(a => a.Product == product).Select(a => a.Quantity))
            .Concat(problem.Demands.Where(d => d.Product == product).Select(d => d.Quantity))
            .Concat(problem.ReserveFloors.Where(f => f.Product == product).Select(f => f.Floor))
            .Concat(problem.Lanes.Where(l => l.DailyCapacity is not null).Select(l => l.DailyCapacity!.Value))
            .DefaultIfEmpty(0)
            .Max();
        return largest <= 1e4 ? 1 : Math.Pow(10, Math.Ceiling(Math.Log10(largest)) - 4);
    }

    public AllocationProblem Problem { get; }
    public string Product { get; }
    public AllocationSettings Settings { get; }
    public LpSolver Solver { get; }
    public List<Ship> Ships { get; } = [];
    public Dictionary<(string Node, int Day), Variable> Stock { get; } = [];
    public List<Served> ServedVars { get; } = [];
    public List<Below> BelowFloor { get; } = [];

    /// <summary>Per destination and tier: the total demand over the horizon and its served variables.</summary>
    public Dictionary<(string Destination, int Tier), (double Demand, List<Variable> Vars)> ByDestinationTier { get; } =
    [];

    /// <summary>Per (depot, day): units of dispatched shipments the depot could not have held (re-planning
    /// only).</summary>
    public List<Variable> LockedDeficit { get; } = [];

    public Dictionary<(Lane Lane, int Day), double> PreviousShipments { get; } = [];

    public bool TransfersAllowed => Settings.Policy != Policy.NoSharing;

    private void Build()
    {
        // Destinations hold stock too, but where every lane in is same-day and uncapped the depot can hold for
        // them at no difference in what can be served; leaving those out removes many equivalent optima.
        // A destination that goods on the road arrive at holds what it does not use on the day.
        var holding = Problem
            .Lanes.Where(l => l.LeadDays > 0 || l.DailyCapacity is not null)
            .Select(l => l.To)
            .Concat(Problem.Arrivals.Where(a => a.Product == Product).Select(a => a.Node))
            .Where(n => !Problem.Depots.Contains(n))
            .ToHashSet(StringComparer.Ordinal);
        var nodes = Problem
            .Depots.Concat(Problem.Destinations.Where(holding.Contains))
            .Order(StringComparer.Ordinal)
            .ToList();
        AddStock(nodes);
        AddServed();
        AddShips(holding);
        AddBalance();
        AddReserveFloors();
    }

    private void AddStock(List<string> nodes)
    {
        foreach (var node in nodes)
        {
            for (var day = 0; day < Problem.Days; day++)
            {
                Stock[(node, day)] = NewVar(0, double.PositiveInfinity, $"stock[{node},{day}]");
            }
        }
    }

    /// <summary>One served variable per destination, day and tier, at most the demand.</summary>
    private void AddServed()
    {
        var demands = Problem
            .Demands.Where(d => d.Product == Product)
            .GroupBy(d => (d.Destination, d.Day, d.Tier))
            .OrderBy(g => g.Key.Destination, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Day)
            .ThenBy(g => g.Key.Tier);
        foreach (var g in demands)
        {
            var need = g.Sum(d => d.Quantity);
            var quantity = need / Scale;
            var served = new Served(
                g.Key.Destination,
                g.Key.Day,
                g.Key.Tier,
                quantity,
                NewVar(0, quantity, $"served[{g.Key.Destination},{g.Key.Day},t{g.Key.Tier}]"),
                need
            );
            ServedVars.Add(served);
            var key = (g.Key.Destination, g.Key.Tier);
            var entry = ByDestinationTier.TryGetValue(key, out var e) ? e : (0.0, new List<Variable>());
            entry.Item2.Add(served.Var);
            ByDestinationTier[key] = (entry.Item1 + quantity, entry.Item2);
        }
    }

    /// <summary>One shipment per lane and day that arrives within the horizon (dispatched ones fixed).</summary>
    private void AddShips(HashSet<string> holding)
    {
        var servedAt = ServedVars.ToLookup(s => (s.Destination, s.Day), s => s.Var);
        var folds = Folds(holding);
        var previous = Problem
            .Previous?.Shipments.Where(s => s.Product == Product)
            .GroupBy(s => (s.From, s.To, s.Day))
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Quantity))
            ?? [];
        foreach (
            var lane in Problem
                .Lanes.OrderBy(l => l.From, StringComparer.Ordinal)
                .ThenBy(l => l.To, StringComparer.Ordinal)
        )
        {
            if (lane.Kind == LaneKind.Transfer && !TransfersAllowed)
                continue;
            for (var day = 0; day + lane.LeadDays < Problem.Days; day++)
            {
                if (folds.Contains(lane))
                {
                    Ships.Add(new Ship(lane, day, null, servedAt[(lane.To, day)].ToList()));
                    continue;
                }
                var upper = lane.DailyCapacity / Scale ?? double.PositiveInfinity;
                var ship = new Ship(lane, day, NewVar(0, upper, $"ship[{lane.From}>{lane.To},{day}]"), []);
                Ships.Add(ship);
                if (Problem.Previous is { } plan)
                {
                    var before = previous.GetValueOrDefault((lane.From, lane.To, day)) / Scale;
                    PreviousShipments[(lane, day)] = before;
                    if (day <= plan.DispatchedThroughDay)
                    {
                        // Already on the road: it happens whatever the new plan says.
                        ship.Var!.SetBounds(before, before);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Same-day, uncapped delivery lanes that are the only way into a destination holding no stock and supplying
    /// nothing: what they carry is exactly what the destination serves, so the lane needs no variable and the
    /// destination no balance row; its served variables sit in the sending depot's balance instead. On the national
    /// instance this removes nine in ten balance rows. Re-planning keeps every lane a variable (dispatched shipments
    /// are fixed per lane).
    /// </summary>
    private HashSet<Lane> Folds(HashSet<string> holding)
    {
        if (Problem.Previous is not null)
            return [];
        var inbound = Problem
            .Lanes.GroupBy(l => l.To, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var senders = Problem
            .Lanes.Select(l => l.From)
            .Concat(Problem.Supplies.Select(s => s.Depot))
            .Concat(Problem.Arrivals.Select(a => a.Node))
            .Concat(Problem.Depots)
            .ToHashSet(StringComparer.Ordinal);
        return Problem
            .Lanes.Where(l =>
                l.LeadDays == 0
                && l.DailyCapacity is null
                && inbound[l.To] == 1
                && !holding.Contains(l.To)
                && !senders.Contains(l.To)
            )
            .ToHashSet();
    }

    /// <summary>
    /// stock[t−1] + supply[t] + arrivals[t] − departures[t] − served[t] − stock[t] = 0 at every node and day; at a
    /// node that holds no stock, what is left over is lost (≥ 0), which only a same-day surplus can be.
    /// </summary>
    private void AddBalance()
    {
        var supply = Problem
            .Supplies.Where(s => s.Product == Product)
            .Select(s => (Node: s.Depot, s.Day, s.Quantity))
            .Concat(Problem.Arrivals.Where(a => a.Product == Product).Select(a => (a.Node, a.Day, a.Quantity)))
            .GroupBy(s => (s.Node, s.Day))
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Quantity) / Scale);
        var arrivals = Ships.ToLookup(s => (s.Lane.To, s.Day + s.Lane.LeadDays));
        var departures = Ships.ToLookup(s => (s.Lane.From, s.Day));
        var served = ServedVars.ToLookup(s => (s.Destination, s.Day));
        var folded = Ships.Where(s => s.Var is null).Select(s => s.Lane.To).ToHashSet(StringComparer.Ordinal);
        var nodes = Problem
            .Depots.Concat(Problem.Destinations)
            .Where(n => !folded.Contains(n))
            .Order(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            for (var day = 0; day < Problem.Days; day++)
            {
                var available = supply.GetValueOrDefault((node, day));
                var terms = arrivals[(node, day)]
                    .SelectMany(a => a.Terms(1.0))
                    .Concat(departures[(node, day)].SelectMany(d => d.Terms(-1.0)))
                    .Concat(served[(node, day)].Select(s => (s.Var, -1.0)))
                    .ToList();
                if (Stock.TryGetValue((node, day), out var stock))
                {
                    terms.Add((stock, -1));
                    if (day > 0)
                        terms.Add((Stock[(node, day - 1)], 1));
                }
                if (terms.Count == 0 && available == 0)
                    continue;
                if (Problem.Previous is not null && departures[(node, day)].Any(d => d.Var?.Lb() > 0))
                {
                    // Dispatched shipments are facts; if the depot's reported stock cannot cover them, the gap shows
                    // here.
                    var deficit = NewVar(0, double.PositiveInfinity, $"locked_deficit[{node},{day}]");
                    terms.Add((deficit, 1));
                    LockedDeficit.Add(deficit);
                }
                AddRow(
                    $"balance[{node},{day}]",
                    -available,
                    Stock.ContainsKey((node, day)) ? -available : double.PositiveInfinity,
                    terms
                );
                BalanceRows.Add(Rows[^1]);
            }
        }
    }

    /// <summary>stock[reserve, t] + below[reserve, t] ≥ floor; below is zero unless a stage lets tier 1 use
    /// it.</summary>
    private void AddReserveFloors()
    {
        foreach (
            var floor in Problem
                .ReserveFloors.Where(f => f.Product == Product && f.Floor > 0)
                .OrderBy(f => f.Depot, StringComparer.Ordinal)
        )
        {
            for (var day = 0; day < Problem.Days; day++)
            {
                var below = new Below(floor, day, NewVar(0, floor.Floor / Scale, $"below_floor[{floor.Depot},{day}]"));
                BelowFloor.Add(below);
                AddRow(
                    $"reserve_floor[{floor.Depot},{day}]",
                    floor.Floor / Scale,
                    double.PositiveInfinity,
                    [(Stock[(floor.Depot, day)], 1), (below.Var, 1)]
                );
            }
        }
    }

    /// <summary>Fixes a stage's optimum: lower ≤ Σ coef·var ≤ upper.</summary>
    public void Fix(string name, IEnumerable<(Variable Var, double Coef)> terms, double lower, double upper)
    {
        AddRow(name, lower, upper, terms);
        _fixings.Add((Rows[^1].Constraint, lower, upper));
    }

    private readonly List<(Constraint Constraint, double Lower, double Upper)> _fixings = [];

    public int FixingCount => _fixings.Count;

    /// <summary>Widens every fixing by <paramref name="relative"/> of its bound: the fallback when a stage fails
    /// numerically.</summary>
    public void RelaxFixings(double relative)
    {
        foreach (var (c, lower, upper) in _fixings)
        {
            c.SetBounds(
                lower - relative * Math.Max(1, Math.Abs(lower)),
                upper + relative * Math.Max(1, Math.Abs(upper))
            );
        }
    }

    /// <summary>A new variable, recorded for the MPS export.</summary>
    public Variable NewVar(double lower, double upper, string name)
    {
        var v = Solver.MakeNumVar(lower, upper, name);
        // The solver owns the variable; its wrapper's finalizer frees nothing, and half a million of them per product
        // kept the finalizer thread busy for seconds on the national instance.
#pragma warning disable CA1816 // Not a Dispose pattern: the wrapper is not ours, and its finalizer has nothing to do.
        GC.SuppressFinalize(v);
#pragma warning restore CA1816
        _index[v] = Variables.Count;
        Variables.Add(v);
        return v;
    }

    private readonly Dictionary<Variable, int> _index = new(ReferenceEqualityComparer.Instance);

    /// <summary>The variable's position in <see cref="Variables"/>.</summary>
    public int IndexOf(Variable v) => _index[v];

    /// <summary>A new constraint lower ≤ Σ coef·var ≤ upper (repeated variables are added up), recorded for the MPS
    /// export.</summary>
    public void AddRow(string name, double lower, double upper, IEnumerable<(Variable Var, double Coef)> terms)
    {
        var list = terms as IReadOnlyCollection<(Variable Var, double Coef)> ?? terms.ToList();
        var merged = new Dictionary<Variable, double>(list.Count, ReferenceEqualityComparer.Instance);
        foreach (var (v, coef) in list)
            merged[v] = merged.GetValueOrDefault(v) + coef;
        var c = Solver.MakeConstraint(lower, upper, name);
        foreach (var (v, coef) in merged)
            c.SetCoefficient(v, coef);
        Rows.Add(new Row(name, c, merged.Select(kv => (kv.Key, kv.Value)).ToList()));
    }

    /// <summary>Empties rows that no longer constrain anything (the solver keeps an empty row; the export leaves them
    /// out).</summary>
    public void DropRows(int first, int count)
    {
        foreach (var row in Rows.GetRange(first, count))
            row.Constraint.Clear();
        Rows.RemoveRange(first, count);
    }

    /// <summary>Every variable in creation order, and every constraint with its terms: the model as the export writes
    /// it.</summary>
    public List<Variable> Variables { get; } = [];

    public sealed record Row(string Name, Constraint Constraint, List<(Variable Var, double Coef)> Terms);

    public List<Row> Rows { get; } = [];

    /// <summary>The stock balance rows (see <see cref="AddBalance"/>), in <see cref="Rows"/> too.</summary>
    public List<Row> BalanceRows { get; } = [];

    /// <summary>
    /// The current plan: the last LP solution, or a plan found without the LP solver (<see cref="SetValues"/>) until
    /// the LP is solved again (<see cref="ClearValues"/>).
    /// </summary>
    public double Value(Variable v) =>
        _values is not { } values ? v.SolutionValue()
        : _index[v] is var i && i < values.Length ? values[i]
        : 0;

    public double Value(Ship ship) => ship.Var is { } v ? Value(v) : ship.Carried.Sum(Value);

    private double[]? _values;

    /// <summary>Sets the plan's values, by position in <see cref="Variables"/> (variables created since are
    /// zero).</summary>
    public void SetValues(double[] values) => _values = values;

    public void ClearValues() => _values = null;

    public void Dispose() => Solver.Dispose();
}
