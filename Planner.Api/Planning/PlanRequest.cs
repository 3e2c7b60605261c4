using Planner.Solver.Allocation;

namespace Planner.Api.Planning;

/// <summary>What to plan and where to put the files.</summary>
public sealed record PlanRequest(
    string? OutputDirectory = null,
    string Scenario = "baseline",
    DateOnly? PlanStart = null,
    int? HorizonDays = null
)
{
    /// <summary>
    /// Plan with the data known on this day (reports dated on or before it), from the next day. Null: from
    /// <see cref="PlanStart"/> if given, else as of the latest data (<see cref="Planning.PlanDates"/>).
    /// </summary>
    public DateOnly? AsOf { get; init; }

    /// <summary>The allocation rule; null means the scenario's, else the configured one.</summary>
    public Policy? Policy { get; init; }

    /// <summary>When set, every LP stage is written there as MPS, with stages.json listing them in solve
    /// order.</summary>
    public string? ExportModelDirectory { get; init; }

    /// <summary>Re-plan against this earlier run: changes are penalised and its shipments up to
    /// <see cref="DispatchedThroughDay"/> kept.</summary>
    public string? ReplanRunId { get; init; }

    /// <summary>Last day (of this plan) whose shipments of the earlier run have left; −1 when none has.</summary>
    public int DispatchedThroughDay { get; init; } = -1;

    /// <summary>The language of the person who queued the run (<c>zh-CN</c> or <c>en</c>): its progress steps are
    /// written in it. Null: the process's (the command line's <c>--lang</c>).</summary>
    public string? Language { get; init; }
}

/// <summary>
/// What lets a run publish, checked inside the transaction that records it: the job layer's claim on the run. When
/// the check fails (the claim was taken over or cancelled) the transaction rolls back and nothing is published.
/// </summary>
public interface IRunFence
{
    /// <summary>The run request the run is made for.</summary>
    string RequestId { get; }

    /// <summary>Its attempt, recorded with the run.</summary>
    int Attempt { get; }

    /// <summary>Throws when the run may no longer publish; otherwise marks its request as published by
    /// <paramref name="runId"/>.</summary>
    Task HoldAsync(
        System.Data.Common.DbConnection db,
        System.Data.Common.DbTransaction tx,
        string runId,
        DateTimeOffset now
    );
}
