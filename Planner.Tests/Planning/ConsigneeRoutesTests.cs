using Planner.Api.Planning;
using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;
using Planner.Solver.Care;

namespace Planner.Tests.Planning;

public class ConsigneeRoutesTests
{
    [Fact]
    public void For_RoutesHospitalSegmentsToHospitals_ReturnToWorkToEnterprises_TheRestToVillages()
    {
        var routes = ConsigneeRoutes.For([
            "critical_care",
            "inpatient",
            "staff",
            "fever_clinic",
            "team_kit",
            "small_gates",
            "return_to_work",
            "x",
        ]);

        Assert.Equal(
            new ConsigneeRoute(ConsigneeKind.Hospitals, HospitalDriver.SevereAndCritical),
            routes["critical_care"]
        );
        Assert.Equal(HospitalDriver.OtherInpatients, routes["inpatient"].Driver);
        Assert.Equal(HospitalDriver.StaffOnDuty, routes["staff"].Driver);
        Assert.Equal(HospitalDriver.FeverClinicVisits, routes["fever_clinic"].Driver);
        Assert.Equal(ConsigneeKind.Hospitals, routes["team_kit"].Kind);
        Assert.Equal(ConsigneeKind.Villages, routes["small_gates"].Kind);
        Assert.Equal(ConsigneeKind.Enterprises, routes["return_to_work"].Kind);
        Assert.Equal(ConsigneeKind.Villages, routes["x"].Kind);
    }

    [Fact]
    public void For_OnceSevereCareIsItsOwnSegment_CriticalCareFollowsCriticalPatientsOnly()
    {
        var routes = ConsigneeRoutes.For(["critical_care", "severe_care"]);

        Assert.Equal(HospitalDriver.Critical, routes["critical_care"].Driver);
        Assert.Equal(HospitalDriver.Severe, routes["severe_care"].Driver);
    }

    [Fact]
    public void Served_SharesACountysWholeUnitsOfATierAmongItsSegmentsByDemand()
    {
        // County C, tier 3: small gates asked 3 a day for 2 days, key populations 1 a day; 7 units served of 8.
        var problem = new AllocationProblem
        {
            Days = 2,
            Products = ["N95"],
            Depots = [],
            Destinations = ["C", "HB"],
            Supplies = [],
            Lanes = [],
            Demands =
            [
                new("C", "N95", 0, 3, 3, "small_gates"),
                new("C", "N95", 1, 3, 3, "small_gates"),
                new("C", "N95", 0, 3, 1, "key_population"),
                new("C", "N95", 1, 3, 1, "key_population"),
                new("HB", "N95", 0, 1, 9, "hubei"),
            ],
        };
        var result = new AllocationResult(
            PlanStatus.Optimal,
            Policy.Optimized,
            [],
            [new("C", "N95", 0, 3, 4, 4), new("C", "N95", 1, 3, 4, 3), new("HB", "N95", 0, 1, 9, 9)],
            [],
            []
        );

        var served = ConsigneeRoutes.Served(problem, result, new HashSet<string> { "C" });

        // 7 by 6 : 2 → 5.25 and 1.75 → 5 and 2 (the spare unit to the larger remainder); Hubei is no county.
        Assert.Equal([("C", "N95", "key_population", 2L), ("C", "N95", "small_gates", 5L)], served);
    }

    [Fact]
    public void Figures_TakeTheCensusAfterTransfers_AndOtherInpatientsFromOccupiedBeds()
    {
        HospitalRow[] reports =
        [
            new()
            {
                Code = "H1",
                County = "C",
                Designated = 1,
                Beds = 200,
                OccupiedBeds = 120,
                Severe = 5,
                Critical = 3,
                StaffOnDuty = 80,
            },
        ];
        HospitalCensus[] after = [new("H1", "C", "A", true, 200, 10, 0, 10, 0, 5, 1, 80)];

        var figures = Assert.Single(ConsigneeRoutes.Figures(reports, after));

        Assert.Equal(new HospitalFigures("H1", "C", true, 200, 5, 1, 112, 80), figures);
    }
}
