using Planner.Api.Localization;

namespace Planner.Api.ReferenceData;

/// <summary>
/// Loads <c>data/</c> into the planner database: the real Zhejiang divisions, census populations and city coordinates;
/// the estimated lower-level populations; products, tiers, segments, consumption rates and other planning assumptions;
/// Hubei assistance sites and requests. Again whenever a file it reads changes: the files' sha256 are kept with each
/// import as a numbered reference version (<c>reference_versions</c>), which every plan run records. One transaction,
/// every file read and checked before anything is written: a bad file, or one that drops a code other data still
/// refers to, leaves the previous version in place.
/// </summary>
public static class ReferenceImporter
{
    /// <summary>The statistics-only Wenzhou development zone: not one of the 90 official county-level
    /// divisions.</summary>
    private const string StatisticsOnlyZone = "330371";

    /// <summary>What an import found: the version now in force, the files that changed since the one before (all on
    /// a first import), and whether it wrote anything.</summary>
    public sealed record Outcome(int Version, IReadOnlyList<string> Changed, bool Imported);

    /// <summary>Imports when the files differ from the latest version's (or there is none); else changes
    /// nothing.</summary>
    public static async Task<Outcome> ImportAsync(
        Database database,
        string dataDirectory,
        DateTimeOffset now,
        CancellationToken ct = default
    )
    {
        var hashes = ReferenceVersions.Hash(dataDirectory, RegionFiles.Concat(Tables.Select(t => t.File)));
        await using var connection = await database.OpenAsync(ct);
        var latest = await ReferenceVersions.LatestAsync(connection);
        if (latest is not null && latest.Files.Count == hashes.Count && !latest.Files.Except(hashes).Any())
            return new Outcome(latest.Version, [], false);

        // Read and check everything before writing anything.
        var files = new DataFiles(dataDirectory);
        var rows = Tables.Select(t => (Table: t, Rows: t.Rows(files))).ToList();
        var version = (latest?.Version ?? 0) + 1;
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var (table, tableRows) in rows)
            await ReferenceVersions.UpsertAsync(database, connection, tx, table, tableRows, ct);
        foreach (var (table, _) in Enumerable.Reverse(rows))
            await ReferenceVersions.DeleteRemovedAsync(connection, tx, table, latest?.Version);
        foreach (var (table, _) in rows)
            await Database.DropStagingTableAsync(connection, tx, ReferenceVersions.Staging(table));
        await ReferenceVersions.RecordAsync(connection, tx, version, hashes, now);
        await tx.CommitAsync(ct);
        var changed = hashes.Where(h => latest?.Files.GetValueOrDefault(h.Key) != h.Value).Select(h => h.Key).ToList();
        return new Outcome(version, changed, true);
    }

    /// <summary>The files behind <c>regions</c> besides <c>sample/county-drivers.csv</c> (a table's own).</summary>
    private static readonly string[] RegionFiles =
    [
        "zhejiang-divisions.csv",
        "zhejiang-population.csv",
        "sample/populations.csv",
        "city-coordinates.csv",
        "reference/external-sites.csv",
    ];

    /// <summary>
    /// A table filled from the data folder: each row of <see cref="File"/> mapped to the table's columns, or read
    /// by <see cref="Read"/> from several files (the regions). The key is the first column (the first two for
    /// consumption rates).
    /// </summary>
    internal sealed record CsvTable(
        string File,
        string Table,
        string[] Columns,
        Func<CsvRow, object?[]> Map,
        Func<DataFiles, List<object?[]>>? Read = null
    )
    {
        public string[] Keys => Table == "consumption_rates" ? Columns[..2] : Columns[..1];

        public List<object?[]> Rows(DataFiles files) =>
            Read?.Invoke(files) ?? files.Read(File).Rows.Select(Map).ToList();
    }

    /// <summary>Every table, parents before children.</summary>
    private static CsvTable[] Tables =>
        [
            new("zhejiang-divisions.csv", "regions", RegionColumns, _ => [], Regions),
            .. CoreTables,
            StaffingRatios,
            TeamKits,
        ];

    private static readonly CsvTable PlanningParameters = new(
        "reference/planning-parameters.csv",
        "planning_parameters",
        ["name", "value", "note"],
        r => [r.Text("name"), r.Text("value"), r.Text("note")]
    );

    /// <summary>The tables filled with the regions on first start, in this order.</summary>
    private static readonly CsvTable[] CoreTables =
    [
        new(
            "reference/products.csv",
            "products",
            ["code", "name", "name_en", "unit", "unit_zh", "durable", "pack_size"],
            r =>
                [
                    r.Text("code"),
                    r.Text("name"),
                    r.Text("name_en"),
                    r.Text("unit"),
                    r.Text("unit_zh"),
                    r.WholeNumber("durable"),
                    r.WholeNumber("pack_size"),
                ]
        ),
        new("reference/priority-tiers.csv", "priority_tiers", ["tier", "name", "name_en", "description"], r =>
            [r.WholeNumber("tier"), r.Text("name"), r.Text("name_en"), r.Text("description")]
        ),
        new(
            "reference/segments.csv",
            "demand_segments",
            ["code", "name", "name_en", "tier", "driver", "risk_scaled"],
            r =>
                [
                    r.Text("code"),
                    r.Text("name"),
                    r.Text("name_en"),
                    r.WholeNumber("tier"),
                    r.Text("driver"),
                    r.WholeNumber("risk_scaled"),
                ]
        ),
        new(
            "reference/consumption-rates.csv",
            "consumption_rates",
            ["segment_code", "product_code", "rate", "note"],
            r => [r.Text("segment"), r.Text("product_code"), r.Number("rate_per_driver_day"), r.Text("note")]
        ),
        new("reference/risk-levels.csv", "risk_levels", ["level", "name", "name_en", "colour", "multiplier"], r =>
            [r.WholeNumber("level"), r.Text("name"), r.Text("name_en"), r.Text("colour"), r.Number("multiplier")]
        ),
        PlanningParameters,
        new(
            "sample/county-drivers.csv",
            "county_drivers",
            ["county_code", "employees", "key_population", "fever_clinic_visits", "checkpoints"],
            r =>
                [
                    r.Text("county_code"),
                    r.WholeNumber("employees"),
                    r.WholeNumber("key_population"),
                    r.WholeNumber("fever_clinic_visits"),
                    r.WholeNumber("checkpoints"),
                ]
        ),
        new(
            "sample/assistance-requests.csv",
            "assistance_requests",
            ["code", "site_code", "kind", "product_code", "specialty", "quantity", "start_date", "duration_days"],
            r =>
                [
                    r.Text("code"),
                    r.Text("site_code"),
                    r.Text("kind"),
                    r.OptionalText("product_code"),
                    r.OptionalText("specialty"),
                    r.WholeNumber("quantity"),
                    r.Date("start_date"),
                    r.WholeNumber("duration_days"),
                ]
        ),
    ];

    private static readonly CsvTable StaffingRatios = new(
        "reference/staffing.csv",
        "staffing_ratios",
        [
            "specialty",
            "name",
            "name_en",
            "per_critical_patient",
            "per_severe_patient",
            "share_of_staff_on_duty",
            "note",
        ],
        r =>
            [
                r.Text("specialty"),
                r.Text("name"),
                r.Text("name_en"),
                r.Number("per_critical_patient"),
                r.Number("per_severe_patient"),
                r.Number("share_of_staff_on_duty"),
                r.Text("note"),
            ]
    );

    private static readonly CsvTable TeamKits = new(
        "reference/team-kit.csv",
        "team_kits",
        ["product_code", "per_member_day", "note"],
        r => [r.Text("product_code"), r.Number("per_member_day"), r.Text("note")]
    );

    private static readonly string[] RegionColumns =
    [
        "code",
        "name",
        "name_en",
        "level",
        "parent_code",
        "population",
        "population_estimated",
        "risk_level",
        "lat",
        "lon",
    ];

    /// <summary>
    /// The administrative tree with populations (census for province and cities, estimates below), county risk
    /// levels and city coordinates, plus the external assistance sites. Parents come before children.
    /// </summary>
    private static List<object?[]> Regions(DataFiles files)
    {
        var census = files
            .Read("zhejiang-population.csv")
            .Rows.ToDictionary(r => r.Text("code"), r => r.WholeNumber("population"));
        var estimates = files
            .Read("sample/populations.csv")
            .Rows.ToDictionary(r => r.Text("code"), r => r.WholeNumber("population"));
        var risk = files
            .Read("sample/county-drivers.csv")
            .Rows.ToDictionary(r => r.Text("county_code"), r => r.WholeNumber("risk_level"));
        var coordinates = files
            .Read("city-coordinates.csv")
            .Rows.ToDictionary(r => r.Text("code"), r => (Lat: r.Number("lat"), Lon: r.Number("lon")));

        var rows = new List<object?[]>();
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in files.Read("zhejiang-divisions.csv").Rows)
        {
            var code = r.Text("code");
            var parent = r.OptionalText("parent_code");
            if (code == StatisticsOnlyZone || (parent is not null && dropped.Contains(parent)))
            {
                dropped.Add(code);
                continue;
            }
            var level = r.Text("level");
            var population = Population(r, code, census, estimates);
            var estimated = census.ContainsKey(code) ? 0 : 1;
            coordinates.TryGetValue(code, out var at);
            rows.Add([
                code,
                r.Text("name"),
                r.OptionalText("name_en"),
                level,
                parent,
                population,
                estimated,
                level == "county" ? risk.GetValueOrDefault(code) : null,
                coordinates.ContainsKey(code) ? at.Lat : null,
                coordinates.ContainsKey(code) ? at.Lon : null,
            ]);
        }
        rows.AddRange(files.Read("reference/external-sites.csv").Rows.Select(ExternalSite));
        return rows;
    }

    /// <summary>A division's population: the census's, else the sample's estimate; one of them must have it.</summary>
    private static long? Population(
        CsvRow r,
        string code,
        Dictionary<string, long> census,
        Dictionary<string, long> estimates
    )
    {
        long? population =
            census.TryGetValue(code, out var p) ? p
            : estimates.TryGetValue(code, out var e) ? e
            : null;
        if (population is null)
        {
            throw new PlannerException(Messages.Get("NoPopulation", r.File.Path, r.Line, code, r.Text("name")));
        }
        return population;
    }

    private static object?[] ExternalSite(CsvRow r) =>
        [
            r.Text("code"),
            r.Text("name"),
            r.Text("name_en"),
            "external",
            null,
            null,
            0,
            null,
            r.Number("lat"),
            r.Number("lon"),
        ];
}

/// <summary>The data folder: resolves names relative to it and says which file is missing.</summary>
public sealed class DataFiles(string directory)
{
    public string Directory { get; } = directory;

    public CsvFile Read(string relativePath) => CsvFile.Read(System.IO.Path.Combine(Directory, relativePath));
}
