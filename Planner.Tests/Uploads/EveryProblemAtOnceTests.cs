using ClosedXML.Excel;
using Planner.Api.Uploads;

namespace Planner.Tests.Uploads;

/// <summary>
/// Every problem at once, truly: one file with one mistake of each kind the rules know comes back in one answer
/// with all of them (and nothing else), and past a thousand the answer lists a thousand and counts the rest.
/// </summary>
public class EveryProblemAtOnceTests : Jobs.HangfireTests
{
    /// <summary>The mistakes, one per row unless said otherwise: (row, column, what the message says).</summary>
    private static readonly (int Row, string? Column, string Message)[] Mistakes =
    [
        // The issue's row: a formula, a date typed 2020/02/10 and ICU occupied 200 against H-0001's 75 beds; one
        // upload.
        (2, "K", "The cell holds a formula (=5+5)"),
        (2, "D", "This is not a date; type it as yyyy-mm-dd"),
        (2, "J", "ICU beds occupied exceed the ICU beds. (200 > 75)"),
        (3, "E", "The cell holds the error #N/A; type the value."),
        (4, "O", "The cell is empty; a whole number (0 or more) is needed."),
        (5, "F", "This is not a whole number."),
        (6, "G", "The number is negative"),
        (7, "M", "The number is implausibly large."),
        (8, null, "Answer Yes or No."),
        (9, "D", "The report date must be from 2019-12-01"),
        (10, "A", "The hospital code is empty."),
        (11, "A", "There is no hospital H-9999"),
        (12, "A", "Hospital H-0003 is not one of yours; you report for H-0001, H-0002."),
        (13, null, "The note is 1,001 characters; the limit is 1,000 (Planner:Uploads:MaxNoteLength)."),
        (14, null, "Give both N95 days on hand and whether it can be obtained, or neither."),
        (15, "L", "Severe plus critical patients"),
        (16, "Q", "Staff by specialty add up to 99,999"),
        (17, "A", "is reported for 2020-02-05 twice (rows 16 and 17)"),
        (18, null, "Row 18 is hidden"),
        (19, "B", "Cells B19:C19 are merged"),
        (1, "AI", "Unexpected column 'Remarks' after the template's last column"),
        (0, "B", "Column B is hidden"),
        (0, null, "Unexpected sheet 'My notes'"),
    ];

