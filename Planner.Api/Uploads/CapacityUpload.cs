using System.Globalization;
using System.Security.Cryptography;
using ClosedXML.Excel;
using Dapper;
using Planner.Api.Storage;

namespace Planner.Api.Uploads;

/// <summary>One problem in an upload: where (sheet, Excel row, column letter and header), what was there, and what is wrong.</summary>
public sealed record UploadError(string Sheet, int? Row, string? Column, string? Field, string? Value, string Message);

/// <summary>An upload whose rows break the rules: every problem found, at once. Nothing was written.</summary>
public sealed class UploadInvalid(IReadOnlyList<UploadError> errors)
    : PlannerException($"The upload has {errors.Count} problem{(errors.Count == 1 ? "" : "s")}; nothing was saved. First: {Describe(errors[0])}")
{
    public IReadOnlyList<UploadError> Errors { get; } = errors;

    public static string Describe(UploadError e) =>
        $"{e.Sheet}{(e.Row is { } r ? $" row {r}" : "")}{(e.Column is { } c ? $" column {c}" : "")}{(e.Field is { } f ? $" ({f})" : "")}{(e.Value is { Length: > 0 } v ? $" '{v}'" : "")}: {e.Message}";
}

/// <summary>What an accepted upload did; <see cref="AlreadyUploaded"/> when the same file had been accepted before (nothing written again).</summary>
public sealed record UploadResult(string UploadId, string FileName, string Sha256, long RowsRead, long RowsChanged, bool AlreadyUploaded);

/// <summary>
/// Reads a filled capacity template (<see cref="CapacityTemplate"/>) and stores it: the file is checked by
/// <see cref="UploadGuard"/> first, then every row is validated and <b>all</b> problems are reported together
/// (<see cref="UploadInvalid"/>); only a file without problems is written, in one transaction (the upload, its
/// capacity reports, staff by specialty and supplies). The same file again is recognised by its sha256 and changes
/// nothing. Rules: rows without a report date are skipped; a cell holding a formula is refused (its cached value is
/// not trusted); text is stored exactly as typed, even when it starts with =, +, - or @; dates are date cells,
/// yyyy-mm-dd text or Excel date serials.
/// </summary>
public sealed class CapacityUpload(Database planner, UploadLimits limits, TimeProvider clock)
{
    private const string EarlierSql = """
        SELECT id, file_name, sha256, CAST(rows_read AS bigint), CAST(rows_changed AS bigint)
        FROM uploads WHERE kind = 'capacity' AND sha256 = @sha
        """;

    private static readonly string[] ReportFields =
    [
        "beds_general_total", "beds_general_occupied", "beds_isolation_total", "beds_isolation_occupied", "beds_icu_total", "beds_icu_occupied",
        "severe_patients", "critical_patients", "ventilators_total", "ventilators_in_use", "ecmo_total", "ecmo_in_use", "staff_on_duty",
    ];

    private const string Staging = "upload_capacity";

    /// <summary>Replaces the held report of the same hospital and day; counts as changed only when a value differs.</summary>
    private static readonly string UpsertReportSql = $"""
        INSERT INTO capacity_reports (hospital_code, report_date, {string.Join(", ", ReportFields)}, upload_id, notes, pull_run_id)
        SELECT hospital_code, report_date, {string.Join(", ", ReportFields)}, @upload_id, notes, NULL FROM {Staging} WHERE true
        ON CONFLICT (hospital_code, report_date) DO UPDATE SET
            {string.Join(", ", ReportFields.Select(f => $"{f} = excluded.{f}"))}, upload_id = excluded.upload_id, notes = excluded.notes, pull_run_id = NULL
        WHERE {string.Join(" OR ", ReportFields.Append("notes").Select(f => $"capacity_reports.{f} IS DISTINCT FROM excluded.{f}"))}
        """;

    /// <summary>A valid row: the report's counts by field, staff by specialty, supplies by product, notes.</summary>
    private sealed record Report(string Hospital, DateOnly Date, Dictionary<string, long> Counts, Dictionary<string, long> Staff,
        Dictionary<string, (long? Days, bool? Obtain)> Supplies, string? Notes);

