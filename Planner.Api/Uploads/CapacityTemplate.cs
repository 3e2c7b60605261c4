using ClosedXML.Excel;
using Planner.Api.Workbooks;
using Planner.Solver.Care;

namespace Planner.Api.Uploads;

/// <summary>What a template column holds: locked identity, the report date, a whole number ≥ 0, Yes/No, or free
/// text.</summary>
public enum CapacityKind
{
    Identity,
    Date,
    Count,
    YesNo,
    Notes,
}

/// <summary>One column of the capacity template: its header, its database field and its kind.</summary>
public sealed record CapacityColumn(
    string Title,
    string Field,
    CapacityKind Kind,
    bool Required = true,
    string? Product = null,
    string? Specialty = null
);

/// <summary>
/// The hospital capacity template a hospital administrator downloads: one row per hospital they may update,
/// identity columns pre-filled and locked, every input column validated by Excel (whole numbers ≥ 0, dates,
/// Yes/No lists), pre-filled with the latest report held so that only what changed needs typing, and an
/// <c>Instructions</c> sheet. <see cref="CapacityUpload"/> reads it back with the same <see cref="Columns"/>.
/// </summary>
public static class CapacityTemplate
{
    public const string SheetName = "Capacity";
    public const string InstructionsSheet = "Instructions";

    /// <summary>The columns for the given PPE products, in template order.</summary>
    public static IReadOnlyList<CapacityColumn> Columns(IEnumerable<string> products) =>
        [
            new("Hospital code", "hospital_code", CapacityKind.Identity),
            new("Hospital", "hospital_name", CapacityKind.Identity),
            new("County", "county_name", CapacityKind.Identity),
            new("Report date", "report_date", CapacityKind.Date),
            new("General beds total", "beds_general_total", CapacityKind.Count),
            new("General beds occupied", "beds_general_occupied", CapacityKind.Count),
            new("Isolation beds total", "beds_isolation_total", CapacityKind.Count),
            new("Isolation beds occupied", "beds_isolation_occupied", CapacityKind.Count),
            new("ICU beds total", "beds_icu_total", CapacityKind.Count),
            new("ICU beds occupied", "beds_icu_occupied", CapacityKind.Count),
            new("Severe patients", "severe_patients", CapacityKind.Count),
            new("Critical patients", "critical_patients", CapacityKind.Count),
            new("Ventilators total", "ventilators_total", CapacityKind.Count),
            new("Ventilators in use", "ventilators_in_use", CapacityKind.Count),
            new("ECMO total", "ecmo_total", CapacityKind.Count),
            new("ECMO in use", "ecmo_in_use", CapacityKind.Count),
            new("Staff on duty", "staff_on_duty", CapacityKind.Count),
            .. Specialties.All.Select(s => new CapacityColumn(
                $"Staff on duty: {s.Replace('_', ' ')}",
                $"staff:{s}",
                CapacityKind.Count,
                Required: false,
                Specialty: s
            )),
            .. products.SelectMany(p =>
                new CapacityColumn[]
                {
                    new($"{p} days on hand", $"days:{p}", CapacityKind.Count, Required: false, Product: p),
                    new($"{p} can obtain", $"obtain:{p}", CapacityKind.YesNo, Required: false, Product: p),
                }
            ),
            new("Notes", "notes", CapacityKind.Notes, Required: false),
        ];

    private const string HospitalsSql = """
        SELECT h.code AS Code, h.name AS Name, c.name AS County
        FROM hospitals h JOIN regions c ON c.code = h.county_code
        ORDER BY h.code
        """;

    /// <summary>Per hospital the latest report held (any source), to pre-fill the template.</summary>
    private const string LatestSql = """
        SELECT r.hospital_code AS hospital_code, r.beds_general_total, r.beds_general_occupied, r.beds_isolation_total,
               r.beds_isolation_occupied, r.beds_icu_total, r.beds_icu_occupied, r.severe_patients, r.critical_patients,
               r.ventilators_total, r.ventilators_in_use, r.ecmo_total, r.ecmo_in_use, r.staff_on_duty, r.notes
        FROM capacity_reports r
        WHERE r.report_date = (SELECT MAX(r2.report_date) FROM capacity_reports r2
                               WHERE r2.hospital_code = r.hospital_code)
        """;

