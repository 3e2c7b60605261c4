using System.Data.Common;
using System.Globalization;
using Dapper;
using Planner.Solver.Allocation;
using Planner.Solver.Care;

namespace Planner.Api.Planning;

/// <summary>What the care models read: hospitals' latest census, the teams, Hubei's team requests, ratios, kits and rules.</summary>
public sealed record CareInputs(
    IReadOnlyList<HospitalCensus> Hospitals,
    IReadOnlyList<MedicalTeam> Teams,
    IReadOnlyList<StaffNeed> HubeiNeeds,
    IReadOnlyList<StaffingRatio> Ratios,
    IReadOnlyDictionary<string, double> Kit,
    double HomeFloorShare,
    int MaxDeploymentDays,
    double TransferMaxKm);

/// <summary>The care plan of a run: transfers, the team plan and the demand it adds to the supply plan.</summary>
public sealed record CareOutcome(TransferPlan Transfers, TeamProblem TeamProblem, TeamPlan Teams, IReadOnlyList<Demand> KitDemands, IReadOnlyList<string> Flags);

/// <summary>
/// Runs the care models in their order (see <see cref="CareCoupling"/>): transfers → staffing needs → teams → PPE kits.
/// </summary>
public static class CarePlanning
{
    /// <summary>Each hospital's latest capacity report before the first planned day.</summary>
    private const string HospitalsSql = """
        SELECT h.code, h.county_code AS county, c.parent_code AS city, h.designated,
               r.beds_general_total + r.beds_isolation_total + r.beds_icu_total AS beds,
               r.beds_icu_total AS icu_beds, r.beds_icu_occupied AS icu_occupied,
               r.ventilators_total AS ventilators, r.ventilators_in_use,
               r.severe_patients AS severe, r.critical_patients AS critical, r.staff_on_duty
        FROM capacity_reports r
        JOIN hospitals h ON h.code = r.hospital_code
        JOIN regions c ON c.code = h.county_code
        WHERE r.report_date = (SELECT MAX(r2.report_date) FROM capacity_reports r2
                               WHERE r2.hospital_code = r.hospital_code AND r2.report_date < @start)
        ORDER BY h.code
        """;

    private const string TeamsSql = """
        SELECT code, home_city_code AS home_city, available_from, available_to, rest_days, current_site
        FROM medical_teams ORDER BY code
        """;

    private const string HubeiTeamRequestsSql = """
        SELECT site_code AS site, specialty, quantity, start_date, duration_days
        FROM assistance_requests WHERE kind = 'team' ORDER BY code
        """;

