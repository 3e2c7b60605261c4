using System.Security.Claims;
using Dapper;
using Planner.Api.Access;
using Planner.Api.Configuration;

namespace Planner.Api.Uploads;

/// <summary>
/// The capacity template and its upload over HTTP: download the template (all hospitals, or <c>?hospitals=A,B</c>),
/// upload a filled one (multipart field <c>file</c>), list recent uploads. A refused file or row comes back as
/// ProblemDetails; row problems are all listed in its <c>errors</c> (sheet, row, column, field, value, message).
/// Planners and hospital administrators only; an administrator's template, rows and upload history are limited
/// to their own hospitals and uploads.
/// </summary>
public static class UploadEndpoints
{
    public static IEndpointRouteBuilder MapUploads(this IEndpointRouteBuilder app)
    {
        var uploads = app.MapGroup("/api/uploads").RequireAuthorization(AccessSetup.CapacityReporters).WithTags("Uploads");
        uploads.MapGet("/capacity/template", async (string? hospitals, ClaimsPrincipal user, PlannerSettings settings, TimeProvider clock, CancellationToken ct) =>
        {
            IReadOnlyCollection<string> codes = (hospitals ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (user.Hospitals() is { } own)
            {
                // No codes means every hospital: an administrator without hospitals gets none, not all.
                if (own.Count == 0) return Results.Problem("You report for no hospital; ask a planner to add yours to your user.", statusCode: StatusCodes.Status403Forbidden);
                if (codes.FirstOrDefault(c => !own.Contains(c)) is { } other)
                {
                    return Results.Problem($"Hospital {other} is not one of yours; you report for {string.Join(", ", own.Order(StringComparer.Ordinal))}.", statusCode: StatusCodes.Status403Forbidden);
                }
                if (codes.Count == 0) codes = own;
            }
            try
            {
                var (content, name) = await CapacityTemplate.BuildAsync(settings.Planner, codes, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), ct);
                return Results.File(content, Xlsx, name);
            }
            catch (PlannerException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status404NotFound);
            }
        }).WithSummary("The capacity template (your hospitals, or ?hospitals=A,B)");
        uploads.MapPost("/capacity", async (HttpRequest request, ClaimsPrincipal user, PlannerSettings settings, TimeProvider clock, CancellationToken ct) =>
        {
            // Read by hand rather than bound, so that a request without a form gets this message, not a binding error.
            var file = request.HasFormContentType ? (await request.ReadFormAsync(ct)).Files["file"] : null;
            if (file is null) return Results.Problem("Send the filled template as the multipart form field 'file'.", statusCode: StatusCodes.Status400BadRequest);
            try
            {
                return Results.Ok(await CapacityUpload.FromFormAsync(file, settings, clock, user, ct));
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
        })
        // Forms posted by the pages carry an anti-forgery token; API clients send a key, and the sign-in cookie is
        // SameSite=Strict, so no other site can post here in a user's name.
        .DisableAntiforgery().WithSummary("Upload a filled capacity template (multipart field 'file'): all or nothing, every problem listed");
        uploads.MapGet("/", async (ClaimsPrincipal user, PlannerSettings settings, int? limit) =>
        {
            await using var db = await settings.Planner.OpenAsync();
            return Results.Ok(await RecentAsync(db, user, Math.Clamp(limit ?? 20, 1, 500)));
        }).WithSummary("Recent accepted uploads (a hospital administrator: their own)");
        return app;
    }

    /// <summary>Recent accepted uploads, newest first: all of them for a planner, their own for anyone else.</summary>
    public static async Task<IReadOnlyList<UploadRecord>> RecentAsync(System.Data.Common.DbConnection db, ClaimsPrincipal user, int limit) =>
        (await db.QueryAsync<UploadRecord>("""
            SELECT id AS Id, file_name AS FileName, sha256 AS Sha256, rows_read AS RowsRead, rows_changed AS RowsChanged, uploaded_by AS UploadedBy, uploaded_at AS UploadedAt
            FROM uploads WHERE @everyone OR uploaded_by = @name ORDER BY uploaded_at DESC, id DESC LIMIT @limit
            """, new { everyone = user.IsInRole(Roles.Planner), name = user.Identity?.Name, limit })).ToList();

    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>An accepted upload as listed.</summary>
    public sealed class UploadRecord
    {
        public string Id { get; set; } = "";
        public string FileName { get; set; } = "";
        public string Sha256 { get; set; } = "";
        public long RowsRead { get; set; }
        public long RowsChanged { get; set; }
        public string? UploadedBy { get; set; }
        public DateTimeOffset UploadedAt { get; set; }
    }
}