    private const string LatestDetailsSql = """
        SELECT s.hospital_code AS Hospital, 'staff:' || s.specialty AS Field, CAST(s.staff AS bigint) AS Value
        FROM capacity_staff s
        WHERE s.report_date = (SELECT MAX(r.report_date) FROM capacity_reports r
                               WHERE r.hospital_code = s.hospital_code)
        UNION ALL
        SELECT p.hospital_code, 'days:' || p.product_code, CAST(p.days_on_hand AS bigint) FROM capacity_supplies p
        WHERE p.report_date = (SELECT MAX(r.report_date) FROM capacity_reports r
                               WHERE r.hospital_code = p.hospital_code)
        UNION ALL
        SELECT p.hospital_code, 'obtain:' || p.product_code, CAST(p.can_obtain AS bigint) FROM capacity_supplies p
        WHERE p.report_date = (SELECT MAX(r.report_date) FROM capacity_reports r
                               WHERE r.hospital_code = p.hospital_code)
        """;

    /// <summary>The template for <paramref name="hospitalCodes"/> (all when empty), with the default limits.</summary>
    public static Task<(byte[] Content, string FileName)> BuildAsync(
        Database database,
        IReadOnlyCollection<string> hospitalCodes,
        DateOnly today,
        CancellationToken ct = default
    ) => BuildAsync(database, hospitalCodes, today, new UploadLimits(), ct);

    /// <summary>
    /// Writes the template for <paramref name="hospitalCodes"/> (every hospital when empty); its instructions state
    /// the upload <paramref name="limits"/>.
    /// </summary>
    public static async Task<(byte[] Content, string FileName)> BuildAsync(
        Database database,
        IReadOnlyCollection<string> hospitalCodes,
        DateOnly today,
        UploadLimits limits,
        CancellationToken ct = default
    )
    {
        await using var db = await database.OpenAsync(ct);
        var hospitals = await HospitalsAsync(db, hospitalCodes);
        var products = (await db.QueryAsync<string>("SELECT code FROM products ORDER BY code")).ToList();
        var latest = await LatestAsync(db);

        var columns = Columns(products);
        using var workbook = new XLWorkbook();
        workbook.Properties.Title = "Hospital capacity report · 医院收治能力填报";
        workbook.Properties.Author = "Planner";
        workbook.Properties.Created = today.ToDateTime(TimeOnly.MinValue);
        workbook.Properties.Modified = today.ToDateTime(TimeOnly.MinValue);
        var ws = workbook.Worksheets.Add(SheetName);
        Sheet.Header(ws, 1, columns.Select(c => c.Title).ToList());
        var last = Math.Max(Rows(ws, columns, hospitals, latest), 2);
        Validation(ws, columns, last, today, limits);
        Layout(ws, columns, last);

        Instructions(workbook.Worksheets.Add(InstructionsSheet), columns, limits);
        workbook.Worksheet(SheetName).SetTabActive();
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return (stream.ToArray(), $"capacity-template-{today:yyyyMMdd}.xlsx");
    }

