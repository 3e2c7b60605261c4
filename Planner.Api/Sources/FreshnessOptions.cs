using Planner.Api.Localization;

namespace Planner.Api.Sources;

/// <summary>
/// How old each feed's data may be when a plan uses it (<c>Planner:Freshness:MaxAgeMinutes:&lt;feed&gt;</c>, default
/// 60), and whether an older one refuses the run or only warns (<c>Planner:Freshness:Mode</c>: refuse, the default, or
/// warn).
/// </summary>
public sealed class FreshnessOptions
{
    public const string Section = "Planner:Freshness";

    /// <summary><c>refuse</c> (the default) or <c>warn</c>.</summary>
    public string Mode { get; set; } = "refuse";

    /// <summary>Largest age in minutes per feed (lower-case feed name), from the end of its last successful
    /// pull.</summary>
    public Dictionary<string, double> MaxAgeMinutes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Largest gap in days per daily feed (<c>hospitals</c>, <c>production</c>, <c>situation</c>) between
    /// its latest report and the plan's as-of day (default 2).</summary>
    public Dictionary<string, int> MaxDataAgeDays { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The gap allowed between <paramref name="feed"/>'s latest report and the as-of day.</summary>
    public int MaxDataAge(Feed feed) => MaxDataAgeDays.TryGetValue(feed.ToString(), out var days) ? days : 2;

    /// <summary>Refuse the run (true) or publish it with a warning (false).</summary>
    public bool Refuse => !Mode.Equals("warn", StringComparison.OrdinalIgnoreCase);

    /// <summary>The age limit of <paramref name="feed"/>.</summary>
    public TimeSpan MaxAge(Feed feed) =>
        TimeSpan.FromMinutes(MaxAgeMinutes.TryGetValue(feed.ToString(), out var minutes) ? minutes : 60);

    internal sealed class Validator : IValidateOptions<FreshnessOptions>
    {
        public ValidateOptionsResult Validate(string? name, FreshnessOptions o)
        {
            var failures = new List<string>();
            if (
                !o.Mode.Equals("refuse", StringComparison.OrdinalIgnoreCase)
                && !o.Mode.Equals("warn", StringComparison.OrdinalIgnoreCase)
            )
            {
                failures.Add(SettingErrors.Get("FreshnessMode", Section, o.Mode));
            }
            foreach (var (feed, minutes) in o.MaxAgeMinutes)
            {
                if (!Enum.TryParse<Feed>(feed, ignoreCase: true, out _))
                {
                    failures.Add(
                        SettingErrors.Get(
                            "UnknownFeed",
                            $"{Section}:MaxAgeMinutes:{feed}",
                            string.Join(", ", Enum.GetNames<Feed>().Select(n => n.ToLowerInvariant()))
                        )
                    );
                }
                else if (minutes <= 0)
                {
                    failures.Add(SettingErrors.Get("MoreThanZero", $"{Section}:MaxAgeMinutes:{feed}", minutes));
                }
            }
            foreach (var (feed, days) in o.MaxDataAgeDays)
            {
                if (!Enum.TryParse<Feed>(feed, ignoreCase: true, out _) || days < 0)
                    failures.Add(SettingErrors.Get("DataAgeDays", $"{Section}:MaxDataAgeDays:{feed}", days));
            }
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
