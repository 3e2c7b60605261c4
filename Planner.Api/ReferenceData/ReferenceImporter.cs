namespace Planner.Api.ReferenceData;

/// <summary>
/// Loads <c>data/</c> into the planner database on first start: the real Zhejiang divisions, census populations and
/// city coordinates; the estimated lower-level populations; products, tiers, segments, consumption rates and other
/// planning assumptions; Hubei assistance sites and requests. One transaction: a bad file leaves the database empty.
/// </summary>
public static class ReferenceImporter
{
    /// <summary>The statistics-only Wenzhou development zone: not one of the 90 official county-level
    /// divisions.</summary>
    private const string StatisticsOnlyZone = "330371";

    /// <summary>Imports unless regions are already there; returns whether it imported. Care reference data added later
    /// is imported into a database that lacks it.</summary>
    public static async Task<bool> ImportIfEmptyAsync(
        Database database,
        string dataDirectory,
        CancellationToken ct = default
    )
    {
        var imported = await ImportCoreIfEmptyAsync(database, dataDirectory, ct);
        await ImportCareIfEmptyAsync(database, dataDirectory, ct);
        return imported;
    }

    private static async Task<bool> ImportCoreIfEmptyAsync(
        Database database,
        string dataDirectory,
        CancellationToken ct
    )
    {
        await using var connection = await database.OpenAsync(ct);
        if (!await IsEmptyAsync(connection, "regions"))
        {
            return false;
        }

        // Read and check everything before writing anything.
        var files = new DataFiles(dataDirectory);
        var regions = Regions(files);

        await using var tx = await connection.BeginTransactionAsync(ct);
        await database.BulkInsertAsync(connection, tx, "regions", RegionColumns, regions, ct);
        foreach (var table in CoreTables)
            await database.BulkInsertAsync(connection, tx, table.Table, table.Columns, table.Rows(files), ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Staffing ratios and team PPE kits, and planning parameters the database does not have yet (a database created
    /// before care planning existed gets them on its next start). One transaction.
    /// </summary>
    private static async Task ImportCareIfEmptyAsync(Database database, string dataDirectory, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var files = new DataFiles(dataDirectory);
        var known = (await connection.QueryAsync<string>("SELECT name FROM planning_parameters")).ToHashSet(
            StringComparer.Ordinal
        );
        var parameters = PlanningParameters.Rows(files, r => !known.Contains(r.Text("name")));
        var ratios = await IsEmptyAsync(connection, StaffingRatios.Table) ? StaffingRatios.Rows(files) : [];
        var kits = await IsEmptyAsync(connection, TeamKits.Table) ? TeamKits.Rows(files) : [];
        if (parameters.Count + ratios.Count + kits.Count == 0)
            return;
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (
            var (table, rows) in new[] { (PlanningParameters, parameters), (StaffingRatios, ratios), (TeamKits, kits) }
        )
            await database.BulkInsertAsync(connection, tx, table.Table, table.Columns, rows, ct);
        await tx.CommitAsync(ct);
    }

    private static async Task<bool> IsEmptyAsync(System.Data.Common.DbConnection connection, string table) =>
        await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}") == 0;

    /// <summary>A table filled from one CSV file of the data folder, each row mapped to the table's columns.</summary>
    private sealed record CsvTable(string File, string Table, string[] Columns, Func<CsvRow, object?[]> Map)
    {
        /// <summary>The file's rows (those <paramref name="where"/> keeps) as the table's values.</summary>
        public List<object?[]> Rows(DataFiles files, Func<CsvRow, bool>? where = null) =>
            files.Read(File).Rows.Where(where ?? (_ => true)).Select(Map).ToList();
    }

    private static readonly CsvTable PlanningParameters = new(
        "reference/planning-parameters.csv",
        "planning_parameters",
        ["name", "value", "note"],
        r => [r.Text("name"), r.Text("value"), r.Text("note")]
    );

    /// <summary>The tables filled with the regions on first start, in this order.</summary>
    private static readonly CsvTable[] CoreTables =
    [
        new("reference/products.csv", "products", ["code", "name", "name_en", "unit", "durable"], r =>
            [r.Text("code"), r.Text("name"), r.Text("name_en"), r.Text("unit"), r.WholeNumber("durable")]
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
            throw new PlannerException(
                $"{r.File.Path}:{r.Line}: no population for {code} {r.Text("name")} in zhejiang-population.csv "
                    + $"or sample/populations.csv."
            );
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
