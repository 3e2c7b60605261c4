using Google.OrTools.LinearSolver;
using LpSolver = Google.OrTools.LinearSolver.Solver;

namespace Planner.Solver.Allocation;

/// <summary>
/// The first allocation model: a daily, time-expanded network per product.
/// <list type="bullet">
/// <item>Data: supply appearing at city depots by day, demand per destination/day/tier, lanes with lead times and unit costs.</item>
/// <item>Variables: shipments per lane and day, stock per depot and day, served demand per destination/day/tier.</item>
/// <item>Constraints: stock balance at depots (what ships on day t arrives on t + lead); what arrives at a destination is what it serves.</item>
/// <item>Objective, lexicographic: for tier 1, 2, … minimise unmet demand and fix it; then minimise transport cost.</item>
/// </list>
/// Served demand is bounded by demand, so unmet demand is a slack: every instance is feasible.
/// Products share nothing, so each is solved separately, which keeps every LP small.
/// </summary>
public static class AllocationModel
{
    /// <summary>Solves the problem; throws <see cref="ArgumentException"/> listing every data error first.</summary>
    public static AllocationResult Solve(AllocationProblem problem, AllocationSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        settings ??= new AllocationSettings();
        var errors = problem.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("The allocation problem is invalid:\n" + string.Join("\n", errors.Select(e => " - " + e)), nameof(problem));
        }

