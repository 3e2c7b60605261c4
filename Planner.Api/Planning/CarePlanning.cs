using Planner.Solver.Allocation;
using Planner.Solver.Care;

namespace Planner.Api.Planning;

/// <summary>What the care models read: hospitals' latest census, the teams, Hubei's team requests, ratios, kits and
/// rules.</summary>
public sealed record CareInputs(
    IReadOnlyList<HospitalCensus> Hospitals,
    IReadOnlyList<MedicalTeam> Teams,
    IReadOnlyList<StaffNeed> HubeiNeeds,
    IReadOnlyList<StaffingRatio> Ratios,
    IReadOnlyDictionary<string, double> Kit,
    double HomeFloorShare,
    int MaxDeploymentDays,
    double TransferMaxKm
);

/// <summary>The care plan of a run: transfers, the team plan and the demand it adds to the supply plan.</summary>
public sealed record CareOutcome(
    TransferPlan Transfers,
    TeamProblem TeamProblem,
    TeamPlan Teams,
    IReadOnlyList<Demand> KitDemands,
    IReadOnlyList<DataFlag> Flags
);

/// <summary>
/// Runs the care models in their order (see <see cref="CareCoupling"/>): transfers → staffing needs → teams → PPE kits.
/// </summary>
public static class CarePlanning
{
    /// <summary>
    /// Transfers, then needs from the census after them, then teams; the kit demand is tier <paramref name="tier"/>.
    /// Bad team data (no members, a window that ends before it starts, a team listed twice) is left out with a flag
    /// (worded by <see cref="CareFlags"/>), so one bad row cannot stop the plan.
    /// </summary>
    public static CareOutcome Run(
        CareInputs inputs,
        PlanSnapshot snapshot,
        TeamSettings knobs,
        int tier,
        IReadOnlyList<TeamAssignment> previous
    )
    {
        var regions = snapshot.Regions.ToDictionary(r => r.Code, StringComparer.Ordinal);
        double CityKm(string a, string b) =>
            a == b ? 0 : LaneRules.Distance(ProblemBuilder.Place(regions[a]), ProblemBuilder.Place(regions[b]));
        double HospitalKm(HospitalCensus a, HospitalCensus b) =>
            a.County == b.County ? 0
            : a.City == b.City ? LaneRules.CountyLegKm
            : CityKm(a.City, b.City);

        var transfers = PatientTransfers.Solve(
            inputs.Hospitals,
            HospitalKm,
            new TransferSettings { MaxKm = inputs.TransferMaxKm }
        );
        var needs = inputs
            .HubeiNeeds.Concat(CareCoupling.StaffNeeds(transfers.Census, inputs.Ratios, snapshot.HorizonDays))
            .ToList();
        var flags = transfers.Flags.ToList();
        var teams = new List<MedicalTeam>();
        foreach (var group in inputs.Teams.GroupBy(t => t.Code, StringComparer.Ordinal))
        {
            var problems = new TeamProblem { Weeks = 1, Teams = [.. group] }.Validate();
            if (problems.Count > 0)
            {
                flags.AddRange(problems);
                continue;
            }
            teams.Add(group.Single());
        }
        var problem = new TeamProblem
        {
            Weeks = (snapshot.HorizonDays + 6) / 7,
            Teams = teams,
            Needs = needs,
            Km = CityKm,
            Previous = previous,
        };
        var settings = knobs with
        {
            HomeFloorShare = inputs.HomeFloorShare,
            MaxDeploymentDays = inputs.MaxDeploymentDays,
        };
        var plan = TeamDeployment.Solve(problem, settings);
        var kits = CareCoupling.KitDemands(plan, problem, inputs.Kit, snapshot.HorizonDays, tier);
        return new CareOutcome(transfers, problem, plan, kits, flags);
    }
}
