using Planner.Api.Sources;

namespace Planner.Api.Jobs;

/// <summary>
/// What this process does with Hangfire (<c>Planner:Jobs:*</c>): a web node, a worker node (queues <c>pulls</c>,
/// <c>plans</c>, <c>scenarios</c>) or both; when the recurring jobs fire (cron in <see cref="TimeZone"/>); and how
/// a claimed plan run shows it is alive.
/// </summary>
public sealed record JobSettings
{
    /// <summary>
    /// The queues. Hangfire.PostgreSql takes jobs by queue name in alphabetical order (plans, pulls, scenarios),
    /// not in this order: a queued plan run goes before a pull that fell due at the same time.
    /// </summary>
    public static readonly IReadOnlyList<string> AllQueues = ["pulls", "plans", "scenarios"];

    /// <summary>Serves the web application and the dashboard (<c>Planner:Jobs:Roles</c> contains <c>web</c>).</summary>
    public bool Web { get; init; } = true;

    /// <summary>Runs a Hangfire server that processes <see cref="Queues"/> (<c>Planner:Jobs:Roles</c> contains <c>worker</c>).</summary>
    public bool Worker { get; init; } = true;

    /// <summary>Queues this worker takes jobs from (<c>Planner:Jobs:Queues</c>, comma-separated).</summary>
    public IReadOnlyList<string> Queues { get; init; } = AllQueues;

    /// <summary>Jobs run at once in this process; a plan run uses both cores of a 2-core machine.</summary>
    public int WorkerCount { get; init; } = 1;

    /// <summary>Time zone of the cron expressions (IANA id).</summary>
    public string TimeZone { get; init; } = "Asia/Shanghai";

    /// <summary>When each feed is pulled.</summary>
    public string PullCron { get; init; } = "*/15 * * * *";

    /// <summary>When the daily plan (pull, solve, publish) runs.</summary>
    public string DailyPlanCron { get; init; } = "0 6 * * *";

    /// <summary>When queued or abandoned plan runs are handed to Hangfire again (a restart of an embedded node loses its queue).</summary>
    public string RecoverCron { get; init; } = "*/5 * * * *";

    /// <summary>How often a running plan run records that it is alive (and looks for a cancellation).</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A running plan run without a heartbeat for this long is taken over by the next delivery of its job.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Hangfire.PostgreSql: a fetched job whose worker stopped heartbeating is delivered again after this.</summary>
    public TimeSpan InvisibilityTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle worker polls its queues (Hangfire.PostgreSql).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Reads <c>Planner:Jobs:*</c>; bad values are errors that name the key.</summary>
    public static JobSettings From(IConfiguration configuration)
    {
        var defaults = new JobSettings();
        var section = configuration.GetSection("Planner:Jobs");
        var roles = List(section["Roles"]) ?? ["web", "worker"];
        if (roles.FirstOrDefault(r => r is not ("web" or "worker")) is { } role)
        {
            throw new PlannerException($"Planner:Jobs:Roles contains '{role}'; use web, worker or both (comma-separated).");
        }
        var queues = List(section["Queues"]) ?? AllQueues;
        if (queues.FirstOrDefault(q => !AllQueues.Contains(q)) is { } queue)
        {
            throw new PlannerException($"Planner:Jobs:Queues contains '{queue}'; the queues are {string.Join(", ", AllQueues)}.");
        }
        var settings = defaults with
        {
            Web = roles.Contains("web"),
            Worker = roles.Contains("worker"),
            Queues = queues,
            WorkerCount = Positive(section, "WorkerCount", defaults.WorkerCount),
            TimeZone = section["TimeZone"] is { Length: > 0 } tz ? tz : defaults.TimeZone,
            PullCron = section["PullCron"] is { Length: > 0 } pull ? pull : defaults.PullCron,
            DailyPlanCron = section["DailyPlanCron"] is { Length: > 0 } daily ? daily : defaults.DailyPlanCron,
            RecoverCron = section["RecoverCron"] is { Length: > 0 } recover ? recover : defaults.RecoverCron,
            Heartbeat = Seconds(section, "HeartbeatSeconds", defaults.Heartbeat),
            Lease = Seconds(section, "LeaseSeconds", defaults.Lease),
            InvisibilityTimeout = Seconds(section, "InvisibilityTimeoutSeconds", defaults.InvisibilityTimeout),
            PollInterval = Seconds(section, "PollIntervalSeconds", defaults.PollInterval),
        };
        if (settings.Lease <= settings.Heartbeat)
        {
            throw new PlannerException($"Planner:Jobs:LeaseSeconds ({settings.Lease.TotalSeconds}) must be longer than Planner:Jobs:HeartbeatSeconds ({settings.Heartbeat.TotalSeconds}).");
        }
        _ = settings.Zone();
        return settings;
    }

    /// <summary>The cron time zone.</summary>
    public TimeZoneInfo Zone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new PlannerException($"Planner:Jobs:TimeZone '{TimeZone}' is not a known time zone (use an IANA id such as Asia/Shanghai).", e);
        }
    }

    private static string[]? List(string? text) =>
        text is { Length: > 0 } ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant()).ToArray() : null;

    private static int Positive(IConfigurationSection section, string key, int fallback)
    {
        var value = section.GetValue(key, fallback);
        return value >= 1 ? value : throw new PlannerException($"Planner:Jobs:{key} is {value}; it must be at least 1.");
    }

    private static TimeSpan Seconds(IConfigurationSection section, string key, TimeSpan fallback)
    {
        var value = section.GetValue(key, fallback.TotalSeconds);
        return value > 0 ? TimeSpan.FromSeconds(value) : throw new PlannerException($"Planner:Jobs:{key} is {value}; it must be more than 0.");
    }
}

/// <summary>
/// How old each feed's data may be when a plan uses it (<c>Planner:Freshness:MaxAgeMinutes:&lt;feed&gt;</c>, default 60),
/// and whether an older one refuses the run or only warns (<c>Planner:Freshness:Mode</c>: refuse, the default, or warn).
/// </summary>
public sealed record FreshnessSettings
{
    /// <summary>Refuse the run (true) or publish it with a warning (false).</summary>
    public bool Refuse { get; init; } = true;

    /// <summary>Largest age per feed, from the end of its last successful pull.</summary>
    public IReadOnlyDictionary<Feed, TimeSpan> MaxAge { get; init; } = Enum.GetValues<Feed>().ToDictionary(f => f, _ => TimeSpan.FromMinutes(60));

    /// <summary>Reads <c>Planner:Freshness:*</c>.</summary>
    public static FreshnessSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Planner:Freshness");
        var mode = section["Mode"]?.ToLowerInvariant();
        if (mode is not (null or "" or "refuse" or "warn"))
        {
            throw new PlannerException($"Planner:Freshness:Mode is '{section["Mode"]}'; use refuse or warn.");
        }
        var ages = Enum.GetValues<Feed>().ToDictionary(f => f, f =>
        {
            var minutes = section.GetValue($"MaxAgeMinutes:{f.ToString().ToLowerInvariant()}", 60.0);
            return minutes > 0 ? TimeSpan.FromMinutes(minutes) : throw new PlannerException($"Planner:Freshness:MaxAgeMinutes:{f.ToString().ToLowerInvariant()} is {minutes}; it must be more than 0.");
        });
        return new FreshnessSettings { Refuse = mode != "warn", MaxAge = ages };
    }
}
