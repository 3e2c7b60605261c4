using ClosedXML.Excel;
using Planner.Api.Localization;
using Planner.Api.Sources;
using Planner.Solver.Care;
using Planner.Tests.Solver;

namespace Planner.Tests.Planning;

/// <summary>The care plan inside the daily plan: real databases, CP-SAT and min-cost flow, the supply plan it feeds,
/// the workbook.</summary>
public class CarePipelineTests
{
    /// <summary>Seeds the sample sources, changes one of them with <paramref name="sql"/>, then runs the daily plan
    /// (which pulls it).</summary>
    private static async Task<(TestNode Settings, PlanOutcome Outcome)> PlanAfterAsync(
        TestDatabase db,
        Feed feed,
        string sql,
        List<string>? log = null
    )
    {
        var settings = await TestPlanner.SeededAsync(db);
        await using (var source = await settings.Source(feed).Database.OpenAsync(Ct))
        {
            await source.ExecuteAsync(sql);
        }
        return (
            settings,
            await settings.RunAsync(new PlanRequest(Path.Combine(db.Directory, "out")), log: log, ct: Ct)
        );
    }

    /// <summary>
    /// H-0001 reports 6 more critical patients than it has ICU beds (its latest report before the plan). They move to
    /// designated hospitals with free beds; critical-care PPE demand follows them; teams' kits show up in Hubei.
    /// </summary>
    [Fact]
    public async Task Run_MovesOverflowPatients_AndTheirPpe_AndDeploysTeamsWithTheirKits()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var (settings, outcome) = await PlanAfterAsync(
            db,
            Feed.Hospitals,
            """
            UPDATE capacity_reports SET critical_patients = MIN(beds_icu_total, ventilators_total) + 6,
            row_version = 900000
            WHERE hospital_code = 'H-0001' AND report_date = (SELECT MAX(report_date) FROM capacity_reports
            WHERE hospital_code = 'H-0001' AND report_date < '2020-02-10')
            """
        );

