using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Planner.Api.Access;
using Planner.Api.Localization;
using Planner.Api.Uploads;

namespace Planner.Api.Receipts;

/// <summary>
/// Receipts of a run's shipment lines over HTTP: what was confirmed, the lines overdue (not confirmed by the day
/// after they arrive), a batch of receipts as JSON, and the receipts template and its upload. Planners and
/// logistics officers; a city's officers see and confirm the lines into their city and its counties only. A
/// refused batch or file comes back as ProblemDetails listing every problem in <c>errors</c> with its place
/// (<c>receipts[i].field</c> in a request; sheet, row, column and header in a file); nothing is written.
/// </summary>
public static class ReceiptsApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapReceiptsApi(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<UploadLimits>>().Value;
        var api = app.MapGroup("/api/runs/{runId}/receipts")
            .RequireAuthorization(AccessSetup.PlansReaders)
            .WithTags("Receipts");

        api.Get("/", GetReceipts, "The receipts recorded for the run's lines (a city officer: into their city)");
        api.Get("/overdue", GetOverdue, "Lines not confirmed by the day after they arrive (today in Beijing time)");
        api.Post("/", PostReceipts, "Record a batch of receipts: all or nothing, every problem listed")
            .DisableAntiforgery();
        api.Get("/template", GetTemplate, "The receipts template: the lines to confirm in your area");
        api.Post("/workbook", UploadWorkbook, "Upload a filled receipts template (multipart field 'file')")
            // As the capacity upload: an API key or a SameSite=Strict cookie, the body capped, a permit to read.
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(limits.MaxRequestBytes))
            .WithFormOptions(multipartBodyLengthLimit: limits.MaxRequestBytes)
            .RequireRateLimiting(UploadsApi.ConcurrencyPolicy);
        return api;
    }

    public static async Task<Results<Ok<List<StoredReceipt>>, ProblemHttpResult>> GetReceipts(
        string runId,
        ClaimsPrincipal user,
        Database planner,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        if (await ShipmentLines.PlanStartAsync(db, runId) is not { } start)
            return NotFound(runId);
        return TypedResults.Ok(await ShipmentLines.ReceiptsAsync(db, runId, user.City()));
    }

    public static async Task<Results<Ok<List<LineView>>, ProblemHttpResult>> GetOverdue(
        string runId,
        ClaimsPrincipal user,
        Database planner,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        if (await ShipmentLines.PlanStartAsync(db, runId) is null)
            return NotFound(runId);
        var overdue = await ShipmentLines.OverdueAsync(db, runId, user.City(), BeijingTime.Today(clock));
        return TypedResults.Ok(overdue.Select(LineView.Of).ToList());
    }

    public static async Task<Results<Ok<RecordedReceipts>, ProblemHttpResult>> PostReceipts(
        string runId,
        HttpRequest request,
        ClaimsPrincipal user,
        Database planner,
        IOptions<UploadLimits> limits,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        ReceiptBatch? batch;
        try
        {
            batch = await JsonSerializer.DeserializeAsync<ReceiptBatch>(request.Body, Json, ct);
        }
        catch (JsonException e)
        {
            return Problem(ReceiptText.Get("BadJson", e.Path ?? "$", Database.FirstLine(e.Message)), 400);
        }
        var requests = batch?.Receipts ?? [];
        var inputs = requests.Select((r, i) => r.Input(i)).ToList();
        var found = requests.SelectMany((r, i) => r.DateProblems(i)).ToList();
        try
        {
            var stored = await new ReceiptBook(planner, clock).RecordAsync(
                runId,
                user.City(),
                inputs,
                ("api", user.Identity?.Name ?? "", limits.Value.MaxNoteLength),
                ReceiptBook.ItemPlace,
                found,
                ct
            );
            return TypedResults.Ok(new RecordedReceipts(stored));
        }
        catch (NoSuchRun)
        {
            return NotFound(runId);
        }
        catch (ReceiptsRefused e)
        {
            var errors = e.Problems.Select(p => new RequestError(
                p.Item,
                FormattableString.Invariant($"receipts[{p.Item}].{RequestField(p.Field)}"),
                p.Value,
                p.Message
            ));
            return TypedResults.Problem(
                e.Message,
                statusCode: StatusCodes.Status400BadRequest,
                title: ReceiptText.Get("RefusedTitle"),
                extensions: new Dictionary<string, object?> { ["errors"] = errors.ToList() }
            );
        }
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetTemplate(
        string runId,
        ClaimsPrincipal user,
        Database planner,
        IOptions<UploadLimits> limits,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        try
        {
            var (content, name) = await ReceiptTemplate.BuildAsync(
                planner,
                runId,
                user.City(),
                BeijingTime.Today(clock),
                limits.Value,
                ct
            );
            return TypedResults.File(content, UploadsApi.Xlsx, name);
        }
        catch (NoSuchRun)
        {
            return NotFound(runId);
        }
    }

    public static async Task<Results<Ok<RecordedReceipts>, ProblemHttpResult>> UploadWorkbook(
        string runId,
        HttpRequest request,
        ClaimsPrincipal user,
        Database planner,
        IOptions<UploadLimits> options,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var limits = options.Value;
        var (file, refused) = await UploadsApi.FormFileAsync(request, limits, ct);
        if (file is null)
            return refused!;
        try
        {
            limits.CheckFileSize(file.Length);
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct);
            var upload = new ReceiptUpload(planner, limits, clock);
            var stored = await upload.UploadAsync(runId, user.City(), buffer.ToArray(), user.Identity?.Name ?? "", ct);
            return TypedResults.Ok(new RecordedReceipts(stored));
        }
        catch (NoSuchRun)
        {
            return NotFound(runId);
        }
        catch (UploadInvalid e)
        {
            return UploadsApi.Invalid(e);
        }
        catch (UploadRejected e)
        {
            return UploadsApi.Rejected(e);
        }
    }

    /// <summary>The name of a field in a request's receipt.</summary>
    private static string RequestField(ReceiptField field) =>
        field switch
        {
            ReceiptField.Line => "line",
            ReceiptField.Received => "received",
            ReceiptField.ReceivedOn => "receivedOn",
            ReceiptField.Shortage => "shortage",
            ReceiptField.Damaged => "damaged",
            _ => "note",
        };

    private static ProblemHttpResult NotFound(string run) => Problem(ReceiptText.Get("NoRun", run), 404);

    private static ProblemHttpResult Problem(string detail, int status) =>
        TypedResults.Problem(
            detail,
            statusCode: status,
            title: ReceiptText.Get(status == 404 ? "NotFoundTitle" : "RefusedTitle")
        );

    /// <summary>A batch of receipts as posted.</summary>
    public sealed record ReceiptBatch(IReadOnlyList<ReceiptRequest>? Receipts);

    /// <summary>
    /// One receipt as posted: the line (from, to, product codes and departure date, yyyy-MM-dd), the whole units
    /// received in good order, short and damaged, the day it arrived (yyyy-MM-dd) and a note.
    /// </summary>
    public sealed record ReceiptRequest(
        string? From,
        string? To,
        string? Product,
        string? Departure,
        decimal? Received,
        string? ReceivedOn,
        decimal? Shortage,
        decimal? Damaged,
        string? Note
    )
    {
        /// <summary>The receipt to check; a date given but not as yyyy-MM-dd is unreadable (see
        /// <see cref="DateProblems"/>).</summary>
        internal ReceiptInput Input(int item) =>
            new(
                item,
                From,
                To,
                Product,
                CellValues.IsoDate(Departure),
                Received,
                CellValues.IsoDate(ReceivedOn),
                Shortage,
                Damaged,
                Note
            )
            {
                Unreadable = DateProblems(item).Select(p => p.Field).ToHashSet(),
            };

        /// <summary>The dates given that are not yyyy-MM-dd.</summary>
        internal IEnumerable<ReceiptProblem> DateProblems(int item)
        {
            if (Departure is { Length: > 0 } && CellValues.IsoDate(Departure) is null)
                yield return new(item, ReceiptField.Line, Departure, UploadText.Get("NotDate"));
            if (ReceivedOn is { Length: > 0 } && CellValues.IsoDate(ReceivedOn) is null)
                yield return new(item, ReceiptField.ReceivedOn, ReceivedOn, UploadText.Get("NotDate"));
        }
    }

    /// <summary>How many receipts were written.</summary>
    public sealed record RecordedReceipts(int Recorded);

    /// <summary>A problem with one receipt of a request: its index, the path of the field, what was given, what is
    /// wrong.</summary>
    public sealed record RequestError(int Item, string Path, string? Value, string Message);

    /// <summary>A shipment line as listed (overdue lines), names in the request's language.</summary>
    public sealed record LineView(
        string From,
        string FromName,
        string To,
        string ToName,
        string Product,
        string ProductName,
        DateOnly Departure,
        DateOnly Arrival,
        double Quantity
    )
    {
        public static LineView Of(ShipmentLine l) =>
            new(l.FromCode, l.From, l.ToCode, l.To, l.ProductCode, l.Product, l.Departure, l.Arrival, l.Quantity);
    }
}
