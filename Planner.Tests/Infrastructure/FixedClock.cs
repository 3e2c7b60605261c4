namespace Planner.Tests.Infrastructure;

/// <summary>A clock that always says the same time, so two runs can be compared byte for byte.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
