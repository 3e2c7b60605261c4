using System.Data.Common;
using System.Text.Json;
using Planner.Api.Localization;

namespace Planner.Tests.Planning;

/// <summary>
/// The demand drivers a plan is made on (<see cref="DemandDrivers"/>), on the February 2020 replay as of 16 February:
/// forecast from what was reported by then and nothing later, held at the last report when a scenario asks, changed
/// by the scenario's forecast overrides, and named in warnings when the feed has holes.
/// </summary>
public class DemandDriversTests
{
    private static readonly DateOnly AsOf = new(2020, 2, 16);

    [Fact]
    public async Task TheDemandAndItsForecast_AreTheSame_WhetherOrNotReportsAfterTheAsOfDayExist()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var connection = await (await TestPlanner.PulledAsync(db)).Planner.OpenAsync(Ct);
        var withLater = ProblemBuilder.Build(await ReadAsync(connection));

        var removed = 0;
        foreach (var (table, date) in Dated)
            removed += await connection.ExecuteAsync($"DELETE FROM {table} WHERE {date} > @AsOf", new { AsOf });
        var without = ProblemBuilder.Build(await ReadAsync(connection));

        Assert.True(removed > 4 * 90, $"only {removed} rows after {AsOf} to remove");
        Assert.Equal(withLater.Problem.Demands, without.Problem.Demands);
        Assert.Equal(Json(withLater.Forecast), Json(without.Forecast));
    }

    [Fact]
    public async Task HoldDrivers_KeepsEveryDriverAtItsLastReport_TheForecastMovesThem()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var connection = await (await TestPlanner.PulledAsync(db)).Planner.OpenAsync(Ct);
        var forecast = await DriversAsync(connection, new ScenarioOverrides());
        var held = await DriversAsync(connection, new ScenarioOverrides { HoldDrivers = true });
        var census = (
            await connection.QueryAsync<(string County, long Critical, long Severe)>(
                """
                SELECT h.county_code, SUM(r.critical_patients), SUM(r.severe_patients) FROM capacity_reports r
                JOIN hospitals h ON h.code = r.hospital_code WHERE r.report_date = @AsOf GROUP BY h.county_code
                """,
                new { AsOf }
            )
        ).ToList();

        foreach (var ((county, segment), path) in held.Drivers)
            Assert.All(path, d => Assert.Equal((path[0].P50, path[0].P50, path[0].P50), (d.P10, d.P50, d.P90)));
        // Intensive care follows the critical patients, the wards the severe ones.
        Assert.All(census, c => Assert.Equal(c.Critical, held.Drivers[(c.County, "critical_care")][0].P50));
        Assert.All(census, c => Assert.Equal(c.Severe, held.Drivers[(c.County, "severe_care")][0].P50));
        // The province's census fell after 11 February and its observation count with it: forecast, they go on
        // falling; held, they stay where they were on the 16th.
        foreach (var segment in new[] { "critical_care", "severe_care", "key_population" })
        {
            Assert.True(Total(forecast, segment, 13) < 0.8 * Total(held, segment, 13), segment);
            Assert.Equal(Total(held, segment, 0), Total(held, segment, 13));
        }
        // Employees on post rise towards 70 % by 29 February.
        Assert.True(Total(forecast, "return_to_work", 12) > 1.5 * Total(held, "return_to_work", 12));
    }

    [Fact]
    public async Task ScenarioOverrides_ActOnTheForecast()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var connection = await (await TestPlanner.PulledAsync(db)).Planner.OpenAsync(Ct);
        var baseline = await DriversAsync(connection, new ScenarioOverrides());
        var changed = await DriversAsync(
            connection,
            new ScenarioOverrides
            {
                CensusGrowthPerWeek = 0.5,
                ReturnToWorkShare = 0.35,
                RiskHolds = [new RiskHold("330100", 5)],
            }
        );

        // Growth: day h × 1.5^(h / 7), so 1.5² on the 14th day.
        Assert.Equal(2.25 * Total(baseline, "critical_care", 13), Total(changed, "critical_care", 13), 0);
        Assert.Equal(2.25 * Total(baseline, "severe_care", 13), Total(changed, "severe_care", 13), 0);
        Assert.Equal(1.5 * Total(baseline, "key_population", 6), Total(changed, "key_population", 6), 0);
        // Half the target share: half the employees on post once the target date (29 February) is reached.
        Assert.Equal(Total(baseline, "return_to_work", 13) / 2, Total(changed, "return_to_work", 13), 0);
        // Hangzhou's counties held at red; others forecast as before.
        Assert.All(changed.Risk.Where(r => r.Key.StartsWith("3301", StringComparison.Ordinal)), r =>
            Assert.All(r.Value, d => Assert.Equal(5, d.P50))
        );
        Assert.Equal(baseline.Risk["330282"], changed.Risk["330282"]);
    }

    [Fact]
    public async Task ADelayedRamp_ShiftsEachFactorysForecastByItsDays()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var connection = await (await TestPlanner.PulledAsync(db)).Planner.OpenAsync(Ct);
        var baseline = ProblemBuilder.Build(await ReadAsync(connection)).Problem;
        var delayed = ProblemBuilder
            .Build(await ReadAsync(connection, new ScenarioOverrides { ProductionDelayDays = 7 }))
            .Problem;

        double Made(Planner.Solver.Allocation.AllocationProblem p, int day) =>
            p.Supplies.Where(s => s.Product == "N95" && s.Day == day).Sum(s => s.Quantity);
        // Day 0 also holds the opening stock; days 1–7 make what day 0 was to make, then the ramp comes 7 days late.
        var firstDay = Made(delayed, 1);
        Assert.Equal(Made(baseline, 0), Made(delayed, 0));
        Assert.All(Enumerable.Range(2, 6), d => Assert.Equal(firstDay, Made(delayed, d)));
        Assert.Equal(Made(baseline, 1), Made(delayed, 8));
        Assert.Equal(Made(baseline, 6), Made(delayed, 13));
        Assert.True(Made(baseline, 7) > firstDay, "the ramp did not rise in a week");
    }

    [Fact]
    public async Task HolesInTheSituationFeed_GiveAPlanWithNamedWarnings_NeverASilentZero()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var connection = await WithHolesAsync(db);

        var snapshot = ProblemBuilder.Build(await ReadAsync(connection));

        var warnings = string.Join("\n", snapshot.Warnings);
        Assert.Contains(
            "Shangcheng District has no case bulletin on 2 day(s) (2020-02-12, 2020-02-13); the cases reported after "
                + "a gap are spread over its days.",
            warnings
        );
        Assert.Contains(
            "Liandu District has no case bulletins on or before 2020-02-16; its reference key population "
                + "(county_drivers.key_population) is used instead. The same (no-reports) for 8 more: Qingtian County, "
                + "Jinyun County, Suichang County, Songyang County, Yunhe County, Qingyuan County, "
                + "Jingning She Autonomous County, Longquan City.",
            warnings
        );
        // Hangzhou's 9 February revision of its cumulative count (in the replay, Jianggan's).
        Assert.Contains(
            "Jianggan District cumulative confirmed cases went down from 51 on 2020-02-08 to 41 on 2020-02-09; "
                + "new count on 2020-02-09 taken as 0.",
            warnings
        );
        var lishui = snapshot.Problem.Demands.Where(d => d.Destination.StartsWith("3311", StringComparison.Ordinal));
        Assert.Contains(lishui, d => d.Segment == "key_population" && d.Quantity > 0);
        Assert.Contains(lishui, d => d.Segment == "return_to_work" && d.Quantity > 0);
    }

    /// <summary>A run in Chinese names the counties and what their series count in Chinese, and its days as
    /// officials write them.</summary>
    [Fact]
    public async Task TheWarnings_AreInTheRunsLanguage_Chinese()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var connection = await WithHolesAsync(db);
        var inputs = await ReadAsync(connection);

        IReadOnlyList<string> warnings;
        using (Texts.Use("zh-CN"))
            warnings = ProblemBuilder.Build(inputs).Warnings;

        Assert.Equal(
            [
                "上城区有2天无病例通报（2月12日、2月13日），缺报后通报的病例分摊到所缺各日。",
                "江干区确诊病例累计数由2月8日的51降至2月9日的41，2月9日新增按0计。",
                "莲都区在2月16日及以前无病例通报，改用基础数据中的重点人群数（county_drivers.key_population）。"
                    + "另有8项同类情况：青田县、缙云县、遂昌县、松阳县、云和县、庆元县、景宁畲族自治县、龙泉市。",
            ],
            warnings
        );
    }

    /// <summary>Shangcheng misses two bulletins; Lishui's counties (a whole city) report nothing at all.</summary>
    private static async Task<DbConnection> WithHolesAsync(TestDatabase db)
    {
        var connection = await (await TestPlanner.PulledAsync(db)).Planner.OpenAsync(Ct);
        await connection.ExecuteAsync(
            """
            DELETE FROM situation_reports WHERE county_code = '330102' AND report_date IN ('2020-02-12', '2020-02-13');
            DELETE FROM situation_reports WHERE county_code LIKE '3311%';
            DELETE FROM workforce_reports WHERE county_code LIKE '3311%';
            """
        );
        return connection;
    }

    private static readonly (string Table, string Date)[] Dated =
    [
        ("capacity_reports", "report_date"),
        ("situation_reports", "report_date"),
        ("county_risk_levels", "effective_date"),
        ("workforce_reports", "report_date"),
        ("production_reports", "report_date"),
    ];

    private static double Total(DemandDrivers.Result r, string segment, int day) =>
        r.Drivers.Where(d => d.Key.Segment == segment).Sum(d => d.Value[day].P50);

    private static async Task<DemandDrivers.Result> DriversAsync(DbConnection connection, ScenarioOverrides o)
    {
        var inputs = await ReadAsync(connection, o);
        return DemandDrivers.Build(inputs, inputs.Regions.Where(r => r.Level == "county").ToList());
    }

    private static Task<PlanInputs> ReadAsync(DbConnection connection, ScenarioOverrides? overrides = null) =>
        InputsReader.ReadAsync(
            connection,
            new PlanScenario("test", 1, overrides ?? new ScenarioOverrides()),
            new PlanRequest { AsOf = AsOf },
            14
        );

    private static string Json(PlanForecast f) => JsonSerializer.Serialize(f);
}
