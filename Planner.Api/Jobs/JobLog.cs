namespace Planner.Api.Jobs;

/// <summary>What the jobs log (source-generated, so nothing is formatted when the level is off).</summary>
internal static partial class JobLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Message}")]
    public static partial void Setup(ILogger logger, string message);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Created the sample users {Users}: for trying Planner out only (README, \"Signing in\"); set "
            + "Planner:Access:SampleUsers=false before real use"
    )]
    public static partial void SampleUsers(ILogger logger, IReadOnlyList<string> users);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Node {Worker}: web {Web}, worker {IsWorker} on queues {Queues}"
    )]
    public static partial void Node(
        ILogger logger,
        string worker,
        bool web,
        bool isWorker,
        IReadOnlyList<string> queues
    );

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Pulled {Feed}: {Read} read, {Changed} changed, {Rejected} rejected"
    )]
    public static partial void Pulled(ILogger logger, string feed, long read, long changed, long rejected);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Message} Trying again in {Seconds:0} s")]
    public static partial void PullBusy(ILogger logger, string message, double seconds);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Removed {Count} abandoned work folders of stopped processes"
    )]
    public static partial void WorkFoldersRemoved(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {Request}: {Message}")]
    public static partial void Progress(ILogger logger, string request, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {Request} ended: {Outcome}")]
    public static partial void Ended(ILogger logger, string request, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {Request} published plan run {Run}")]
    public static partial void Published(ILogger logger, string request, string run);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {Request} failed: {Error}")]
    public static partial void Failed(ILogger logger, string request, string error);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Run {Request}: could not update its claim ({Error}); its lease will run out"
    )]
    public static partial void ClaimUpdateFailed(ILogger logger, string request, string error);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Run {Request}: the database connection was lost ({Error}); the pools are cleared and the run "
            + "starts again in {Seconds} s"
    )]
    public static partial void Reconnecting(ILogger logger, string request, string error, double seconds);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Run {Request}: heartbeat failed ({Error}); trying again at the next one"
    )]
    public static partial void HeartbeatFailed(ILogger logger, string request, string error);
}
