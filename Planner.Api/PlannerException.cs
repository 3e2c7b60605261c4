namespace Planner.Api;

/// <summary>
/// A failure a person can act on (bad configuration, unreachable database, missing data file).
/// The CLI prints its message as one line, without a stack trace.
/// </summary>
public class PlannerException : Exception
{
    public PlannerException(string message)
        : base(message) { }

    public PlannerException(string message, Exception inner)
        : base(message, inner) { }
}