    [Fact]
    public async Task OneFileWithOneMistakeOfEachKind_GetsThemAllInOneAnswer()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite, HospitalsDatabase.PrepareAsync);
        using var admin = await app.WithApiKeyAsync("hospital");
        var file = OneMistakeOfEachKind(await UploadFiles.TemplateAsync(admin));

        using var response = await TestWebApp.PostFileAsync(admin, "/api/uploads/capacity", file, "every-mistake.xlsx");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await RefusedUpload.ReadAsync(response);
        var errors = refused.Errors.Select(e => (Row: e.Row ?? 0, e.Column, e.Message)).ToList();
        bool Is((int Row, string? Column, string Message) e, (int Row, string? Column, string Message) m) =>
            e.Row == m.Row
            && (m.Column is null || e.Column == m.Column)
            && e.Message.Contains(m.Message, StringComparison.Ordinal);
        var missing = Mistakes.Where(m => !errors.Any(e => Is(e, m))).ToList();
        var others = errors.Where(e => !Mistakes.Any(m => Is(e, m))).ToList();
        Assert.True(
            missing.Count == 0,
            $"Not reported: {string.Join("; ", missing)}\nReported: {string.Join("; ", errors)}"
        );

        Assert.True(others.Count == 0, $"Reported besides the mistakes: {string.Join("; ", others)}");
        Assert.Equal(Mistakes.Length, errors.Count);
        Assert.Equal(0, refused.NotListed);
    }

    /// <summary>The template with the <see cref="Mistakes"/> made in it.</summary>
    private static byte[] OneMistakeOfEachKind(byte[] template)
    {
        var file = UploadFiles.Edit(template, wb =>
        {
            var ws = wb.Worksheet("Capacity");
            int Col(string header) => UploadFiles.Column(ws, header);
            // Rows 2 to 19 are H-0001's held report, each on its own day (2020-01-14 to 2020-01-31).
            var held = Enumerable.Range(1, Col("Notes")).Select(c => ws.Cell(2, c).Value).ToList();
            for (var row = 2; row <= 19; row++)
            {
                for (var c = 1; c <= held.Count; c++)
                    ws.Cell(row, c).Value = held[c - 1];
                ws.Cell(row, 4).SetValue(new DateTime(2020, 1, 12).AddDays(row));
            }
            ws.Cell(2, Col("Severe patients")).FormulaA1 = "=5+5";
            ws.Cell(2, 4).SetValue("2020/02/10");
            ws.Cell(2, Col("ICU beds occupied")).SetValue(200);
            ws.Cell(4, Col("ECMO total")).Clear(XLClearOptions.Contents);
            ws.Cell(5, Col("General beds occupied")).SetValue(12.5);
            ws.Cell(6, Col("Isolation beds total")).SetValue(-3);
            ws.Cell(7, Col("Ventilators total")).SetValue(3_000_000_000L);
            ws.Cell(8, Col("N95 days on hand")).SetValue(3);
            ws.Cell(8, Col("N95 can obtain")).SetValue("maybe");
            ws.Cell(9, 4).SetValue(new DateTime(2019, 1, 1));
            ws.Cell(10, 1).Clear(XLClearOptions.Contents);
            ws.Cell(11, 1).SetValue("H-9999");
            ws.Cell(12, 1).SetValue("H-0003");
            ws.Cell(13, Col("Notes")).SetValue(new string('n', 1001));
            ws.Cell(14, Col("N95 days on hand")).SetValue(3);
            ws.Cell(14, Col("N95 can obtain")).Clear(XLClearOptions.Contents);
            ws.Cell(15, Col("Severe patients")).SetValue(5000);
            ws.Cell(16, Col("Staff on duty: critical care")).SetValue(99_999);
            ws.Cell(16, 4).SetValue(new DateTime(2020, 2, 5));
            ws.Cell(17, 4).SetValue(new DateTime(2020, 2, 5));
            ws.Row(18).Hide();
            ws.Range(19, 2, 19, 3).Merge();
            ws.Column(2).Hide();
            ws.Cell(1, Col("Notes") + 1).SetValue("Remarks");
            wb.Worksheets.Add("My notes").Cell(1, 1).SetValue("scratch");
        });
        // An error value cannot be typed through ClosedXML 0.95: it is written into the sheet as Excel stores it.
        return UploadFiles.WithCell(file, "E3", """<x:c r="E3" t="e"><x:v>#N/A</x:v></x:c>""");
    }

    [Fact]
    public async Task PastAThousandProblems_AThousandAreListed_AndTheRestCounted()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = await HospitalsDatabase.PrepareAsync(db);
        // 1,200 reports of H-0001 on as many days, each with a negative ICU count: 1,200 problems.
        var report = UploadFiles.H0001Row(null);
        report[9] = -1;
        var rows = new List<IReadOnlyList<object?>> { UploadFiles.HeaderRow() };
        for (var day = 0; day < 1200; day++)
        {
            report[3] = new DateOnly(2019, 12, 1).AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            rows.Add([.. report]);
        }

        var uploader = HospitalsDatabase.Uploader(settings);
        var e = await Assert.ThrowsAsync<UploadInvalid>(() =>
            uploader.UploadAsync("many.xlsx", UploadFiles.Raw(rows, inlineStrings: false, styles: true), null, Ct)
        );

        Assert.Equal(1000, e.Errors.Count);
        Assert.Equal(200, e.NotListed);
        Assert.Contains(
            "The upload has 1,200 problems; nothing was saved. The first 1,000 are listed, and 200 more.",
            e.Message,
            StringComparison.Ordinal
        );

        Assert.All(e.Errors, x => Assert.Contains("negative", x.Message, StringComparison.Ordinal));
    }
}