    public static async Task<CareInputs> ReadAsync(DbConnection db, DateOnly planStart, IReadOnlyDictionary<string, string> parameters)
    {
        var hospitals = (await db.QueryAsync<HospitalRow>(HospitalsSql, new { start = planStart }))
            .Select(h => new HospitalCensus(h.Code, h.County, h.City, h.Designated != 0, (int)h.Beds, (int)h.IcuBeds, (int)h.IcuOccupied,
                (int)h.Ventilators, (int)h.VentilatorsInUse, (int)h.Severe, (int)h.Critical, (int)h.StaffOnDuty))
            .ToList();
        var members = (await db.QueryAsync<MemberRow>("SELECT team_code, specialty, members FROM team_members ORDER BY team_code, specialty"))
            .GroupBy(m => m.TeamCode).ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, int>)g.ToDictionary(m => m.Specialty, m => (int)m.Members, StringComparer.Ordinal), StringComparer.Ordinal);
        // A team on deployment left on the first day of its availability (the roster keeps no departure date).
        var teams = (await db.QueryAsync<TeamRow>(TeamsSql)).Select(t =>
        {
            var from = t.AvailableFrom.DayNumber - planStart.DayNumber;
            return new MedicalTeam(t.Code, t.HomeCity, from, t.AvailableTo.DayNumber - planStart.DayNumber, (int)t.RestDays,
                members.GetValueOrDefault(t.Code) ?? new Dictionary<string, int>(), t.CurrentSite, t.CurrentSite is null ? 0 : Math.Min(0, from));
        }).ToList();
        var hubei = (await db.QueryAsync<RequestRow>(HubeiTeamRequestsSql))
            .GroupBy(r => (r.Site, r.StartDate, r.DurationDays))
            .Select(g => new StaffNeed($"{g.Key.Site}@{g.Key.StartDate:yyyy-MM-dd}", g.Key.Site, g.Key.Site, g.Key.Site, NeedKind.Hubei,
                g.Key.StartDate.DayNumber - planStart.DayNumber, (int)g.Key.DurationDays,
                g.GroupBy(r => r.Specialty).ToDictionary(s => s.Key, s => (int)s.Sum(r => r.Quantity), StringComparer.Ordinal)))
            .ToList();
        var ratios = (await db.QueryAsync<RatioRow>("SELECT specialty, per_critical_patient, per_severe_patient, share_of_staff_on_duty FROM staffing_ratios ORDER BY specialty"))
            .Select(r => new StaffingRatio(r.Specialty, r.PerCriticalPatient, r.PerSeverePatient, r.ShareOfStaffOnDuty)).ToList();
        var kit = (await db.QueryAsync<KitRow>("SELECT product_code, per_member_day FROM team_kits ORDER BY product_code"))
            .ToDictionary(k => k.ProductCode, k => k.PerMemberDay, StringComparer.Ordinal);
        return new CareInputs(hospitals, teams, hubei, ratios, kit,
            Number(parameters, "home_city_floor_share"), (int)Number(parameters, "max_deployment_days"), Number(parameters, "patient_transfer_max_km"));
    }

    /// <summary>
    /// Transfers, then needs from the census after them, then teams; the kit demand is tier <paramref name="tier"/>.
    /// Bad team data (no members, a window that ends before it starts, a team listed twice) is left out with a flag,
    /// so one bad row cannot stop the plan.
    /// </summary>
    public static CareOutcome Run(CareInputs inputs, PlanSnapshot snapshot, TeamSettings knobs, int tier, IReadOnlyList<TeamAssignment> previous)
    {
        var regions = snapshot.Regions.ToDictionary(r => r.Code, StringComparer.Ordinal);
        double CityKm(string a, string b) => a == b ? 0 : PlanSnapshot.Distance(regions[a], regions[b]);
        double HospitalKm(HospitalCensus a, HospitalCensus b) => a.County == b.County ? 0 : a.City == b.City ? PlanSnapshot.CountyLegKm : CityKm(a.City, b.City);

        var transfers = PatientTransfers.Solve(inputs.Hospitals, HospitalKm, new TransferSettings { MaxKm = inputs.TransferMaxKm });
        var needs = inputs.HubeiNeeds.Concat(CareCoupling.StaffNeeds(transfers.Census, inputs.Ratios, snapshot.HorizonDays)).ToList();
        var flags = transfers.Flags.ToList();
        var teams = new List<MedicalTeam>();
        foreach (var group in inputs.Teams.GroupBy(t => t.Code, StringComparer.Ordinal))
        {
            var problems = new TeamProblem { Weeks = 1, Teams = [.. group] }.Validate();
            if (problems.Count > 0)
            {
                flags.AddRange(problems.Select(p => $"{p} Left out of the team plan."));
                continue;
            }
            teams.Add(group.Single());
        }
        var problem = new TeamProblem { Weeks = (snapshot.HorizonDays + 6) / 7, Teams = teams, Needs = needs, Km = CityKm, Previous = previous };
        var settings = knobs with { HomeFloorShare = inputs.HomeFloorShare, MaxDeploymentDays = inputs.MaxDeploymentDays };
        var plan = TeamDeployment.Solve(problem, settings);
        var kits = CareCoupling.KitDemands(plan, problem, inputs.Kit, snapshot.HorizonDays, tier);
        return new CareOutcome(transfers, problem, plan, kits, flags);
    }

    private static double Number(IReadOnlyDictionary<string, string> parameters, string name) =>
        parameters.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture)
            : throw new PlannerException($"Planning parameter {name} is missing from data/reference/planning-parameters.csv.");

    private sealed class HospitalRow
    {
        public string Code { get; set; } = "";
        public string County { get; set; } = "";
        public string City { get; set; } = "";
        public long Designated { get; set; }
        public long Beds { get; set; }
        public long IcuBeds { get; set; }
        public long IcuOccupied { get; set; }
        public long Ventilators { get; set; }
        public long VentilatorsInUse { get; set; }
        public long Severe { get; set; }
        public long Critical { get; set; }
        public long StaffOnDuty { get; set; }
    }

    private sealed class MemberRow { public string TeamCode { get; set; } = ""; public string Specialty { get; set; } = ""; public long Members { get; set; } }

    private sealed class TeamRow
    {
        public string Code { get; set; } = "";
        public string HomeCity { get; set; } = "";
        public DateOnly AvailableFrom { get; set; }
        public DateOnly AvailableTo { get; set; }
        public long RestDays { get; set; }
        public string? CurrentSite { get; set; }
    }

    private sealed class RequestRow { public string Site { get; set; } = ""; public string Specialty { get; set; } = ""; public long Quantity { get; set; } public DateOnly StartDate { get; set; } public long DurationDays { get; set; } }

    private sealed class RatioRow { public string Specialty { get; set; } = ""; public double PerCriticalPatient { get; set; } public double PerSeverePatient { get; set; } public double ShareOfStaffOnDuty { get; set; } }

    private sealed class KitRow { public string ProductCode { get; set; } = ""; public double PerMemberDay { get; set; } }
}
