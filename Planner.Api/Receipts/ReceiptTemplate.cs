using ClosedXML.Excel;
using Planner.Api.Localization;
using Planner.Api.Uploads;
using Planner.Api.Workbooks;

namespace Planner.Api.Receipts;

/// <summary>A column of the receipts template: its header in English and Chinese, and whether officers type in it
/// (the others are the line, filled in and locked).</summary>
public sealed record ReceiptColumn(string English, string Chinese, bool Input, ReceiptField? Field = null)
{
    public string TitleIn(bool chinese) => chinese ? Chinese : English;
}

/// <summary>
/// The receipts template a city or county officer downloads for a run: one row per line into their area not yet
/// confirmed, the line filled in and locked (run, from, to, product, departure and arrival dates, quantity shipped),
/// the receipt's columns validated by Excel, and an instructions sheet; in the current UI language.
/// <see cref="ReceiptUpload"/> reads either language back with the same <see cref="Columns"/>.
/// </summary>
public static class ReceiptTemplate
{
    public const string SheetName = "Receipts";
    public const string ChineseSheetName = "到货签收";
    public const string InstructionsSheet = "Instructions";
    public const string ChineseInstructionsSheet = "填报说明";

    /// <summary>Columns A to O; the line is named by A (run), B (from), D (to), F (product) and H
    /// (departure).</summary>
    public static readonly IReadOnlyList<ReceiptColumn> Columns =
    [
        new("Run", "计划编号", false),
        new("From code", "发出地代码", false),
        new("From", "发出地", false),
        new("To code", "接收地代码", false),
        new("To", "接收地", false),
        new("Product code", "物资代码", false),
        new("Product", "物资名称", false),
        new("Departure date", "发运日期", false),
        new("Arrival date", "预计到达日期", false),
        new("Quantity shipped", "调拨数量", false),
        new("Received in good order", "实收数量", true, ReceiptField.Received),
        new("Date received", "签收日期", true, ReceiptField.ReceivedOn),
        new("Short", "短少数量", true, ReceiptField.Shortage),
        new("Damaged", "破损数量", true, ReceiptField.Damaged),
        new("Note", "备注", true, ReceiptField.Note),
    ];

    /// <summary>The template's sheets in either language.</summary>
    public static readonly TemplateSheets Sheets = new(
        SheetName,
        ChineseSheetName,
        InstructionsSheet,
        ChineseInstructionsSheet
    );

    /// <summary>The template of <paramref name="run"/> for the lines into <paramref name="city"/> (every line when
    /// null) that have no receipt yet.</summary>
    public static async Task<(byte[] Content, string FileName)> BuildAsync(
        Database planner,
        string run,
        string? city,
        DateOnly today,
        UploadLimits limits,
        CancellationToken ct = default
    )
    {
        await using var db = await planner.OpenAsync(ct);
        var start = await ShipmentLines.PlanStartAsync(db, run) ?? throw new NoSuchRun(run);
        var confirmed = (await ShipmentLines.ReceiptsAsync(db, run, city)).Select(r => r.Key).ToHashSet();
        var lines = (await ShipmentLines.LinesAsync(db, run, city)).Where(l => !confirmed.Contains(l.Key)).ToList();

        var chinese = Texts.Chinese;
        using var workbook = new XLWorkbook();
        workbook.Properties.Title = ReceiptText.Get("TemplateTitle");
        workbook.Properties.Author = "Planner";
        var ws = workbook.Worksheets.Add(Sheets.DataIn(chinese));
        Sheet.Header(ws, 1, Columns.Select(c => c.TitleIn(chinese)).ToList());
        var row = 1;
        foreach (var line in lines)
            Line(ws, ++row, run, line);
        var last = Math.Max(row, 2);
        Validation(ws, last, start, today, limits);
        ws.Range(1, 1, last, Columns.Count).SetAutoFilter();
        ws.Protect()
            .AllowElement(
                XLSheetProtectionElements.AutoFilter
                    | XLSheetProtectionElements.FormatColumns
                    | XLSheetProtectionElements.SelectEverything
            );
        ws.SheetView.Freeze(1, 5);
        Sheet.Widths(ws, 16, 11, 16, 11, 16, 13, 22, 12, 12, 12, 12, 12, 10, 10, 40);
        ws.Row(1).Height = 30;
        Instructions(workbook.Worksheets.Add(Sheets.InstructionsIn(chinese)), run, limits);
        ws.SetTabActive();
        return (PrintTitles.Bytes(workbook), $"receipts-{run}{(city is null ? "" : "-" + city)}.xlsx");
    }

