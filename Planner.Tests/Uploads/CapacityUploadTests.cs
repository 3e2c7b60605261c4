using ClosedXML.Excel;
using Planner.Api.Uploads;

namespace Planner.Tests.Uploads;

/// <summary>
/// The capacity template and its upload: the template's protections and validations, the round trip into the next
/// plan, idempotence, and one test per kind of bad or hostile file — each refused with a clear message and nothing
/// written. Real SQLite files, real xlsx files (ClosedXML and hand-written zips).
/// </summary>
public class CapacityUploadTests(HospitalsDatabase hospitals) : IClassFixture<HospitalsDatabase>
{
    private static readonly DateTime ReportDate = new(2020, 2, 9);

    private CapacityUpload Uploader(UploadLimits? limits = null) =>
        HospitalsDatabase.Uploader(hospitals.Settings, limits);

    private byte[] Filled(Action<IXLWorksheet>? change = null) => UploadFiles.Edit(hospitals.Template, wb =>
        {
            UploadFiles.Report(wb, ReportDate);
            change?.Invoke(wb.Worksheet("Capacity"));
        });

    /// <summary>Uploads must fail; returns the errors and checks that nothing at all was written.</summary>
    private async Task<UploadInvalid> RefusedRowsAsync(byte[] file, UploadLimits? limits = null)
    {
        var before = await StateAsync();
        var e = await Assert.ThrowsAsync<UploadInvalid>(() =>
            Uploader(limits).UploadAsync("capacity.xlsx", file, "test", Ct)
        );
        Assert.Equal(before, await StateAsync());
        return e;
    }

    private async Task<UploadRejected> RefusedFileAsync(byte[] file, UploadLimits? limits = null)
    {
        var before = await StateAsync();
        var e = await Assert.ThrowsAsync<UploadRejected>(() =>
            Uploader(limits).UploadAsync("capacity.xlsx", file, "test", Ct)
        );
        Assert.Equal(before, await StateAsync());
        return e;
    }

    /// <summary>Everything an upload could write, as one string.</summary>
    private async Task<string> StateAsync()
    {
        await using var db = await hospitals.Settings.Planner.OpenAsync(Ct);
        var reports = await db.QueryAsync<string>(
            "SELECT hospital_code || '|' || report_date || '|' || beds_icu_occupied || '|' || COALESCE(upload_id, "
                + "'') || '|' || COALESCE(notes, '') FROM capacity_reports ORDER BY 1"
        );
        var counts = await db.QuerySingleAsync<(long, long, long)>(
            "SELECT (SELECT COUNT(*) FROM uploads), (SELECT COUNT(*) FROM capacity_staff), (SELECT COUNT(*) FROM "
                + "capacity_supplies)"
        );
        return $"{counts}\n{string.Join("\n", reports)}";
    }

    [Fact]
    public void Template_LocksIdentity_ValidatesEveryInputColumn_AndExplains()
    {
        using var workbook = Xlsx.Open(new MemoryStream(hospitals.Template));
        var ws = workbook.Worksheet("Capacity");

        Assert.Equal(["Capacity", "Instructions"], workbook.Worksheets.Select(w => w.Name));
        Assert.Equal(200, ws.LastRowUsed()!.RowNumber() - 1);
        Assert.True(ws.IsProtected);
        Assert.True(ws.Cell(2, 1).Style.Protection.Locked);
        Assert.Equal(XLDataType.Text, ws.Cell(2, 1).DataType);
        Assert.Equal("H-0001", ws.Cell(2, 1).GetString());
        var columns = CapacityTemplate.Columns(UploadFiles.Products);
        Assert.Equal(columns.Select(c => c.Title), ws.Row(1).CellsUsed().Select(c => c.GetString()));
        for (var i = 3; i < columns.Count; i++)
        {
            var cell = ws.Cell(2, i + 1);
            Assert.False(cell.Style.Protection.Locked, columns[i].Title);
            if (columns[i].Kind == CapacityKind.Notes)
                continue;
            var validation = ws.DataValidations.Single(v => v.Ranges.Any(r => r.Contains(cell)));
            Assert.Equal(
                columns[i].Kind switch
                {
                    CapacityKind.Date => XLAllowedValues.Date,
                    CapacityKind.Count => XLAllowedValues.WholeNumber,
                    _ => XLAllowedValues.List,
                },
                validation.AllowedValues
            );
        }
        // Pre-filled with the latest report held, so that only what changed needs typing.
        Assert.Equal(1928, ws.Cell(2, UploadFiles.Column(ws, "General beds total")).GetDouble()); // H-0001's
        var instructions = string.Join("\n", workbook.Worksheet("Instructions").CellsUsed().Select(c => c.GetString()));
        Assert.Contains("formula", instructions, StringComparison.Ordinal);
        // Every limit a person meets is written where they read: size, rows, cells, characters, notes, uploads at once.
        string[] limits =
        [
            "at most 10 MB",
            "20,000 rows",
            "1,000,000 cells",
            "20,000,000 characters",
            "notes of at most 1,000 characters",
            "upload(s) at a time",
            "#N/A",
        ];
        Assert.All(limits, limit => Assert.Contains(limit, instructions, StringComparison.Ordinal));
    }

