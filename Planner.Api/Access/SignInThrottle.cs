using System.Net;
using System.Net.Sockets;

namespace Planner.Api.Access;

/// <summary>Which sign-in limit refused an attempt.</summary>
public enum SignInLimit
{
    /// <summary>Too many failures for this user name, from anywhere.</summary>
    UserName,

    /// <summary>Too many failures from this address, for any user names.</summary>
    Address,
}

/// <summary>An attempt refused before its password was checked: which limit, and how long until it lifts.</summary>
public sealed record SignInRefusal(SignInLimit Limit, int WaitSeconds);

/// <summary>
/// Failed sign-ins counted per user name (whatever its case, known or not) and per address, each over a sliding
/// window (Planner:Access:SignInFailuresPerUser, SignInFailuresPerAddress, SignInFailureWindowSeconds). Sign-ins
/// that succeed never count, so the many people of a command centre behind one address are not locked out by one
/// person's typos, and someone guessing gets a few tries per window at one name however many addresses they use.
/// </summary>
/// <remarks>
/// A small store rather than System.Threading.RateLimiting: its limiters read the machine's clock, not the
/// injected <see cref="TimeProvider"/> (dotnet/runtime#106447), and cannot take a permit back when the password
/// turns out right. Entries live while they hold a failure within the window; a sweep once per window drops the
/// rest, so memory follows the failures of the last two windows, and each of those cost a password hash.
/// </remarks>
public sealed class SignInThrottle(IOptions<AccessOptions> options, TimeProvider clock)
{
    /// <summary>
    /// Names share an entry up to this length: the form accepts megabytes, the store should not keep them.
    /// </summary>
    private const int KeyLength = 128;

    private readonly Lock _gate = new();
    private readonly Failures _byUser = new(options.Value.SignInFailuresPerUser, options.Value.SignInFailureWindow);
    private readonly Failures _byAddress = new(
        options.Value.SignInFailuresPerAddress,
        options.Value.SignInFailureWindow
    );
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    /// <summary>
    /// Null when the attempt may go ahead, and it then counts as a failure at once (attempts made in parallel
    /// cannot all slip under the limit while their passwords are checked); <see cref="Succeeded"/> takes it back.
    /// Otherwise the limit that refuses it, the one that lifts later when both do.
    /// </summary>
    public SignInRefusal? TryBegin(string userName, IPAddress? address)
    {
        var (user, from, now) = (UserKey(userName), AddressKey(address), clock.GetUtcNow());
        lock (_gate)
        {
            Sweep(now);
            var userWait = _byUser.Wait(user, now);
            var addressWait = _byAddress.Wait(from, now);
            if (userWait > TimeSpan.Zero || addressWait > TimeSpan.Zero)
            {
                return addressWait >= userWait
                    ? new SignInRefusal(SignInLimit.Address, Seconds(addressWait))
                    : new SignInRefusal(SignInLimit.UserName, Seconds(userWait));
            }
            _byUser.Add(user, now);
            _byAddress.Add(from, now);
            return null;
        }
    }

    /// <summary>The password was right: the attempt does not count, and the name's failures are forgotten.</summary>
    public void Succeeded(string userName, IPAddress? address)
    {
        var (user, from) = (UserKey(userName), AddressKey(address));
        lock (_gate)
        {
            _byUser.Forget(user);
            _byAddress.TakeBackLatest(from);
        }
    }

    /// <summary>User names and addresses held (for tests of the eviction).</summary>
    internal int Entries
    {
        get
        {
            lock (_gate)
                return _byUser.Count + _byAddress.Count;
        }
    }

    /// <summary>The user name as the database matches it: trimmed, without regard to case.</summary>
    internal static string UserKey(string userName)
    {
        var key = userName.Trim().ToLowerInvariant();
        return key.Length <= KeyLength ? key : key[..KeyLength];
    }

    /// <summary>
    /// An IPv4 address (also when it comes mapped into IPv6), or an IPv6 address's /64: one household or office
    /// is given a whole /64, so counting single IPv6 addresses would let one machine pick a fresh one per guess.
    /// </summary>
    internal static string AddressKey(IPAddress? address)
    {
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            return address.MapToIPv4().ToString();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private void Sweep(DateTimeOffset now)
    {
        if (now < _nextSweep)
            return;
        _byUser.Sweep(now);
        _byAddress.Sweep(now);
        _nextSweep = now + options.Value.SignInFailureWindow;
    }

    /// <summary>The times of each key's failures within the window, oldest first; never more than the limit.</summary>
    private sealed class Failures(int limit, TimeSpan window)
    {
        private readonly Dictionary<string, List<DateTimeOffset>> _times = new(StringComparer.Ordinal);

        public int Count => _times.Count;

        /// <summary>Zero while the key has fewer failures than the limit, else until its oldest one expires.</summary>
        public TimeSpan Wait(string key, DateTimeOffset now)
        {
            if (!_times.TryGetValue(key, out var times))
                return TimeSpan.Zero;
            times.RemoveAll(t => t + window <= now);
            return times.Count < limit ? TimeSpan.Zero : times[0] + window - now;
        }

        public void Add(string key, DateTimeOffset now)
        {
            if (!_times.TryGetValue(key, out var times))
                _times[key] = times = [];
            times.Add(now);
        }

        public void Forget(string key) => _times.Remove(key);

        /// <summary>Takes back the newest failure: the succeeding attempt's own, or one made moments later.</summary>
        public void TakeBackLatest(string key)
        {
            if (!_times.TryGetValue(key, out var times) || times.Count == 0)
                return;
            times.RemoveAt(times.Count - 1);
            if (times.Count == 0)
                _times.Remove(key);
        }

        /// <summary>Drops the keys whose failures have all left the window.</summary>
        public void Sweep(DateTimeOffset now)
        {
            var expired = _times
                .Where(e => e.Value.Count == 0 || e.Value[^1] + window <= now)
                .Select(e => e.Key)
                .ToList();
            foreach (var key in expired)
            {
                _times.Remove(key);
            }
        }
    }
}
