using Planner.Solver.Allocation;
using Planner.Solver.Care;

namespace Planner.Tests.Solver;

/// <summary>Team deployment, patient transfers and their coupling to the supply plan, on hand-computed
/// instances.</summary>
public class CareTests
{
    private static readonly Dictionary<(string, string), double> Distances = new()
    {
        [("C1", "HB")] = 800,
        [("C2", "HB")] = 900,
        [("C1", "C2")] = 100,
        [("C2", "C1")] = 100,
    };

    private static double Km(string from, string to) => from == to ? 0 : Distances.GetValueOrDefault((from, to), 500);

    private static MedicalTeam Team(string code, string city, params (string Specialty, int Members)[] members) =>
        new(code, city, -30, 120, 14, members.ToDictionary(m => m.Specialty, m => m.Members));

    private static StaffNeed Need(
        string code,
        string site,
        string city,
        NeedKind kind,
        int start,
        int days,
        params (string Specialty, int Count)[] required
    ) => new(code, site, city, site, kind, start, days, required.ToDictionary(r => r.Specialty, r => r.Count));

    private static TeamPlan SolveChecked(TeamProblem problem, TeamSettings settings)
    {
        var plan = TeamDeployment.Solve(problem, settings);
        TeamPlanChecker.Check(problem, settings, plan);
        Assert.Equal("Optimal", plan.Status);
        Assert.Equal(0, plan.Gap);
        return plan;
    }

    /// <summary>Hubei asks 10 critical-care staff for two weeks; C1's team A has 8 of them, B 4.</summary>
    private static readonly TeamProblem TwoTeamsForHubei = new()
    {
        Weeks = 2,
        Km = Km,
        Teams = [Team("A", "C1", ("critical_care", 8)), Team("B", "C1", ("critical_care", 4))],
        Needs = [Need("HB1", "HB", "HB", NeedKind.Hubei, 0, 14, ("critical_care", 10))],
    };

    [Fact]
    public void Solve_SendsBothTeams_WhenTheHomeCityMayLetThemGo()
    {
        // Hubei asks 10 critical-care staff for two weeks; A has 8, B 4: both go, 10 covered each week (weight 4): 80.
        var problem = TwoTeamsForHubei;

        var plan = SolveChecked(problem, new TeamSettings { HomeFloorShare = 0 });

        Assert.Equal(80, plan.Coverage);
        Assert.Equal(["A", "B"], plan.Assignments.Select(a => a.Team).Order());
        Assert.Empty(plan.Unmet);
        Assert.Equal(1600, plan.Travel);
    }

    [Fact]
    public void Solve_KeepsHalfOfTheCitysIcuStaff_AndSaysSo()
    {
        // The city has 12 ICU-capable staff and keeps half: away at most 6, so only B (4) may go. 6 a week stay unmet.
        var problem = TwoTeamsForHubei;

        var plan = SolveChecked(problem, new TeamSettings { HomeFloorShare = 0.5 });

        Assert.Equal(32, plan.Coverage);
        Assert.Equal("B", Assert.Single(plan.Assignments).Team);
        Assert.All(plan.Unmet, u => Assert.Equal((6, UnmetReason.HomeCityFloor), (u.Required - u.Covered, u.Reason)));
        Assert.Equal(2, plan.Unmet.Count);
    }

    [Fact]
    public void Solve_PutsCriticalCareBeforeSevere_AndTheNearerTeamFirst()
    {
        // One ICU-nursing team in C1 and one in C2; needs: critical in C2 (5), severe in C2 (5) — both covered, and
        // with only one team the critical need wins. With both, each stays within 100 km rather than ... (no travel in
        // C2).
        var critical = Need("H1-critical", "H1", "C2", NeedKind.Critical, 0, 7, ("icu_nursing", 5));
        var severe = Need("H2-severe", "H2", "C2", NeedKind.Severe, 0, 7, ("icu_nursing", 5));
        var one = new TeamProblem
        {
            Weeks = 1,
            Km = Km,
            Teams = [Team("A", "C1", ("icu_nursing", 5))],
            Needs = [severe, critical],
        };

        var plan = SolveChecked(one, new TeamSettings { HomeFloorShare = 0 });

        Assert.Equal("H1-critical", Assert.Single(plan.Assignments).Need);
        Assert.Equal(UnmetReason.LowerPriority, Assert.Single(plan.Unmet).Reason);

        // Two teams, one need: the one at home (0 km) goes, not the one 100 km away.
        var two = new TeamProblem
        {
            Weeks = 1,
            Km = Km,
            Teams = [Team("A", "C1", ("icu_nursing", 5)), Team("B", "C2", ("icu_nursing", 5))],
            Needs = [critical],
        };
        var near = SolveChecked(two, new TeamSettings { HomeFloorShare = 0 });
        Assert.Equal("B", Assert.Single(near.Assignments).Team);
        Assert.Equal(0, near.Travel);
    }

