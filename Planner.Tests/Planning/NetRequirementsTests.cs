using Dapper;
using Planner.Api.Planning;
using Planner.Api.Storage;
using Planner.Solver.Allocation;
using Planner.Tests.Infrastructure;

namespace Planner.Tests.Planning;

/// <summary>Net requirements: a hospital's need is its consumption less what it holds above the safety cover, from
/// the days on hand it reports.</summary>
public sealed class NetRequirementsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Hand-computed: H1 (2 critical, 5 severe, 10 other inpatients, 20 staff) reports 7 days of N95 with a
    /// cover of 3: 4 days × (2×8 + 5×4 + 10×0.3 + 20×0.3 = 45) = 180 held; H2 reports 2 days, under the cover: 0.
    /// The 180 come off the county's hospital demand day by day, intensive care first: day 0's 16 + 20 + 9 = 45, ...
    /// all of days 0–3, nothing of the public's or of another county's demand.</summary>
    [Fact]
    public void TheStockAboveTheCover_NetsTheFirstDaysOfTheHospitalsNeed()
    {
        var held = Assert.Single(
            NetRequirements.HeldAboveCover(
                Cover,
                Rates,
                [Stock("H1", 7, critical: 2, severe: 5, other: 10, staff: 20), Stock("H2", 2, 1, 0, 0, 0)]
            )
        );
        Assert.Equal(new NetRequirements.Held("C1", "N95", 180), held);

        List<Demand> demands = [];
        for (var day = 0; day < 6; day++)
        {
            demands.Add(new Demand("C1", "N95", day, 1, 16, "critical_care"));
            demands.Add(new Demand("C1", "N95", day, 2, 20, "severe_care"));
            demands.Add(new Demand("C1", "N95", day, 4, 9, "inpatient"));
            demands.Add(new Demand("C1", "N95", day, 7, 50, "public"));
            demands.Add(new Demand("C2", "N95", day, 1, 16, "critical_care"));
        }
        var net = NetRequirements.Net(demands, [held]);
        var hospital = NetRequirements.HospitalSegments;
        Assert.Equal(
            demands.Where(d => d.Destination == "C1" && hospital.Contains(d.Segment)).Sum(d => d.Quantity) - 180,
            net.Where(d => d.Destination == "C1" && hospital.Contains(d.Segment)).Sum(d => d.Quantity)
        );
        Assert.DoesNotContain(net, d => d.Destination == "C1" && d.Day < 4 && hospital.Contains(d.Segment));
        Assert.Equal(3, net.Count(d => d.Destination == "C1" && d.Day == 4 && hospital.Contains(d.Segment)));
        Assert.Equal(
            demands.Where(d => d.Segment == "public" || d.Destination == "C2"),
            net.Where(d => d.Segment == "public" || d.Destination == "C2")
        );
    }

    /// <summary>Without the parameter nothing is netted.</summary>
    [Fact]
    public void WithoutACover_NothingIsHeld()
    {
        Assert.Empty(
            NetRequirements.HeldAboveCover(new Dictionary<string, string>(), Rates, [Stock("H1", 7, 2, 5, 10, 20)])
        );
    }

    /// <summary>Through the database: the days on hand uploaded with a hospital's latest report before the plan net
    /// its county's hospital demand in the plan's problem by what the hospital holds above the cover.</summary>
    [Fact]
    public async Task UploadedDaysOnHand_NetThePlansHospitalDemand()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var node = await TestPlanner.PulledAsync(db);
        await using var connection = await node.Planner.OpenAsync(Ct);
        var gross = await TestPlanner.SnapshotAsync(connection);
        Assert.Empty(gross.HospitalHeld);

        var report = await connection.QuerySingleAsync<(string Hospital, string County, string Day)>(
            """
            SELECT r.hospital_code, h.county_code, CAST(r.report_date AS TEXT) FROM capacity_reports r
            JOIN hospitals h ON h.code = r.hospital_code
            WHERE r.hospital_code = 'H-0001' AND r.report_date < @start ORDER BY r.report_date DESC LIMIT 1
            """,
            new { start = TestPlanner.SampleAsOf.AddDays(1) }
        );
        await connection.ExecuteAsync(
            """
            INSERT INTO uploads (id, kind, file_name, sha256, bytes, rows_read, rows_changed, uploaded_at)
            VALUES ('U1', 'capacity', 'capacity.xlsx', 'x', 1, 1, 1, '2020-02-09T08:00:00+08:00');
            INSERT INTO capacity_supplies
                (hospital_code, report_date, product_code, days_on_hand, can_obtain, upload_id)
            VALUES (@Hospital, @Day, 'COVERALL', 10, 1, 'U1');
            """,
            new { report.Hospital, report.Day }
        );
        var inputs = await TestPlanner.InputsAsync(connection);
        var stock = Assert.Single(inputs.HospitalStock);
        var net = ProblemBuilder.Build(inputs);
        var held = Assert.Single(net.HospitalHeld);
        var rates = inputs.Rates.Where(r => r.Product == "COVERALL").ToDictionary(r => r.Segment, r => r.Rate);
        var daily =
            stock.Critical * rates["critical_care"]
            + stock.Severe * rates["severe_care"]
            + stock.OtherInpatients * rates["inpatient"]
            + stock.Staff * rates["staff"];
        Assert.Equal(Math.Floor((10 - 3) * daily), held.Quantity);
        Assert.Equal((report.County, "COVERALL"), (held.County, held.Product));

        var care = NetRequirements.Net(gross.Problem.Demands, net.HospitalHeld);
        double Hospital(IEnumerable<Demand> demands) =>
            demands
                .Where(d => d.Destination == report.County && d.Product == "COVERALL")
                .Where(d => NetRequirements.HospitalSegments.Contains(d.Segment))
                .Sum(d => d.Quantity);
        Assert.Equal(Hospital(gross.Problem.Demands) - held.Quantity, Hospital(care));
    }

    private static HospitalStockRow Stock(
        string hospital,
        long days,
        long critical,
        long severe,
        long other,
        long staff
    ) =>
        new()
        {
            County = "C1",
            Hospital = hospital,
            Product = "N95",
            Days = days,
            Critical = critical,
            Severe = severe,
            OtherInpatients = other,
            Staff = staff,
        };

    private static readonly Dictionary<string, string> Cover = new() { [NetRequirements.CoverParameter] = "3" };

    private static readonly RateRow[] Rates =
    [
        new()
        {
            Segment = "critical_care",
            Product = "N95",
            Rate = 8,
        },
        new()
        {
            Segment = "severe_care",
            Product = "N95",
            Rate = 4,
        },
        new()
        {
            Segment = "inpatient",
            Product = "N95",
            Rate = 0.3,
        },
        new()
        {
            Segment = "staff",
            Product = "N95",
            Rate = 0.3,
        },
        new()
        {
            Segment = "public",
            Product = "N95",
            Rate = 0.001,
        },
    ];
}
