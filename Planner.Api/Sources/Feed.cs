namespace Planner.Api.Sources;

/// <summary>The three source feeds the planner pulls.</summary>
public enum Feed
{
    Production,
    Hospitals,
    Teams,
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
/// return <c>row_version</c> and take <c>@watermark</c>), how a row is checked and mapped, and the upsert
/// into the planner database that changes nothing when the row is unchanged.
/// </summary>
internal sealed record FeedTable(string Name, string DefaultQuery, string Upsert, Func<SourceRow, KnownCodes, object> Map, Func<SourceRow, string> Key);
