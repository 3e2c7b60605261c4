using System.Security.Cryptography;
using System.Text.Json;
using Planner.Api.Localization;

namespace Planner.Api.ReferenceData;

/// <summary>
/// The versions of the reference data (<c>reference_versions</c>): which files each import read, by sha256, and how
/// an import writes a table over the one held: new and changed rows upserted by key, rows no longer in the files
/// deleted, unless other data still refers to them.
/// </summary>
internal static class ReferenceVersions
{
    /// <summary>The latest import: its number and each file's sha256.</summary>
    public sealed record Held(int Version, Dictionary<string, string> Files);

    /// <summary>Each file's sha256, by its path under the data folder; a missing file is an error naming it.</summary>
    public static SortedDictionary<string, string> Hash(string dataDirectory, IEnumerable<string> files)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files.Distinct())
        {
            var path = Path.Combine(dataDirectory, file);
            CsvFile.EnsureExists(path);
            hashes[file] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        }
        return hashes;
    }

    public static async Task<Held?> LatestAsync(DbConnection db)
    {
        var row = await db.QuerySingleOrDefaultAsync<(long Version, string Files)>(
            "SELECT version, files FROM reference_versions ORDER BY version DESC LIMIT 1"
        );
        return row.Files is null
            ? null
            : new Held((int)row.Version, JsonSerializer.Deserialize<Dictionary<string, string>>(row.Files)!);
    }

    public static Task RecordAsync(
        DbConnection db,
        DbTransaction tx,
        int version,
        SortedDictionary<string, string> files,
        DateTimeOffset now
    ) =>
        db.ExecuteAsync(
            "INSERT INTO reference_versions (version, files, imported_at) VALUES (@version, @files, @now)",
            new
            {
                version,
                files = JsonSerializer.Serialize(files),
                now = now.ToUniversalTime(),
            },
            tx
        );

    /// <summary>The staging table a table's new rows are written to first.</summary>
    public static string Staging(ReferenceImporter.CsvTable table) => "incoming_" + table.Table;

    /// <summary>The file's rows, inserted where their key is new and updated where it is held.</summary>
    public static async Task UpsertAsync(
        Database database,
        DbConnection db,
        DbTransaction tx,
        ReferenceImporter.CsvTable table,
        List<object?[]> rows,
        CancellationToken ct
    )
    {
        var columns = string.Join(", ", table.Columns);
        await Database.CreateStagingTableAsync(db, tx, Staging(table), columns, table.Table);
        await database.BulkInsertAsync(db, tx, Staging(table), table.Columns, rows, ct);
        // Finding the rows a file no longer has looks every held key up here: without an index, 30,000 regions take
        // seconds.
        await db.ExecuteAsync(
            $"CREATE INDEX {Staging(table)}_key ON {Staging(table)} ({string.Join(", ", table.Keys)})",
            transaction: tx
        );
        var values = table.Columns.Except(table.Keys).Select(c => $"{c} = excluded.{c}").ToList();
        await db.ExecuteAsync(
            $"INSERT INTO {table.Table} ({columns}) SELECT {columns} FROM {Staging(table)} WHERE true "
                + $"ON CONFLICT ({string.Join(", ", table.Keys)}) DO "
                + (values.Count == 0 ? "NOTHING" : $"UPDATE SET {string.Join(", ", values)}"),
            transaction: tx
        );
    }

    /// <summary>Deletes the rows the file no longer has; refuses, naming them, when other rows refer to them.</summary>
    public static async Task DeleteRemovedAsync(
        DbConnection db,
        DbTransaction tx,
        ReferenceImporter.CsvTable table,
        int? version
    )
    {
        var gone =
            $"NOT EXISTS (SELECT 1 FROM {Staging(table)} s WHERE "
            + string.Join(" AND ", table.Keys.Select(k => $"s.{k} = {table.Table}.{k}"))
            + ")";
        var key = string.Join(" || ' ' || ", table.Keys.Select(k => $"CAST({k} AS TEXT)"));
        var removed = (await db.QueryAsync<string>($"SELECT {key} FROM {table.Table} WHERE {gone}", transaction: tx))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (removed.Count == 0)
            return;
        try
        {
            await db.ExecuteAsync($"DELETE FROM {table.Table} WHERE {gone}", transaction: tx);
        }
        catch (DbException e)
        {
            throw new PlannerException(
                Messages.Get(
                    "StillReferred",
                    table.File,
                    string.Join(", ", removed.Take(10)),
                    removed.Count > 10 ? Messages.Get("AndMore", removed.Count - 10) : "",
                    version is { } v ? Messages.Get("VersionStays", v) : ""
                ),
                e
            );
        }
    }
}
