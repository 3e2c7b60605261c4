using Planner.Tests.Jobs;

namespace Planner.Tests.Scenarios;

/// <summary>Scenarios: what their overrides change in a plan's inputs, and creating, editing, running and comparing
/// them.</summary>
public class ScenarioTests : HangfireTests
{
    [Fact]
    public async Task Overrides_ScaleProductionDemandAndHubei_TakeTeamsOut_AndSetTheHorizon()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = await TestPlanner.PulledAsync(db);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        // Read once; the overrides are applied by the problem builder alone, without the database.
        var inputs = await TestPlanner.InputsAsync(connection, days: 7);
        var baseline = ProblemBuilder.Build(inputs);
        var county = baseline.Problem.Demands.First(d => d.Tier == 2 && d.Segment != "hubei").Destination;
        var team = baseline.Care.Teams[0].Code;
        var overrides = new ScenarioOverrides
        {
            ProductionMultipliers = [new("N95", "330100", 0.5)],
            DemandMultipliers = [new(county, 2, 3)],
            HubeiQuota = 0,
            UnavailableTeams = [team],
            HorizonDays = 5,
        };

        var scenario = ProblemBuilder.Build(inputs with { Overrides = overrides });
        var shorter = await TestPlanner.SnapshotAsync(connection, overrides: overrides);