    /// <summary>The hospitals asked for (every hospital when none are named); an unknown code is refused.</summary>
    private static async Task<List<(string Code, string Name, string County)>> HospitalsAsync(
        DbConnection db,
        IReadOnlyCollection<string> hospitalCodes
    )
    {
        var hospitals = (await db.QueryAsync<(string Code, string Name, string County)>(HospitalsSql)).ToList();
        var unknown = hospitalCodes.Except(hospitals.Select(h => h.Code), StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            throw new PlannerException($"Unknown hospital code(s): {string.Join(", ", unknown)}.");
        if (hospitalCodes.Count > 0)
            hospitals = hospitals.Where(h => hospitalCodes.Contains(h.Code)).ToList();
        return hospitals;
    }

    /// <summary>Per hospital its latest report held, by field (counts, notes, staff by specialty and
    /// supplies).</summary>
    private static async Task<Dictionary<string, IDictionary<string, object?>>> LatestAsync(DbConnection db)
    {
        var latest = (await db.QueryAsync(LatestSql))
            .Cast<IDictionary<string, object?>>()
            .ToDictionary(r => (string)r["hospital_code"]!, StringComparer.Ordinal);
        foreach (var d in await db.QueryAsync<(string Hospital, string Field, long Value)>(LatestDetailsSql))
        {
            if (latest.TryGetValue(d.Hospital, out var report))
                report[d.Field] = d.Value;
        }
        return latest;
    }

    /// <summary>A row per hospital, pre-filled with its latest report; returns the last row written.</summary>
    private static int Rows(
        IXLWorksheet ws,
        IReadOnlyList<CapacityColumn> columns,
        List<(string Code, string Name, string County)> hospitals,
        Dictionary<string, IDictionary<string, object?>> latest
    )
    {
        var row = 1;
        foreach (var h in hospitals)
        {
            row++;
            Sheet.Text(ws.Cell(row, 1), h.Code);
            Sheet.Text(ws.Cell(row, 2), h.Name);
            Sheet.Text(ws.Cell(row, 3), h.County);
            var held = latest.GetValueOrDefault(h.Code);
            for (var i = 3; i < columns.Count; i++)
            {
                var column = columns[i];
                if (held is null || !held.TryGetValue(column.Field, out var value) || value is null)
                    continue;
                if (column.Kind == CapacityKind.Count)
                {
                    ws.Cell(row, i + 1).SetValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                }
                else if (column.Kind == CapacityKind.YesNo)
                {
                    ws.Cell(row, i + 1)
                        .SetValue(Convert.ToInt64(value, CultureInfo.InvariantCulture) == 1 ? "Yes" : "No");
                }
                else if (column.Kind == CapacityKind.Notes && value is string notes)
                {
                    Sheet.Text(ws.Cell(row, i + 1), notes);
                }
            }
        }
        return row;
    }

    /// <summary>Each column's Excel validation, format and lock, over rows 2 to <paramref name="last"/>.</summary>
    private static void Validation(
        IXLWorksheet ws,
        IReadOnlyList<CapacityColumn> columns,
        int last,
        DateOnly today,
        UploadLimits limits
    )
    {
        for (var i = 0; i < columns.Count; i++)
        {
            var range = ws.Range(2, i + 1, last, i + 1);
            switch (columns[i].Kind)
            {
                case CapacityKind.Identity:
                    range.Style.Fill.BackgroundColor = XLColor.FromHtml("#F2F2F2");
                    break;
                case CapacityKind.Date:
                    range.Style.Protection.Locked = false;
                    range.Style.DateFormat.Format = Sheet.DateFormat;
                    var date = range.SetDataValidation();
                    date.Date.Between(new DateTime(2019, 12, 1), today.AddDays(1).ToDateTime(TimeOnly.MinValue));
                    date.ErrorTitle = "Report date";
                    date.ErrorMessage = "A date from 2019-12-01 to tomorrow, as yyyy-mm-dd.";
                    break;
                case CapacityKind.Count:
                    range.Style.Protection.Locked = false;
                    range.Style.NumberFormat.Format = Sheet.Count;
                    var count = range.SetDataValidation();
                    count.WholeNumber.EqualOrGreaterThan(0);
                    count.ErrorTitle = columns[i].Title;
                    count.ErrorMessage = "A whole number, 0 or more.";
                    break;
                case CapacityKind.YesNo:
                    range.Style.Protection.Locked = false;
                    var yesNo = range.SetDataValidation();
                    yesNo.List("\"Yes,No\"");
                    yesNo.ErrorTitle = columns[i].Title;
                    yesNo.ErrorMessage = "Yes or No.";
                    break;
                case CapacityKind.Notes:
                    range.Style.Protection.Locked = false;
                    range.Style.NumberFormat.Format = "@";
                    var note = range.SetDataValidation();
                    note.TextLength.EqualOrLessThan(limits.MaxNoteLength);
                    note.ErrorTitle = columns[i].Title;
                    note.ErrorMessage = $"At most {limits.MaxNoteLength:N0} characters.";
                    break;
            }
        }
    }

    /// <summary>The filter, the sheet's protection, frozen identity columns, widths and the print set-up.</summary>
    private static void Layout(IXLWorksheet ws, IReadOnlyList<CapacityColumn> columns, int last)
    {
        ws.Range(1, 1, last, columns.Count).SetAutoFilter();
        ws.Protect()
            .AllowElement(
                XLSheetProtectionElements.AutoFilter
                    | XLSheetProtectionElements.FormatColumns
                    | XLSheetProtectionElements.SelectEverything
            );
        ws.SheetView.Freeze(1, 3);
        Sheet.Widths(ws, [14, 28, 14, 13, .. columns.Skip(4).Select(c => c.Kind == CapacityKind.Notes ? 40.0 : 13.0)]);
        ws.Row(1).Height = 45;
        ws.PageSetup.PageOrientation = XLPageOrientation.Landscape;
        ws.PageSetup.FitToPages(1, 0);
        ws.PageSetup.SetRowsToRepeatAtTop(1, 1);
    }

    private static void Instructions(IXLWorksheet ws, IReadOnlyList<CapacityColumn> columns, UploadLimits limits)
    {
        string[] lines =
        [
            "Hospital capacity report · 医院收治能力填报",
            "",
            "1. One row per hospital. The grey columns (code, hospital, county) are filled in for you and locked.",
            "2. Type the report date (yyyy-mm-dd) on every row you report. Rows without a report date are skipped.",
            "3. Numbers are whole numbers, 0 or more. Occupied beds cannot exceed the beds, devices in use cannot "
                + "exceed the devices,",
            "   and severe plus critical patients cannot exceed the occupied beds. The numbers shown are the latest "
                + "report Planner holds.",
            "4. Staff on duty by specialty, days on hand and can obtain may be left empty. Days on hand: how many "
                + "days the",
            "   hospital's stock of each product lasts at today's use. Can obtain: Yes or No. Specialties cannot "
                + "add up to more than the staff on duty.",
            "5. Type values, not formulas: a cell with a formula is refused (copy and paste as values instead).",
            "   A cell showing an error (#N/A, #DIV/0!, ...) is refused too: type the value.",
            "   Dates typed as text are yyyy-mm-dd (2020-02-10, not 2020/02/10).",
            "6. Do not add, remove, rename, reorder, merge or hide rows, columns or sheets.",
            "7. Upload the file as it is (.xlsx). Every problem is reported at once with its sheet, row and column",
            $"   (the first {CapacityRows.Listed:N0} listed, the others counted); nothing is saved until the whole",
            "   file is right. Uploading the same file again changes nothing.",
            $"8. Limits: a file of at most {UploadLimits.Megabytes(limits.MaxBytes)}; at most {limits.MaxRows:N0} rows",
            $"   under the header, {limits.MaxCells:N0} cells and {limits.MaxCharacters:N0} characters of text in all;",
            $"   notes of at most {limits.MaxNoteLength:N0} characters. A file past a limit is refused whole:",
            $"   split it. Planner reads {limits.MaxConcurrent} upload(s) at a time; when it is busy, try again",
            "   a few seconds later.",
            "",
            "Columns:",
        ];
        var row = 0;
        foreach (var line in lines)
        {
            ws.Cell(++row, 1).SetValue(line);
        }
        ws.Cell(1, 1).Style.Font.Bold = true;
        ws.Cell(1, 1).Style.Font.FontSize = 14;
        foreach (var c in columns)
        {
            row++;
            Sheet.Text(ws.Cell(row, 1), c.Title);
            ws.Cell(row, 2)
                .SetValue(
                    c.Kind switch
                    {
                        CapacityKind.Identity => "filled in, locked",
                        CapacityKind.Date => "date, yyyy-mm-dd",
                        CapacityKind.Count => c.Required ? "whole number ≥ 0" : "whole number ≥ 0, or empty",
                        CapacityKind.YesNo => "Yes or No, or empty",
                        _ => "free text, stored as typed",
                    }
                );
        }
        Sheet.Widths(ws, 44, 30);
    }
}
