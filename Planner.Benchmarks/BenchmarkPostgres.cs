namespace Planner.Benchmarks;

/// <summary>
/// The PostgreSQL server a benchmark measures on: the one whose admin connection string is in
/// <see cref="Variable"/>, else a <see cref="ThrowawayPostgres"/> cluster, stopped on dispose.
/// </summary>
internal sealed class BenchmarkPostgres : IDisposable
{
    /// <summary>The environment variable naming a PostgreSQL server to use instead of a throwaway cluster.</summary>
    public const string Variable = "PLANNER_BENCH_POSTGRES";

    private BenchmarkPostgres(ThrowawayPostgres? cluster, string admin) => (Cluster, Admin) = (cluster, admin);

    /// <summary>The throwaway cluster, or null when the server is the configured one.</summary>
    public ThrowawayPostgres? Cluster { get; }

    /// <summary>An admin connection string.</summary>
    public string Admin { get; }

    public static BenchmarkPostgres Open()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(configured))
            return new BenchmarkPostgres(null, configured);
        var cluster = ThrowawayPostgres.Start();
        return new BenchmarkPostgres(cluster, cluster.ConnectionString);
    }

    public void Dispose() => Cluster?.Dispose();
}
