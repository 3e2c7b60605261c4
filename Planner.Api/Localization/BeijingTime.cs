namespace Planner.Api.Localization;

/// <summary>Times as people in Zhejiang read them: Beijing time (UTC+8, no daylight saving); stored in UTC.</summary>
public static class BeijingTime
{
    private static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The day it is in Beijing by <paramref name="clock"/>.</summary>
    public static DateOnly Today(TimeProvider clock) =>
        DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(Offset).DateTime);

    /// <summary><paramref name="time"/> in Beijing time, <c>yyyy-MM-dd HH:mm</c>; empty when there is none.</summary>
    public static string Format(DateTimeOffset? time) =>
        time is { } t ? t.ToOffset(Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";
}
