namespace Planner.Tests.Infrastructure;

/// <summary>The services of a node (what the CLI and the web app register) pointed at one
/// <see cref="TestDatabase"/>.</summary>
public static class TestPlanner
{
    /// <summary>A node on <paramref name="db"/> with the system clock.</summary>
    public static TestNode Node(TestDatabase db, params (string Key, string Value)[] extra) =>
        new(Values(db, extra), TimeProvider.System);

    /// <summary>A node on <paramref name="db"/> as its start leaves it: the database prepared and the sample sources
    /// filled.</summary>
    public static async Task<TestNode> SeededAsync(TestDatabase db)
    {
        var node = Node(db);
        await node.PrepareWithSourcesAsync(Ct);
        return node;
    }

    /// <summary>A started node on <paramref name="db"/> whose feeds have each been pulled once.</summary>
    public static async Task<TestNode> PulledAsync(TestDatabase db)
    {
        var node = await SeededAsync(db);
        await node.PullAsync(ct: Ct);
        return node;
    }

    /// <summary>The recurring jobs' schedules, set to a minute no test reaches (midnight on 1 January): the schedules
    /// do not fire during a test.</summary>
    public static readonly (string Key, string Value)[] NoSchedules =
    [
        ("Planner:Jobs:PullCron", "0 0 1 1 *"),
        ("Planner:Jobs:DailyPlanCron", "0 0 1 1 *"),
        ("Planner:Jobs:RecoverCron", "0 0 1 1 *"),
    ];

    /// <summary>The day the tests' plans are made as of (the sample replays 23 January to 10 March 2020).</summary>
    public static readonly DateOnly SampleAsOf = new(2020, 2, 9);

    /// <summary>The configuration of a node on <paramref name="db"/>: its database and local folder, then
    /// <paramref name="extra"/>.</summary>
    public static Dictionary<string, string?> Values(TestDatabase db, params (string Key, string Value)[] extra)
    {
        var values = new Dictionary<string, string?>
        {
            // SQLite: the planner database is LocalDirectory/planner.db, the very file the TestDatabase names.
            ["Planner:LocalDirectory"] = db.Directory,
            ["Planner:WorkDirectory"] = Path.Combine(db.Directory, "work"),
            // The tests' plans are made as of 9 February 2020, the day the province's plan of 10 February used.
            ["Planner:Planning:AsOf"] = SampleAsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        if (db.Provider == DatabaseProvider.Postgres)
            values["ConnectionStrings:Planner"] = db.ConnectionString;
        foreach (var (key, value) in extra)
            values[key] = value;
        return values;
    }

    /// <summary>The problem a plan of the baseline (or of <paramref name="overrides"/>) would solve, read from
    /// <paramref name="db"/>.</summary>
    public static async Task<PlanSnapshot> SnapshotAsync(
        System.Data.Common.DbConnection db,
        int? days = null,
        ScenarioOverrides? overrides = null
    ) => ProblemBuilder.Build(await InputsAsync(db, days, overrides));

    /// <summary>The inputs of a plan of the baseline (or of <paramref name="overrides"/>) as of
    /// <see cref="SampleAsOf"/>, read from <paramref name="db"/>.</summary>
    public static Task<PlanInputs> InputsAsync(
        System.Data.Common.DbConnection db,
        int? days = null,
        ScenarioOverrides? overrides = null
    ) =>
        InputsReader.ReadAsync(
            db,
            overrides is null ? PlanScenario.Baseline : PlanScenario.Baseline with { Overrides = overrides },
            new PlanRequest { AsOf = SampleAsOf },
            days
        );

    /// <summary>The repository's data folder.</summary>
    public static string DataDirectory =>
        StorageOptions.FindDataDirectory() ?? throw new InvalidOperationException("No data folder above the tests.");
}