    [Fact]
    public void Solve_BringsATeamHome_AfterItsLongestDeployment_AndLetsItRest()
    {
        // A has been in Hubei for 8 weeks (the longest deployment): it comes home in week 0 and rests 14 days (weeks
        // 0–1). Its site still needs staff, no one else can go: unmet by the rest rule in weeks 0 and 1; week 2 A may
        // go again.
        var team = Team("A", "C1", ("critical_care", 6)) with { CurrentSite = "HB", DeployedSince = -56 };
        var problem = new TeamProblem
        {
            Weeks = 3,
            Km = Km,
            Teams = [team],
            Needs = [Need("HB1", "HB", "HB", NeedKind.Hubei, 0, 21, ("critical_care", 6))],
        };

        var plan = SolveChecked(problem, new TeamSettings { HomeFloorShare = 0 });

        Assert.Equal(
            [(0, UnmetReason.RestRule), (1, UnmetReason.RestRule)],
            plan.Unmet.Select(u => (u.Week, u.Reason))
        );
        var back = Assert.Single(plan.Assignments);
        Assert.Equal((14, 21), (back.FromDay, back.ToDay));
    }

    [Fact]
    public void Solve_KeepsDeployedTeamsWhereTheyAre()
    {
        // B is already in Hubei; A and B are alike, A is nearer (800 vs 900 km). B stays: no new trip at all.
        var problem = new TeamProblem
        {
            Weeks = 2,
            Km = Km,
            Teams =
            [
                Team("A", "C1", ("critical_care", 6)),
                Team("B", "C2", ("critical_care", 6)) with
                {
                    CurrentSite = "HB",
                    DeployedSince = -7,
                },
            ],
            Needs = [Need("HB1", "HB", "HB", NeedKind.Hubei, 0, 14, ("critical_care", 6))],
        };

        var plan = SolveChecked(problem, new TeamSettings { HomeFloorShare = 0 });

        Assert.Equal("B", Assert.Single(plan.Assignments).Team);
        Assert.Equal(0, plan.Travel);
    }

    [Fact]
    public void Solve_KeepsThePreviousPlan_WhenAnotherIsAsGood()
    {
        // A and B are alike and equally far; the previous plan sent B, so re-planning keeps B (no change).
        var previous = new TeamAssignment("B", "HB1", "HB", 0, 14, ["critical_care"]);
        var problem = new TeamProblem
        {
            Weeks = 2,
            Km = Km,
            Teams = [Team("A", "C1", ("critical_care", 6)), Team("B", "C1", ("critical_care", 6))],
            Needs = [Need("HB1", "HB", "HB", NeedKind.Hubei, 0, 14, ("critical_care", 6))],
            Previous = [previous],
        };

        var plan = SolveChecked(problem, new TeamSettings { HomeFloorShare = 0 });

        Assert.Equal(previous, Assert.Single(plan.Assignments), new AssignmentComparer());
        Assert.Equal(0, plan.Changes);
    }

    private sealed class AssignmentComparer : IEqualityComparer<TeamAssignment>
    {
        public bool Equals(TeamAssignment? x, TeamAssignment? y) =>
            x is not null
            && y is not null
            && (x.Team, x.Need, x.FromDay, x.ToDay) == (y.Team, y.Need, y.FromDay, y.ToDay)
            && x.Specialties.SequenceEqual(y.Specialties);

        public int GetHashCode(TeamAssignment obj) => HashCode.Combine(obj.Team, obj.Need, obj.FromDay);
    }

    [Fact]
    public void Solve_SaysNoTeamIsAvailable_OutsideEveryWindow()
    {
        var problem = new TeamProblem
        {
            Weeks = 2,
            Km = Km,
            Teams = [Team("A", "C1", ("critical_care", 6)) with { AvailableFrom = 7 }],
            Needs = [Need("HB1", "HB", "HB", NeedKind.Hubei, 0, 14, ("critical_care", 6))],
        };

        var plan = SolveChecked(problem, new TeamSettings { HomeFloorShare = 0 });

        Assert.Equal((0, UnmetReason.NoTeamAvailable), plan.Unmet.Select(u => (u.Week, u.Reason)).Single());
        Assert.Equal((7, 14), (plan.Assignments.Single().FromDay, plan.Assignments.Single().ToDay));
    }

