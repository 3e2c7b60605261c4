using Hangfire.Logging;

namespace Planner.Tests.Jobs;

/// <summary>
/// Hangfire keeps process-wide state (its log provider, the current storage) that every web host and storage in
/// the test process touches: the test classes that use Hangfire run one at a time, and each starts from a log
/// provider that does not belong to a host disposed by an earlier test.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HangfireState
{
    public const string Name = "Hangfire (process-wide state)";

    /// <summary>Points Hangfire's logging at nothing, so that a storage made outside a host does not log to a disposed
    /// one.</summary>
    public static void ResetLogging() => LogProvider.SetCurrentLogProvider(new Silent());

    private sealed class Silent : ILogProvider
    {
        public ILog GetLogger(string name) => new Nothing();

        private sealed class Nothing : ILog
        {
            public bool Log(LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
        }
    }
}

/// <summary>A test class that touches Hangfire's process-wide state (a web host, a storage, a worker): its tests run
/// in the <see cref="HangfireState"/> collection, one such class at a time.</summary>
[Collection(HangfireState.Name)]
public abstract class HangfireTests;
