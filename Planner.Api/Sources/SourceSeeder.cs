using Planner.Api.ReferenceData;
using SeedTable = (string Table, string[] Columns, System.Collections.Generic.List<object?[]> Rows);

namespace Planner.Api.Sources;

/// <summary>
/// Fills the four source databases from <c>data/sample</c> so the sample runs end to end; in production these
/// databases belong to other systems and this step is not used. Each row gets a growing <c>row_version</c>,
/// the watermark the planner pulls by.
/// </summary>
public static class SourceSeeder
{
    /// <summary>Creates the feed's tables and fills them when empty; returns the rows written (0 if it was not
    /// empty).</summary>
    public static async Task<int> SeedIfEmptyAsync(
        FeedSource source,
        string dataDirectory,
        CancellationToken ct = default
    )
    {
        var database = source.Database;
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        await using var connection = await database.OpenAsync(ct);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            // Server mode keeps each feed in its own schema, named by the connection's search path.
            var schema = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString)
                .SearchPath?.Split(',')[0]
                .Trim();
            if (!string.IsNullOrEmpty(schema))
            {
                await connection.ExecuteAsync(
                    $"CREATE SCHEMA IF NOT EXISTS \"{schema.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
                );
            }
        }
        await connection.ExecuteAsync(Schema(source.Feed));

        var files = new DataFiles(dataDirectory);
        var tables = Tables(source.Feed, files);
        var first = tables[0].Table;
        if (await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {first}") > 0)
        {
            return 0;
        }
        await using var tx = await connection.BeginTransactionAsync(ct);
        long version = 0;
        var written = 0;
        foreach (var (table, columns, rows) in tables)
        {
            var versioned = rows.Select(r => r.Append(++version).ToArray()).ToList();
            await database.BulkInsertAsync(connection, tx, table, [.. columns, "row_version"], versioned, ct);
            written += versioned.Count;
        }
        await tx.CommitAsync(ct);
        return written;
    }

    private static string Schema(Feed feed)
    {
        var name = $"Planner.Api.Sources.Schema.{feed.ToString().ToLowerInvariant()}.sql";
        using var stream = typeof(SourceSeeder).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static List<SeedTable> Tables(Feed feed, DataFiles files) =>
        feed switch
        {
            Feed.Production => ProductionTables(files),
            Feed.Hospitals => HospitalTables(files),
            Feed.Teams => TeamTables(files),
            Feed.Situation => SituationTables(files),
            _ => throw new ArgumentOutOfRangeException(nameof(feed)),
        };

    private static List<SeedTable> ProductionTables(DataFiles files) =>
        [
            (
                "enterprises",
                ["code", "name", "county_code", "kind"],
                Rows(files, "sample/suppliers.csv", r =>
                    [r.Text("code"), r.Text("name"), r.Text("county_code"), r.Text("kind")]
                )
            ),
            (
                "enterprise_products",
                ["enterprise_code", "product_code", "daily_capacity"],
                Rows(files, "sample/supplier-products.csv", r =>
                    [r.Text("supplier_code"), r.Text("product_code"), r.WholeNumber("daily_capacity")]
                )
            ),
            (
                "daily_output",
                ["enterprise_code", "product_code", "report_date", "quantity"],
                Rows(files, "sample/production.csv", r =>
                    [r.Text("supplier_code"), r.Text("product_code"), r.Text("report_date"), r.WholeNumber("output")]
                )
            ),
            (
                "stock_on_hand",
                ["enterprise_code", "product_code", "as_of", "quantity"],
                Rows(files, "sample/stock.csv", r =>
                    [r.Text("supplier_code"), r.Text("product_code"), r.Text("as_of"), r.WholeNumber("quantity")]
                )
            ),
        ];

    private static List<SeedTable> HospitalTables(DataFiles files) =>
        [
            (
                "hospitals",
                ["code", "name", "county_code", "designated", "grade"],
                Rows(files, "sample/hospitals.csv", r =>
                    [
                        r.Text("code"),
                        r.Text("name"),
                        r.Text("county_code"),
                        r.WholeNumber("designated"),
                        r.Text("grade"),
                    ]
                )
            ),
            (
                "capacity_reports",
                CapacityColumns,
                Rows(files, "sample/capacity.csv", r =>
                    CapacityColumns
                        .Select(c => c is "hospital_code" or "report_date" ? (object?)r.Text(c) : r.WholeNumber(c))
                        .ToArray()
                )
            ),
        ];

    private static List<SeedTable> TeamTables(DataFiles files) =>
        [
            (
                "teams",
                [
                    "code",
                    "name",
                    "home_city_code",
                    "level",
                    "available_from",
                    "available_to",
                    "rest_days",
                    "current_site",
                ],
                Rows(files, "sample/teams.csv", r =>
                    [
                        r.Text("code"),
                        r.Text("name"),
                        r.Text("home_city_code"),
                        r.Text("level"),
                        r.Text("available_from"),
                        r.Text("available_to"),
                        r.WholeNumber("rest_days"),
                        r.OptionalText("current_site"),
                    ]
                )
            ),
            (
                "team_members",
                ["team_code", "specialty", "members"],
                Rows(files, "sample/team-members.csv", r =>
                    [r.Text("team_code"), r.Text("specialty"), r.WholeNumber("members")]
                )
            ),
        ];

    private static List<SeedTable> SituationTables(DataFiles files) =>
        [
            (
                "case_bulletins",
                ["county_code", "report_date", "confirmed_cumulative", "new_confirmed", "under_observation"],
                Rows(files, "sample/case-bulletins.csv", r =>
                    [
                        r.Text("county_code"),
                        r.Text("report_date"),
                        r.WholeNumber("confirmed_cumulative"),
                        r.WholeNumber("new_confirmed"),
                        r.WholeNumber("under_observation"),
                    ]
                )
            ),
            (
                "risk_map",
                ["county_code", "effective_date", "risk_level"],
                Rows(files, "sample/risk-map.csv", r =>
                    [r.Text("county_code"), r.Text("effective_date"), r.WholeNumber("risk_level")]
                )
            ),
            (
                "workforce",
                ["county_code", "report_date", "employees_on_post"],
                Rows(files, "sample/workforce.csv", r =>
                    [r.Text("county_code"), r.Text("report_date"), r.WholeNumber("employees_on_post")]
                )
            ),
        ];

    private static readonly string[] CapacityColumns = ["hospital_code", "report_date", .. CapacityCounts.Columns];

    private static List<object?[]> Rows(DataFiles files, string path, Func<CsvRow, object?[]> map) =>
        files.Read(path).Rows.Select(map).ToList();
}
