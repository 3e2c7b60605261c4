using Planner.Api.Localization;

namespace Planner.Api.Jobs;

/// <summary>
/// What this process does with Hangfire (<c>Planner:Jobs:*</c>): a web node, a worker node (queues <c>pulls</c>,
/// <c>plans</c>, <c>scenarios</c>) or both; when the recurring jobs fire (cron in <see cref="TimeZone"/>); and how
/// a claimed run or pull shows it is alive (heartbeat) and how long its claim outlives a silent holder (lease).
/// </summary>
public sealed class JobOptions
{
    public const string Section = "Planner:Jobs";

    /// <summary>
    /// The queues. Hangfire.PostgreSql takes jobs by queue name in alphabetical order (plans, pulls, scenarios),
    /// not in this order: a queued plan run goes before a pull that fell due at the same time.
    /// </summary>
    public static readonly IReadOnlyList<string> AllQueues = ["pulls", "plans", "scenarios"];

    /// <summary><c>web</c>, <c>worker</c> or both, comma-separated: serves the pages and API; processes the
    /// queues.</summary>
    public string Roles { get; set; } = "web,worker";

    /// <summary>Queues this worker takes jobs from, comma-separated.</summary>
    public string Queues { get; set; } = string.Join(",", AllQueues);

    /// <summary>Jobs run at once in this process; a plan run uses both cores of a 2-core machine.</summary>
    public int WorkerCount { get; set; } = 1;

    /// <summary>Time zone of the cron expressions (IANA id).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>When each feed is pulled.</summary>
    public string PullCron { get; set; } = "*/15 * * * *";

    /// <summary>When the daily plan (pull, solve, publish) runs.</summary>
    public string DailyPlanCron { get; set; } = "0 6 * * *";

    /// <summary>When queued or abandoned runs are handed to Hangfire again (a restart of an embedded node loses its
    /// queue).</summary>
    public string RecoverCron { get; set; } = "*/5 * * * *";

    /// <summary>How often a running run or pull records that it is alive (and a run looks for a
    /// cancellation).</summary>
    public double HeartbeatSeconds { get; set; } = 10;

    /// <summary>A run or pull without a heartbeat for this long is taken over by the next claimant.</summary>
    public double LeaseSeconds { get; set; } = 60;

    /// <summary>Hangfire.PostgreSql: a fetched job whose worker stopped heartbeating is delivered again after
    /// this.</summary>
    public double InvisibilityTimeoutSeconds { get; set; } = 300;

    /// <summary>How often an idle worker polls its queues (Hangfire.PostgreSql) and scheduled jobs.</summary>
    public double PollIntervalSeconds { get; set; } = 5;

    public bool Web => RoleList.Contains("web");
    public bool Worker => RoleList.Contains("worker");
    public IReadOnlyList<string> QueueList => Split(Queues);
    public TimeSpan Heartbeat => TimeSpan.FromSeconds(HeartbeatSeconds);
    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);
    public TimeSpan InvisibilityTimeout => TimeSpan.FromSeconds(InvisibilityTimeoutSeconds);
    public TimeSpan PollInterval => TimeSpan.FromSeconds(PollIntervalSeconds);

    private IReadOnlyList<string> RoleList => Split(Roles);

    /// <summary>The cron time zone.</summary>
    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>
    /// The options of <paramref name="configuration"/> as bound, for the few decisions made while services are
    /// registered (whether this node runs a Hangfire server); they are checked with the others when the node starts.
    /// </summary>
    public static JobOptions Bind(IConfiguration configuration)
    {
        try
        {
            return configuration.GetSection(Section).Get<JobOptions>() ?? new JobOptions();
        }
        catch (InvalidOperationException)
        {
            // A value that does not convert: the start-up check names it.
            return new JobOptions();
        }
    }

    private static string[] Split(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToLowerInvariant())
            .ToArray();

    /// <summary>Every key checked, and embedded mode (no <c>ConnectionStrings:Planner</c>) kept to one web and worker
    /// process.</summary>
    internal sealed class Validator(IConfiguration configuration) : IValidateOptions<JobOptions>
    {
        public ValidateOptionsResult Validate(string? name, JobOptions o)
        {
            var failures = new List<string>();
            if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Planner")) && !(o.Web && o.Worker))
            {
                failures.Add(SettingErrors.Get("EmbeddedRoles", Section));
            }
            if (o.RoleList.Count == 0 || o.RoleList.FirstOrDefault(r => r is not ("web" or "worker")) is { } role)
            {
                failures.Add(SettingErrors.Get("Roles", Section, o.Roles));
            }
            if (o.QueueList.FirstOrDefault(q => !AllQueues.Contains(q)) is { } queue)
            {
                failures.Add(SettingErrors.Get("UnknownQueue", Section, queue, string.Join(", ", AllQueues)));
            }
            if (o.WorkerCount < 1)
                failures.Add(SettingErrors.Get("AtLeastOne", $"{Section}:WorkerCount", o.WorkerCount));
            foreach (
                var (key, value) in new[]
                {
                    ("HeartbeatSeconds", o.HeartbeatSeconds),
                    ("LeaseSeconds", o.LeaseSeconds),
                    ("InvisibilityTimeoutSeconds", o.InvisibilityTimeoutSeconds),
                    ("PollIntervalSeconds", o.PollIntervalSeconds),
                }
            )
            {
                if (value <= 0)
                    failures.Add(SettingErrors.Get("MoreThanZero", $"{Section}:{key}", value));
            }
            if (o.LeaseSeconds <= o.HeartbeatSeconds)
            {
                failures.Add(SettingErrors.Get("Lease", Section, o.LeaseSeconds, o.HeartbeatSeconds));
            }
            try
            {
                _ = o.Zone();
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                failures.Add(SettingErrors.Get("TimeZone", Section, o.TimeZone));
            }
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
