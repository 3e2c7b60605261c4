using Planner.Api.Sources;

namespace Planner.Tests.Sources;

internal static class SourceQueries
{
    /// <summary>The source with its queries replaced by one for <paramref name="table"/>: a source that sends other
    /// rows, or fails.</summary>
    public static FeedSource WithQuery(this FeedSource source, string table, string sql) =>
        source with
        {
            Queries = new Dictionary<string, string> { [table] = sql },
        };
}