    [Fact]
    public async Task FilledTemplate_IsStored_UsedByTheNextPlan_AndTracedInItsLineage()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = await HospitalsDatabase.PrepareAsync(db);
        var before = await settings.RunAsync(new PlanRequest(Path.Combine(db.Directory, "before")), ct: Ct);
        var template = await HospitalsDatabase.TemplateAsync(settings, ["H-0001", "H-0002"], new DateOnly(2020, 2, 10));
        var file = UploadFiles.Edit(template, wb =>
        {
            UploadFiles.Report(wb, ReportDate);
            var ws = wb.Worksheet("Capacity");
            ws.Cell(2, UploadFiles.Column(ws, "ICU beds occupied")).SetValue(70); // of its 75
            ws.Cell(2, UploadFiles.Column(ws, "Critical patients")).SetValue(60);
            ws.Cell(2, UploadFiles.Column(ws, "Staff on duty: critical care")).SetValue(40);
            ws.Cell(2, UploadFiles.Column(ws, "N95 days on hand")).SetValue(3);
            ws.Cell(2, UploadFiles.Column(ws, "N95 can obtain")).SetValue("No");
            ws.Cell(2, UploadFiles.Column(ws, "Notes")).SetValue("=oxygen short");
        });

        var result = await HospitalsDatabase.Uploader(settings).UploadAsync("h1.xlsx", file, "admin", Ct);

        // H-0002's row repeats the report the hospitals feed already gave for that day: read, but nothing changes.
        Assert.Equal((2L, 1L, false), (result.RowsRead, result.RowsChanged, result.AlreadyUploaded));
        await AssertH0001StoredAsync(settings, result.UploadId);
        await AssertTheNextTemplateHasTheNotesAsTextAsync(settings);

        // The next plan reads it (plan start 2020-02-10: the latest report before it) and records the upload: 56 more
        // critical patients than the pulled report mean more critical-care demand in the province.
        var outcome = await settings.RunAsync(new PlanRequest(Path.Combine(db.Directory, "out")), ct: Ct);
        await using (var connection = await settings.Planner.OpenAsync(Ct))
        {
            Assert.Equal(
                [result.UploadId],
                await connection.QueryAsync<string>(
                    "SELECT upload_id FROM plan_run_uploads WHERE run_id = @id",
                    new { id = outcome.RunId }
                )
            );
        }
        Assert.True(CriticalCare(outcome) > CriticalCare(before), $"{CriticalCare(outcome)} ≤ {CriticalCare(before)}");

