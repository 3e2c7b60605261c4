using Planner.Api.Localization;

namespace Planner.Api.Planning;

/// <summary>
/// Which day the daily plan is made as of, and the clock it reads (<c>Planner:Planning:*</c>).
/// <list type="bullet">
/// <item><c>AsOf</c>: <c>latest</c> (the default) plans as of the latest data (<see cref="PlanDates"/>); <c>clock</c>
/// as of the clock's date in the jobs' time zone, from its next day; a date (yyyy-MM-dd) as of that day, unless a
/// request says otherwise (to reproduce the plans of one day).</item>
/// <item><c>ReplayFrom</c> (e.g. <c>2020-02-10T06:00:00+08:00</c>) runs the clock from that moment, one replayed day
/// every <c>ReplayDayMinutes</c> real minutes (1440 by default: real speed), so that the daily job replays February
/// 2020 a day at a time.</item>
/// </list>
/// </summary>
public sealed class PlanningOptions
{
    public const string Section = "Planner:Planning";

    /// <summary><c>latest</c>, <c>clock</c> or a date.</summary>
    public string AsOf { get; set; } = "latest";

    /// <summary>Where a replayed clock starts; null: the real clock.</summary>
    public DateTimeOffset? ReplayFrom { get; set; }

    /// <summary>Real minutes per replayed day.</summary>
    public double ReplayDayMinutes { get; set; } = 1440;

    /// <summary>Whether the daily plan follows the clock.</summary>
    public bool FollowsClock => AsOf.Equals("clock", StringComparison.OrdinalIgnoreCase);

    /// <summary>The fixed as-of date, when <see cref="AsOf"/> is one.</summary>
    public DateOnly? FixedAsOf =>
        DateOnly.TryParseExact(AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : null;

    /// <summary><paramref name="request"/> with the fixed as-of date when it names no day of its own.</summary>
    public PlanRequest Dated(PlanRequest request) =>
        request is { AsOf: null, PlanStart: null } ? request with { AsOf = FixedAsOf } : request;

    internal sealed class Validator : IValidateOptions<PlanningOptions>
    {
        public ValidateOptionsResult Validate(string? name, PlanningOptions o)
        {
            var failures = new List<string>();
            if (!o.FollowsClock && o.FixedAsOf is null && !o.AsOf.Equals("latest", StringComparison.OrdinalIgnoreCase))
                failures.Add(SettingErrors.Get("AsOf", Section, o.AsOf));
            if (o.ReplayDayMinutes <= 0)
                failures.Add(SettingErrors.Get("MoreThanZero", $"{Section}:ReplayDayMinutes", o.ReplayDayMinutes));
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}

/// <summary>
/// A clock that starts at <paramref name="from"/> when the process starts and runs <paramref name="speed"/> times
/// faster than the real one: the replay of 2020 (<see cref="PlanningOptions.ReplayFrom"/>). Timers are the real
/// ones; only the time read is replayed.
/// </summary>
public sealed class ReplayClock(DateTimeOffset from, double speed, TimeProvider real) : TimeProvider
{
    private readonly DateTimeOffset _started = real.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => from.ToUniversalTime() + (real.GetUtcNow() - _started) * speed;
}
