using Planner.Solver.Allocation;

namespace Planner.Solver.Care;

/// <summary>
/// Staff a specialty needs per critical and per severe patient (across all shifts), and the share of a hospital's
/// staff on duty that works in it (reports give staff on duty as one number).
/// </summary>
public sealed record StaffingRatio(string Specialty, double PerCritical, double PerSevere, double ShareOfStaff);

/// <summary>
/// How the care models feed each other and the supply plan. The order is a chain, so one pass is enough:
/// <list type="number">
/// <item>patient transfers change each hospital's critical census (<see cref="PatientTransfers"/>);</item>
/// <item>staffing needs follow from that census (<see cref="StaffNeeds"/>);</item>
/// <item>teams are deployed to those needs and to Hubei's requests (<see cref="TeamDeployment"/>);</item>
/// <item>the supply plan then sees critical-care demand from the census after transfers and each deployed team's PPE
/// kit as tier-1 demand at its site (<see cref="KitDemands"/>).</item>
/// </list>
/// Nothing flows back: a team's PPE is tier 1, so the supply plan serves it before anything else it could take, and
/// where it cannot, the shortfall shows in the plan rather than changing where teams go.
/// </summary>
public static class CareCoupling
{
    /// <summary>
    /// Per hospital, staff needed beyond its own: critical needs first (ceil(critical × per-critical) − own staff in
    /// the specialty), then severe (what remains after the critical needs are set against its own staff).
    /// </summary>
    public static List<StaffNeed> StaffNeeds(
        IEnumerable<HospitalCensus> census,
        IReadOnlyList<StaffingRatio> ratios,
        int days
    )
    {
        var needs = new List<StaffNeed>();
        foreach (var h in census.OrderBy(h => h.Code, StringComparer.Ordinal))
        {
            var critical = new Dictionary<string, int>(StringComparer.Ordinal);
            var severe = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var r in ratios)
            {
                var own = (int)Math.Floor(Math.Max(0, h.StaffOnDuty) * r.ShareOfStaff);
                var forCritical = (int)Math.Ceiling(Math.Max(0, h.Critical) * r.PerCritical - 1e-9);
                var forSevere = (int)Math.Ceiling(Math.Max(0, h.Severe) * r.PerSevere - 1e-9);
                var gapCritical = Math.Max(0, forCritical - own);
                var gapSevere = Math.Max(0, forCritical + forSevere - own) - gapCritical;
                if (gapCritical > 0)
                    critical[r.Specialty] = gapCritical;
                if (gapSevere > 0)
                    severe[r.Specialty] = gapSevere;
            }
            if (critical.Count > 0)
                needs.Add(
                    new StaffNeed($"{h.Code}-critical", h.Code, h.City, h.County, NeedKind.Critical, 0, days, critical)
                );
            if (severe.Count > 0)
                needs.Add(
                    new StaffNeed($"{h.Code}-severe", h.Code, h.City, h.County, NeedKind.Severe, 0, days, severe)
                );
        }
        return needs;
    }

    /// <summary>
    /// Each deployed team's PPE kit (units per member per day, per product) as demand of <paramref name="tier"/> at
    /// its need's destination, for the days of its assignments inside the horizon.
    /// </summary>
    public static List<Demand> KitDemands(
        TeamPlan plan,
        TeamProblem problem,
        IReadOnlyDictionary<string, double> kitPerMemberDay,
        int days,
        int tier
    )
    {
        var teams = problem.Teams.ToDictionary(t => t.Code, StringComparer.Ordinal);
        var needs = problem.Needs.ToDictionary(n => n.Code, StringComparer.Ordinal);
        var demand = new Dictionary<(string Destination, string Product, int Day), double>();
        foreach (var a in plan.Assignments)
        {
            var members = teams[a.Team].Size;
            var destination = needs[a.Need].Destination;
            for (var day = Math.Max(0, a.FromDay); day < Math.Min(days, a.ToDay); day++)
            {
                foreach (var (product, rate) in kitPerMemberDay)
                {
                    var key = (destination, product, day);
                    demand[key] = demand.GetValueOrDefault(key) + members * rate;
                }
            }
        }
        return demand
            .Where(d => d.Value > 0)
            .OrderBy(d => d.Key.Destination, StringComparer.Ordinal)
            .ThenBy(d => d.Key.Product, StringComparer.Ordinal)
            .ThenBy(d => d.Key.Day)
            .Select(d => new Demand(d.Key.Destination, d.Key.Product, d.Key.Day, tier, Math.Ceiling(d.Value)))
            .ToList();
    }
}
