using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Planner.Api.Access;

/// <summary>
/// Cookie sign-in with a user name (in any case) and password; failed attempts are limited per user name and per
/// address (<see cref="SignInThrottle"/>).
/// </summary>
public sealed class SignInModel(Database planner, IOptions<AccessOptions> options, SignInThrottle throttle) : PageModel
{
    [BindProperty]
    public string UserName { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        var userName = UserName.Trim();
        var address = HttpContext.Connection.RemoteIpAddress;
        if (throttle.TryBegin(userName, address) is { } refusal)
        {
            // The same for a user name that does not exist: the limit counts names as typed, known or not.
            Error = Refused(refusal, userName);
            Response.Headers.RetryAfter = refusal.WaitSeconds.ToString(CultureInfo.InvariantCulture);
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        if (await Users.VerifyPasswordAsync(db, userName, Password) is not { } user)
        {
            Error = "The user name or password is wrong.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        throttle.Succeeded(userName, address);
        await HttpContext.SignInAsync(
            CookieAuthenticationDefaults.AuthenticationScheme,
            AccessSetup.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme)
        );
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    private string Refused(SignInRefusal refusal, string userName)
    {
        var access = options.Value;
        var window =
            access.SignInFailureWindow.TotalSeconds % 60 == 0
                ? Plural((int)access.SignInFailureWindow.TotalMinutes, "minute")
                : Plural((int)access.SignInFailureWindow.TotalSeconds, "second");
        var wait = Plural(refusal.WaitSeconds, "second");
        return refusal.Limit == SignInLimit.UserName
            ? $"Too many failed sign-ins for the user name {userName} ({access.SignInFailuresPerUser} within "
                + $"{window}): wait {wait} before trying it again. Other user names can still sign in from here."
            : $"Too many failed sign-ins from your address ({access.SignInFailuresPerAddress} within {window}, "
                + $"counting everyone who signs in from it): wait {wait} and try again.";
    }

    private static string Plural(int count, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {unit}{(count == 1 ? "" : "s")}");
}