    /// <summary>
    /// Uploads a file posted in a form by a signed-in user, limited to their hospitals; a file over the size limit
    /// is refused before it is read into memory.
    /// </summary>
    public static async Task<UploadResult> FromFormAsync(IFormFile file, Configuration.PlannerSettings settings, TimeProvider clock, System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
    {
        if (file.Length > settings.Uploads.MaxBytes)
        {
            throw new UploadRejected($"The file is {file.Length / 1048576.0:0.#} MB; the limit is {settings.Uploads.MaxBytes / 1048576.0:0.#} MB.", StatusCodes.Status413PayloadTooLarge);
        }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        return await new CapacityUpload(settings.Planner, settings.Uploads, clock) { Hospitals = Access.AccessSetup.Hospitals(user) }
            .UploadAsync(file.FileName, buffer.ToArray(), user.Identity?.Name, ct);
    }

    /// <summary>The hospitals the uploader reports for (a hospital administrator's); null for all.</summary>
    public IReadOnlySet<string>? Hospitals { get; init; }

    public async Task<UploadResult> UploadAsync(string fileName, byte[] content, string? user, CancellationToken ct = default)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        await using var db = await planner.OpenAsync(ct);
        // The same file again: its earlier upload. An uploader limited to some hospitals gets that answer only once
        // the file has passed the checks, so that it never learns of an upload holding other hospitals' rows.
        if (Hospitals is null && await EarlierAsync(db, sha) is { } known) return known;
        using var package = UploadGuard.Open(content, limits);
        var hospitals = (await db.QueryAsync<string>("SELECT code FROM hospitals")).ToHashSet(StringComparer.Ordinal);
        var products = (await db.QueryAsync<string>("SELECT code FROM products ORDER BY code")).ToList();
        var reports = Read(package, CapacityTemplate.Columns(products), hospitals, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (Hospitals is not null && await EarlierAsync(db, sha) is { } again) return again;

        var id = $"upload-{clock.GetUtcNow():yyyyMMddHHmmss}-{sha[..8]}";
        await using var tx = await db.BeginTransactionAsync(ct);
        await db.ExecuteAsync("""
            INSERT INTO uploads (id, kind, file_name, sha256, bytes, rows_read, rows_changed, uploaded_by, uploaded_at)
            VALUES (@id, 'capacity', @file, @sha, @bytes, @rows, 0, @user, @at)
            """, new { id, file = Path.GetFileName(fileName), sha, bytes = content.LongLength, rows = reports.Count, user, at = clock.GetUtcNow() }, tx);
        // Set-based: the reports are copied into a staging table and upserted in one statement; staff and supplies of
        // the reported days are replaced. One command per row was the slowest part of a 10,000-row upload.
        string[] stagingColumns = ["hospital_code", "report_date", .. ReportFields, "notes"];
        await Database.CreateStagingTableAsync(db, tx, Staging, string.Join(", ", stagingColumns), "capacity_reports");
        await planner.BulkInsertAsync(db, tx, Staging, stagingColumns,
            reports.Select(r => (object?[])[r.Hospital, r.Date, .. ReportFields.Select(f => (object?)r.Counts[f]), r.Notes]), ct);
        var changed = await db.ExecuteAsync(UpsertReportSql, new { upload_id = id }, tx);
        foreach (var table in new[] { "capacity_staff", "capacity_supplies" })
        {
            await db.ExecuteAsync($"""
                DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM {Staging} u WHERE u.hospital_code = {table}.hospital_code AND u.report_date = {table}.report_date)
                """, transaction: tx);
        }
        await planner.BulkInsertAsync(db, tx, "capacity_staff", ["hospital_code", "report_date", "specialty", "staff", "upload_id"],
            reports.SelectMany(r => r.Staff.Select(x => new object?[] { r.Hospital, r.Date, x.Key, x.Value, id })), ct);
        await planner.BulkInsertAsync(db, tx, "capacity_supplies", ["hospital_code", "report_date", "product_code", "days_on_hand", "can_obtain", "upload_id"],
            reports.SelectMany(r => r.Supplies.Where(x => x.Value.Days is not null && x.Value.Obtain is not null)
                .Select(x => new object?[] { r.Hospital, r.Date, x.Key, x.Value.Days, x.Value.Obtain!.Value ? 1 : 0, id })), ct);
        await Database.DropStagingTableAsync(db, tx, Staging);
        await db.ExecuteAsync("UPDATE uploads SET rows_changed = @changed WHERE id = @id", new { id, changed }, tx);
        await tx.CommitAsync(ct);
        return new UploadResult(id, Path.GetFileName(fileName), sha, reports.Count, changed, false);
    }

    private static async Task<UploadResult?> EarlierAsync(System.Data.Common.DbConnection db, string sha) =>
        (await db.QueryAsync<(string Id, string File, string Sha, long Read, long Changed)>(EarlierSql, new { sha }))
            .Select(e => new UploadResult(e.Id, e.File, e.Sha, e.Read, e.Changed, AlreadyUploaded: true)).FirstOrDefault();

    private List<Report> Read(Stream package, IReadOnlyList<CapacityColumn> columns, HashSet<string> hospitals, DateOnly today)
    {
        XLWorkbook workbook;
        try
        {
            workbook = new XLWorkbook(package);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new UploadRejected($"The workbook cannot be read: {Database.FirstLine(e.Message)}");
        }
        using (workbook)
        {
            var errors = new List<UploadError>();
            foreach (var extra in workbook.Worksheets.Where(w => w.Name is not (CapacityTemplate.SheetName or CapacityTemplate.InstructionsSheet)))
            {
                errors.Add(new UploadError(extra.Name, null, null, null, null, $"Unexpected sheet '{extra.Name}'; the template has the sheets {CapacityTemplate.SheetName} and {CapacityTemplate.InstructionsSheet} only: remove it."));
            }
            if (!workbook.TryGetWorksheet(CapacityTemplate.SheetName, out var ws))
            {
                errors.Add(new UploadError(CapacityTemplate.SheetName, null, null, null, null, $"There is no sheet '{CapacityTemplate.SheetName}': upload the capacity template."));
                throw new UploadInvalid(errors);
            }
            CheckLayout(ws, columns, errors);
            if (errors.Count > 0) throw new UploadInvalid(errors);

            var reports = new List<Report>();
            var seen = new Dictionary<(string, DateOnly), int>();
            var last = ws.LastRowUsed()?.RowNumber() ?? 1;
            for (var row = 2; row <= last; row++)
            {
                var report = ReadRow(ws, row, columns, hospitals, Hospitals, today, errors);
                if (report is null) continue;
                if (seen.TryGetValue((report.Hospital, report.Date), out var first))
                {
                    errors.Add(new UploadError(ws.Name, row, "A", columns[0].Title, report.Hospital, $"Hospital {report.Hospital} is reported for {report.Date:yyyy-MM-dd} twice (rows {first} and {row}); keep one row."));
                    continue;
                }
                seen[(report.Hospital, report.Date)] = row;
                reports.Add(report);
            }
            if (errors.Count == 0 && reports.Count == 0)
            {
                errors.Add(new UploadError(ws.Name, null, "D", columns[3].Title, null, "No row has a report date, so there is nothing to upload."));
            }
            if (errors.Count > 0) throw new UploadInvalid(errors);
            return reports;
        }
    }

    /// <summary>The header row as the template has it, no merged cells, no hidden rows or columns, not too many rows.</summary>
    private void CheckLayout(IXLWorksheet ws, IReadOnlyList<CapacityColumn> columns, List<UploadError> errors)
    {
        var headerErrors = errors.Count;
        var lastColumn = Math.Max(columns.Count, ws.LastColumnUsed()?.ColumnNumber() ?? 0);
        for (var c = 1; c <= lastColumn; c++)
        {
            var actual = ws.Cell(1, c).GetString().Trim();
            var expected = c <= columns.Count ? columns[c - 1].Title : "";
            if (string.Equals(actual, expected, StringComparison.Ordinal)) continue;
            var message = expected.Length == 0 ? $"Unexpected column '{actual}' after the template's last column; remove it."
                : actual.Length == 0 ? $"The header '{expected}' is missing here."
                : columns.Any(x => x.Title == actual) ? $"The header here is '{actual}', but the template has '{expected}' in this column: columns were moved."
                : $"The header here is '{actual}'; the template has '{expected}'.";
            errors.Add(new UploadError(ws.Name, 1, XLHelper.GetColumnLetterFromNumber(c), expected.Length > 0 ? expected : null, actual, message));
        }
        if (errors.Count > headerErrors)
        {
            var missing = columns.Select(c => c.Title).Where(t => !ws.Row(1).CellsUsed().Any(c => c.GetString().Trim() == t)).ToList();
            if (missing.Count > 0) errors.Add(new UploadError(ws.Name, 1, null, null, null, $"Missing columns: {string.Join(", ", missing)}. Download a fresh template."));
        }
        foreach (var merged in ws.MergedRanges)
        {
            errors.Add(new UploadError(ws.Name, merged.FirstRow().RowNumber(), merged.FirstColumn().ColumnLetter(), null, merged.RangeAddress.ToString(), $"Cells {merged.RangeAddress} are merged; unmerge them, one value per cell."));
        }
        foreach (var hidden in ws.RowsUsed().Where(r => r.IsHidden))
        {
            errors.Add(new UploadError(ws.Name, hidden.RowNumber(), null, null, null, $"Row {hidden.RowNumber()} is hidden; unhide it (or delete it) so that what is uploaded is what you see."));
        }
        foreach (var hidden in ws.ColumnsUsed().Where(c => c.IsHidden))
        {
            errors.Add(new UploadError(ws.Name, null, hidden.ColumnLetter(), null, null, $"Column {hidden.ColumnLetter()} is hidden; unhide it so that what is uploaded is what you see."));
        }
        var rows = (ws.LastRowUsed()?.RowNumber() ?? 1) - 1;
        if (rows > limits.MaxRows)
        {
            errors.Add(new UploadError(ws.Name, null, null, null, null, $"The sheet has {rows:N0} rows; the limit is {limits.MaxRows:N0}. Split the upload."));
        }
    }

    private static Report? ReadRow(IXLWorksheet ws, int row, IReadOnlyList<CapacityColumn> columns, HashSet<string> hospitals, IReadOnlySet<string>? allowed,
        DateOnly today, List<UploadError> errors)
    {
        var before = errors.Count;
        var cells = Enumerable.Range(1, columns.Count).Select(c => ws.Cell(row, c)).ToList();
        foreach (var (cell, column) in cells.Zip(columns).Where(x => x.First.HasFormula))
        {
            Error(cell, column, $"The cell holds a formula ({Shorten("=" + cell.FormulaA1)}); type the value itself (copy and paste as values).");
        }
        if (errors.Count > before) return null;
        if (cells.All(c => c.IsEmpty())) return null;
        if (cells[3].IsEmpty()) return null; // not reported this time

        var hospital = cells[0].GetString().Trim();
        if (hospital.Length == 0) Error(cells[0], columns[0], "The hospital code is empty.");
        else if (!hospitals.Contains(hospital)) Error(cells[0], columns[0], $"There is no hospital {hospital}; use the codes the template came with.");
        else if (allowed is not null && !allowed.Contains(hospital))
            Error(cells[0], columns[0], $"Hospital {hospital} is not one of yours; you report for {string.Join(", ", allowed.Order(StringComparer.Ordinal))}.");
        var date = ReadDate(cells[3], columns[3], today);

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var staff = new Dictionary<string, long>(StringComparer.Ordinal);
        var supplies = new Dictionary<string, (long? Days, bool? Obtain)>(StringComparer.Ordinal);
        string? notes = null;
        for (var i = 4; i < columns.Count; i++)
        {
            var (cell, column) = (cells[i], columns[i]);
            switch (column.Kind)
            {
                case CapacityKind.Count when ReadCount(cell, column) is { } n:
                    if (column.Specialty is { } s) staff[s] = n;
                    else if (column.Product is { } p) supplies[p] = (n, supplies.GetValueOrDefault(p).Obtain);
                    else counts[column.Field] = n;
                    break;
                case CapacityKind.YesNo when ReadYesNo(cell, column) is { } yes:
                    supplies[column.Product!] = (supplies.GetValueOrDefault(column.Product!).Days, yes);
                    break;
                case CapacityKind.Notes when !cell.IsEmpty():
                    notes = cell.GetString();
                    if (notes.Length > 1000) Error(cell, column, $"The note is {notes.Length} characters; keep it under 1,000.");
                    break;
            }
        }
        foreach (var product in supplies.Where(s => (s.Value.Days is null) != (s.Value.Obtain is null)).Select(s => s.Key))
        {
            var i = columns.ToList().FindIndex(c => c.Product == product && (supplies[product].Days is null ? c.Kind == CapacityKind.Count : c.Kind == CapacityKind.YesNo));
            Error(cells[i], columns[i], $"Give both {product} days on hand and whether it can be obtained, or neither.");
        }
        if (errors.Count > before) return null;

        Rule("beds_general_occupied", "beds_general_total", "General beds occupied exceed the general beds.");
        Rule("beds_isolation_occupied", "beds_isolation_total", "Isolation beds occupied exceed the isolation beds.");
        Rule("beds_icu_occupied", "beds_icu_total", "ICU beds occupied exceed the ICU beds.");
        Rule("ventilators_in_use", "ventilators_total", "Ventilators in use exceed the ventilators.");
        Rule("ecmo_in_use", "ecmo_total", "ECMO in use exceed the ECMO machines.");
        var occupied = counts["beds_general_occupied"] + counts["beds_isolation_occupied"] + counts["beds_icu_occupied"];
        if (counts["severe_patients"] + counts["critical_patients"] > occupied)
        {
            var i = Index("critical_patients");
            Error(cells[i], columns[i], $"Severe plus critical patients ({counts["severe_patients"] + counts["critical_patients"]:N0}) exceed the occupied beds ({occupied:N0}).");
        }
        if (staff.Values.Sum() > counts["staff_on_duty"])
        {
            var i = Index("staff_on_duty");
            Error(cells[i], columns[i], $"Staff by specialty add up to {staff.Values.Sum():N0}, more than the {counts["staff_on_duty"]:N0} on duty.");
        }
        return errors.Count > before ? null : new Report(hospital, date!.Value, counts, staff, supplies, notes);

        int Index(string field) => columns.ToList().FindIndex(c => c.Field == field);

        void Rule(string part, string whole, string message)
        {
            if (counts[part] <= counts[whole]) return;
            var i = Index(part);
            Error(cells[i], columns[i], $"{message} ({counts[part]:N0} > {counts[whole]:N0})");
        }

        void Error(IXLCell cell, CapacityColumn column, string message) =>
            errors.Add(new UploadError(ws.Name, row, cell.Address.ColumnLetter, column.Title, Shorten(cell.IsEmpty() ? "" : cell.GetString()), message));

        long? ReadCount(IXLCell cell, CapacityColumn column)
        {
            if (cell.IsEmpty())
            {
                if (column.Required) Error(cell, column, "The cell is empty; a whole number (0 or more) is needed.");
                return null;
            }
            double? value = cell.DataType switch
            {
                XLDataType.Number => cell.GetDouble(),
                XLDataType.Text when double.TryParse(cell.GetString().Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => null,
            };
            if (value is not { } v || v != Math.Floor(v) || double.IsInfinity(v))
            {
                Error(cell, column, "This is not a whole number.");
                return null;
            }
            if (v < 0 || v > int.MaxValue)
            {
                Error(cell, column, v < 0 ? "The number is negative; it must be 0 or more." : "The number is implausibly large.");
                return null;
            }
            return (long)v;
        }

        bool? ReadYesNo(IXLCell cell, CapacityColumn column)
        {
            if (cell.IsEmpty()) return null;
            if (cell.DataType == XLDataType.Boolean) return cell.GetBoolean();
            switch (cell.GetString().Trim().ToUpperInvariant())
            {
                case "YES" or "Y" or "是": return true;
                case "NO" or "N" or "否": return false;
                default:
                    Error(cell, column, "Answer Yes or No.");
                    return null;
            }
        }

        DateOnly? ReadDate(IXLCell cell, CapacityColumn column, DateOnly latest)
        {
            DateOnly? date = cell.DataType switch
            {
                XLDataType.DateTime => DateOnly.FromDateTime(cell.GetDateTime()),
                XLDataType.Number when cell.GetDouble() is var serial && serial == Math.Floor(serial) && serial is > 0 and < 2958466 => DateOnly.FromDateTime(DateTime.FromOADate(serial)),
                XLDataType.Text when DateOnly.TryParseExact(cell.GetString().Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) => parsed,
                _ => null,
            };
            if (date is null)
            {
                Error(cell, column, "This is not a date; type it as yyyy-mm-dd, e.g. 2020-02-10.");
                return null;
            }
            if (date < new DateOnly(2019, 12, 1) || date > latest.AddDays(1))
            {
                Error(cell, column, $"The report date must be from 2019-12-01 to {latest.AddDays(1):yyyy-MM-dd}.");
                return null;
            }
            return date;
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
