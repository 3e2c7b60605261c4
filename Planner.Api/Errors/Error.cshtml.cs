using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Planner.Api.Errors;

/// <summary>
/// What a page answers instead of a bare status code (an unknown page, run or scenario; a bad request): an HTML page
/// in the reader's language with a way back that fits their role. The API keeps its ProblemDetails.
/// </summary>
[AllowAnonymous]
public sealed class ErrorModel : PageModel
{
    public int Code { get; private set; }

    public void OnGet(int code)
    {
        Code = code is >= 400 and <= 599 ? code : 404;
        Response.StatusCode = Code;
    }

    /// <summary>Whether a request's error answer is a page: a page asked for (GET), not the API, the jobs dashboard
    /// or the health check. A refused form post keeps its status (its body may be what was refused).</summary>
    public static bool IsPage(HttpContext context) =>
        (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        && !context.Request.Path.StartsWithSegments("/api")
        && !context.Request.Path.StartsWithSegments("/hangfire")
        && !context.Request.Path.StartsWithSegments("/health")
        && !context.Request.Path.StartsWithSegments("/openapi");
}
