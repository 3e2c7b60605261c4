using System.Data.Common;
using Dapper;
using Planner.Api.Jobs;
using Planner.Api.Sources;

namespace Planner.Api.Planning;

/// <summary>How old one feed's data is: its last successful pull, and its last attempt whatever the outcome.</summary>
public sealed record SourceAge(string Source, string? PullRunId, DateTimeOffset? PulledAt, TimeSpan? Age, TimeSpan MaxAge, bool Fresh,
    string? LastAttemptId, string? LastAttemptStatus, string? LastAttemptError);

/// <summary>Feed freshness, for the plan's gate and lineage and for operators.</summary>
public static class SourceFreshness
{
    private const string LastSucceededSql = """
        SELECT id AS PullRunId, finished_at AS PulledAt FROM pull_runs
        WHERE source = @source AND status = 'succeeded'
        ORDER BY finished_at DESC, id DESC LIMIT 1
        """;

    private const string LastAttemptSql = """
        SELECT id AS Id, status AS Status, error AS Error FROM pull_runs WHERE source = @source ORDER BY started_at DESC, id DESC LIMIT 1
        """;

    /// <summary>Every feed's age at <paramref name="now"/>.</summary>
    public static async Task<IReadOnlyList<SourceAge>> ReadAsync(DbConnection db, FreshnessSettings settings, DateTimeOffset now)
    {
        var ages = new List<SourceAge>();
        foreach (var feed in Enum.GetValues<Feed>())
        {
            var source = feed.ToString().ToLowerInvariant();
            var last = await db.QuerySingleOrDefaultAsync<LastPull>(LastSucceededSql, new { source });
            var attempt = await db.QuerySingleOrDefaultAsync<LastAttempt>(LastAttemptSql, new { source });
            var age = last?.PulledAt is { } at ? now - at : (TimeSpan?)null;
            var max = settings.MaxAge[feed];
            ages.Add(new SourceAge(source, last?.PullRunId, last?.PulledAt, age, max, age <= max, attempt?.Id, attempt?.Status, attempt?.Error));
        }
        return ages;
    }

    /// <summary>"hospitals: last good pull 3 h 05 min ago (limit 60 min)" or "hospitals: never pulled successfully".</summary>
    public static string Describe(SourceAge age) => age.Age is { } a
        ? $"{age.Source}: last good pull {Span(a)} ago ({age.PullRunId}; limit {Span(age.MaxAge)})"
        : $"{age.Source}: never pulled successfully";

    private static string Span(TimeSpan t) => t.TotalMinutes < 60
        ? $"{Math.Floor(t.TotalMinutes):0} min"
        : $"{Math.Floor(t.TotalHours):0} h {t.Minutes:00} min";

    private sealed class LastAttempt
    {
        public string Id { get; set; } = "";
        public string Status { get; set; } = "";
        public string? Error { get; set; }
    }

    private sealed class LastPull
    {
        public string PullRunId { get; set; } = "";
        public DateTimeOffset PulledAt { get; set; }
    }
}