    /// <summary>
    /// A seeded instance with tight floors, teams on deployment, short windows and more needs than teams can cover:
    /// every rule holds whatever the search reaches in its time, and the status and gap are stated.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void Solve_KeepsEveryRule_OnASeededInstance(int seed)
    {
        var problem = SeededProblem(seed);
        var settings = new TeamSettings
        {
            HomeFloorShare = 0.6,
            MaxDeploymentDays = 28,
            TimeLimit = TimeSpan.FromSeconds(3),
        };

        var plan = TeamDeployment.Solve(problem, settings);

        TeamPlanChecker.Check(problem, settings, plan);
        Assert.True(plan.Status is "Optimal" or "Optimal coverage; travel feasible" or "Feasible", plan.Status);
        Assert.InRange(plan.Gap, 0, 1);
        Assert.True(plan.Coverage <= plan.CoverageBound + 1e-9);
        Assert.NotEmpty(plan.Unmet);
    }

    /// <summary>40 teams in three cities (one in five on deployment in Hubei) and 12 needs (4 in Hubei) over six
    /// weeks.</summary>
    private static TeamProblem SeededProblem(int seed)
    {
        var random = new Random(seed);
        var cities = new[] { "C1", "C2", "C3" };
        var teams = Enumerable
            .Range(0, 40)
            .Select(i =>
            {
                var members = Specialties
                    .All.OrderBy(_ => random.Next())
                    .Take(random.Next(1, 4))
                    .ToDictionary(s => s, _ => random.Next(1, 9));
                var deployed = random.Next(5) == 0;
                return new MedicalTeam(
                    $"T{i:00}",
                    cities[random.Next(3)],
                    7 * random.Next(0, 2),
                    7 * random.Next(3, 7) - 1,
                    7 * random.Next(1, 3),
                    members,
                    deployed ? "HB" : null,
                    deployed ? -7 * random.Next(1, 8) : 0
                );
            })
            .ToList();
        var needs = Enumerable
            .Range(0, 12)
            .Select(i =>
                i < 4
                    ? Need(
                        $"HB{i}",
                        "HB",
                        "HB",
                        NeedKind.Hubei,
                        7 * random.Next(0, 3),
                        7 * random.Next(1, 4),
                        Specialties.All.Take(3).Select(s => (s, random.Next(5, 20))).ToArray()
                    )
                    : Need(
                        $"H{i}",
                        $"H{i}",
                        cities[random.Next(3)],
                        i % 2 == 0 ? NeedKind.Critical : NeedKind.Severe,
                        0,
                        42,
                        Specialties.All.Skip(random.Next(4)).Take(2).Select(s => (s, random.Next(3, 15))).ToArray()
                    )
            )
            .ToList();
        return new TeamProblem
        {
            Weeks = 6,
            Km = Km,
            Teams = teams,
            Needs = needs,
        };
    }

    [Fact]
    public void Solve_RejectsBadTeams_BeforeSolving()
    {
        var problem = new TeamProblem
        {
            Weeks = 1,
            Teams =
            [
                Team("A", "C1"),
                Team("B", "C1", ("critical_care", 2)) with
                {
                    AvailableFrom = 10,
                    AvailableTo = 5,
                },
                Team("B", "C1", ("critical_care", 1)),
            ],
        };

        var error = Assert.Throws<ArgumentException>(() => TeamDeployment.Solve(problem));

        Assert.All(["TeamNoMembers A", "TeamRepeated B 2", "TeamEndsBeforeStart B 5 10"], part =>
            Assert.Contains(part, error.Message, StringComparison.Ordinal)
        );
    }

    [Fact]
    public void KitDemands_RaiseHubeisTierOneDemand_ByTheTeamsKit()
    {
        var problem = new TeamProblem
        {
            Weeks = 2,
            Km = Km,
            Teams = [Team("A", "C1", ("critical_care", 6), ("icu_nursing", 4))],
            Needs = [Need("HB1", "HB", "HB", NeedKind.Hubei, 0, 7, ("critical_care", 6))],
        };
        var plan = SolveChecked(problem, new TeamSettings { HomeFloorShare = 0 });

        var kit = CareCoupling.KitDemands(
            plan,
            problem,
            new Dictionary<string, double> { ["N95"] = 4, ["COVERALL"] = 1.5 },
            10,
            1
        );

        // 10 members for days 0–6: 40 N95 and 15 coveralls a day at the site, tier 1; nothing after the week.
        Assert.Equal(14, kit.Count);
        Assert.All(kit, d => Assert.Equal(("HB", 1), (d.Destination, d.Tier)));
        Assert.Equal(7 * 40, kit.Where(d => d.Product == "N95").Sum(d => d.Quantity));
        Assert.Equal(7 * 15, kit.Where(d => d.Product == "COVERALL").Sum(d => d.Quantity));
        Assert.Equal(6, kit.Max(d => d.Day));
    }

