using Dapper;
using Planner.Api.Storage;

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
        if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM regions") > 0)
        {
            return false;
        }

        // Read and check everything before writing anything.
        var files = new DataFiles(dataDirectory);
        var regions = Regions(files);

        await using var tx = await connection.BeginTransactionAsync(ct);
        await database.BulkInsertAsync(
            connection,
            tx,
            "regions",
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
            ],
            regions,
            ct
        );
        await Insert(
            files.Read("reference/products.csv"),
            "products",
            ["code", "name", "name_en", "unit", "durable"],
            r => [r.Text("code"), r.Text("name"), r.Text("name_en"), r.Text("unit"), r.WholeNumber("durable")]
        );
        await Insert(
            files.Read("reference/priority-tiers.csv"),
            "priority_tiers",
            ["tier", "name", "name_en", "description"],
            r => [r.WholeNumber("tier"), r.Text("name"), r.Text("name_en"), r.Text("description")]
        );
        await Insert(
            files.Read("reference/segments.csv"),
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
        );
        await Insert(
            files.Read("reference/consumption-rates.csv"),
            "consumption_rates",
            ["segment_code", "product_code", "rate", "note"],
            r => [r.Text("segment"), r.Text("product_code"), r.Number("rate_per_driver_day"), r.Text("note")]
        );
        await Insert(
            files.Read("reference/risk-levels.csv"),
            "risk_levels",
            ["level", "name", "name_en", "colour", "multiplier"],
            r => [r.WholeNumber("level"), r.Text("name"), r.Text("name_en"), r.Text("colour"), r.Number("multiplier")]
        );
        await Insert(
            files.Read("reference/planning-parameters.csv"),
            "planning_parameters",
            ["name", "value", "note"],
            r => [r.Text("name"), r.Text("value"), r.Text("note")]
        );
        await Insert(
            files.Read("sample/county-drivers.csv"),
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
        );
        await Insert(
            files.Read("sample/assistance-requests.csv"),
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
        );
        await tx.CommitAsync(ct);
        return true;

        Task Insert(CsvFile file, string table, string[] columns, Func<CsvRow, object?[]> map) =>
            database.BulkInsertAsync(connection, tx, table, columns, file.Rows.Select(map).ToList(), ct);
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
        var parameters = files
            .Read("reference/planning-parameters.csv")
            .Rows.Where(r => !known.Contains(r.Text("name")))
            .Select(r => new object?[] { r.Text("name"), r.Text("value"), r.Text("note") })
            .ToList();
        var ratios =
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM staffing_ratios") > 0
                ? []
                : files
                    .Read("reference/staffing.csv")
                    .Rows.Select(r =>
                        new object?[]
                        {
                            r.Text("specialty"),
                            r.Text("name"),
                            r.Text("name_en"),
                            r.Number("per_critical_patient"),
                            r.Number("per_severe_patient"),
                            r.Number("share_of_staff_on_duty"),
                            r.Text("note"),
                        }
                    )
                    .ToList();
        var kits =
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM team_kits") > 0
                ? []
                : files
                    .Read("reference/team-kit.csv")
                    .Rows.Select(r =>
                        new object?[] { r.Text("product_code"), r.Number("per_member_day"), r.Text("note") }
                    )
                    .ToList();
        if (parameters.Count + ratios.Count + kits.Count == 0)
            return;
        await using var tx = await connection.BeginTransactionAsync(ct);
        await database.BulkInsertAsync(
            connection,
            tx,
            "planning_parameters",
            ["name", "value", "note"],
            parameters,
            ct
        );
        await database.BulkInsertAsync(
            connection,
            tx,
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
            ratios,
            ct
        );
        await database.BulkInsertAsync(
            connection,
            tx,
            "team_kits",
            ["product_code", "per_member_day", "note"],
            kits,
            ct
        );
        await tx.CommitAsync(ct);
    }

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
        foreach (var r in files.Read("reference/external-sites.csv").Rows)
        {
            rows.Add([
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
            ]);
        }
        return rows;
    }
}

/// <summary>The data folder: resolves names relative to it and says which file is missing.</summary>
public sealed class DataFiles(string directory)
{
    public string Directory { get; } = directory;

    public CsvFile Read(string relativePath) => CsvFile.Read(System.IO.Path.Combine(Directory, relativePath));
}
