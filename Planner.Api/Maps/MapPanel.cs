using System.Xml.Linq;

namespace Planner.Api.Maps;

/// <summary>What the map partial (<c>Maps/_MapPanel.cshtml</c>) shows: the drawn map, the measure chosen and the
/// products that can be chosen, and the plan it is of.</summary>
public sealed record MapPanel(
    XElement Map,
    SituationMap.Choice Choice,
    IReadOnlyList<(string Code, string Name, string NameEn)> Products,
    string RunId,
    DateOnly PlanStart
)
{
    /// <summary>The measure asked for in the query string, or the fill rate of all tiers; N95 unless another product
    /// is asked for. A measure, tier or product the map does not have is left aside and named
    /// (<see cref="SituationMap.Choice.Ignored"/>).</summary>
    public static SituationMap.Choice Choose(string? measure, int? tier, string? product, IReadOnlyList<string> codes)
    {
        var fallback = codes.FirstOrDefault(p => p == "N95") ?? codes[0];
        var choice = new SituationMap.Choice(
            SituationMap.Measures.Contains(measure) ? measure! : "fill",
            tier is >= 1 and <= 5 ? tier : null,
            product is not null && codes.Contains(product) ? product : fallback
        );
        (string, string)? ignored =
            measure is not null && choice.Measure != measure ? ("UnknownMeasure", measure)
            : tier is not null && choice.Tier != tier
                ? ("UnknownTier", tier.Value.ToString(CultureInfo.InvariantCulture))
            : product is not null && choice.Product != product ? ("UnknownProduct", product)
            : null;
        return choice with { Ignored = ignored };
    }

    public const string ProductsSql = "SELECT code, name, name_en FROM products ORDER BY code";
}
