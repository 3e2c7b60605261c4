using ClosedXML.Excel;
using Planner.Api.Localization;
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

/// <summary>
/// One column of the capacity template: its header in English and in Chinese (a template in either language is
/// read back), its database field and its kind.
/// </summary>
public sealed record CapacityColumn(
    string English,
    string Chinese,
    string Field,
    CapacityKind Kind,
    bool Required = true,
    string? Product = null,
    string? Specialty = null
)
{
    /// <summary>The header in the current UI language.</summary>
    public string Title => TitleIn(Texts.Chinese);

    /// <summary>The header in the Chinese template or the English one.</summary>
    public string TitleIn(bool chinese) => chinese ? Chinese : English;
}

/// <summary>
/// The hospital capacity template a hospital administrator downloads: one row per hospital they may update,
/// identity columns pre-filled and locked, every input column validated by Excel (whole numbers ≥ 0, dates,
/// Yes/No lists), pre-filled with the latest report held so that only what changed needs typing, and an
/// instructions sheet. It is written in the current UI language (sheet names, headers, instructions, Excel's
/// prompts and error messages); <see cref="CapacityUpload"/> reads either language back with the same
/// <see cref="Columns"/>.
/// </summary>
public static class CapacityTemplate
{
    public const string SheetName = "Capacity";
    public const string InstructionsSheet = "Instructions";
    public const string ChineseSheetName = "收治能力填报";
    public const string ChineseInstructionsSheet = "填报说明";

    /// <summary>The template's sheets in either language.</summary>
    public static readonly TemplateSheets Sheets = new(
        SheetName,
        ChineseSheetName,
        InstructionsSheet,
        ChineseInstructionsSheet
    );

    /// <summary>The specialties as a Chinese hospital names its departments.</summary>
    private static readonly Dictionary<string, string> ChineseSpecialties = new(StringComparer.Ordinal)
    {
        ["critical_care"] = "重症医学科",
        ["respiratory"] = "呼吸内科",
        ["infectious_disease"] = "感染科",
        ["icu_nursing"] = "重症监护护理",
        ["general_nursing"] = "普通护理",
        ["infection_control"] = "院感防控",
    };

    /// <summary>
    /// The columns for the given PPE products, in template order; the Chinese headers name each product by its
    /// Chinese name in <paramref name="chineseNames"/> (the products table's), or by its code without one.
    /// </summary>
    public static IReadOnlyList<CapacityColumn> Columns(
        IEnumerable<string> products,
        IReadOnlyDictionary<string, string>? chineseNames = null
    ) =>
        [
            new("Hospital code", "医院编码", "hospital_code", CapacityKind.Identity),
            new("Hospital", "医院名称", "hospital_name", CapacityKind.Identity),
            new("County", "所在县（市、区）", "county_name", CapacityKind.Identity),
            new("Report date", "填报日期", "report_date", CapacityKind.Date),
            new("General beds total", "普通床位总数", "beds_general_total", CapacityKind.Count),
            new("General beds occupied", "普通床位已占用", "beds_general_occupied", CapacityKind.Count),
            new("Isolation beds total", "隔离床位总数", "beds_isolation_total", CapacityKind.Count),
            new("Isolation beds occupied", "隔离床位已占用", "beds_isolation_occupied", CapacityKind.Count),
            new("ICU beds total", "重症监护床位总数", "beds_icu_total", CapacityKind.Count),
            new("ICU beds occupied", "重症监护床位已占用", "beds_icu_occupied", CapacityKind.Count),
            new("Severe patients", "在院重症患者", "severe_patients", CapacityKind.Count),
            new("Critical patients", "在院危重症患者", "critical_patients", CapacityKind.Count),
            new("Ventilators total", "呼吸机总数", "ventilators_total", CapacityKind.Count),
            new("Ventilators in use", "呼吸机在用", "ventilators_in_use", CapacityKind.Count),
            new("ECMO total", "体外膜肺氧合设备总数", "ecmo_total", CapacityKind.Count),
            new("ECMO in use", "体外膜肺氧合设备在用", "ecmo_in_use", CapacityKind.Count),
            new("Staff on duty", "在岗医护人员", "staff_on_duty", CapacityKind.Count),
            .. Specialties.All.Select(s => new CapacityColumn(
                $"Staff on duty: {s.Replace('_', ' ')}",
                $"在岗人员：{ChineseSpecialties.GetValueOrDefault(s, s)}",
                $"staff:{s}",
                CapacityKind.Count,
                Required: false,
                Specialty: s
            )),
            .. products.SelectMany(p =>
            {
                var name = chineseNames?.GetValueOrDefault(p) ?? p;
                return new CapacityColumn[]
                {
                    new($"{p} days on hand", $"{name}可用天数", $"days:{p}", CapacityKind.Count, false, p),
                    new($"{p} can obtain", $"{name}能否补充", $"obtain:{p}", CapacityKind.YesNo, false, p),
                };
            }),
            new("Notes", "备注", "notes", CapacityKind.Notes, Required: false),
        ];

    /// <summary>The products' codes and Chinese names, in code order, for the template's columns.</summary>
    internal static async Task<(List<string> Codes, Dictionary<string, string> Chinese)> ProductsAsync(DbConnection db)
    {
        var products = (
            await db.QueryAsync<(string Code, string Name)>("SELECT code, name FROM products ORDER BY code")
        ).ToList();
        return (
            products.Select(p => p.Code).ToList(),
            products.ToDictionary(p => p.Code, p => p.Name, StringComparer.Ordinal)
        );
    }

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
        var (products, names) = await ProductsAsync(db);
        var latest = await LatestAsync(db);