        var moved = await AssertOverflowMovedWithinReachAndCapacityAsync(settings, outcome);
        AssertCriticalCareDemandFollowsTheCensus(outcome, moved);
        AssertTeamPlanKeepsTheRules_AndKitsAreTierOneDemand(settings, outcome);
        await AssertSummaryDatabaseAndWorkbookSayTheSameAsync(settings, outcome);
    }

    /// <summary>H-0001's 6 overflow patients move within 200 km to hospitals that stay within their ICU beds and
    /// ventilators; patients move, none appear or vanish.</summary>
    private static async Task<List<PatientTransfer>> AssertOverflowMovedWithinReachAndCapacityAsync(
        TestNode settings,
        PlanOutcome outcome
    )
    {
        var care = outcome.Care;
        var moved = care.Transfers.Transfers.Where(t => t.From == "H-0001").ToList();
        Assert.Equal(6, moved.Sum(t => t.Patients));
        Assert.All(moved, t => Assert.True(t.Km <= 200));
        await using var planner = await settings.Planner.OpenAsync(Ct);
        var reported = await planner.ExecuteScalarAsync<long>(
            """
            SELECT SUM(critical_patients) FROM capacity_reports r
            WHERE report_date = (SELECT MAX(report_date) FROM capacity_reports r2
            WHERE r2.hospital_code = r.hospital_code AND r2.report_date < '2020-02-10')
            """
        );
        Assert.Equal(reported, care.Transfers.Census.Sum(h => h.Critical));
        Assert.All(care.Transfers.Census.Where(h => moved.Any(t => t.To == h.Code)), h =>
            Assert.True(h.Critical <= Math.Min(h.IcuBeds, h.Ventilators))
        );
        return moved;
    }

    /// <summary>Critical-care demand per county (the receivers' and Shangcheng's) follows the census after the
    /// transfers: the forecast, scaled by the census after over the census before.</summary>
    private static void AssertCriticalCareDemandFollowsTheCensus(PlanOutcome outcome, List<PatientTransfer> moved)
    {
        var care = outcome.Care;
        var snapshot = outcome.Published!.Value.Snapshot;
        foreach (var segment in PlanSnapshot.CareSegments)
        {
            var rate = snapshot.CareRates.Single(r => r.Segment == segment && r.Product == "N95").Rate;
            Func<HospitalCensus, double> patients =
                segment == PlanSnapshot.CriticalCareSegment ? h => h.Critical : h => h.Severe;
            var census = care.Transfers.Census.GroupBy(h => h.County).ToDictionary(g => g.Key, g => g.Sum(patients));
            foreach (
                var county in moved
                    .Select(t => care.Transfers.Census.Single(h => h.Code == t.To).County)
                    .Append("330102")
                    .Distinct()
            )
            {
                var n95 = outcome
                    .Problem.Demands.Where(d =>
                        d.Destination == county && d.Product == "N95" && d.Day == 0 && d.Segment == segment
                    )
                    .Sum(d => d.Quantity);
                // The forecast census of the first planned day, scaled by what the transfers did to the county's.
                var before = snapshot.Care.Hospitals.Where(h => h.County == county).Sum(patients);
                var day0 =
                    before > 0 ? snapshot.CareCensus[(county, segment)][0] * census[county] / before : census[county];
                Assert.Equal(Math.Round(day0 * rate, MidpointRounding.AwayFromZero), n95);
            }
        }
    }

    /// <summary>The team plan keeps every rule, and each deployed team's kit is tier-1 demand at its site.</summary>
    private static void AssertTeamPlanKeepsTheRules_AndKitsAreTierOneDemand(TestNode settings, PlanOutcome outcome)
    {
        var care = outcome.Care;
        TeamPlanChecker.Check(
            care.TeamProblem,
            settings.Teams with
            {
                HomeFloorShare = 0.5,
                MaxDeploymentDays = 56,
            },
            care.Teams
        );
        Assert.Equal("Optimal", care.Teams.Status);
        var teams = care.TeamProblem.Teams.ToDictionary(t => t.Code);
        var atWuhan = care.Teams.Assignments.Where(a => a.Site == "HB-WUHAN").ToList();
        Assert.NotEmpty(atWuhan);
        for (var day = 0; day < 14; day++)
        {
            var members = atWuhan.Where(a => a.FromDay <= day && day < a.ToDay).Sum(a => teams[a.Team].Size);
            var kit = outcome
                .Problem.Demands.Where(d =>
                    d.Destination == "HB-WUHAN"
                    && d.Product == "N95"
                    && d.Day == day
                    && d.Segment == PlanSnapshot.TeamKitSegment
                )
                .ToList();
            Assert.Equal(members * 4.0, kit.Sum(d => d.Quantity));
            Assert.All(kit, d => Assert.Equal(1, d.Tier));
        }
    }

    /// <summary>summary.json, the database and the workbook say the same: team assignments, H-0001's transfers and
    /// Hubei's supplies.</summary>
    private static async Task AssertSummaryDatabaseAndWorkbookSayTheSameAsync(TestNode settings, PlanOutcome outcome)
    {
        var care = outcome.Care;
        await using var planner = await settings.Planner.OpenAsync(Ct);
        Assert.Equal(care.Teams.Assignments.Count, outcome.Summary.Care.Assignments.Count);
        Assert.Equal(
            care.Teams.Assignments.Count,
            await planner.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM plan_team_assignments WHERE run_id = @id",
                new { id = outcome.RunId }
            )
        );
        Assert.Equal(
            6,
            await planner.ExecuteScalarAsync<long>(
                "SELECT SUM(patients) FROM plan_patient_transfers WHERE run_id = @id AND from_hospital = 'H-0001'",
                new { id = outcome.RunId }
            )
        );
        using var workbook = Xlsx.Open(outcome.WorkbookPath);
        Assert.Equal(
            care.Teams.Assignments.Count,
            workbook.Worksheet("Teams").Table("TeamAssignments").DataRange.Rows().Count(r => !r.Field("Team").IsEmpty())
        );
        var transfers = workbook.Worksheet("Transfers").Table("PatientTransfers").DataRange.Rows().ToList();
        Assert.Equal(
            6,
            transfers
                .Where(r => r.Field("From hospital").GetString() == "H-0001")
                .Sum(r => r.Field("Patients").GetDouble())
        );
        var hubei = workbook.Worksheet("Hubei").Table("HubeiSupplies").DataRange.Rows().ToList();
        Assert.Equal(2 * 5, hubei.Count);
        Assert.Equal(
            outcome.Problem.Demands.Where(d => d.Destination == "HB-WUHAN" && d.Product == "N95").Sum(d => d.Quantity),
            hubei
                .Single(r => r.Field("Site").GetString() == "HB-WUHAN" && r.Field("Product").GetString() == "N95")
                .Field("Requested")
                .GetDouble(),
            3
        );
    }

    /// <summary>A team with no members is left out with a flag, worded in the run's language (Chinese here) in its
    /// progress and in each workbook's own language; summary.json keeps the English sentence.</summary>
    [Fact]
    public async Task Run_FlagsATeamWithNoMembers_InTheReadersLanguage_AndPlansTheRest()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var log = new List<string>();
        PlanOutcome outcome;
        using (Texts.Use(LocalizationSetup.Chinese))
        {
            (_, outcome) = await PlanAfterAsync(
                db,
                Feed.Teams,
                """
                INSERT INTO teams (code, name, home_city_code, level, available_from, available_to, rest_days,
                current_site, row_version)
                VALUES ('T-999', '空队', '330100', 'city', '2020-02-01', '2020-04-30', 14, NULL, 900000)
                """,
                log
            );
        }

        Assert.Contains("team T-999 has no members. Left out of the team plan.", outcome.Summary.Care.Flags);
        Assert.Contains("警告：医疗队 T-999 无队员。未纳入医疗队调派计划。", log);
        Assert.Contains(
            "数据提示：医疗队 T-999 无队员。未纳入医疗队调派计划。",
            SheetTexts(outcome.WorkbookPath!, "患者转运")
        );
        Assert.Contains(
            "Data flag: team T-999 has no members. Left out of the team plan.",
            SheetTexts(outcome.WorkbookPath!.Replace("-zh-CN.xlsx", "-en.xlsx", StringComparison.Ordinal), "Transfers")
        );
        Assert.DoesNotContain(outcome.Care.TeamProblem.Teams, t => t.Code == "T-999");
        Assert.NotEmpty(outcome.Care.Teams.Assignments);
        Assert.Equal(Planner.Solver.Allocation.PlanStatus.Optimal, outcome.Status);
    }

    private static List<string> SheetTexts(string path, string sheet)
    {
        using var workbook = Xlsx.Open(path);
        return workbook.Worksheet(sheet).Column(1).CellsUsed().Select(c => c.GetString()).ToList();
    }
}
