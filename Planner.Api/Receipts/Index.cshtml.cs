using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Planner.Api.Access;
using Planner.Api.Localization;
using Planner.Api.Uploads;

namespace Planner.Api.Receipts;

/// <summary>
/// The officer's receipts page for a run (<c>?run=</c>, else the baseline's latest): the lines overdue, a form to
/// confirm the lines due by tomorrow (at most <see cref="MaxRows"/> at once; more through the workbook), the
/// receipts template and its upload, and what was confirmed. A refused form or file lists every problem; nothing
/// is written.
/// </summary>
[Authorize(Policy = AccessSetup.PlansReaders)]
public sealed class ReceiptsModel(Database planner, IOptions<UploadLimits> options, TimeProvider clock) : PageModel
{
    /// <summary>Rows of the form: nine fields each stay under the form reader's 1,024 values.</summary>
    public const int MaxRows = 100;

    public string? Run { get; private set; }

    public DateOnly Today { get; private set; }

    public IReadOnlyList<ShipmentLine> Overdue { get; private set; } = [];

    /// <summary>Lines not confirmed that arrive by tomorrow, the first <see cref="MaxRows"/>.</summary>
    public IReadOnlyList<ShipmentLine> Due { get; private set; } = [];

    /// <summary>Lines not confirmed in all.</summary>
    public int Unconfirmed { get; private set; }

    public IReadOnlyList<StoredReceipt> Confirmed { get; private set; } = [];

    /// <summary>The form as posted, to show again with its problems.</summary>
    [BindProperty]
    public List<ReceiptRow> Rows { get; set; } = [];

    public string? Refused { get; private set; }

    public string? Recorded { get; private set; }

    /// <summary>Problems: where (a row of the form, or sheet, row and column of a file), value, what is
    /// wrong.</summary>
    public IReadOnlyList<UploadError> Errors { get; private set; } = [];

    public async Task OnGetAsync(string? run) => await LoadAsync(run);

    public async Task<IActionResult> OnPostConfirmAsync(string? run)
    {
        run ??= await LatestRunAsync();
        var typed = Rows.Select((r, i) => (Row: r, Item: i)).Where(x => x.Row.Typed).ToList();
        var inputs = typed.Select(x => x.Row.Input(x.Item)).ToList();
        try
        {
            var by = ("page", User.Identity?.Name ?? "", options.Value.MaxNoteLength);
            var place = (int i) => ReceiptText.Get("Row", i + 1);
            var found = typed.SelectMany(x => x.Row.Problems(x.Item)).ToList();
            var stored = await new ReceiptBook(planner, clock).RecordAsync(
                run ?? "",
                User.City(),
                inputs,
                by,
                place,
                found,
                HttpContext.RequestAborted
            );
            Recorded = ReceiptText.Get("Recorded", stored);
            Rows = [];
        }
        catch (NoSuchRun e)
        {
            Refused = e.Message;
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        catch (ReceiptsRefused e)
        {
            Refused = e.Message;
            Errors = e
                .Problems.Select(p => new UploadError("", p.Item + 1, null, FieldTitle(p.Field), p.Value, p.Message))
                .ToList();
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        await LoadAsync(run);
        return Page();
    }

    public async Task<IActionResult> OnPostUploadAsync(string? run, IFormFile? file)
    {
        run ??= await LatestRunAsync();
        var limits = options.Value;
        try
        {
            if (file is null || file.Length == 0)
                throw new UploadRejected(UploadText.Get("NoFile"));
            limits.CheckFileSize(file.Length);
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, HttpContext.RequestAborted);
            var upload = new ReceiptUpload(planner, limits, clock);
            var stored = await upload.UploadAsync(
                run ?? "",
                User.City(),
                buffer.ToArray(),
                User.Identity?.Name ?? "",
                HttpContext.RequestAborted
            );
            Recorded = ReceiptText.Get("Recorded", stored);
        }
        catch (UploadInvalid e)
        {
            (Refused, Errors) = (e.Message, e.Errors);
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        catch (Exception e) when (e is UploadRejected or NoSuchRun)
        {
            Refused = e.Message;
            Response.StatusCode = e is UploadRejected r ? r.Status : StatusCodes.Status404NotFound;
        }
        await LoadAsync(run);
        return Page();
    }

    /// <summary>What a problem is about, as the form's column says it.</summary>
    private static string FieldTitle(ReceiptField field) =>
        field == ReceiptField.Line
            ? ReceiptText.Get("Line")
            : ReceiptTemplate.Columns.First(c => c.Field == field).TitleIn(Texts.Chinese);

    private async Task<string?> LatestRunAsync()
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        return await Planning.OverdueLines.LatestBaselineAsync(db);
    }

    private async Task LoadAsync(string? run)
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        Today = BeijingTime.Today(clock);
        Run = run ?? await Planning.OverdueLines.LatestBaselineAsync(db);
        if (Run is null || await ShipmentLines.PlanStartAsync(db, Run) is not { } start)
        {
            Run = null;
            return;
        }
        var city = User.City();
        Confirmed = await ShipmentLines.ReceiptsAsync(db, Run, city);
        var confirmed = Confirmed.Select(r => r.Key).ToHashSet();
        var open = (await ShipmentLines.LinesAsync(db, Run, city)).Where(l => !confirmed.Contains(l.Key)).ToList();
        Unconfirmed = open.Count;
        Overdue = open.Where(l => l.Arrival.AddDays(1) < Today).ToList();
        Due = open.Where(l => l.Arrival <= Today.AddDays(1)).Take(MaxRows).ToList();
    }

