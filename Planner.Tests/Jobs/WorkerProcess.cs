namespace Planner.Tests.Jobs;

/// <summary>
/// A worker node in a process of its own (<c>dotnet Planner.Api.dll worker</c>), pointed at a test's PostgreSQL
/// database, with a lease (30 s) and invisibility timeout (40 s) short enough that a killed worker's run is taken
/// over within the test, and long enough that a live worker starved of CPU by the rest of the suite keeps its runs.
/// </summary>
internal static class WorkerProcess
{
    public static ApiProcess Start(TestDatabase db, params string[] extra)
    {
        // The test's database and folders: run folders of the test's own (WorkDirectory), so that what a killed
        // worker leaves behind can be looked for.
        var settings = TestPlanner.Values(
            db,
            [
                ("Planner:Jobs:WorkerCount", "1"),
                // These tests are about who runs a plan, not what it publishes (PlanJobTests check all 13 files):
                // the 11 city workbooks would make 50 runs several minutes longer.
                ("Planner:Workbooks:Cities", "false"),
                ("Planner:Jobs:PollIntervalSeconds", "0.2"),
                ("Planner:Jobs:HeartbeatSeconds", "1"),
                // A lease of 30 s: a live worker starved of CPU by the rest of the suite (two cores) keeps its runs.
                ("Planner:Jobs:LeaseSeconds", "30"),
                ("Planner:Jobs:InvisibilityTimeoutSeconds", "40"),
                .. TestPlanner.NoSchedules,
                ("Planner:Teams:TimeLimitSeconds", "1"),
                ("Logging:LogLevel:Default", "Warning"),
            ]
        );
        return ApiProcess.Start(["worker", .. settings.Select(s => $"--{s.Key}={s.Value}"), .. extra]);
    }

    /// <summary>Where the workers of <paramref name="db"/>'s test write their runs' files before publishing
    /// them.</summary>
    public static string WorkDirectory(TestDatabase db) => TestPlanner.Values(db)["Planner:WorkDirectory"]!;
}