    private static void Line(IXLWorksheet ws, int row, string run, ShipmentLine line)
    {
        Sheet.Text(ws.Cell(row, 1), run);
        Sheet.Text(ws.Cell(row, 2), line.FromCode);
        Sheet.Text(ws.Cell(row, 3), line.From);
        Sheet.Text(ws.Cell(row, 4), line.ToCode);
        Sheet.Text(ws.Cell(row, 5), line.To);
        Sheet.Text(ws.Cell(row, 6), line.ProductCode);
        Sheet.Text(ws.Cell(row, 7), line.Product);
        ws.Cell(row, 8).SetValue(line.Departure.ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format =
            Sheet.DateFormat;
        ws.Cell(row, 9).SetValue(line.Arrival.ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format = Sheet.DateFormat;
        // Lines planned before whole units (issue 21) may hold fractions: shown as held, not rounded away.
        Sheet.Number(
            ws.Cell(row, 10),
            line.Quantity,
            line.Quantity == Math.Floor(line.Quantity) ? Sheet.Count : "#,##0.###"
        );
    }

    /// <summary>The locked line columns greyed; the receipt's columns open, each with Excel's check and
    /// prompt.</summary>
    private static void Validation(IXLWorksheet ws, int last, DateOnly start, DateOnly today, UploadLimits limits)
    {
        ws.Range(2, 1, last, 10).Style.Fill.BackgroundColor = XLColor.FromHtml("#F2F2F2");
        for (var i = 10; i < Columns.Count; i++)
        {
            var range = ws.Range(2, i + 1, last, i + 1);
            range.Style.Protection.Locked = false;
            var validation = range.SetDataValidation();
            var title = Columns[i].TitleIn(Texts.Chinese);
            validation.InputTitle = title.Length <= 32 ? title : title[..31] + "…";
            validation.ErrorTitle = validation.InputTitle;
            validation.ShowInputMessage = true;
            switch (Columns[i].Field)
            {
                case ReceiptField.ReceivedOn:
                    range.Style.DateFormat.Format = Sheet.DateFormat;
                    validation.Date.Between(start.ToDateTime(TimeOnly.MinValue), today.ToDateTime(TimeOnly.MinValue));
                    validation.InputMessage = ReceiptText.Get("DatePrompt");
                    validation.ErrorMessage = ReceiptText.Get("DatePrompt");
                    break;
                case ReceiptField.Note:
                    range.Style.NumberFormat.Format = "@";
                    validation.TextLength.EqualOrLessThan(limits.MaxNoteLength);
                    validation.InputMessage = UploadText.Get("NotePrompt", limits.MaxNoteLength);
                    validation.ErrorMessage = UploadText.Get("NoteError", limits.MaxNoteLength);
                    break;
                default:
                    range.Style.NumberFormat.Format = Sheet.Count;
                    validation.WholeNumber.EqualOrGreaterThan(0);
                    validation.InputMessage = ReceiptText.Get(
                        Columns[i].Field == ReceiptField.Received ? "ReceivedPrompt" : "OptionalPrompt"
                    );
                    validation.ErrorMessage = UploadText.Get("CountError");
                    break;
            }
        }
    }

    private static readonly string[] InstructionKeys =
    [
        "InstructionRows",
        "InstructionQuantities",
        "InstructionDate",
        "InstructionOnce",
        "InstructionValues",
        "InstructionUpload",
    ];

    private static void Instructions(IXLWorksheet ws, string run, UploadLimits limits)
    {
        ws.Cell(1, 1).SetValue(ReceiptText.Get("TemplateTitle") + " · " + run);
        ws.Cell(1, 1).Style.Font.Bold = true;
        ws.Cell(1, 1).Style.Font.FontSize = 14;
        var row = 2;
        object[] args = [limits.MaxReceiptRows, UploadLimits.Megabytes(limits.MaxBytes), limits.MaxNoteLength];
        foreach (var (key, i) in InstructionKeys.Select((k, i) => (k, i)))
            ws.Cell(++row, 1).SetValue($"{i + 1}. {ReceiptText.Get(key, args)}");
        Sheet.Widths(ws, 120);
    }
}