        static double CriticalCare(PlanOutcome o) =>
            o.Problem.Demands.Where(d => d.Segment == PlanSnapshot.CriticalCareSegment).Sum(d => d.Quantity);
    }

    /// <summary>H-0001's report of 2020-02-09 as uploaded: its counts, notes and PPE, traced to the upload.</summary>
    private static async Task AssertH0001StoredAsync(TestNode settings, string uploadId)
    {
        await using var connection = await settings.Planner.OpenAsync(Ct);
        var held = await connection.QuerySingleAsync<(long Icu, long Critical, string Notes, string Upload)>(
            "SELECT beds_icu_occupied, critical_patients, notes, upload_id FROM capacity_reports WHERE "
                + "hospital_code = 'H-0001' AND report_date = '2020-02-09'"
        );
        Assert.Equal((70L, 60L, "=oxygen short", uploadId), held);
        Assert.Equal(
            1L,
            await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM capacity_supplies WHERE hospital_code = 'H-0001' AND product_code = 'N95' "
                    + "AND days_on_hand = 3 AND can_obtain = 0"
            )
        );
    }

    /// <summary>The text starting with = comes back in the next template as text, not as a formula, with the
    /// staff by specialty.</summary>
    private static async Task AssertTheNextTemplateHasTheNotesAsTextAsync(TestNode settings)
    {
        var again = await HospitalsDatabase.TemplateAsync(settings, ["H-0001"], new DateOnly(2020, 2, 10));
        using var workbook = Xlsx.Open(new MemoryStream(again));
        var ws = workbook.Worksheet("Capacity");
        var notes = ws.Cell(2, UploadFiles.Column(ws, "Notes"));
        Assert.False(notes.HasFormula);
        Assert.Equal("=oxygen short", notes.GetString());
        Assert.Equal(40, ws.Cell(2, UploadFiles.Column(ws, "Staff on duty: critical care")).GetDouble());
    }

    [Theory]
    [InlineData("+86 571 8888 0000")]
    [InlineData("-2 beds out of order")]
    [InlineData("@ward 3 closed")]
    [InlineData("=HYPERLINK(\"http://example.invalid\")")]
    public async Task TextThatLooksLikeAFormula_IsStoredAndPublishedAsText(string notes)
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = await HospitalsDatabase.PrepareAsync(db);
        var template = await HospitalsDatabase.TemplateAsync(settings, ["H-0003"], new DateOnly(2020, 2, 10));

        await HospitalsDatabase
            .Uploader(settings)
            .UploadAsync("notes.xlsx", UploadFiles.Edit(template, wb =>
                {
                    UploadFiles.Report(wb, new DateTime(2020, 2, 10));
                    var ws = wb.Worksheet("Capacity");
                    ws.Cell(2, UploadFiles.Column(ws, "Notes")).SetValue(notes);
                }), null, Ct);

        var again = await HospitalsDatabase.TemplateAsync(settings, ["H-0003"], new DateOnly(2020, 2, 11));
        using var workbook = Xlsx.Open(new MemoryStream(again));
        var ws = workbook.Worksheet("Capacity");
        var cell = ws.Cell(2, UploadFiles.Column(ws, "Notes"));
        Assert.False(cell.HasFormula);
        Assert.Equal(XLDataType.Text, cell.DataType);
        Assert.Equal(notes, cell.GetString());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SameFileTwice_IsWrittenOnce(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var settings = await HospitalsDatabase.PrepareAsync(db);
        var template = await HospitalsDatabase.TemplateAsync(settings, [], new DateOnly(2020, 2, 10));
        // A day the feed has not reported yet: every row is new.
        var file = UploadFiles.Reported(template, new DateTime(2020, 2, 10));
        var uploader = HospitalsDatabase.Uploader(settings);

        var first = await uploader.UploadAsync("a.xlsx", file, null, Ct);
        var second = await uploader.UploadAsync("a.xlsx", file, null, Ct);
        // The same reports in a file saved again (other bytes): read, compared, nothing changes.
        var resaved = await uploader.UploadAsync(
            "b.xlsx",
            UploadFiles.Edit(file, wb => wb.Properties.Title = "saved again"),
            null,
            Ct
        );

        Assert.Equal(200, first.RowsRead);
        Assert.Equal(200, first.RowsChanged);
        Assert.True(second.AlreadyUploaded);
        Assert.Equal(first.UploadId, second.UploadId);
        Assert.False(resaved.AlreadyUploaded);
        Assert.Equal(0, resaved.RowsChanged);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        Assert.Equal(2L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM uploads"));
        // The next template starts from the uploaded reports.
        var next = await HospitalsDatabase.TemplateAsync(settings, ["H-0001"], new DateOnly(2020, 2, 11));
        using var workbook = Xlsx.Open(new MemoryStream(next));
        Assert.Equal(2, workbook.Worksheet("Capacity").LastRowUsed()!.RowNumber());
    }

    [Fact]
    public async Task EveryRowProblem_IsReportedAtOnce_WithSheetRowAndColumn()
    {
        var e = await RefusedRowsAsync(
            Filled(ws =>
            {
                ws.Cell(3, UploadFiles.Column(ws, "ICU beds occupied")).SetValue(-1);
                ws.Cell(4, UploadFiles.Column(ws, "General beds total")).SetValue(12.5);
                ws.Cell(5, UploadFiles.Column(ws, "Ventilators in use")).SetValue(100_000);
                ws.Cell(6, UploadFiles.Column(ws, "ECMO total")).Clear(XLClearOptions.Contents);
                ws.Cell(7, UploadFiles.Column(ws, "N95 can obtain")).SetValue("maybe");
            })
        );

        Assert.Equal(5, e.Errors.Count);
        Assert.Contains(e.Errors, x =>
            x is { Sheet: "Capacity", Row: 3, Field: "ICU beds occupied" }
            && x.Message.Contains("negative", StringComparison.Ordinal)
        );
        Assert.Contains(e.Errors, x =>
            x is { Row: 4, Field: "General beds total", Value: "12.5" }
            && x.Message.Contains("whole number", StringComparison.Ordinal)
        );
        Assert.Contains(e.Errors, x =>
            x is { Row: 5, Field: "Ventilators in use" } && x.Message.Contains("exceed", StringComparison.Ordinal)
        );
        Assert.Contains(e.Errors, x =>
            x is { Row: 6, Field: "ECMO total" } && x.Message.Contains("empty", StringComparison.Ordinal)
        );
        Assert.Contains(e.Errors, x => x is { Row: 7, Field: "N95 can obtain", Value: "maybe" });
        Assert.All(e.Errors, x => Assert.Matches("^[A-Z]{1,2}$", x.Column!));
    }

    [Fact]
    public async Task TooLarge_IsRefused()
    {
        var e = await RefusedFileAsync(Filled(), new UploadLimits { MaxBytes = 10_000 });
        Assert.Contains("limit", e.Message, StringComparison.Ordinal);
        Assert.Equal(413, e.Status);
    }

    [Fact]
    public async Task TooManyRows_AreRefused_AtTheFirstRowPastTheLimit()
    {
        var e = await RefusedFileAsync(Filled(), new UploadLimits { MaxRows = 100 });
        Assert.Contains(
            "data in row 102: more than 100 rows under its header, the limit (Planner:Uploads:MaxRows)",
            e.Message,
            StringComparison.Ordinal
        );
        Assert.Equal(413, e.Status);
    }

    [Fact]
    public async Task TooManyCellsOrCharacters_AreRefused_NamingTheSetting()
    {
        var cells = await RefusedFileAsync(Filled(), new UploadLimits { MaxCells = 1_000 });
        Assert.Contains(
            "more than 1,000 cells, the limit (Planner:Uploads:MaxCells)",
            cells.Message,
            StringComparison.Ordinal
        );
        var characters = await RefusedFileAsync(Filled(), new UploadLimits { MaxCharacters = 5_000 });
        Assert.Contains(
            "past 5,000 characters, the limit (Planner:Uploads:MaxCharacters)",
            characters.Message,
            StringComparison.Ordinal
        );
    }

    [Theory]
    [InlineData("hospital_code,report_date\nH-0001,2020-02-09\n", "not an Excel workbook")]
    [InlineData("%PDF-1.4\n%âãÏÓ\n", "not an Excel workbook")]
    public async Task NotAnXlsx_IsRefused_WhateverItsName(string content, string message)
    {
        var e = await RefusedFileAsync(System.Text.Encoding.UTF8.GetBytes(content));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OldXlsOrEncrypted_IsRefused()
    {
        var e = await RefusedFileAsync([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0]);
        Assert.Contains(".xls", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AZipThatIsNoWorkbook_IsRefused()
    {
        var e = await RefusedFileAsync(UploadFiles.Zip(new Dictionary<string, string> { ["readme.txt"] = "hello" }));
        Assert.Contains("[Content_Types].xml", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MacroEnabled_IsRefused_WhateverItsName()
    {
        var parts = UploadFiles.Parts(Filled());
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"]
            .Replace("spreadsheetml.sheet.main+xml", "sheet.macroEnabled.main+xml", StringComparison.Ordinal)
            .Replace(
                "application/vnd.openxmlformats-officedocument.sheet.macroEnabled.main+xml",
                "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                StringComparison.Ordinal
            );
        var e = await RefusedFileAsync(UploadFiles.Zip(parts));
        Assert.Contains("macro", e.Message, StringComparison.Ordinal);

        // A VBA project is what the package declares it to be, whatever the part is called: by its content type ...
        var byType = UploadFiles.Parts(Filled());
        byType["xl/media/image7.png"] = "not really a picture";
        UploadFiles.InsertBefore(
            byType,
            "[Content_Types].xml",
            "</Types>",
            """<Override PartName="/xl/media/image7.png" ContentType="application/vnd.ms-office.vbaProject" />"""
        );
        Assert.Contains(
            "macros (a VBA project): the part /xl/media/image7.png",
            await RefusedMessageAsync(byType),
            StringComparison.Ordinal
        );

        // ... or by the relationship that points at it.
        var byRelationship = UploadFiles.Parts(Filled());
        byRelationship["xl/theme/picture.xml"] = "<x/>";
        UploadFiles.InsertBefore(
            byRelationship,
            "xl/_rels/workbook.xml.rels",
            "</Relationships>",
            """
            <Relationship Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"
              Target="/xl/theme/picture.xml" Id="rId99" />
            """
        );
        Assert.Contains("macros (a VBA project)", await RefusedMessageAsync(byRelationship), StringComparison.Ordinal);

        // A part the package does not declare at all is no part of a workbook.
        var undeclared = UploadFiles.Parts(Filled());
        undeclared["xl/vbaProject.bin"] = "not really a VBA project";
        Assert.Contains(
            "/xl/vbaProject.bin has no content type",
            await RefusedMessageAsync(undeclared),
            StringComparison.Ordinal
        );
    }

    /// <summary>The message of the refusal of a file made of <paramref name="parts"/>.</summary>
    private async Task<string> RefusedMessageAsync(Dictionary<string, string> parts) =>
        (await RefusedFileAsync(UploadFiles.Zip(parts))).Message;

    [Fact]
    public async Task ZipBomb_IsRefused_BeforeItIsUnpacked()
    {
        var parts = UploadFiles.Parts(Filled());
        parts["xl/media/padding.xml"] = new string(' ', 20 * 1024 * 1024);
        var e = await RefusedFileAsync(UploadFiles.Zip(parts));
        Assert.Contains("zip bomb", e.Message, StringComparison.Ordinal);

        var e2 = await RefusedFileAsync(
            UploadFiles.Zip(parts),
            new UploadLimits { MaxRatio = 10_000, MaxUncompressedBytes = 5 * 1024 * 1024 }
        );
        Assert.Contains("unpacks to", e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EntityTricks_AreRefused()
    {
        var parts = UploadFiles.Parts(Filled());
        var sheet = parts.Keys.Single(k => k.StartsWith("xl/worksheets/sheet1", StringComparison.Ordinal));
        parts[sheet] = parts[sheet]
            .Replace(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
                """<?xml version="1.0" encoding="utf-8"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">"""
                    + """<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>""",
                StringComparison.OrdinalIgnoreCase
            );
        Assert.Contains("<!DOCTYPE", parts[sheet], StringComparison.Ordinal);
        var e = await RefusedFileAsync(UploadFiles.Zip(parts));
        Assert.Contains("DTD", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A hand-written workbook's rows: the template's header and H-0001's report.</summary>
    private static List<IReadOnlyList<object?>> HandWritten(string date) =>
        [UploadFiles.HeaderRow(), UploadFiles.H0001Row(date)];

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task WorkbooksFromOtherTools_AreRead_NumbersNeverEmpty(bool inlineStrings, bool styles)
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = await HospitalsDatabase.PrepareAsync(db);
        var file = UploadFiles.Raw(HandWritten("2020-02-09"), inlineStrings, styles);

        var result = await HospitalsDatabase.Uploader(settings).UploadAsync("other.xlsx", file, null, Ct);

        Assert.Equal(1, result.RowsRead);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        Assert.Equal(
            (2483L, 1696L),
            await connection.QuerySingleAsync<(long, long)>(
                "SELECT beds_general_total, staff_on_duty FROM capacity_reports WHERE hospital_code = 'H-0001' AND "
                    + "report_date = '2020-02-09'"
            )
        );
    }

    [Fact]
    public async Task Formulas_AreRefused_NotReadAsTheirCachedValue()
    {
        var e = await RefusedRowsAsync(
            Filled(ws => ws.Cell(2, UploadFiles.Column(ws, "Severe patients")).FormulaA1 = "=5+5")
        );
        var error = Assert.Single(e.Errors);
        Assert.Equal((2, "Severe patients"), (error.Row, error.Field));
        Assert.Contains("formula", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10/02/2020")]
    [InlineData("2020.02.09")]
    [InlineData("yesterday")]
    public async Task DatesInTheWrongFormat_AreRefused(string date)
    {
        var e = await RefusedRowsAsync(Filled(ws => ws.Cell(2, 4).SetValue(date)));
        var error = Assert.Single(e.Errors);
        Assert.Equal((2, "D", date), (error.Row, error.Column, error.Value));
        Assert.Contains("yyyy-mm-dd", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MergedCells_AreRefused()
    {
        var e = await RefusedRowsAsync(Filled(ws => ws.Range(3, 5, 3, 6).Merge()));
        Assert.Contains(e.Errors, x =>
            x.Message.Contains("E3:F3", StringComparison.Ordinal)
            && x.Message.Contains("merged", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task HiddenRows_AreRefused()
    {
        var e = await RefusedRowsAsync(
            Filled(ws =>
            {
                ws.Row(9).Hide();
                ws.Column(10).Hide();
            })
        );
        Assert.Contains(e.Errors, x => x.Row == 9 && x.Message.Contains("Row 9 is hidden", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x =>
            x.Column == "J" && x.Message.Contains("Column J is hidden", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task ExtraSheets_AreRefused()
    {
        var file = UploadFiles.Edit(hospitals.Template, wb =>
        {
            UploadFiles.Report(wb, ReportDate);
            wb.Worksheets.Add("My notes").Cell(1, 1).SetValue("scratch");
        });
        var e = await RefusedRowsAsync(file);
        Assert.Contains(e.Errors, x =>
            x.Sheet == "My notes" && x.Message.Contains("Unexpected sheet", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task MissingOrReorderedColumns_AreRefused()
    {
        var missing = await RefusedRowsAsync(
            Filled(ws => ws.Column(UploadFiles.Column(ws, "ECMO total")).Clear(XLClearOptions.Contents))
        );
        Assert.Contains(missing.Errors, x =>
            x.Message.Contains("Missing columns: ECMO total", StringComparison.Ordinal)
        );

        var reordered = await RefusedRowsAsync(
            Filled(ws =>
            {
                ws.Cell(1, 5).SetValue("General beds occupied");
                ws.Cell(1, 6).SetValue("General beds total");
            })
        );
        Assert.Contains(reordered.Errors, x =>
            x.Row == 1 && x.Column == "E" && x.Message.Contains("moved", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task UnknownHospitalsAndDuplicates_AreRefused()
    {
        var e = await RefusedRowsAsync(
            Filled(ws =>
            {
                ws.Cell(2, 1).SetValue("H-9999");
                ws.Cell(4, 1).SetValue("H-0005");
            })
        );
        Assert.Contains(e.Errors, x =>
            x.Row == 2 && x.Message.Contains("no hospital H-9999", StringComparison.Ordinal)
        );
        Assert.Contains(e.Errors, x =>
            x.Row == 6 && x.Message.Contains("twice (rows 4 and 6)", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task ATemplateWithNoReportDate_SaysThereIsNothingToUpload()
    {
        var e = await RefusedRowsAsync(hospitals.Template);
        Assert.Contains("nothing to upload", Assert.Single(e.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGuard_ReadsAWorkbookWithoutStyles_ItsNumbersAsNumbers()
    {
        var file = UploadFiles.Raw(HandWritten("2020-02-09"), inlineStrings: true, styles: false);
        using var package = UploadGuard.Open(file, new UploadLimits());

        using var sheet = package.OpenSheet("Capacity");
        Assert.Equal(["Capacity"], package.Sheets);
        Assert.NotNull(sheet.Next());
        var row = sheet.Next()!;
        Assert.Equal((CellKind.Number, 2483.0), (row.Cells[4].Kind, row.Cells[4].Number));
        Assert.Null(sheet.Next());
    }
}
