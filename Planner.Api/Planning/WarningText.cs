using Microsoft.Extensions.Localization;
using Planner.Api.Localization;
using Planner.Solver.Forecasting;

namespace Planner.Api.Planning;

/// <summary>
/// The plan's data warnings as sentences for people, in the current UI culture: the run's language (the command
/// line's <c>--lang</c>, the run request's), which the freshness warnings beside them are made in too. The solver's
/// <see cref="ForecastWarning"/> gives the code, the days and the numbers; a county's series is named by the county
/// and what it counts ("鹿城区确诊病例累计数", "Lucheng District cumulative confirmed cases").
/// </summary>
public sealed class WarningText
{
    private static readonly IStringLocalizer Text = Texts.For<WarningText>();

    /// <summary>What a county's series counts (the name after its code, as <see cref="DemandDrivers"/> names it) and
    /// the text naming it.</summary>
    private static readonly Dictionary<string, string> Drivers = new(StringComparer.Ordinal)
    {
        ["confirmed"] = "Confirmed",
        ["new cases"] = "NewCases",
        ["severe"] = "Severe",
        ["critical"] = "Critical",
        ["severe + critical"] = "SevereCritical",
        ["under observation"] = "UnderObservation",
        ["employees on post"] = "EmployeesOnPost",
        ["risk colour"] = "RiskColour",
        ["other inpatients"] = "OtherInpatients",
        ["staff"] = "Staff",
        ["fever-clinic visits"] = "FeverClinicVisits",
        ["checkpoints"] = "Checkpoints",
        ["population"] = "Population",
    };

    private WarningText() { }

    /// <summary>A region's name in the current language (its code when it is not known).</summary>
    public static string Region(RegionInfo? region, string code) =>
        region is null ? code
        : Texts.Chinese ? region.Name
        : region.NameEn ?? region.Code;

    /// <summary>A series as people read it: a region's code alone is the region, "CODE what" is the region and what
    /// it counts; any other name stays as it is.</summary>
    public static string Series(string name, IReadOnlyDictionary<string, RegionInfo> regions)
    {
        if (regions.TryGetValue(name, out var alone))
            return Region(alone, name);
        var space = name.IndexOf(' ', StringComparison.Ordinal);
        if (
            space < 0
            || !regions.TryGetValue(name[..space], out var region)
            || !Drivers.TryGetValue(name[(space + 1)..], out var key)
        )
            return name;
        return Text.Get("Series", Region(region, region.Code), Text.Get(key));
    }

    /// <summary>A supplier's daily output of a product.</summary>
    public static string Output(string supplier, string product) => Text.Get("Output", supplier, product);

    /// <summary>The sentence of a forecast's warning about <paramref name="series"/> (named for people); a warning
    /// made here (<see cref="MissingDays"/>, <see cref="NoReports"/>) already is one.</summary>
    public static string Sentence(ForecastWarning w, string series) =>
        w.Code switch
        {
            ForecastWarnings.NoHistory => Text.Get("NoHistory", series, Day(w.To), Number(w.Fallback)),
            ForecastWarnings.StaleHistory => Text.Get(
                "StaleHistory",
                series,
                Day(w.From.AddDays(1)),
                Day(w.To),
                Day(w.From)
            ),
            ForecastWarnings.NegativeRevision => Text.Get(
                "NegativeRevision",
                series,
                Number(w.Before),
                Day(w.From),
                Number(w.After),
                Day(w.To)
            ),
            ForecastWarnings.NegativeValue => Text.Get("NegativeValue", series, w.Count, Day(w.From), Day(w.To)),
            ForecastWarnings.ClampedNegative => Text.Get("ClampedNegative", series, Day(w.From), Day(w.To)),
            _ => w.Message,
        };

    /// <summary>Days without a case bulletin in a county: how many, the first five.</summary>
    public static string MissingDays(string county, IReadOnlyList<DateOnly> missing) =>
        Text.Get(
            "MissingDays",
            county,
            missing.Count,
            string.Join(Text.Get("Separator"), missing.Take(5).Select(Day)) + (missing.Count > 5 ? Text.Get("Etc") : "")
        );

    /// <summary>A county without reports of a kind (<c>NoCensus</c>, <c>NoBulletins</c>, <c>NoWorkforce</c>) on or
    /// before the as-of day, and what stands in for them.</summary>
    public static string NoReports(string kind, string county, DateOnly asOf) => Text.Get(kind, county, Day(asOf));

    /// <summary>One line for many warnings of a kind: the first, then how many more and the first eight
    /// named.</summary>
    public static string More(string first, string code, IReadOnlyList<string> others) =>
        Text.Get(
            "More",
            first,
            code,
            others.Count,
            string.Join(Text.Get("Separator"), others.Take(8)) + (others.Count > 8 ? Text.Get("Etc") : "")
        );

    /// <summary>A depot whose earlier plans sent more than it held: its opening stock is taken as 0.</summary>
    public static string Overdrawn(string depot, string product, double quantity) =>
        Text.Get("Overdrawn", depot, product, quantity.ToString("N0", CultureInfo.CurrentCulture));

    /// <summary>A day as people read it: 2月9日, 2020-02-09.</summary>
    public static string Day(DateOnly day) =>
        Texts.Chinese
            ? FormattableString.Invariant($"{day.Month}月{day.Day}日")
            : day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("0.##", CultureInfo.CurrentCulture);
}
