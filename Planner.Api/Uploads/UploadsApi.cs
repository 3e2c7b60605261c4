using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Planner.Api.Access;

namespace Planner.Api.Uploads;

/// <summary>
/// The capacity template and its upload over HTTP: download the template (all hospitals, or <c>?hospitals=A,B</c>),
/// upload a filled one (multipart field <c>file</c>), list recent uploads. A refused file or row comes back as
/// ProblemDetails; row problems are all listed in its <c>errors</c> (sheet, row, column, field, value, message).
/// Planners and hospital administrators only; an administrator's template, rows and upload history are limited
/// to their own hospitals and uploads. Uploads are read at most <see cref="UploadLimits.MaxConcurrent"/> at a time
/// (the API and the /uploads page together); beyond that the answer is 429 with Retry-After, and a body larger
/// than the file limit allows is refused (413) before it is read.
/// </summary>
public static class UploadsApi
{
    public const string ConcurrencyPolicy = "uploads";

    /// <summary>
    /// Seconds a refused uploader is asked to wait: more than twice what an upload at the limits takes to read on a
    /// 2-core machine (1.8 s; docs/benchmarks.md, "Uploads: hostile files"), so that a permit is likely free again.
    /// </summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>The concurrency limit on uploads (the API's POST and the /uploads page's): 429 beyond it.</summary>
    public static IServiceCollection AddUploads(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = UploadLimits.From(configuration);
        var permits = new ConcurrencyLimiterOptions { PermitLimit = limits.MaxConcurrent, QueueLimit = 0 };
        services.AddRateLimiter(options =>
        {
            // Reading the page or the template takes no permit: only posting a file does.
            options.AddPolicy(ConcurrencyPolicy, context =>
                HttpMethods.IsPost(context.Request.Method)
                    ? RateLimitPartition.GetConcurrencyLimiter(ConcurrencyPolicy, _ => permits)
                    : RateLimitPartition.GetNoLimiter("")
            );
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (rejected, ct) =>
            {
                var http = rejected.HttpContext;
                http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(
                    new ProblemDetailsContext
                    {
                        HttpContext = http,
                        ProblemDetails = new ProblemDetails
                        {
                            Status = StatusCodes.Status429TooManyRequests,
                            Title = UploadText.Get("BusyTitle"),
                            Detail = UploadText.Get(
                                limits.MaxConcurrent == 1 ? "BusyOne" : "Busy",
                                limits.MaxConcurrent,
                                UploadLimits.Section,
                                RetryAfterSeconds
                            ),
                        },
                    }
                );
            };
        });
        // The /uploads page posts files too. Registered before AddRazorPages, this convention never ran (seen in
        // the tests): Program.cs calls AddUploads after it.
        // Its body is capped like the API's: past the file limit the server stops reading.
        // The receipts page posts workbooks the same way.
        foreach (var name in new[] { "/Uploads/Uploads", "/Receipts/Index" })
        {
            services.Configure<RazorPagesOptions>(o => o.Conventions.AddPageApplicationModelConvention(name, page =>
                {
                    page.EndpointMetadata.Add(new EnableRateLimitingAttribute(ConcurrencyPolicy));
                    page.EndpointMetadata.Add(new RequestSizeLimitAttribute(limits.MaxRequestBytes));
                    page.Filters.Add(new RequestSizeLimitAttribute(limits.MaxRequestBytes));
                    page.Filters.Add(
                        new RequestFormLimitsAttribute { MultipartBodyLengthLimit = limits.MaxRequestBytes }
                    );
                }));
        }
        return services;
    }

