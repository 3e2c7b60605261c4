namespace Planner.Tests.Infrastructure;

/// <summary>The running test, as every test and helper reaches it (imported with <c>using static</c> by the
/// project).</summary>
public static class TestRun
{
    /// <summary>The running test's token: cancelled when the test times out or the run is stopped.</summary>
    public static CancellationToken Ct => TestContext.Current.CancellationToken;
}
