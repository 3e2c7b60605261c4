using Planner.Api.Localization;

namespace Planner.Api.Sources;

/// <summary>How old one feed's data is: its last successful pull, and its last attempt whatever the outcome.</summary>
public sealed record SourceAge(
    string Source,
    string? PullRunId,
    DateTimeOffset? PulledAt,
    TimeSpan? Age,
    TimeSpan MaxAge,
    bool Fresh,
    string? LastAttemptId,
    string? LastAttemptStatus,
    string? LastAttemptError
);

/// <summary>Feed freshness, for the plan's gate and lineage and for operators.</summary>
public static class SourceFreshness
{
    private const string LastSucceededSql = """
        SELECT id AS PullRunId, finished_at AS PulledAt FROM pull_runs
        WHERE source = @source AND status = 'succeeded'
        ORDER BY finished_at DESC, id DESC LIMIT 1
        """;

    private const string LastAttemptSql = """
        SELECT id AS Id, status AS Status, error AS Error FROM pull_runs WHERE source = @source
        ORDER BY started_at DESC, id DESC LIMIT 1
        """;

    /// <summary>Every feed's age at <paramref name="now"/>.</summary>
    public static async Task<IReadOnlyList<SourceAge>> ReadAsync(
        DbConnection db,
        FreshnessOptions settings,
        DateTimeOffset now
    )
    {
        var ages = new List<SourceAge>();
        foreach (var feed in Enum.GetValues<Feed>())
        {
            var source = feed.ToString().ToLowerInvariant();
            var last = await db.QuerySingleOrDefaultAsync<LastPull>(LastSucceededSql, new { source });
            var attempt = await db.QuerySingleOrDefaultAsync<LastAttempt>(LastAttemptSql, new { source });
            var age = last?.PulledAt is { } at ? now - at : (TimeSpan?)null;
            var max = settings.MaxAge(feed);
            ages.Add(
                new SourceAge(
                    source,
                    last?.PullRunId,
                    last?.PulledAt,
                    age,
                    max,
                    age <= max,
                    attempt?.Id,
                    attempt?.Status,
                    attempt?.Error
                )
            );
        }
        return ages;
    }

    /// <summary>
    /// The plan's freshness gate and lineage: the last successful pull of each feed is what a plan reflects. A feed
    /// older than its limit refuses the run or, with <c>Planner:Freshness:Mode=warn</c>, is published with a warning.
    /// </summary>
    public static async Task<(IReadOnlyList<PullRun> Inputs, IReadOnlyList<string> Warnings)> GateAsync(
        DbConnection db,
        FreshnessOptions options,
        DateTimeOffset now,
        Action<string> progress
    )
    {
        var ages = await ReadAsync(db, options, now);
        var stale = ages.Where(a => !a.Fresh).Select(Describe).ToList();
        if (stale.Count > 0 && (options.Refuse || ages.Any(a => a.PullRunId is null)))
        {
            throw new PlannerException(
                Messages.Get("DataTooOldToPlan", string.Join(Messages.Get("ListSeparator"), stale))
            );
        }
        var warnings = stale.Select(s => Messages.Get("StaleData", s)).ToList();
        foreach (var warning in warnings)
            progress(Messages.Get("Warning", warning));
        var inputs = new List<PullRun>();
        foreach (var age in ages)
        {
            inputs.Add((await PullRunAsync(db, age.PullRunId!)).ToPullRun());
        }
        return (inputs, warnings);
    }

    /// <summary>The lineage for machines (<c>summary.json</c>): each feed's watermark and pull run, "production
    /// watermark 1234 (pull-production-20200210040000-1); …".</summary>
    public static string Lineage(IReadOnlyList<PullRun> pulls) =>
        string.Join(
            "; ",
            pulls.Select(p =>
                FormattableString.Invariant($"{p.Feed.ToString().ToLowerInvariant()} watermark {p.Watermark} ({p.Id})")
            )
        );

    /// <summary>The lineage as a person reads it in the current language (the workbooks): each feed by its name, the
    /// version its data reaches (the watermark) and its pull run, "生产数据截至版本 1234（拉取批次 pull-…）；…".</summary>
    public static string LineageText(IReadOnlyList<PullRun> pulls) =>
        string.Join(
            Messages.Get("ListSeparator"),
            pulls.Select(p =>
                Messages.Get(
                    "Lineage",
                    Messages.Get($"Feed.{p.Feed}"),
                    p.Watermark.ToString(CultureInfo.InvariantCulture),
                    p.Id
                )
            )
        );

    private const string PullRunSql = """
        SELECT id AS Id, source AS Source, status AS Status, started_at AS StartedAt, finished_at AS FinishedAt,
        rows_read AS RowsRead,
               rows_changed AS RowsChanged, rows_rejected AS RowsRejected, watermark AS Watermark, error AS Error
        FROM pull_runs
        """;

    /// <summary>The most recent pull runs, newest first.</summary>
    public static async Task<IReadOnlyList<PullRunRecord>> RecentPullRunsAsync(DbConnection db, int limit) =>
        (
            await db.QueryAsync<PullRunRecord>(
                $"{PullRunSql} ORDER BY started_at DESC, id DESC LIMIT @limit",
                new { limit }
            )
        ).ToList();

    /// <summary>One pull run.</summary>
    public static async Task<PullRunRecord> PullRunAsync(DbConnection db, string id) =>
        await db.QuerySingleAsync<PullRunRecord>($"{PullRunSql} WHERE id = @id", new { id });

    /// <summary>"hospitals: last good pull 3 h 05 min ago (limit 60 min)" or "hospitals: never pulled
    /// successfully".</summary>
    public static string Describe(SourceAge age) =>
        age.Age is { } a
            ? Messages.Get("SourceAge", age.Source, Span(a), age.PullRunId ?? "", Span(age.MaxAge))
            : Messages.Get("SourceNeverPulled", age.Source);

    private static string Span(TimeSpan t) =>
        t.TotalMinutes < 60
            ? Messages.Get("Minutes", Whole(t.TotalMinutes))
            : Messages.Get("HoursMinutes", Whole(t.TotalHours), t.Minutes.ToString("00", CultureInfo.InvariantCulture));

    private static string Whole(double value) => Math.Floor(value).ToString("0", CultureInfo.InvariantCulture);

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

/// <summary>A pull run as recorded in <c>pull_runs</c>.</summary>
public sealed class PullRunRecord
{
    /// <summary>Pull run id.</summary>
    public string Id { get; set; } = "";

    /// <summary>production, hospitals, teams or situation.</summary>
    public string Source { get; set; } = "";

    /// <summary>running, succeeded or failed.</summary>
    public string Status { get; set; } = "";

    /// <summary>Start.</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>End, if finished.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Rows read from the source.</summary>
    public long RowsRead { get; set; }

    /// <summary>Rows inserted or changed.</summary>
    public long RowsChanged { get; set; }

    /// <summary>Rows rejected, with their reasons in rejected_rows.</summary>
    public long RowsRejected { get; set; }

    /// <summary>Highest row_version taken.</summary>
    public string? Watermark { get; set; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; set; }

    /// <summary>As the puller reports it.</summary>
    public PullRun ToPullRun() =>
        new(
            Id,
            Enum.Parse<Feed>(Source, ignoreCase: true),
            Status,
            RowsRead,
            RowsChanged,
            RowsRejected,
            long.Parse(Watermark ?? "0", System.Globalization.CultureInfo.InvariantCulture),
            (FinishedAt ?? StartedAt) - StartedAt,
            Error
        );
}
