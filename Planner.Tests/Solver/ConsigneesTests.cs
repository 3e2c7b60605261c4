using Planner.Solver.Allocation;
using Planner.Solver.Breakdown;

namespace Planner.Tests.Solver;

public class ConsigneesTests
{
    private static readonly Dictionary<string, ConsigneeRoute> Routes = new()
    {
        ["critical_care"] = new(ConsigneeKind.Hospitals, HospitalDriver.SevereAndCritical),
        ["inpatient"] = new(ConsigneeKind.Hospitals, HospitalDriver.OtherInpatients),
        ["staff"] = new(ConsigneeKind.Hospitals, HospitalDriver.StaffOnDuty),
        ["fever_clinic"] = new(ConsigneeKind.Hospitals, HospitalDriver.FeverClinicVisits),
        ["small_gates"] = new(ConsigneeKind.Villages),
        ["return_to_work"] = new(ConsigneeKind.Enterprises),
    };

    // County C: H1 designated (100 beds, 2 severe, 1 critical, 50 other inpatients, 300 staff), H2 not designated
    // (300 beds, no severe or critical patients, 150 other inpatients, 100 staff).
    private static readonly HospitalFigures[] Hospitals =
    [
        new("H2", "C", false, 300, 0, 0, 150, 100),
        new("H1", "C", true, 100, 2, 1, 50, 300),
    ];

    private static long Of(List<ConsigneeLine> lines, string? hospital, string segment) =>
        lines.Where(l => l.Hospital == hospital && l.Segment == segment).Sum(l => l.Quantity);

    [Fact]
    public void Split_SendsEachHospitalSegmentByTheHospitalsOwnFigure()
    {
        var lines = Consignees.Split(
            [
                ("C", "COVERALL", "critical_care", 10),
                ("C", "COVERALL", "inpatient", 7),
                ("C", "COVERALL", "staff", 9),
                ("C", "COVERALL", "fever_clinic", 5),
                ("C", "COVERALL", "small_gates", 4),
                ("C", "COVERALL", "return_to_work", 6),
            ],
            Routes,
            Hospitals
        );

        // Severe and critical 3 : 0 — all ten to H1; H2 gets no line at all.
        Assert.Equal(10, Of(lines, "H1", "critical_care"));
        Assert.DoesNotContain(lines, l => l.Hospital == "H2" && l.Segment == "critical_care");
        // Other inpatients 50 : 150 → 1.75, 5.25 → 1 and 5, the spare unit to the larger remainder (H1).
        Assert.Equal(2, Of(lines, "H1", "inpatient"));
        Assert.Equal(5, Of(lines, "H2", "inpatient"));
        // Staff 300 : 100 → 6.75, 2.25 → 7 and 2.
        Assert.Equal(7, Of(lines, "H1", "staff"));
        Assert.Equal(2, Of(lines, "H2", "staff"));
        // No hospital reports fever clinic visits: the designated hospital's beds take them all.
        Assert.Equal(5, Of(lines, "H1", "fever_clinic"));
        Assert.Equal(0, Of(lines, "H2", "fever_clinic"));
        // Small gates down to the villages, return to work to the enterprises: one county line each.
        Assert.Equal(
            new ConsigneeLine("C", ConsigneeKind.Villages, null, "COVERALL", "small_gates", 4),
            Assert.Single(lines, l => l.Kind == ConsigneeKind.Villages)
        );
        Assert.Equal(6, Assert.Single(lines, l => l.Kind == ConsigneeKind.Enterprises).Quantity);
        Assert.Equal(41, lines.Sum(l => l.Quantity));
    }

    [Fact]
    public void Split_PatientsForecastButNoneHeld_GoToTheDesignatedHospitalsByBeds()
    {
        HospitalFigures[] empty =
        [
            new("H1", "C", true, 100, 0, 0, 0, 0),
            new("H2", "C", true, 300, 0, 0, 0, 0),
            new("H3", "C", false, 900, 0, 0, 0, 0),
        ];

        var lines = Consignees.Split([("C", "N95", "critical_care", 8)], Routes, empty);

        Assert.Equal(2, Of(lines, "H1", "critical_care")); // 100 : 300 of 8 → 2 and 6; H3 is not designated
        Assert.Equal(6, Of(lines, "H2", "critical_care"));
        Assert.Equal(0, Of(lines, "H3", "critical_care"));
    }

    [Fact]
    public void Split_FeverClinicVisits_WhenReported_ShareTheFeverClinics()
    {
        HospitalFigures[] reported =
        [
            new("H1", "C", true, 100, 0, 0, 0, 0, FeverClinicVisits: 10),
            new("H2", "C", false, 300, 0, 0, 0, 0, FeverClinicVisits: 30),
        ];

        var lines = Consignees.Split([("C", "SURGICAL", "fever_clinic", 8)], Routes, reported);

        Assert.Equal(2, Of(lines, "H1", "fever_clinic"));
        Assert.Equal(6, Of(lines, "H2", "fever_clinic"));
    }

