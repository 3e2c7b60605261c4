using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Planner.Api;
using Planner.Api.Access;

namespace Planner.Tests.Access;

/// <summary>
/// The limits on failed sign-ins, on a clock the test moves by hand: per user name and per address, successes not
/// counted, the wait until a limit lifts, and old entries forgotten. The sign-in page's use of them is in
/// <see cref="AccessTests"/>.
/// </summary>
public class SignInThrottleTests
{
    private static readonly DateTimeOffset Noon = new(2020, 2, 10, 12, 0, 0, TimeSpan.FromHours(8));
    private static readonly IPAddress Office = IPAddress.Parse("10.1.2.3");

    private static (SignInThrottle Throttle, ManualClock Clock) Start(
        int perUser,
        int perAddress,
        int windowSeconds = 300
    )
    {
        var clock = new ManualClock(Noon);
        var settings = new AccessOptions
        {
            SignInFailuresPerUser = perUser,
            SignInFailuresPerAddress = perAddress,
            SignInFailureWindowSeconds = windowSeconds,
        };
        return (new SignInThrottle(Options.Create(settings), clock), clock);
    }

    /// <summary>An attempt whose password is wrong: let through, and left counted.</summary>
    private static void Fail(SignInThrottle throttle, string userName, IPAddress address) =>
        Assert.Null(throttle.TryBegin(userName, address));

    [Fact]
    public void TryBegin_OnePersonsTypos_DoNotLockOutOthersAtTheSameAddress_UntilTheAddressLimit()
    {
        var (throttle, _) = Start(perUser: 3, perAddress: 6);

        for (var i = 0; i < 3; i++)
            Fail(throttle, "zhang", Office);
        var zhang = throttle.TryBegin("zhang", Office);
        var li = throttle.TryBegin("li", Office);
        Fail(throttle, "wang", Office);
        Fail(throttle, "zhao", Office);
        var fromTheOffice = throttle.TryBegin("qian", Office);
        var fromElsewhere = throttle.TryBegin("qian", IPAddress.Parse("10.9.9.9"));

        Assert.Equal(SignInLimit.UserName, zhang?.Limit);
        Assert.Null(li);
        Assert.Equal(SignInLimit.Address, fromTheOffice?.Limit);
        Assert.Null(fromElsewhere);
    }

    [Fact]
    public void TryBegin_SuccessesAreNotCounted_AndASuccessForgetsThatUserNamesFailures()
    {
        var (throttle, _) = Start(perUser: 3, perAddress: 6);

        // A whole shift signing in from one address, many more times than either limit.
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(throttle.TryBegin("li", Office));
            throttle.Succeeded("li", Office);
        }
        Fail(throttle, "zhang", Office);
        Fail(throttle, "zhang", Office);
        Assert.Null(throttle.TryBegin("Zhang", Office));
        throttle.Succeeded("Zhang", Office);
        // Forgotten: three more tries before the name is held (the address has counted 5 of its 6).
        for (var i = 0; i < 3; i++)
            Fail(throttle, "zhang", Office);
        var fourth = throttle.TryBegin("zhang", Office);