        var chinese = Texts.Chinese;
        var columns = Columns(products, names);
        using var workbook = new XLWorkbook();
        workbook.Properties.Title = UploadText.Get("TemplateTitle");
        workbook.Properties.Author = "Planner";
        workbook.Properties.Created = today.ToDateTime(TimeOnly.MinValue);
        workbook.Properties.Modified = today.ToDateTime(TimeOnly.MinValue);
        var ws = workbook.Worksheets.Add(Sheets.DataIn(chinese));
        Sheet.Header(ws, 1, columns.Select(c => c.TitleIn(chinese)).ToList());
        var last = Math.Max(Rows(ws, columns, hospitals, latest), 2);
        Validation(ws, columns, last, today, limits);
        Layout(ws, columns, last);

        Instructions(workbook.Worksheets.Add(Sheets.InstructionsIn(chinese)), columns, limits);
        ws.SetTabActive();
        return (PrintTitles.Bytes(workbook), $"capacity-template-{today:yyyyMMdd}.xlsx");
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
            throw new PlannerException(UploadText.Get("UnknownHospitals", string.Join(", ", unknown)));
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
                        .SetValue(
                            UploadText.Get(Convert.ToInt64(value, CultureInfo.InvariantCulture) == 1 ? "Yes" : "No")
                        );
                }
                else if (column.Kind == CapacityKind.Notes && value is string notes)
                {
                    Sheet.Text(ws.Cell(row, i + 1), notes);
                }
            }
        }
        return row;
    }

    /// <summary>Each column's Excel validation (with its prompt and error message), format and lock, over rows 2 to
    /// <paramref name="last"/>.</summary>
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
            var column = columns[i];
            var range = ws.Range(2, i + 1, last, i + 1);
            if (column.Kind == CapacityKind.Identity)
            {
                range.Style.Fill.BackgroundColor = XLColor.FromHtml("#F2F2F2");
                continue;
            }
            range.Style.Protection.Locked = false;
            var validation = range.SetDataValidation();
            switch (column.Kind)
            {
                case CapacityKind.Date:
                    range.Style.DateFormat.Format = Sheet.DateFormat;
                    validation.Date.Between(new DateTime(2019, 12, 1), today.AddDays(1).ToDateTime(TimeOnly.MinValue));
                    Explain(validation, column, "DatePrompt", "DateError");
                    break;
                case CapacityKind.Count:
                    range.Style.NumberFormat.Format = Sheet.Count;
                    validation.WholeNumber.EqualOrGreaterThan(0);
                    Explain(validation, column, column.Required ? "CountPrompt" : "CountOptionalPrompt", "CountError");
                    break;
                case CapacityKind.YesNo:
                    validation.List($"\"{UploadText.Get("Yes")},{UploadText.Get("No")}\"");
                    Explain(validation, column, "YesNoPrompt", "YesNoError");
                    break;
                case CapacityKind.Notes:
                    range.Style.NumberFormat.Format = "@";
                    validation.TextLength.EqualOrLessThan(limits.MaxNoteLength);
                    Explain(validation, column, "NotePrompt", "NoteError", limits.MaxNoteLength);
                    break;
            }
        }
    }

    /// <summary>What Excel shows on entering a cell of the column and on a value it refuses, in the template's
    /// language (titles are cut at Excel's 32 characters).</summary>
    private static void Explain(
        IXLDataValidation validation,
        CapacityColumn column,
        string prompt,
        string error,
        params object[] args
    )
    {
        var title = column.Title.Length <= 32 ? column.Title : column.Title[..31] + "…";
        validation.InputTitle = title;
        validation.InputMessage = UploadText.Get(prompt, args);
        validation.ShowInputMessage = true;
        validation.ErrorTitle = title;
        validation.ErrorMessage = UploadText.Get(error, args);
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

    /// <summary>What the keys of the instructions say, a numbered point each (lines split on new lines).</summary>
    private static readonly string[] InstructionKeys =
    [
        "InstructionRows",
        "InstructionDate",
        "InstructionNumbers",
        "InstructionOptional",
        "InstructionValues",
        "InstructionLayout",
        "InstructionUpload",
        "InstructionLimits",
    ];

    private static void Instructions(IXLWorksheet ws, IReadOnlyList<CapacityColumn> columns, UploadLimits limits)
    {
        object[] args =
        [
            CapacityRows.Listed,
            UploadLimits.Megabytes(limits.MaxBytes),
            limits.MaxRows,
            limits.MaxCells,
            limits.MaxCharacters,
            limits.MaxNoteLength,
            limits.MaxConcurrent,
        ];
        List<string> lines =
        [
            UploadText.Get("TemplateTitle"),
            "",
            .. InstructionKeys.SelectMany(
                (key, i) => $"{i + 1}. {UploadText.Get(key, args)}".Split('\n').Select((l, j) => j == 0 ? l : "   " + l)
            ),
            "",
            UploadText.Get("InstructionColumns"),
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
                    UploadText.Get(
                        c.Kind switch
                        {
                            CapacityKind.Identity => "KindIdentity",
                            CapacityKind.Date => "KindDate",
                            CapacityKind.Count => c.Required ? "KindCount" : "KindCountOptional",
                            CapacityKind.YesNo => "KindYesNo",
                            _ => "KindNotes",
                        }
                    )
                );
        }
        Sheet.Widths(ws, 44, 30);
    }
}
