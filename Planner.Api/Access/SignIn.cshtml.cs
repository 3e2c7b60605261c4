using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Planner.Api.Access;

/// <summary>
/// Cookie sign-in with a user name (in any case) and password; failed attempts are limited per user name and per
/// address (<see cref="SignInThrottle"/>).
/// </summary>
public sealed class SignInModel(
    Database planner,
    IOptions<AccessOptions> options,
    SignInThrottle throttle,
    IStringLocalizer<SignInModel> text
) : PageModel
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
            Error = text["Wrong"];
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        throttle.Succeeded(userName, address);
        if (user.Language is { } language)
            Localization.LocalizationSetup.Remember(Response, language);
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
                ? Plural((int)access.SignInFailureWindow.TotalMinutes, "Minute")
                : Plural((int)access.SignInFailureWindow.TotalSeconds, "Second");
        var wait = Plural(refusal.WaitSeconds, "Second");
        return refusal.Limit == SignInLimit.UserName
            ? text["TooManyForUser", userName, window, access.SignInFailuresPerUser, wait]
            : text["TooManyForAddress", access.SignInFailuresPerAddress, window, wait];
    }

    private string Plural(int count, string unit) =>
        text[count == 1 ? unit : unit + "s", count.ToString(CultureInfo.InvariantCulture)];
}
