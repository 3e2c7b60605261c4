using static Planner.SampleData.Sampling;

namespace Planner.SampleData;

/// <summary>One day of the province's bulletin (zhejiang-epidemic-2020.csv); empty cells are null.</summary>
internal sealed record ProvinceDay(
    DateOnly Day,
    int Cumulative,
    int New,
    int? Severe,
    int? Critical,
    int Discharged,
    int Deaths,
    int? Observation
)
{
    /// <summary>The bulletin's "现有重症病例X例": severe + critical (severe alone before the split was published).</summary>
    public int? SevereAndCritical => Severe is { } s ? s + (Critical ?? 0) : null;
}

/// <summary>A dated milestone of zhejiang-supply-2020.csv.</summary>
internal sealed record Milestone(DateOnly Day, string Item, double Value, string Unit, string Scope);

/// <summary>
/// The real Zhejiang series of early 2020 the replay is calibrated on (data/zhejiang-*-2020.csv, see data/README.md),
/// and the replay's days: from 23 January, the first day reported to 24:00 and with an observation count, to the
/// last day of the series.
/// </summary>
internal sealed class History
{
    public static readonly DateOnly ReplayFirst = new(2020, 1, 23);

    /// <summary>The colours of the map as levels (reference/risk-levels.csv).</summary>
    public static readonly Dictionary<string, int> Levels = new(StringComparer.Ordinal)
    {
        ["red"] = 5,
        ["orange"] = 4,
        ["yellow"] = 3,
        ["blue"] = 2,
        ["green"] = 1,
    };

    public required IReadOnlyList<DateOnly> Days { get; init; }

    /// <summary>The province, every day of the file (the replay and the days before it).</summary>
    public required IReadOnlyDictionary<DateOnly, ProvinceDay> Province { get; init; }

    /// <summary>Cumulative confirmed cases per city and day.</summary>
    public required IReadOnlyDictionary<(string City, DateOnly Day), int> CityCumulative { get; init; }

    /// <summary>Severe cases per city (critical included) where a bulletin listed them.</summary>
    public required IReadOnlyDictionary<(string City, DateOnly Day), int> CitySevere { get; init; }

    /// <summary>Counties per level (index 1 green … 5 red; index 0 unused) on the map dates found.</summary>
    public required IReadOnlyDictionary<DateOnly, int[]> MapCounts { get; init; }

    /// <summary>Counties named with their level, by map date.</summary>
    public required IReadOnlyList<(DateOnly Day, string County, int Level)> NamedCounties { get; init; }

    public required IReadOnlyList<Milestone> Supply { get; init; }

    public DateOnly First => Days[0];

    public DateOnly Last => Days[^1];

    public int IndexOf(DateOnly day) => day.DayNumber - First.DayNumber;

    public static History Load(string dataDir)
    {
        string In(string name) => Path.Combine(dataDir, name);
        var province = ReadCsv(In("zhejiang-epidemic-2020.csv"))
            .Select(r => new ProvinceDay(
                ParseDate(r["date"]),
                Int(r["confirmed_cumulative"]),
                Int(r["confirmed_new"]),
                OptionalInt(r["severe"]),
                OptionalInt(r["critical"]),
                Int(r["discharged_cumulative"]),
                Int(r["deaths_cumulative"]),
                OptionalInt(r["under_medical_observation"])
            ))
            .ToDictionary(p => p.Day);
        var cities = ReadCsv(In("zhejiang-city-epidemic-2020.csv"));
        var last = province.Keys.Max();
        return new History
        {
            Days = Dates(ReplayFirst, last).ToList(),
            Province = province,
            CityCumulative = cities.ToDictionary(
                r => (r["city_code"], ParseDate(r["date"])),
                r => Int(r["confirmed_cumulative"])
            ),
            CitySevere = cities
                .Where(r => r["severe"].Length > 0)
                .ToDictionary(r => (r["city_code"], ParseDate(r["date"])), r => Int(r["severe"])),
            MapCounts = ReadCsv(In("zhejiang-risk-map-2020.csv"))
                .ToDictionary(
                    r => ParseDate(r["date"]),
                    r => new[] { 0, Int(r["green"]), Int(r["blue"]), Int(r["yellow"]), Int(r["orange"]), Int(r["red"]) }
                ),
            NamedCounties = ReadCsv(In("zhejiang-county-risk-2020.csv"))
                .Select(r => (ParseDate(r["date"]), r["county_name"], Levels[r["colour"]]))
                .ToList(),
            Supply = ReadQuotedCsv(In("zhejiang-supply-2020.csv"))
                .Select(r => new Milestone(
                    ParseDate(r["date"]),
                    r["item"],
                    double.Parse(r["value"], Inv),
                    r["unit"],
                    r["scope"]
                ))
                .ToList(),
        };
    }

    /// <summary>The one milestone whose item starts with <paramref name="start"/>.</summary>
    public Milestone Milestone(string start) =>
        Supply.SingleOrDefault(m => m.Item.StartsWith(start, StringComparison.Ordinal))
        ?? throw new InvalidDataException($"zhejiang-supply-2020.csv has no single item starting '{start}'.");

    private static int Int(string text) => int.Parse(text, Inv);

    private static int? OptionalInt(string text) => text.Length > 0 ? Int(text) : null;
}
