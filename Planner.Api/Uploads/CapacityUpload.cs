using System.Security.Cryptography;

namespace Planner.Api.Uploads;

/// <summary>One problem in an upload: where (sheet, Excel row, column letter and header), what was there, and what is
/// wrong.</summary>
public sealed record UploadError(string Sheet, int? Row, string? Column, string? Field, string? Value, string Message);

/// <summary>
/// An upload whose rows break the rules: every problem found, at once (<see cref="Errors"/> lists the first
/// <see cref="CapacityRows.Listed"/>, <see cref="NotListed"/> counts the rest). Nothing was written.
/// </summary>
public sealed class UploadInvalid(IReadOnlyList<UploadError> errors, int total)
    : PlannerException(
        UploadText.Get(total == 1 ? "InvalidOne" : "InvalidMany", total)
            + (total > errors.Count ? UploadText.Get("NotAllListed", errors.Count, total - errors.Count) : "")
            + UploadText.Get("First", Describe(errors[0]))
    )
{
    public UploadInvalid(IReadOnlyList<UploadError> errors)
        : this(errors, errors.Count) { }

    public IReadOnlyList<UploadError> Errors { get; } = errors;

    /// <summary>Problems found beyond those listed.</summary>
    public int NotListed { get; } = total - errors.Count;

    /// <summary>
    /// One problem on a line, in the current language: where (sheet, row, column, header), what was there (unless
    /// the message already quotes it), and what is wrong.
    /// </summary>
    public static string Describe(UploadError e)
    {
        var where =
            UploadText.Get("DescribeSheet", e.Sheet)
            + (e.Row is { } r ? UploadText.Get("DescribeRow", r) : "")
            + (e.Column is { } c ? UploadText.Get("DescribeColumn", c) : "")
            + (e.Field is { } f ? UploadText.Get("DescribeField", f) : "");
        var quoted = e.Value is { Length: > 0 } v ? UploadText.Get("Quoted", v) : "";
        var value = quoted.Length > 0 && !e.Message.Contains(quoted, StringComparison.Ordinal) ? quoted : "";
        return UploadText.Get(value.Length > 0 ? "DescribeWithValue" : "Describe", where, value, e.Message);
    }
}

/// <summary>What an accepted upload did; <see cref="AlreadyUploaded"/> when the same file had been accepted before
/// (nothing written again).</summary>
public sealed record UploadResult(
    string UploadId,
    string FileName,
    string Sha256,
    long RowsRead,
    long RowsChanged,
    bool AlreadyUploaded
);

/// <summary>
/// Reads a filled capacity template (<see cref="CapacityTemplate"/>) and stores it: the file is checked by
/// <see cref="UploadGuard"/> before anything else, then every row is validated by <see cref="CapacityRows"/> as the
/// sheet streams and <b>all</b> problems are reported together (<see cref="UploadInvalid"/>); only a file without
/// problems is written, in one transaction (the upload, its capacity reports, staff by specialty and supplies).
/// The same file again is recognised by its sha256 and changes nothing.
/// </summary>
public sealed class CapacityUpload(Database planner, UploadLimits limits, TimeProvider clock)
{
    private const string EarlierSql = """
        SELECT id, file_name, sha256, CAST(rows_read AS bigint), CAST(rows_changed AS bigint)
        FROM uploads WHERE kind = 'capacity' AND sha256 = @sha
        """;

    private const string InsertUploadSql = """
        INSERT INTO uploads (id, kind, file_name, sha256, bytes, rows_read, rows_changed, uploaded_by, uploaded_at)
        VALUES (@id, 'capacity', @file, @sha, @bytes, @rows, 0, @user, @at)
        """;

    private const string Staging = "upload_capacity";

    /// <summary>Replaces the held report of the same hospital and day; counts as changed only when a value
    /// differs.</summary>
    private static readonly string UpsertReportSql = UpsertReport();

    private static string UpsertReport()
    {
        var counts = string.Join(", ", CapacityCounts.Columns);
        var set = string.Join(", ", CapacityCounts.Columns.Select(f => $"{f} = excluded.{f}"));
        var differs = string.Join(
            " OR ",
            CapacityCounts.Columns.Append("notes").Select(f => $"capacity_reports.{f} IS DISTINCT FROM excluded.{f}")
        );
        return $"""
            INSERT INTO capacity_reports (hospital_code, report_date, {counts}, upload_id, notes, pull_run_id)
            SELECT hospital_code, report_date, {counts}, @upload_id, notes, NULL FROM {Staging} WHERE true
            ON CONFLICT (hospital_code, report_date) DO UPDATE SET
                {set}, upload_id = excluded.upload_id, notes = excluded.notes, pull_run_id = NULL
            WHERE {differs}
            """;
    }

    /// <summary>
    /// Uploads a file posted in a form by a signed-in user, limited to their hospitals; a file over the size limit
    /// is refused before it is read into memory.
    /// </summary>
    public static async Task<UploadResult> FromFormAsync(
        IFormFile file,
        Database planner,
        UploadLimits limits,
        TimeProvider clock,
        System.Security.Claims.ClaimsPrincipal user,
        CancellationToken ct
    )
    {
        limits.CheckFileSize(file.Length);
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        return await new CapacityUpload(planner, limits, clock)
        {
            Hospitals = Access.AccessSetup.Hospitals(user),
        }.UploadAsync(file.FileName, buffer.ToArray(), user.Identity?.Name, ct);
    }

    /// <summary>The hospitals the uploader reports for (a hospital administrator's); null for all.</summary>
    public IReadOnlySet<string>? Hospitals { get; init; }