    private static HospitalCensus Hospital(
        string code,
        string city,
        bool designated,
        int icu,
        int icuOccupied,
        int critical
    ) => new(code, code + "-county", city, designated, 100, icu, icuOccupied, icu, icuOccupied, 0, critical, 50);

    private static double HospitalKm(HospitalCensus a, HospitalCensus b) =>
        (a.Code, b.Code) switch
        {
            ("H1", "H2") => 50,
            ("H1", "H3") => 150,
            _ => 1000,
        };

    /// <summary>H1: 5 critical, 2 ICU beds → 3 over. H2 (50 km from H1) has 2 free, H3 (150 km) 5 free.</summary>
    private static readonly HospitalCensus[] ThreeHospitals =
    [
        Hospital("H1", "C1", true, 2, 2, 5),
        Hospital("H2", "C1", true, 6, 4, 4),
        Hospital("H3", "C2", true, 10, 5, 5),
    ];

    [Fact]
    public void Transfers_MoveOverflowToTheNearestFreeBeds()
    {
        // H1's 3 over: 2 to H2, the nearest, and 1 to H3.
        var hospitals = ThreeHospitals;

        var plan = PatientTransfers.Solve(hospitals, HospitalKm);

        Assert.Equal([("H1", "H2", 2), ("H1", "H3", 1)], plan.Transfers.Select(t => (t.From, t.To, t.Patients)));
        Assert.Empty(plan.Unplaced);
        Assert.Equal([2, 6, 6], plan.Census.Select(h => h.Critical));
        Assert.Equal(hospitals.Sum(h => h.Critical), plan.Census.Sum(h => h.Critical));
        Assert.All(plan.Census, h => Assert.True(h.Critical <= Math.Min(h.IcuBeds, h.Ventilators) || h.Code == "H1"));
    }

    [Fact]
    public void Transfers_LeavePatients_BeyondTheDistanceLimit_WithTheReason()
    {
        // Only H2 is within 100 km: 2 go there, 1 stays.
        var plan = PatientTransfers.Solve(ThreeHospitals, HospitalKm, new TransferSettings { MaxKm = 100 });

        Assert.Equal(("H1", "H2", 2), plan.Transfers.Select(t => (t.From, t.To, t.Patients)).Single());
        var left = Assert.Single(plan.Unplaced);
        Assert.Equal((1, UnplacedReason.BedsFull, 100.0), (left.Patients, left.Reason, left.WithinKm));
    }

    [Fact]
    public void Transfers_FlagAHospitalReportingMoreCriticalPatientsThanBeds()
    {
        var hospitals = new[] { Hospital("H1", "C1", true, 2, 2, 500), Hospital("H2", "C1", true, 6, 4, 4) };

        var plan = PatientTransfers.Solve(hospitals, HospitalKm);

        Assert.Empty(plan.Transfers);
        var flag = Assert.Single(plan.Flags);
        Assert.Equal((DataFlagKind.CriticalOverBeds, "H1"), (flag.Kind, flag.Code));
        Assert.Equal(new object[] { 500, 100 }, flag.Values);
    }

    [Fact]
    public void StaffNeeds_SetCriticalBeforeSevere_AgainstTheHospitalsOwnStaff()
    {
        // 10 critical × 0.5 = 5 ICU nurses, 20 severe × 0.25 = 5; own ICU nurses: 40 × 0.1 = 4. Critical gap 1, severe
        // gap 5.
        var census = new[] { new HospitalCensus("H1", "K1", "C1", true, 100, 20, 10, 20, 10, 20, 10, 40) };
        var ratios = new[] { new StaffingRatio("icu_nursing", 0.5, 0.25, 0.1) };

        var needs = CareCoupling.StaffNeeds(census, ratios, 14);

        Assert.Equal(
            [("H1-critical", NeedKind.Critical, 1), ("H1-severe", NeedKind.Severe, 5)],
            needs.Select(n => (n.Code, n.Kind, n.Required["icu_nursing"]))
        );
        Assert.All(needs, n => Assert.Equal(("K1", "C1", 14), (n.Destination, n.City, n.Days)));
    }
}