    /// <summary>A row of the form: the line (hidden) and what the officer typed.</summary>
    public sealed class ReceiptRow
    {
        public string? From { get; set; }
        public string? To { get; set; }
        public string? Product { get; set; }
        public string? Departure { get; set; }
        public string? Received { get; set; }
        public string? ReceivedOn { get; set; }
        public string? Shortage { get; set; }
        public string? Damaged { get; set; }
        public string? Note { get; set; }

        /// <summary>Whether anything was typed in the row.</summary>
        internal bool Typed =>
            new[] { Received, ReceivedOn, Shortage, Damaged, Note }.Any(t => !string.IsNullOrWhiteSpace(t));

        internal ReceiptInput Input(int i) =>
            new(
                i,
                From,
                To,
                Product,
                CellValues.IsoDate(Departure),
                CellValues.Number(Received),
                CellValues.IsoDate(ReceivedOn),
                CellValues.Number(Shortage)
            )
            {
                Damaged = CellValues.Number(Damaged),
                Note = string.IsNullOrWhiteSpace(Note) ? null : Note,
                Unreadable = Problems(i).Select(p => p.Field).ToHashSet(),
            };

        /// <summary>What was typed but cannot be read: a date that is not yyyy-mm-dd, a number that is none.</summary>
        internal IEnumerable<ReceiptProblem> Problems(int i)
        {
            (ReceiptField Field, string? Text, bool Read)[] fields =
            [
                (ReceiptField.Line, Departure, CellValues.IsoDate(Departure) is not null),
                (ReceiptField.ReceivedOn, ReceivedOn, CellValues.IsoDate(ReceivedOn) is not null),
                (ReceiptField.Received, Received, CellValues.Number(Received) is not null),
                (ReceiptField.Shortage, Shortage, CellValues.Number(Shortage) is not null),
                (ReceiptField.Damaged, Damaged, CellValues.Number(Damaged) is not null),
            ];
            foreach (var (field, text, read) in fields.Where(f => !string.IsNullOrWhiteSpace(f.Text) && !f.Read))
            {
                var message = field is ReceiptField.Line or ReceiptField.ReceivedOn ? "NotDate" : "NotWhole";
                yield return new ReceiptProblem(i, field, text, UploadText.Get(message));
            }
        }
    }
}
