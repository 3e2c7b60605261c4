namespace Planner.Api.Sources;

/// <summary>The four source feeds the planner pulls.</summary>
public enum Feed
{
    Production,
    Hospitals,
    Teams,

    /// <summary>The epidemic situation by county: case bulletins, risk levels, employees on post.</summary>
    Situation,
}

/// <summary>
/// What the planner already knows when it validates pulled rows: reference codes and the entities
/// accepted so far (from earlier pulls and earlier tables of this pull).
/// </summary>
internal sealed class KnownCodes
{
    public required HashSet<string> Counties { get; init; }
    public required HashSet<string> Cities { get; init; }
    public required HashSet<string> Products { get; init; }
    public required HashSet<string> Sites { get; init; }
    public required HashSet<string> Suppliers { get; init; }
    public required HashSet<string> Hospitals { get; init; }
    public required HashSet<string> Teams { get; init; }
}

/// <summary>
/// One table of a feed: the default Dapper query against the source (overridable in configuration, must
/// return <c>row_version</c> and take <c>@watermark</c>), how a row is checked and mapped, and where it goes in
/// the planner database. <see cref="Map"/> returns the values of <see cref="Columns"/> in that order: the
/// <see cref="Keys"/> the upsert conflicts on, then the <see cref="Values"/> it compares, so that an unchanged
/// row changes nothing. <see cref="StampsPullRun"/> tables also record which pull run last changed a row.
/// <see cref="Describe"/> names a row in <c>rejected_rows</c>.
/// </summary>
internal sealed record FeedTable(
    string Name,
    string DefaultQuery,
    string Target,
    string[] Keys,
    string[] Values,
    bool StampsPullRun,
    Func<SourceRow, KnownCodes, object?[]> Map,
    Func<SourceRow, string> Describe
)
{
    public string[] Columns { get; } = [.. Keys, .. Values];
}