    public async Task<UploadResult> UploadAsync(
        string fileName,
        byte[] content,
        string? user,
        CancellationToken ct = default
    )
    {
        using var package = UploadGuard.Open(content, limits);
        return await UploadAsync(fileName, package, user, ct);
    }

    /// <summary>Uploads a package <see cref="UploadGuard"/> opened (the CLI opens it before the database).</summary>
    public async Task<UploadResult> UploadAsync(
        string fileName,
        UploadPackage package,
        string? user,
        CancellationToken ct = default
    )
    {
        var content = package.Content;
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        await using var db = await planner.OpenAsync(ct);
        // The same file again: its earlier upload. An uploader limited to some hospitals gets that answer only once
        // the file has passed the checks, so that it never learns of an upload holding other hospitals' rows.
        if (Hospitals is null && await EarlierAsync(db, sha) is { } known)
            return known;
        var reports = await CheckAsync(db, package);
        if (Hospitals is not null && await EarlierAsync(db, sha) is { } again)
            return again;

        var id = $"upload-{clock.GetUtcNow():yyyyMMddHHmmss}-{sha[..8]}";
        await using var tx = await db.BeginTransactionAsync(ct);
        await db.ExecuteAsync(
            InsertUploadSql,
            new
            {
                id,
                file = Path.GetFileName(fileName),
                sha,
                bytes = content.LongLength,
                rows = reports.Count,
                user,
                at = clock.GetUtcNow(),
            },
            tx
        );
        var changed = await UpsertReportsAsync(db, tx, id, reports, ct);
        await ReplaceStaffAndSuppliesAsync(db, tx, id, reports, ct);
        await Database.DropStagingTableAsync(db, tx, Staging);
        await db.ExecuteAsync("UPDATE uploads SET rows_changed = @changed WHERE id = @id", new { id, changed }, tx);
        await tx.CommitAsync(ct);
        return new UploadResult(id, Path.GetFileName(fileName), sha, reports.Count, changed, false);
    }

    /// <summary>The valid reports of the package, checked against the hospitals and products held, or an
    /// <see cref="UploadInvalid"/> with every problem.</summary>
    private async Task<List<CapacityReport>> CheckAsync(DbConnection db, UploadPackage package)
    {
        var hospitals = (await db.QueryAsync<string>("SELECT code FROM hospitals")).ToHashSet(StringComparer.Ordinal);
        var (products, names) = await CapacityTemplate.ProductsAsync(db);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var columns = CapacityTemplate.Columns(products, names);
        return CapacityRows.Read(package, columns, hospitals, Hospitals, today, limits);
    }

    /// <summary>
    /// Copies the reports into a staging table (left for <see cref="ReplaceStaffAndSuppliesAsync"/>) and upserts
    /// them in one statement; returns the reports changed. Set-based: one command per row was the slowest part of a
    /// 10,000-row upload.
    /// </summary>
    private async Task<int> UpsertReportsAsync(
        DbConnection db,
        DbTransaction tx,
        string id,
        List<CapacityReport> reports,
        CancellationToken ct
    )
    {
        string[] stagingColumns = ["hospital_code", "report_date", .. CapacityCounts.Columns, "notes"];
        await Database.CreateStagingTableAsync(db, tx, Staging, string.Join(", ", stagingColumns), "capacity_reports");
        await planner.BulkInsertAsync(
            db,
            tx,
            Staging,
            stagingColumns,
            reports.Select(r =>
                (object?[])[r.Hospital, r.Date, .. CapacityCounts.Columns.Select(f => (object?)r.Counts[f]), r.Notes]
            ),
            ct
        );
        return await db.ExecuteAsync(UpsertReportSql, new { upload_id = id }, tx);
    }

    /// <summary>Replaces the staff and supplies of the staged reports' hospitals and days.</summary>
    private async Task ReplaceStaffAndSuppliesAsync(
        DbConnection db,
        DbTransaction tx,
        string id,
        List<CapacityReport> reports,
        CancellationToken ct
    )
    {
        foreach (var table in new[] { "capacity_staff", "capacity_supplies" })
        {
            await db.ExecuteAsync(
                $"""
                DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM {Staging} u
                WHERE u.hospital_code = {table}.hospital_code AND u.report_date = {table}.report_date)
                """,
                transaction: tx
            );
        }
        await planner.BulkInsertAsync(
            db,
            tx,
            "capacity_staff",
            ["hospital_code", "report_date", "specialty", "staff", "upload_id"],
            reports.SelectMany(r => r.Staff.Select(x => new object?[] { r.Hospital, r.Date, x.Key, x.Value, id })),
            ct
        );
        await planner.BulkInsertAsync(
            db,
            tx,
            "capacity_supplies",
            ["hospital_code", "report_date", "product_code", "days_on_hand", "can_obtain", "upload_id"],
            reports.SelectMany(r =>
                r.Supplies.Select(x =>
                    new object?[] { r.Hospital, r.Date, x.Key, x.Value.Days, x.Value.Obtain ? 1 : 0, id }
                )
            ),
            ct
        );
    }

    private static async Task<UploadResult?> EarlierAsync(DbConnection db, string sha) =>
        (await db.QueryAsync<(string Id, string File, string Sha, long Read, long Changed)>(EarlierSql, new { sha }))
            .Select(e => new UploadResult(e.Id, e.File, e.Sha, e.Read, e.Changed, AlreadyUploaded: true))
            .FirstOrDefault();
}
