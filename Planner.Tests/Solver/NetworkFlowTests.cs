using Google.OrTools.Graph;
using Planner.Solver.Allocation;
using Planner.Solver.Flows;
using static Planner.Tests.Solver.TinyProblems;

namespace Planner.Tests.Solver;

/// <summary>
/// The network-flow path of the allocation model: the network simplex against OR-Tools' min-cost flow, the max-rate
/// search and lower bounds on hand-computed networks, and every stage optimum against the LP solver's on random
/// problems.
/// </summary>
public class NetworkFlowTests
{
    public static TheoryData<int> GraphSeeds => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(GraphSeeds))]
    public void NetworkSimplex_FindsTheLeastCost_ThatOrToolsMinCostFlowFinds(int seed)
    {
        var (nodes, tail, head, capacity, cost, supply) = RandomGraph(seed);

        var solved = NetworkSimplex.Solve(nodes, tail, head, capacity, cost, supply);

        AssertLeastCost(nodes, tail, head, capacity, cost, supply, solved);
    }

    /// <summary>
    /// A start from a feasible flow: the sum of two least-cost flows (one for other costs) on the graph with doubled
    /// capacities and supplies, which is feasible there and has cycles of arcs strictly between their bounds.
    /// </summary>
    [Theory]
    [MemberData(nameof(GraphSeeds))]
    public void NetworkSimplex_FromAFeasibleFlow_FindsTheLeastCost_ThatOrToolsMinCostFlowFinds(int seed)
    {
        var (nodes, tail, head, capacity, cost, supply) = RandomGraph(seed);
        var random = new Random(seed + 100);
        var otherCost = cost.Select(_ => (long)random.Next(0, 30)).ToList();
        if (NetworkSimplex.Solve(nodes, tail, head, capacity, cost, supply) is not { } first)
            return;
        var second = NetworkSimplex.Solve(nodes, tail, head, capacity, otherCost, supply)!.Value;
        var doubled = capacity.Select(c => c == NetworkSimplex.Unbounded ? c : 2 * c).ToList();
        var twice = supply.Select(s => 2 * s).ToArray();
        var start = first.Flow.Select((f, e) => f + second.Flow[e]).ToList();

        var solved = NetworkSimplex.Solve(nodes, tail, head, doubled, cost, twice, start);

        AssertLeastCost(nodes, tail, head, doubled, cost, twice, solved);
    }

    [Fact]
    public void NetworkSimplex_FromAFeasibleFlow_CancelsItsCycles()
    {
        // 8 units from 0 to 2, split 4 / 4 over a cheap path (cost 1 + 1) and a dear arc (cost 5) with room for all:
        // the free arcs form a cycle, and the least cost sends everything the cheap way, 8 × 2 = 16.
        var solved = NetworkSimplex.Solve(
            3,
            [0, 1, 0],
            [1, 2, 2],
            [10, NetworkSimplex.Unbounded, 10],
            [1, 1, 5],
            [8, 0, -8],
            [4, 4, 4]
        );

        Assert.NotNull(solved);
        Assert.Equal([8L, 8, 0], solved.Value.Flow);
    }

    [Fact]
    public void NetworkSimplex_RejectsAStart_ThatDoesNotMeetTheSupplies()
    {
        Assert.Throws<ArgumentException>(() => NetworkSimplex.Solve(2, [0], [1], [10], [1], [5, -5], [4]));
    }

    [Fact]
    public void NetworkSimplex_ReturnsNull_WhenNoFlowMeetsTheSupplies()
    {
        // 5 units must go from 0 to 2, but the only path holds 3.
        var solved = NetworkSimplex.Solve(3, [0, 1], [1, 2], [3, NetworkSimplex.Unbounded], [1, 1], [5, 0, -5]);

        Assert.Null(solved);
    }

    [Fact]
    public void MaxRate_StopsAtTheCutThatBinds()
    {
        // A hub hands 10 units to a depot, which serves two destinations returning to the hub; the second can take
        // in at most 6. Rates: 10 / (4 + 16) = 0.5 for both together, 6 / 16 = 0.375 for the second alone.
        var network = new FlowNetwork(1);
        var (hub, depot, x, y) = (network.AddNode(), network.AddNode(), network.AddNode(), network.AddNode());
        network.AddArc(hub, depot, 10, 10);
        network.AddArc(depot, x, 0, double.PositiveInfinity);
        network.AddArc(depot, y, 0, 6);
        network.AddArc(depot, hub, 0, double.PositiveInfinity);
        var toX = network.AddArc(x, hub, 0, double.PositiveInfinity);
        var toY = network.AddArc(y, hub, 0, double.PositiveInfinity);

        var best = network.MaxRate([toX, toY], [4, 16], 1);

        Assert.NotNull(best);
        Assert.Equal(0.375, best.Value.Rate, 12);
        Assert.True(best.Value.Flow[toX] * network.Grain >= 0.375 * 4 - 1e-9);
        Assert.True(best.Value.Flow[toY] * network.Grain >= 0.375 * 16 - 1e-9);
    }

    [Fact]
    public void MaxFlowOn_KeepsEveryLowerBound()
    {
        // 5 units from the hub split at a: at least 2 must go by c, so at most 3 can go by b.
        var network = new FlowNetwork(1);
        var (hub, a, b, c) = (network.AddNode(), network.AddNode(), network.AddNode(), network.AddNode());
        network.AddArc(hub, a, 5, 5);
        network.AddArc(a, b, 0, 4);
        var viaC = network.AddArc(a, c, 2, double.PositiveInfinity);
        var fromB = network.AddArc(b, hub, 0, double.PositiveInfinity);
        network.AddArc(c, hub, 0, double.PositiveInfinity);

        var flow = network.MaxFlowOn(fromB);

        Assert.NotNull(flow);
        Assert.Equal(3, flow[fromB] * network.Grain, 12);
        Assert.Equal(2, flow[viaC] * network.Grain, 12);
    }

    [Theory]
    [InlineData(11, true)]
    [InlineData(12, false)]
    [InlineData(13, true)]
    [InlineData(14, false)]
    [InlineData(15, true)]
    [InlineData(16, false)]
    public void NetworkFlow_ReachesEveryStageOptimum_TheLpReaches(int seed, bool fairnessCost)
    {
        var problem = RandomProblem(seed);
        var lp = SolveChecked(
            problem,
            new AllocationSettings
            {
                NetworkFlow = false,
                MeasureFairnessCost = fairnessCost,
                MinimizeTransfers = false,
                WholePacks = false, // the optima themselves
            }
        );

        var flow = SolveChecked(
            problem,
            new AllocationSettings
            {
                MeasureFairnessCost = fairnessCost,
                MinimizeTransfers = false,
                WholePacks = false,
            }
        );

        Assert.Equal(lp.Stages.Select(s => (s.Product, s.Stage)), flow.Stages.Select(s => (s.Product, s.Stage)));
        foreach (var (a, b) in lp.Stages.Zip(flow.Stages))
        {
            Assert.True(
                Math.Abs(a.Objective - b.Objective) <= 1e-6 * Math.Max(1, Math.Abs(a.Objective)),
                $"{b.Product}/{b.Stage}: LP {a.Objective}, network {b.Objective} ({b.SolverStatus})"
            );
        }
        // Every stage by the network, unless tier 1 draws on a reserve (then the LP from the next stage on), and none
        // by it in the LP run.
        foreach (var product in flow.Stages.GroupBy(s => s.Product))
        {
            var drawn = product.Any(s => s.Stage == "reserve_release" && s.Objective > 1e-6);
            Assert.All(drawn ? product.TakeWhile(s => s.Stage != "tier1_min_fill") : product, s =>
                Assert.StartsWith("OPTIMAL (", s.SolverStatus, StringComparison.Ordinal)
            );
        }
        Assert.DoesNotContain(lp.Stages, s => s.SolverStatus == "OPTIMAL (network flow)");
        Assert.Equal(lp.Allocations.Sum(a => a.Served), flow.Allocations.Sum(a => a.Served), 3);
    }

    [Theory]
    [InlineData(33)]
    [InlineData(34)]
    [InlineData(35)]
    [InlineData(36)]
    public void NetworkFlow_LeavesTheTransfersStage_TheLeastCostPlansOnly(int seed)
    {
        // Without reserve floors, so that no draw hands the stages over to the LP.
        var problem = RandomProblem(seed) with { ReserveFloors = [] };

        var result = SolveChecked(problem, new AllocationSettings { WholePacks = false });

        var lanes = problem.Lanes.ToDictionary(l => (l.From, l.To));
        foreach (var product in problem.Products)
        {
            var stages = result.Stages.Where(s => s.Product == product).ToList();
            var least = stages.Single(s => s.Stage == "transport_cost").Objective;
            var cost = result
                .Shipments.Where(s => s.Product == product)
                .Sum(s => s.Quantity * lanes[(s.From, s.To)].CostPerUnit);
            // The transfers stage may give up to 1e-6 of the least cost for fewer transfers (and the LP's tolerance a
            // hair).
            Assert.InRange(cost, least * (1 - 1e-8), least * (1 + 2e-6));
            Assert.Equal("OPTIMAL (network flow)", stages.Single(s => s.Stage == "transport_cost").SolverStatus);
            // The rounds run on the least-cost plans held in the network (and in the LP alike).
            Assert.All(stages.Where(s => s.Stage.StartsWith("transfers_round", StringComparison.Ordinal)), s =>
                Assert.Equal("OPTIMAL (network flow)", s.SolverStatus)
            );
        }
        // Seeds whose least-cost plan uses more than one transfer lane, so that the stage runs (32, 37 and 38 use one).
        Assert.Contains(result.Stages, s => s.Stage == "transfers_round1");
    }

    [Fact]
    public void NetworkFlow_HandsOverToTheLp_WhenTierOneDrawsOnAReserve()
    {
        // The reserve R holds 10 with a floor of 8; tier 1 at X needs 4 on day 0, which only R can send: R is 2 below
        // its floor on day 0 and on day 1, a draw of 4 depot-days.
        var lane = new Lane("R", "X", 0, 1);
        var problem = OneLane(2, lane, [Supplied("R", 0, 10)], Needed("X", 0, 1, 4), Needed("X", 1, 2, 3)) with
        {
            ReserveFloors = [new ReserveFloor("R", "N95", 8)],
        };

        var result = SolveChecked(problem);

        Assert.Equal(4, Served(result, "X", 1), 5);
        Assert.Equal(0, Served(result, "X", 2), 5);
        Assert.Equal("OPTIMAL (network flow)", result.Stages.Single(s => s.Stage == "reserve_release").SolverStatus);
        Assert.Equal(4, result.Stages.Single(s => s.Stage == "reserve_release").Objective, 5);
        // From there on the LP solver decides: the draw could be spread over days in ways a network cannot keep open.
        Assert.All(result.Stages.SkipWhile(s => s.Stage != "reserve_release").Skip(1), s =>
            Assert.DoesNotContain("network", s.SolverStatus, StringComparison.Ordinal)
        );
    }

    [Fact]
    public void NetworkFlow_KeepsTheStages_WhenEveryLeastDrawPlanDrawsTheSameEachDay()
    {
        // The reserve R has a floor of 8 and never receives anything: every plan is 8 below it every day. Tier 1 at X
        // is served from S; that draw is no choice, so the network holds it and goes on.
        var problem = Problem(
            3,
            ["R", "S"],
            ["X"],
            [Supplied("S", 0, 10), Supplied("S", 1, 5)],
            [Needed("X", 0, 1, 4), Needed("X", 1, 1, 3), Needed("X", 1, 2, 6), Needed("X", 2, 2, 4)],
            [new Lane("R", "X", 0, 1), new Lane("S", "X", 0, 2)]
        ) with
        {
            ReserveFloors = [new ReserveFloor("R", "N95", 8)],
        };
        var settings = new AllocationSettings { WholePacks = false };

        var lp = SolveChecked(problem, settings with { NetworkFlow = false });
        var flow = SolveChecked(problem, settings);

        Assert.Equal(24, flow.Stages.Single(s => s.Stage == "reserve_release").Objective, 5);
        Assert.All(flow.Stages, s => Assert.StartsWith("OPTIMAL (", s.SolverStatus, StringComparison.Ordinal));
        Assert.Equal(lp.Stages.Select(s => s.Stage), flow.Stages.Select(s => s.Stage));
        foreach (var (a, b) in lp.Stages.Zip(flow.Stages))
            Assert.True(
                Math.Abs(a.Objective - b.Objective) <= 1e-6,
                $"{b.Stage}: LP {a.Objective}, network {b.Objective}"
            );
    }

    [Fact]
    public void HoldReserves_CountsWholeGrains_SoAFloorThatIsNoWholeNumberOfGrainsIsNotDrawnOn()
    {
        // R receives more than its floor of 7.3 units, which is no whole number of grains: the network carries it
        // rounded down, less than a grain short of the floor every day, and that is no draw.
        var problem = OneLane(3, new Lane("R", "X", 0, 1), [Supplied("R", 0, 20)], Needed("X", 0, 1, 4)) with
        {
            ReserveFloors = [new ReserveFloor("R", "N95", 7.3)],
        };
        using var model = new ProductModel(problem, "N95", new AllocationSettings(), "CLP");
        var network = ProductNetwork.For(model)!;
        network.OpenThrough(1);
        network.FixServed(1, network.MaxServed(1)!.Value);

        Assert.NotNull(network.MinReserveDraw());

        Assert.InRange(model.BelowFloor.Sum(b => model.Value(b.Var)), double.Epsilon, 1e-9);
        Assert.True(network.HoldReserves(tolerance: 0));
    }

    [Fact]
    public void NetworkFlow_IsNotUsed_ForThePolicyRulesOrWhenReplanning()
    {
        var problem = RandomProblem(21);

        foreach (var policy in new[] { Policy.ProRata, Policy.PopulationShare })
        {
            var result = SolveChecked(problem, new AllocationSettings { Policy = policy });
            Assert.DoesNotContain(result.Stages, s => s.SolverStatus.Contains("network", StringComparison.Ordinal));
        }
        var first = SolveChecked(problem);
        var replanned = SolveChecked(problem with { Previous = new PreviousPlan(first.Shipments, 0) });
        Assert.DoesNotContain(replanned.Stages, s => s.SolverStatus.Contains("network", StringComparison.Ordinal));
    }

    /// <summary>
    /// Two products over six days: a provincial depot with a reserve floor and two city depots with transfers between
    /// them (lead times, one capped), counties on same-day delivery, a remote site two days out; three tiers.
    /// </summary>
    private static (
        int Nodes,
        List<int> Tail,
        List<int> Head,
        List<long> Capacity,
        List<long> Cost,
        long[] Supply
    ) RandomGraph(int seed)
    {
        var random = new Random(seed);
        var nodes = random.Next(5, 40);
        var (tail, head, capacity, cost) = (new List<int>(), new List<int>(), new List<long>(), new List<long>());
        for (var e = 0; e < nodes * 5; e++)
        {
            var (u, v) = (random.Next(nodes), random.Next(nodes));
            if (u == v)
                continue;
            var unbounded = random.Next(4) == 0;
            tail.Add(u);
            head.Add(v);
            capacity.Add(unbounded ? NetworkSimplex.Unbounded : random.Next(0, 50));
            // Negative costs only on bounded arcs: a negative cycle of unbounded arcs has no least cost.
            cost.Add(unbounded ? random.Next(0, 30) : random.Next(-10, 30));
        }
        var supply = new long[nodes];
        for (var i = 0; i < nodes; i++)
        {
            var q = random.Next(0, 40);
            supply[random.Next(nodes)] += q;
            supply[random.Next(nodes)] -= q;
        }
        return (nodes, tail, head, capacity, cost, supply);
    }

    /// <summary>The flow meets the supplies within the capacities, costs what OR-Tools' min-cost flow finds, and its
    /// reduced costs prove it.</summary>
    private static void AssertLeastCost(
        int nodes,
        List<int> tail,
        List<int> head,
        List<long> capacity,
        List<long> cost,
        long[] supply,
        (long[] Flow, long[] ReducedCost)? solved
    )
    {
        using var reference = new MinCostFlow();
        var big = supply.Where(s => s > 0).Sum() + capacity.Where(c => c != NetworkSimplex.Unbounded).Sum() + 1;
        for (var e = 0; e < tail.Count; e++)
            reference.AddArcWithCapacityAndUnitCost(
                tail[e],
                head[e],
                capacity[e] == NetworkSimplex.Unbounded ? big : capacity[e],
                cost[e]
            );
        for (var v = 0; v < nodes; v++)
            reference.SetNodeSupply(v, supply[v]);
        var status = reference.Solve();
        if (status == MinCostFlowBase.Status.INFEASIBLE)
        {
            Assert.Null(solved);
            return;
        }
        Assert.Equal(MinCostFlowBase.Status.OPTIMAL, status);
        Assert.NotNull(solved);
        var (flow, reduced) = solved.Value;
        var balance = new long[nodes];
        for (var e = 0; e < tail.Count; e++)
        {
            Assert.InRange(flow[e], 0, capacity[e]);
            balance[tail[e]] += flow[e];
            balance[head[e]] -= flow[e];
        }
        Assert.Equal(supply, balance);
        Assert.Equal(reference.OptimalCost(), tail.Select((_, e) => flow[e] * cost[e]).Sum());
        // Optimality conditions: an arc priced above zero carries nothing, one priced below zero is full.
        for (var e = 0; e < tail.Count; e++)
        {
            if (reduced[e] > 0)
                Assert.Equal(0, flow[e]);
            if (reduced[e] < 0)
                Assert.Equal(capacity[e], flow[e]);
        }
    }

    private static AllocationProblem RandomProblem(int seed)
    {
        var random = new Random(seed);
        const int days = 6;
        string[] products = ["N95", "GLOVES"];
        string[] depots = ["P", "C1", "C2"];
        string[] destinations = ["X1", "X2", "X3", "Y1", "Y2", "H"];
        var lanes = new List<Lane>
        {
            new("P", "C1", 1, 2, Kind: LaneKind.Provincial),
            new("P", "C2", 1, 3, Kind: LaneKind.Provincial),
            new("C1", "C2", 1, 4, random.Next(20, 60), LaneKind.Transfer),
            new("C2", "C1", 2, 4, Kind: LaneKind.Transfer),
            new("C1", "X1", 0, 1),
            new("C1", "X2", 0, 2),
            new("C1", "X3", 0, 1.5),
            new("C2", "Y1", 0, 1),
            new("C2", "Y2", 0, 2.5),
            new("P", "H", 2, 9),
        };
        var supplies = new List<Supply>();
        var demands = new List<Demand>();
        var floors = products.Select(p => new ReserveFloor("P", p, random.Next(10, 80))).ToList();
        foreach (var product in products)
        {
            // The reserve receives its floor on day 0: tier 1 then draws on it only where it must.
            supplies.Add(new Supply("P", product, 0, floors.Single(f => f.Product == product).Floor));
            foreach (var depot in depots)
            {
                for (var day = 0; day < days; day++)
                {
                    if (random.Next(3) > 0)
                        supplies.Add(new Supply(depot, product, day, random.Next(0, 120)));
                }
            }
            foreach (var destination in destinations)
            {
                for (var day = 0; day < days; day++)
                {
                    for (var tier = 1; tier <= 3; tier++)
                    {
                        if (random.Next(4) > 0)
                            demands.Add(new Demand(destination, product, day, tier, random.Next(1, 40)));
                    }
                }
            }
        }
        return new AllocationProblem
        {
            Days = days,
            Products = products,
            Depots = depots,
            Destinations = destinations,
            Supplies = supplies,
            Demands = demands,
            Lanes = lanes,
            ReserveFloors = floors,
            Population = destinations.ToDictionary(d => d, _ => (double)random.Next(1000, 9000)),
        };
    }
}
