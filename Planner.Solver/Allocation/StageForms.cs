using Google.OrTools.LinearSolver;

namespace Planner.Solver.Allocation;

/// <summary>
/// The two forms a product's stages are solved in, behind one door: the LP (<see cref="ProductModel"/>, always there,
/// exported with every stage) and the network (<see cref="ProductNetwork"/>, while the model is one). Each stage's
/// fixing is written once here and applied to both, so that the LP can take over at any stage with every earlier
/// optimum in place.
/// </summary>
internal sealed class StageForms(ProductModel model)
{
    /// <summary>The tiers open to be served: up to this one.</summary>
    private int _open = int.MaxValue;

    /// <summary>The network form while the stages can be solved as one; null once they cannot.</summary>
    public ProductNetwork? Network { get; private set; } =
        model.Settings.NetworkFlow ? ProductNetwork.For(model) : null;

    /// <summary>The LP takes over from here on (a stage the network cannot state or solve exactly).</summary>
    public void DropNetwork() => Network = null;

    /// <summary>
    /// Lets tiers up to <paramref name="tier"/> be served and holds the later ones at zero. A tier's stages never
    /// gain from serving a later tier (that only uses supply), so their optima are the same; the solver just has
    /// fewer columns to price and presolve removes the rest.
    /// </summary>
    public void OpenThrough(int tier)
    {
        // Only the tiers between the last call's and this one change (the model starts with every tier open).
        foreach (var s in model.ServedVars)
        {
            if (s.Tier <= tier != s.Tier <= _open)
                s.Var.SetBounds(0, s.Tier <= tier ? s.Demand : 0);
        }
        _open = tier;
        Network?.OpenThrough(tier);
    }

    /// <summary>The tier's served total at least <paramref name="least"/>.</summary>
    public void FixServed(int tier, IEnumerable<(Variable Var, double Coef)> terms, double least)
    {
        model.Fix($"fix_tier{tier}_served", terms, least, double.PositiveInfinity);
        Network?.FixServed(tier, least);
    }

    /// <summary>A destination's served total in a tier between <paramref name="lower"/> and
    /// <paramref name="upper"/> (pro-rata fixes it exactly; its model is never a network).</summary>
    public void FixFill(string destination, int tier, double lower, double upper)
    {
        if (double.IsPositiveInfinity(upper))
            Network?.FixFill(destination, tier, lower);
        model.Fix(
            $"fix_fill[{destination},t{tier}]",
            model.ByDestinationTier[(destination, tier)].Vars.Select(v => (v, 1.0)),
            lower,
            upper
        );
    }

    /// <summary>Every destination of the tier at a fill rate of at least <paramref name="rate"/> (z is the LP's
    /// min-fill variable); 0 lifts it.</summary>
    public void HoldFill(Variable z, int tier, double rate)
    {
        if (rate > 0)
            z.SetLb(rate);
        Network?.SetFill(tier, rate);
    }

    /// <summary>
    /// A minimised stage's optimum: Σ terms at most <paramref name="upper"/>, on the LP. The network holds a least
    /// reserve draw through <see cref="HoldReserves"/>; a locked deficit only arises when re-planning, which has no
    /// network.
    /// </summary>
    public void FixAtMost(string stage, IEnumerable<(Variable Var, double Coef)> terms, double upper) =>
        model.Fix($"fix_{stage}", terms, double.NegativeInfinity, upper);

    /// <summary>
    /// After a least reserve draw has been fixed on the LP: the network holds each reserve as it is, or, where a draw
    /// could be spread over the days in other ways (which a network cannot keep open), the LP goes on alone.
    /// </summary>
    public void HoldReserves(double tolerance)
    {
        if (Network?.HoldReserves(tolerance) == false)
            Network = null;
    }

    /// <summary>
    /// The transport cost at most <paramref name="upper"/>. After a least-cost network flow, what is the same in every
    /// least-cost plan is held as is in the network; the transfer rounds are network flows too, and the LP (exported,
    /// or taking over) is the same problem.
    /// </summary>
    public void FixCost(IEnumerable<(Variable Var, double Coef)> cost, double upper)
    {
        model.Fix("fix_transport_cost", cost, double.NegativeInfinity, upper);
        Network?.HoldLeastCost();
    }
}
