using Dapper;
using Planner.Api.Configuration;
using Planner.Api.Jobs;

namespace Planner.Api.Uploads;

/// <summary>
/// The capacity template and its upload over HTTP: download the template (all hospitals, or <c>?hospitals=A,B</c>),
/// upload a filled one (multipart field <c>file</c>), list recent uploads. A refused file or row comes back as
/// ProblemDetails; row problems are all listed in its <c>errors</c> (sheet, row, column, field, value, message).
/// </summary>
public static class UploadEndpoints
{
    public static IEndpointRouteBuilder MapUploads(this IEndpointRouteBuilder app)
    {
        var uploads = app.MapGroup("/api/uploads").LocalOnly();
        uploads.MapGet("/capacity/template", async (string? hospitals, PlannerSettings settings, TimeProvider clock, CancellationToken ct) =>
        {
            var codes = (hospitals ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            try
            {
                var (content, name) = await CapacityTemplate.BuildAsync(settings.Planner, codes, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), ct);
                return Results.File(content, Xlsx, name);
            }
            catch (PlannerException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status404NotFound);
            }
        });
        uploads.MapPost("/capacity", async (IFormFile? file, PlannerSettings settings, TimeProvider clock, CancellationToken ct) =>
        {
            if (file is null) return Results.Problem("Send the filled template as the multipart form field 'file'.", statusCode: StatusCodes.Status400BadRequest);
            if (file.Length > settings.Uploads.MaxBytes)
            {
                return Results.Problem($"The file is {file.Length / 1048576.0:0.#} MB; the limit is {settings.Uploads.MaxBytes / 1048576.0:0.#} MB.", statusCode: StatusCodes.Status413PayloadTooLarge);
            }
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct);
            try
            {
                var result = await new CapacityUpload(settings.Planner, settings.Uploads, clock).UploadAsync(file.FileName, buffer.ToArray(), user: null, ct);
                return Results.Ok(result);
            }
            catch (UploadInvalid e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The upload has problems",
                    extensions: new Dictionary<string, object?> { ["errors"] = e.Errors });
            }
            catch (UploadRejected e)
            {
                return Results.Problem(e.Message, statusCode: e.Status, title: "The file was refused");
            }
        }).DisableAntiforgery();
        uploads.MapGet("/", async (PlannerSettings settings, int? limit) =>
        {
            await using var db = await settings.Planner.OpenAsync();
            return Results.Ok(await db.QueryAsync<UploadRecord>("""
                SELECT id AS Id, file_name AS FileName, sha256 AS Sha256, rows_read AS RowsRead, rows_changed AS RowsChanged, uploaded_at AS UploadedAt
                FROM uploads ORDER BY uploaded_at DESC, id DESC LIMIT @limit
                """, new { limit = Math.Clamp(limit ?? 20, 1, 500) }));
        });
        return app;
    }

    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>An accepted upload as listed.</summary>
    public sealed class UploadRecord
    {
        public string Id { get; set; } = "";
        public string FileName { get; set; } = "";
        public string Sha256 { get; set; } = "";
        public long RowsRead { get; set; }
        public long RowsChanged { get; set; }
        public DateTimeOffset UploadedAt { get; set; }
    }
}