        var status = PlanStatus.Optimal;
        var stages = new List<StageResult>();
        var allocations = new List<Allocation>();
        var shipments = new List<Shipment>();
        var stock = new List<StockLevel>();
        foreach (var product in problem.Products.Order(StringComparer.Ordinal))
        {
            var part = ProductModel.Solve(problem, product, settings);
            stages.AddRange(part.Stages);
            allocations.AddRange(part.Allocations);
            shipments.AddRange(part.Shipments);
            stock.AddRange(part.Stock);
            status = (PlanStatus)Math.Max((int)status, (int)part.Status);
        }
        if (status == PlanStatus.Failed)
        {
            return new AllocationResult(status, stages, [], [], []);
        }
        return new AllocationResult(status, stages, allocations, shipments, stock);
    }

    /// <summary>The LP for one product, built once and re-solved stage by stage.</summary>
    private sealed class ProductModel
    {
        private readonly AllocationProblem _problem;
        private readonly string _product;
        private readonly LpSolver _solver;
        private readonly List<(Lane Lane, int Day, Variable Var)> _ships = [];
        private readonly Dictionary<(string Depot, int Day), Variable> _stock = [];
        private readonly List<(string Destination, int Day, int Tier, double Demand, Variable Var)> _served = [];

        private ProductModel(AllocationProblem problem, string product, AllocationSettings settings)
        {
            _problem = problem;
            _product = product;
            _solver = LpSolver.CreateSolver(settings.Solver)
                ?? throw new ArgumentException($"OR-Tools has no LP solver called '{settings.Solver}' here; use GLOP, PDLP, CLP or HIGHS_LP.", nameof(settings));
            _solver.SetTimeLimit((long)settings.StageTimeLimit.TotalMilliseconds);
        }

        public static AllocationResult Solve(AllocationProblem problem, string product, AllocationSettings settings)
        {
            var model = new ProductModel(problem, product, settings);
            try
            {
                model.AddVariables();
                model.AddDepotBalance();
                model.AddDestinationBalance();
                return model.SolveStages();
            }
            finally
            {
                model._solver.Dispose();
            }
        }

        private void AddVariables()
        {
            // A shipment that would arrive after the horizon serves nobody, so it gets no variable.
            foreach (var lane in _problem.Lanes.OrderBy(l => l.From, StringComparer.Ordinal).ThenBy(l => l.To, StringComparer.Ordinal))
            {
                for (var day = 0; day + lane.LeadDays < _problem.Days; day++)
                {
                    _ships.Add((lane, day, _solver.MakeNumVar(0, double.PositiveInfinity, $"ship[{lane.From}>{lane.To},{day}]")));
                }
            }
            foreach (var depot in _problem.Depots.Order(StringComparer.Ordinal))
            {
                for (var day = 0; day < _problem.Days; day++)
                {
                    _stock[(depot, day)] = _solver.MakeNumVar(0, double.PositiveInfinity, $"stock[{depot},{day}]");
                }
            }
            var demands = _problem.Demands
                .Where(d => d.Product == _product)
                .GroupBy(d => (d.Destination, d.Day, d.Tier))
                .OrderBy(g => g.Key.Destination, StringComparer.Ordinal).ThenBy(g => g.Key.Day).ThenBy(g => g.Key.Tier);
            foreach (var g in demands)
            {
                var quantity = g.Sum(d => d.Quantity);
                _served.Add((g.Key.Destination, g.Key.Day, g.Key.Tier, quantity,
                    _solver.MakeNumVar(0, quantity, $"served[{g.Key.Destination},{g.Key.Day},t{g.Key.Tier}]")));
            }
        }

        /// <summary>stock[t−1] + supply[t] + arrivals[t] − departures[t] − stock[t] = 0 at every depot and day.</summary>
        private void AddDepotBalance()
        {
            var supply = _problem.Supplies.Where(s => s.Product == _product)
                .GroupBy(s => (s.Depot, s.Day)).ToDictionary(g => g.Key, g => g.Sum(s => s.Quantity));
            var arrivals = _ships.ToLookup(s => (s.Lane.To, s.Day + s.Lane.LeadDays));
            var departures = _ships.ToLookup(s => (s.Lane.From, s.Day));
            foreach (var ((depot, day), stockVar) in _stock)
            {
                var available = supply.GetValueOrDefault((depot, day));
                var balance = _solver.MakeConstraint(-available, -available, $"balance[{depot},{day}]");
                if (day > 0)
                {
                    balance.SetCoefficient(_stock[(depot, day - 1)], 1);
                }
                balance.SetCoefficient(stockVar, -1);
                foreach (var arrival in arrivals[(depot, day)])
                {
                    balance.SetCoefficient(arrival.Var, 1);
                }
                foreach (var departure in departures[(depot, day)])
                {
                    balance.SetCoefficient(departure.Var, -1);
                }
            }
        }

        /// <summary>What arrives at a destination on a day is what it serves that day, across tiers.</summary>
        private void AddDestinationBalance()
        {
            var arrivals = _ships.Where(s => !_stock.ContainsKey((s.Lane.To, 0)))
                .ToLookup(s => (s.Lane.To, s.Day + s.Lane.LeadDays));
            var served = _served.ToLookup(s => (s.Destination, s.Day));
            foreach (var destination in _problem.Destinations.Order(StringComparer.Ordinal))
            {
                for (var day = 0; day < _problem.Days; day++)
                {
                    var inbound = arrivals[(destination, day)].ToList();
                    var uses = served[(destination, day)].ToList();
                    if (inbound.Count == 0 && uses.Count == 0)
                    {
                        continue;
                    }
                    var flow = _solver.MakeConstraint(0, 0, $"deliver[{destination},{day}]");
                    inbound.ForEach(s => flow.SetCoefficient(s.Var, 1));
                    uses.ForEach(s => flow.SetCoefficient(s.Var, -1));
                }
            }
        }

        private AllocationResult SolveStages()
        {
            var stages = new List<StageResult>();
            var status = PlanStatus.Optimal;
            var objective = _solver.Objective();
            foreach (var tier in _served.Select(s => s.Tier).Distinct().Order())
            {
                // Minimise unmet demand of this tier: −Σ served + Σ demand.
                var members = _served.Where(s => s.Tier == tier).ToList();
                var total = members.Sum(s => s.Demand);
                objective.Clear();
                members.ForEach(s => objective.SetCoefficient(s.Var, -1));
                objective.SetOffset(total);
                objective.SetMinimization();
                var (stageStatus, value) = Run($"tier{tier}_shortfall", stages);
                status = Worse(status, stageStatus);
                if (status == PlanStatus.Failed)
                {
                    return Failed(stages);
                }
                // Fix it (with a tolerance relative to the tier's size) before looking at lower tiers.
                var floor = total - value - 1e-9 * Math.Max(1, total);
                var fix = _solver.MakeConstraint(floor, double.PositiveInfinity, $"fix_tier{tier}");
                members.ForEach(s => fix.SetCoefficient(s.Var, 1));
            }

            objective.Clear();
            objective.SetOffset(0);
            foreach (var (lane, _, ship) in _ships)
            {
                objective.SetCoefficient(ship, lane.CostPerUnit);
            }
            objective.SetMinimization();
            var (costStatus, _) = Run("transport_cost", stages);
            status = Worse(status, costStatus);
            if (status == PlanStatus.Failed)
            {
                return Failed(stages);
            }
            return new AllocationResult(status, stages,
                _served.Select(s => new Allocation(s.Destination, _product, s.Day, s.Tier, s.Demand, Clean(s.Var.SolutionValue()))).ToList(),
                _ships.Select(s => (s, q: Clean(s.Var.SolutionValue()))).Where(x => x.q > 0)
                    .Select(x => new Shipment(x.s.Lane.From, x.s.Lane.To, _product, x.s.Day, x.s.Day + x.s.Lane.LeadDays, x.q)).ToList(),
                _stock.Select(kv => new StockLevel(kv.Key.Depot, _product, kv.Key.Day, Clean(kv.Value.SolutionValue()))).ToList());
        }

        private (PlanStatus, double) Run(string stage, List<StageResult> stages)
        {
            var result = _solver.Solve();
            var value = result is LpSolver.ResultStatus.OPTIMAL or LpSolver.ResultStatus.FEASIBLE ? _solver.Objective().Value() : double.NaN;
            stages.Add(new StageResult(stage, _product, "min", value, result.ToString()));
            return (result switch
            {
                LpSolver.ResultStatus.OPTIMAL => PlanStatus.Optimal,
                LpSolver.ResultStatus.FEASIBLE => PlanStatus.Feasible,
                _ => PlanStatus.Failed,
            }, value);
        }

        private static PlanStatus Worse(PlanStatus a, PlanStatus b) => (PlanStatus)Math.Max((int)a, (int)b);

        private static AllocationResult Failed(List<StageResult> stages) => new(PlanStatus.Failed, stages, [], [], []);

        /// <summary>Solver noise (1e-12, −0.0) would otherwise show up in workbooks and break byte-identical output.</summary>
        private static double Clean(double value)
        {
            var rounded = Math.Round(value, 6);
            return rounded <= 0 ? 0 : rounded;
        }
    }
}
