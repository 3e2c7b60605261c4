using Planner.Api.Planning;
using Planner.Solver.Allocation;

namespace Planner.Api.Gaps;

/// <summary>
/// A line of the gap list (缺口清单) as procurement and requests to the national allocation read it: per product,
/// city (or Hubei site), day and tier, the units unmet, how many of them extra units close, at which depot and by
/// which day, and the units unmet for each reason.
/// </summary>
public sealed record GapLine(
    string Product,
    string City,
    int Day,
    int Tier,
    double Unmet,
    double Closable,
    string? Depot,
    int? SupplyBy,
    IReadOnlyDictionary<string, double> Reasons
)
{
    /// <summary>The gaps of destinations grouped into lines: by product, day, tier and city, then apart by the depot
    /// and day that close them (a city's counties share its depot, so that is one line). Reasons are
    /// <see cref="ShortfallReasons.Code"/>s.</summary>
    public static IReadOnlyList<GapLine> Group(IEnumerable<Gap> gaps, Func<string, string> cityOf) =>
        gaps.GroupBy(g => (g.Product, City: cityOf(g.Destination), g.Day, g.Tier, g.Depot, g.SupplyBy))
            .Select(g => new GapLine(
                g.Key.Product,
                g.Key.City,
                g.Key.Day,
                g.Key.Tier,
                g.Sum(x => x.Unmet),
                g.Sum(x => x.Closable),
                g.Key.Depot,
                g.Key.SupplyBy,
                g.GroupBy(x => ShortfallReasons.Code(x.Reason), StringComparer.Ordinal)
                    .OrderByDescending(r => r.Sum(x => x.Unmet))
                    .ToDictionary(r => r.Key, r => r.Sum(x => x.Unmet), StringComparer.Ordinal)
            ))
            .OrderBy(l => l.Product, StringComparer.Ordinal)
            .ThenBy(l => l.Day)
            .ThenBy(l => l.Tier)
            .ThenBy(l => l.City, StringComparer.Ordinal)
            .ThenBy(l => l.SupplyBy ?? int.MaxValue)
            .ToList();
}