    [Fact]
    public void Split_CountyWithoutHospitals_GivesOneLineForItsHealthCommission()
    {
        var lines = Consignees.Split([("D", "N95", "staff", 12)], Routes, Hospitals);

        Assert.Equal(new ConsigneeLine("D", ConsigneeKind.Hospitals, null, "N95", "staff", 12), Assert.Single(lines));
    }

    [Fact]
    public void Split_SegmentWithoutRoute_GoesToTheVillages()
    {
        var line = Assert.Single(Consignees.Split([("C", "N95", "public", 3)], Routes, Hospitals));

        Assert.Equal(ConsigneeKind.Villages, line.Kind);
    }

    [Fact]
    public void BySegment_SharesATiersServedUnitsByTheSegmentsDemand()
    {
        // 10 units served of a tier whose segments asked 30 and 10: 7.5 and 2.5 → the tie goes to the first.
        Assert.Equal([8L, 2L], Consignees.BySegment(10, [30, 10]));
        Assert.Equal([0L, 5L], Consignees.BySegment(5, [0, 4]));
    }

    [Fact]
    public void Villages_CarryOnlyTheVillageLines_AndAddUpAtEveryLevel()
    {
        RegionNode[] tree =
        [
            new("P", null, 0),
            new("A", "P", 0),
            new("C", "A", 0),
            new("C-t1", "C", 300),
            new("C-t2", "C", 100),
            new("C-t1-v1", "C-t1", 2),
            new("C-t1-v2", "C-t1", 1),
        ];
        ConsigneeLine[] lines =
        [
            new("C", ConsigneeKind.Villages, null, "N95", "small_gates", 5),
            new("C", ConsigneeKind.Villages, null, "N95", "public", 3),
            new("C", ConsigneeKind.Hospitals, "H1", "N95", "critical_care", 100),
            new("C", ConsigneeKind.Enterprises, null, "N95", "return_to_work", 40),
        ];

        var whole = Consignees.Villages(tree, ["N95", "COVERALL"], lines);

        Assert.Equal(8, whole["N95"]["P"]);
        Assert.Equal(8, whole["N95"]["C"]);
        Assert.Equal(6, whole["N95"]["C-t1"]); // 8 by 300 : 100
        Assert.Equal(2, whole["N95"]["C-t2"]);
        Assert.Equal(4, whole["N95"]["C-t1-v1"]); // 6 by 2 : 1
        Assert.Equal(2, whole["N95"]["C-t1-v2"]);
        Assert.Equal(0, whole["COVERALL"]["C"]);
    }

    /// <summary>A province P over <paramref name="counties"/>, three towns each, three villages a town, random
    /// populations.</summary>
    private static List<RegionNode> RandomTree(Random random, List<string> counties)
    {
        var tree = new List<RegionNode> { new("P", null, 0) };
        foreach (var c in counties)
        {
            tree.Add(new(c, "P", 0));
            for (var t = 0; t < 3; t++)
            {
                tree.Add(new($"{c}-t{t}", c, random.Next(1, 1000)));
                for (var v = 0; v < 3; v++)
                    tree.Add(new($"{c}-t{t}-v{v}", $"{c}-t{t}", random.Next(0, 1000)));
            }
        }
        return tree;
    }