        // Production at Hangzhou's depot of N95 halves (stock held on day 0 is not production: compare later days).
        Assert.True(Supply(baseline, "330100", "N95") > 0);
        Assert.Equal(
            Supply(baseline, "330100", "N95") * 0.5,
            Supply(scenario, "330100", "N95"),
            0.5 * baseline.Problem.Days
        );
        Assert.Equal(Supply(baseline, "330200", "N95"), Supply(scenario, "330200", "N95"));
        Assert.Equal(Supply(baseline, "330100", "SURGICAL"), Supply(scenario, "330100", "SURGICAL"));
        // That county's tier-2 demand triples; its other tiers and other counties stay.
        Assert.Equal(
            3 * Demand(baseline, d => d.Destination == county && d.Tier == 2),
            Demand(scenario, d => d.Destination == county && d.Tier == 2),
            0.5 * baseline.Problem.Days * 20
        );
        Assert.Equal(
            Demand(baseline, d => d.Destination == county && d.Tier != 2),
            Demand(scenario, d => d.Destination == county && d.Tier != 2)
        );
        Assert.Equal(
            Demand(baseline, d => d.Destination != county && d.Segment != "hubei"),
            Demand(scenario, d => d.Destination != county && d.Segment != "hubei")
        );
        // No Hubei quota: no supplies or teams asked for Hubei; the team made unavailable is gone.
        Assert.True(Demand(baseline, d => d.Segment == "hubei") > 0);
        Assert.Equal(0, Demand(scenario, d => d.Segment == "hubei"));
        Assert.NotEmpty(baseline.Care.HubeiNeeds);
        Assert.Empty(scenario.Care.HubeiNeeds);
        Assert.DoesNotContain(scenario.Care.Teams, t => t.Code == team);
        Assert.Equal(baseline.Care.Teams.Count - 1, scenario.Care.Teams.Count);
        // The scenario's horizon applies unless the run asks for another.
        Assert.Equal((7, 5), (scenario.HorizonDays, shorter.HorizonDays));
    }

    /// <summary>A depot's production of a product over the horizon (stock held on day 0 is not production).</summary>
    private static double Supply(PlanSnapshot s, string depot, string product) =>
        s.Problem.Supplies.Where(x => x.Depot == depot && x.Product == product && x.Day > 0).Sum(x => x.Quantity);

    private static double Demand(PlanSnapshot s, Func<Planner.Solver.Allocation.Demand, bool> which) =>
        s.Problem.Demands.Where(which).Sum(d => d.Quantity);

    /// <summary>A scenario the API refuses, field by field: no name, an unknown product, a tier and a multiplier out
    /// of range, forecast overrides out of range (a fall of more than 100 % a week, a negative delay, a share above
    /// 1, the province held at colour 9), no horizon, an unknown policy.</summary>
    private static readonly object InvalidSurge = new
    {
        id = "surge",
        name = "",
        overrides = new
        {
            productionMultipliers = new[]
            {
                new
                {
                    product = "N99",
                    city = "330100",
                    multiplier = 1.0,
                },
            },
            demandMultipliers = new[]
            {
                new
                {
                    county = "330102",
                    tier = 9,
                    multiplier = -1.0,
                },
            },
            censusGrowthPerWeek = -2.0,
            productionDelayDays = -1,
            returnToWorkShare = 1.5,
            riskHolds = new[] { new { city = "330000", level = 9 } },
            horizonDays = 0,
            policy = "greedy",
        },
    };

    private static readonly object Surge = new
    {
        id = "surge",
        name = "Surge in Hangzhou",
        description = "Hangzhou's tier-1 demand doubles; half of Ningbo's N95 output.",
        overrides = new
        {
            productionMultipliers = new[]
            {
                new
                {
                    product = "N95",
                    city = "330200",
                    multiplier = 0.5,
                },
            },
            demandMultipliers = new[]
            {
                new
                {
                    county = "330102",
                    tier = 1,
                    multiplier = 2.0,
                },
            },
        },
    };

    /// <summary><see cref="Surge"/> edited: Ningbo's output as it is, two days, pro-rata.</summary>
    private static readonly object SurgeProRata = new
    {
        name = "Surge in Hangzhou, pro-rata",
        overrides = new
        {
            demandMultipliers = new[]
            {
                new
                {
                    county = "330102",
                    tier = 1,
                    multiplier = 2.0,
                },
            },
            horizonDays = 2,
            policy = "pro-rata",
        },
    };

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Scenario_CreatedEditedRunAndCompared_OverTheApi(DatabaseProvider provider)
    {
        await using var app = await TestWebApp.StartAsync(provider);
        using var planner = await app.WithApiKeyAsync("planner");

        using var invalid = await planner.PostAsJsonAsync("/api/scenarios", InvalidSurge, Ct);
        using var created = await planner.PostAsJsonAsync("/api/scenarios", Surge, Ct);
        using var edited = await planner.PutAsJsonAsync("/api/scenarios/surge", SurgeProRata, Ct);
        using var baselineEdit = await planner.PutAsJsonAsync("/api/scenarios/baseline", new { name = "Changed" }, Ct);
        var read = await planner.GetFromJsonAsync<JsonElement>("/api/scenarios/surge", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>(Ct))
            .GetProperty("errors")
            .EnumerateArray()
            .Select(e => e.GetProperty("field").GetString())
            .ToList();
        Assert.Equal(
            [
                "name",
                "productionMultipliers[0].product",
                "demandMultipliers[0].tier",
                "demandMultipliers[0].multiplier",
                "censusGrowthPerWeek",
                "productionDelayDays",
                "returnToWorkShare",
                "riskHolds[0].city",
                "riskHolds[0].level",
                "horizonDays",
                "policy",
            ],
            errors
        );
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, baselineEdit.StatusCode);
        Assert.Equal(2, read.GetProperty("scenario").GetProperty("version").GetInt32());
        Assert.Equal(
            [2, 1],
            read.GetProperty("history").EnumerateArray().Select(v => v.GetProperty("version").GetInt32())
        );
        Assert.Equal("planner", read.GetProperty("history")[0].GetProperty("savedBy").GetString());
        await AssertRunAndComparedAsync(app, planner);
    }

    /// <summary>The edited scenario and the baseline run: the scenario's run records its version, horizon and
    /// policy, and the two compare in a workbook.</summary>
    private static async Task AssertRunAndComparedAsync(TestWebApp app, HttpClient planner)
    {
        var scenarioRun = await RunAsync("/api/scenarios/surge/runs", new { });
        var baselineRun = await RunAsync("/api/scenarios/baseline/runs", new { days = 2 });
        await using var connection = await app.Planner.OpenAsync(Ct);
        var recorded = await connection.QuerySingleAsync<(string Scenario, long Version, long Days, string Policy)>(
            "SELECT r.scenario_id, r.scenario_version, r.horizon_days, r.policy FROM plan_runs r JOIN run_requests "
                + "q ON q.run_id = r.id WHERE q.id = @scenarioRun",
            new { scenarioRun }
        );
        Assert.Equal(("surge", 2L, 2L, "pro-rata"), recorded);
        using var comparison = await planner.GetAsync(
            new Uri($"/api/runs/compare?first={baselineRun}&second={scenarioRun}", UriKind.Relative),
            Ct
        );
        Assert.Equal(HttpStatusCode.OK, comparison.StatusCode);
        using var book = Xlsx.Open(await comparison.Content.ReadAsStreamAsync(Ct));
        Assert.NotEmpty(book.Worksheets);

        async Task<string> RunAsync(string url, object body)
        {
            using var queued = await planner.PostAsJsonAsync(url, body, Ct);
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
            var id = (await queued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
            Assert.Equal("succeeded", await TestWebApp.FinishedRunStatusAsync(planner, id));
            return id;
        }
    }
}