    public static RouteGroupBuilder MapUploadsApi(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<UploadLimits>>().Value;
        var api = app.MapGroup("/api/uploads").RequireAuthorization(AccessSetup.CapacityReporters).WithTags("Uploads");

        api.Get("/capacity/template", GetCapacityTemplate, "The capacity template (your hospitals, or ?hospitals=A,B)");
        api.Post(
                "/capacity",
                UploadCapacity,
                "Upload a filled capacity template (multipart field 'file'): all or nothing, every problem listed"
            )
            // Forms posted by the pages carry an anti-forgery token; API clients send a key, and the sign-in cookie is
            // SameSite=Strict, so no other site can post here in a user's name.
            .DisableAntiforgery()
            // Kestrel stops reading a body past this (chunked bodies have no length to check first).
            .WithMetadata(new RequestSizeLimitAttribute(limits.MaxRequestBytes))
            .WithFormOptions(multipartBodyLengthLimit: limits.MaxRequestBytes)
            .RequireRateLimiting(ConcurrencyPolicy);
        api.Get("/", GetUploads, "Recent accepted uploads (a hospital administrator: their own)");
        return api;
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetCapacityTemplate(
        string? hospitals,
        ClaimsPrincipal user,
        Database planner,
        IOptions<UploadLimits> limits,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        IReadOnlyCollection<string> codes = (hospitals ?? "").Split(
            ',',
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries
        );
        if (user.Hospitals() is { } own)
        {
            // No codes means every hospital: an administrator without hospitals gets none, not all.
            if (own.Count == 0)
            {
                return TypedResults.Problem(
                    UploadText.Get("NoHospitals"),
                    statusCode: StatusCodes.Status403Forbidden,
                    title: UploadText.Get("ForbiddenTitle")
                );
            }
            if (codes.FirstOrDefault(c => !own.Contains(c)) is { } other)
            {
                return TypedResults.Problem(
                    UploadText.Get("NotYours", other, string.Join(", ", own.Order(StringComparer.Ordinal))),
                    statusCode: StatusCodes.Status403Forbidden,
                    title: UploadText.Get("ForbiddenTitle")
                );
            }
            if (codes.Count == 0)
                codes = own;
        }
        try
        {
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var (content, name) = await CapacityTemplate.BuildAsync(planner, codes, today, limits.Value, ct);
            return TypedResults.File(content, Xlsx, name);
        }
        catch (PlannerException e)
        {
            return TypedResults.Problem(
                e.Message,
                statusCode: StatusCodes.Status404NotFound,
                title: UploadText.Get("NotFoundTitle")
            );
        }
    }

    public static async Task<Results<Ok<UploadResult>, ProblemHttpResult>> UploadCapacity(
        HttpRequest request,
        ClaimsPrincipal user,
        Database planner,
        IOptions<UploadLimits> options,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var limits = options.Value;
        var (file, refused) = await FormFileAsync(request, limits, ct);
        if (file is null)
            return refused!;
        try
        {
            return TypedResults.Ok(await CapacityUpload.FromFormAsync(file, planner, limits, clock, user, ct));
        }
        catch (UploadInvalid e)
        {
            return Invalid(e);
        }
        catch (UploadRejected e)
        {
            return Rejected(e);
        }
    }

    /// <summary>
    /// The file posted as the multipart field <c>file</c>, or the problem to answer instead: a request over the size
    /// limit (413, before it is read), a form that cannot be read, or no file.
    /// </summary>
    internal static async Task<(IFormFile? File, ProblemHttpResult? Problem)> FormFileAsync(
        HttpRequest request,
        UploadLimits limits,
        CancellationToken ct
    )
    {
        if (request.ContentLength > limits.MaxRequestBytes)
            return (null, TooLarge(request.ContentLength, limits));
        IFormFile? file;
        try
        {
            // Read by hand rather than bound, so that a request without a form gets this message, not a binding error.
            file = request.HasFormContentType ? (await request.ReadFormAsync(ct)).Files["file"] : null;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(null, limits));
        }
        catch (InvalidDataException e)
        {
            // The form reader's own limits (FormOptions), the multipart body's among them.
            return (
                null,
                TypedResults.Problem(
                    UploadText.Get("FormUnreadable", e.Message),
                    statusCode: StatusCodes.Status400BadRequest,
                    title: UploadText.Get("RefusedTitle")
                )
            );
        }
        if (file is null)
        {
            return (
                null,
                TypedResults.Problem(
                    UploadText.Get("NoFile"),
                    statusCode: StatusCodes.Status400BadRequest,
                    title: UploadText.Get("RefusedTitle")
                )
            );
        }
        return (file, null);
    }

    /// <summary>An upload whose rows have problems: 400, every problem in <c>errors</c>.</summary>
    internal static ProblemHttpResult Invalid(UploadInvalid e) =>
        TypedResults.Problem(
            e.Message,
            statusCode: StatusCodes.Status400BadRequest,
            title: UploadText.Get("ProblemsTitle"),
            extensions: new Dictionary<string, object?> { ["errors"] = e.Errors, ["errorsNotListed"] = e.NotListed }
        );

    /// <summary>A file refused as a whole, with its status.</summary>
    internal static ProblemHttpResult Rejected(UploadRejected e) =>
        TypedResults.Problem(e.Message, statusCode: e.Status, title: UploadText.Get("RefusedTitle"));

    public static async Task<Ok<IReadOnlyList<UploadRecord>>> GetUploads(
        ClaimsPrincipal user,
        Database planner,
        int? limit,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        return TypedResults.Ok(await RecentAsync(db, user, Math.Clamp(limit ?? 20, 1, 500)));
    }

    /// <summary>Recent accepted uploads, newest first: all of them for a planner, their own for anyone else.</summary>
    public static async Task<IReadOnlyList<UploadRecord>> RecentAsync(
        System.Data.Common.DbConnection db,
        ClaimsPrincipal user,
        int limit
    ) =>
        (
            await db.QueryAsync<UploadRecord>(
                """
                SELECT id AS Id, file_name AS FileName, sha256 AS Sha256, rows_read AS RowsRead, rows_changed AS
                RowsChanged, uploaded_by AS UploadedBy, uploaded_at AS UploadedAt FROM uploads WHERE @everyone
                OR uploaded_by = @name ORDER BY uploaded_at DESC, id DESC LIMIT @limit
                """,
                new
                {
                    everyone = user.IsInRole(Roles.Planner),
                    name = user.Identity?.Name,
                    limit,
                }
            )
        ).ToList();

    internal const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private static ProblemHttpResult TooLarge(long? bytes, UploadLimits limits) =>
        TypedResults.Problem(
            UploadText.Get(
                bytes is null ? "RequestTooLargeUnknown" : "RequestTooLarge",
                bytes is { } b ? UploadLimits.Megabytes(b) : "",
                UploadLimits.Megabytes(limits.MaxBytes),
                UploadLimits.Section
            ),
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: UploadText.Get("RefusedTitle")
        );

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