    /// <summary>The checker's property on random counties: the hospital lines add up to each county's hospital
    /// segments served, every line is whole and non-negative, all lines add up to what was served, and the village
    /// breakdown adds up at every level.</summary>
    [Fact]
    public void Split_OnRandomCounties_AddsUpExactly()
    {
        var random = new Random(21);
        string[] segments = [.. Routes.Keys, "public"];
        for (var trial = 0; trial < 50; trial++)
        {
            var counties = Enumerable.Range(0, 4).Select(i => $"C{i}").ToList();
            var hospitals = counties
                .SelectMany(c =>
                    Enumerable
                        .Range(0, random.Next(0, 4))
                        .Select(h => new HospitalFigures(
                            $"{c}-H{h}",
                            c,
                            random.Next(2) == 0,
                            random.Next(0, 500),
                            random.Next(0, 5),
                            random.Next(0, 3),
                            random.Next(0, 200),
                            random.Next(0, 400)
                        ))
                )
                .ToList();
            var served = counties
                .SelectMany(c => segments.Select(s => (c, "N95", s, (long)random.Next(0, 1000))))
                .ToList();
            var tree = RandomTree(random, counties);

            var lines = Consignees.Split(served, Routes, hospitals);
            var whole = Consignees.Villages(tree, ["N95"], lines)["N95"];

            Assert.All(lines, l => Assert.True(l.Quantity > 0));
            foreach (var c in counties)
            {
                var mine = lines.Where(l => l.County == c).ToList();
                var hospitalServed = served
                    .Where(s => s.c == c && Routes.GetValueOrDefault(s.s)?.Kind == ConsigneeKind.Hospitals)
                    .Sum(s => s.Item4);
                Assert.Equal(hospitalServed, mine.Where(l => l.Kind == ConsigneeKind.Hospitals).Sum(l => l.Quantity));
                Assert.All(mine.Where(l => l.Hospital is not null), l =>
                    Assert.Contains(hospitals, h => h.Code == l.Hospital && h.County == c)
                );
                Assert.Equal(served.Where(s => s.c == c).Sum(s => s.Item4), mine.Sum(l => l.Quantity));
                Assert.Equal(mine.Where(l => l.Kind == ConsigneeKind.Villages).Sum(l => l.Quantity), whole[c]);
            }
            foreach (var node in tree)
            {
                var kids = tree.Where(k => k.ParentCode == node.Code).ToList();
                if (kids.Count > 0)
                    Assert.Equal(whole[node.Code], kids.Sum(k => whole[k.Code]));
            }
        }
    }

    // County C's horizon lines of COVERALL: H1 7, H2 3, its villages 5 (15 in all).
    private static readonly ConsigneeLine[] CountyLines =
    [
        new("C", ConsigneeKind.Villages, null, "COVERALL", "small_gates", 5),
        new("C", ConsigneeKind.Hospitals, "H2", "COVERALL", "inpatient", 3),
        new("C", ConsigneeKind.Hospitals, "H1", "COVERALL", "critical_care", 4),
        new("C", ConsigneeKind.Hospitals, "H1", "COVERALL", "staff", 3),
    ];

    private static readonly Receiver H1 = new(ConsigneeKind.Hospitals, "H1");
    private static readonly Receiver H2 = new(ConsigneeKind.Hospitals, "H2");
    private static readonly Receiver Villages = new(ConsigneeKind.Villages);

    [Fact]
    public void Deliveries_SplitEachShipmentByWhatEachReceiverStillHasToGet()
    {
        var first = new Shipment("P", "C", "COVERALL", 0, 1, 10);
        var second = new Shipment("D", "C", "COVERALL", 1, 1, 5);
        var third = new Shipment("D", "C", "COVERALL", 2, 2, 3);
        var toDepot = new Shipment("P", "D", "COVERALL", 0, 1, 8);

        // Given in another order: the split follows the days.
        var deliveries = Consignees.Deliveries(
            [third, toDepot, second, first],
            CountyLines,
            new HashSet<string> { "C" }
        );

        // Day 0, 10 units by 7 : 3 : 5 → 4.67, 2, 3.33 → 4, 2, 3 and the spare unit to H1: 5, 2, 3.
        Assert.Equal([new(H1, 5), new(H2, 2), new(Villages, 3)], deliveries[first]);
        // Day 1, 5 units by what is left, 2 : 1 : 2 → exactly that; every receiver now has its line.
        Assert.Equal([new(H1, 2), new(H2, 1), new(Villages, 2)], deliveries[second]);
        // Day 2: nothing left to give — the 3 units go to the county's store.
        Assert.Equal([new Delivery(Receiver.Store, 3)], deliveries[third]);
        Assert.False(deliveries.ContainsKey(toDepot));
    }

    [Fact]
    public void Deliveries_LessThanTheLinesSharesByTheLinesAndNeverGivesAReceiverMore()
    {
        // The county holds stock: one shipment of 6 against lines of 15. 7 : 3 : 5 → 2.8, 1.2, 2 → 2, 1, 2 and the
        // spare unit to H1 (remainder .8).
        var only = new Shipment("D", "C", "COVERALL", 0, 0, 6);
        var fractional = new Shipment("D", "C", "COVERALL", 1, 1, 0.4);

        var deliveries = Consignees.Deliveries([only, fractional], CountyLines, new HashSet<string> { "C" });

        Assert.Equal([new(H1, 3), new(H2, 1), new(Villages, 2)], deliveries[only]);
        Assert.False(deliveries.ContainsKey(fractional));
    }

    [Fact]
    public void Deliveries_ToACountyWithNoLinesForTheProductGoToItsStore()
    {
        var gloves = new Shipment("D", "C", "GLOVES", 0, 0, 40);

        var deliveries = Consignees.Deliveries([gloves], CountyLines, new HashSet<string> { "C" });

        Assert.Equal([new Delivery(Receiver.Store, 40)], deliveries[gloves]);
    }
}