        Assert.Equal(SignInLimit.UserName, fourth?.Limit);
    }

    [Fact]
    public void TryBegin_UserNameLimit_HoldsAcrossAddressesAndCases_ForNamesThatDoNotExistToo()
    {
        var (throttle, _) = Start(perUser: 3, perAddress: 30);

        Fail(throttle, "zhang", IPAddress.Parse("10.0.0.1"));
        Fail(throttle, "ZHANG", IPAddress.Parse("10.0.0.2"));
        Fail(throttle, " Zhang ", IPAddress.Parse("10.0.0.3"));
        var fourthAddress = throttle.TryBegin("zhang", IPAddress.Parse("10.0.0.4"));
        var otherName = throttle.TryBegin("zhangwei", IPAddress.Parse("10.0.0.4"));

        Assert.Equal(SignInLimit.UserName, fourthAddress?.Limit);
        Assert.Null(otherName);
    }

    [Fact]
    public void TryBegin_WhenLimited_WaitsUntilTheOldestFailureLeavesTheWindow_AndTheClockMovingOnLiftsIt()
    {
        var (throttle, clock) = Start(perUser: 2, perAddress: 30, windowSeconds: 300);

        Fail(throttle, "zhang", Office);
        clock.Now = Noon.AddSeconds(40);
        Fail(throttle, "zhang", Office);
        clock.Now = Noon.AddSeconds(100);
        var early = throttle.TryBegin("zhang", Office);
        clock.Now = Noon.AddSeconds(299.5);
        var justBefore = throttle.TryBegin("zhang", Office);
        clock.Now = Noon.AddSeconds(300);
        var lifted = throttle.TryBegin("zhang", Office);
        clock.Now = Noon.AddSeconds(301);
        // The failures at 40 s and 300 s count now: the next try waits for the one at 40 s.
        var again = throttle.TryBegin("zhang", Office);

        Assert.Equal(new SignInRefusal(SignInLimit.UserName, 200), early);
        Assert.Equal(new SignInRefusal(SignInLimit.UserName, 1), justBefore);
        Assert.Null(lifted);
        Assert.Equal(new SignInRefusal(SignInLimit.UserName, 39), again);
    }

    [Fact]
    public void TryBegin_BothLimitsReached_NamesTheOneThatLiftsLater()
    {
        var (throttle, clock) = Start(perUser: 2, perAddress: 3, windowSeconds: 60);

        Fail(throttle, "zhang", IPAddress.Parse("10.0.0.1"));
        clock.Now = Noon.AddSeconds(10);
        Fail(throttle, "zhang", IPAddress.Parse("10.0.0.1"));
        clock.Now = Noon.AddSeconds(20);
        foreach (var name in new[] { "li", "wang", "zhao" })
            Fail(throttle, name, Office);
        clock.Now = Noon.AddSeconds(30);
        var addressLater = throttle.TryBegin("zhang", Office);
        clock.Now = Noon.AddSeconds(40);
        Fail(throttle, "qian", IPAddress.Parse("10.0.0.2"));
        Fail(throttle, "qian", IPAddress.Parse("10.0.0.2"));
        clock.Now = Noon.AddSeconds(50);
        var nameLater = throttle.TryBegin("qian", Office);

        Assert.Equal(new SignInRefusal(SignInLimit.Address, 50), addressLater);
        Assert.Equal(new SignInRefusal(SignInLimit.UserName, 50), nameLater);
    }

    [Fact]
    public void TryBegin_CountsAnIPv6Slash64AsOneAddress_AndIPv4MappedAsIPv4()
    {
        var (throttle, _) = Start(perUser: 10, perAddress: 2);

        Fail(throttle, "a", IPAddress.Parse("2001:db8:1:2::a"));
        Fail(throttle, "b", IPAddress.Parse("2001:db8:1:2:ffff::1"));
        Fail(throttle, "c", IPAddress.Parse("::ffff:10.1.2.3"));
        Fail(throttle, "d", Office);
        var sameSlash64 = throttle.TryBegin("e", IPAddress.Parse("2001:db8:1:2::77"));
        var otherSlash64 = throttle.TryBegin("e", IPAddress.Parse("2001:db8:1:3::a"));
        var sameIPv4 = throttle.TryBegin("e", Office);

        Assert.Equal(SignInLimit.Address, sameSlash64?.Limit);
        Assert.Null(otherSlash64);
        Assert.Equal(SignInLimit.Address, sameIPv4?.Limit);
    }

    [Fact]
    public void TryBegin_ForgetsUserNamesAndAddressesWhoseFailuresHaveLeftTheWindow()
    {
        var (throttle, clock) = Start(perUser: 5, perAddress: 30, windowSeconds: 300);

        for (var i = 0; i < 10_000; i++)
            Fail(throttle, $"guess-{i}", new IPAddress(0x0A000000 + i));
        var held = throttle.Entries;
        clock.Now = Noon.AddSeconds(300);
        Fail(throttle, "zhang", Office);
        // A name of a megabyte is kept as its first characters, not whole.
        Fail(throttle, new string('x', 1 << 20), Office);

        Assert.Equal(20_000, held);
        Assert.Equal(3, throttle.Entries);
        Assert.Equal(128, SignInThrottle.UserKey(new string('x', 1 << 20)).Length);
    }

    [Theory]
    [InlineData(
        "Planner:Access:SignInFailuresPerUser",
        "0",
        "Planner:Access:SignInFailuresPerUser is 0; it must be a whole number, at least 1."
    )]
    [InlineData("Planner:Access:SignInFailuresPerAddress", "many", "'Planner:Access:SignInFailuresPerAddress'")]
    [InlineData(
        "Planner:Access:SignInFailureWindowSeconds",
        "-5",
        "Planner:Access:SignInFailureWindowSeconds is -5; it must be a whole number, at least 1."
    )]
    public void AccessOptions_ALimitBelowOneOrNotANumber_StopsStartUp_NamingTheKey(
        string key,
        string value,
        string message
    )
    {
        Assert.Contains(message, TestOptions.StartupError((key, value)), StringComparison.Ordinal);
    }

    [Fact]
    public void AccessOptions_TheOldAttemptsSetting_StopsStartUp_NamingItsReplacements()
    {
        var error = TestOptions.StartupError(("Planner:Access:SignInAttemptsPerMinute", "10"));
        var defaults = new AccessOptions();

        Assert.StartsWith("Planner:Access:SignInAttemptsPerMinute is no longer read", error, StringComparison.Ordinal);
        Assert.Contains(
            "Planner:Access:SignInFailuresPerUser, SignInFailuresPerAddress and SignInFailureWindowSeconds",
            error,
            StringComparison.Ordinal
        );
        Assert.Equal(
            (5, 30, TimeSpan.FromMinutes(5)),
            (defaults.SignInFailuresPerUser, defaults.SignInFailuresPerAddress, defaults.SignInFailureWindow)
        );
        Assert.Null(TestOptions.StartupError());
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value)))
            .Build();

    /// <summary>A clock the test moves on by hand (no sleeps).</summary>
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
