using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Planner.Api.Access;
using Planner.Api.Configuration;

namespace Planner.Api.Pages;

/// <summary>Cookie sign-in with a user name and password; attempts are rate-limited per address.</summary>
public sealed class SignInModel(PlannerSettings settings, SignInThrottle throttle) : PageModel
{
    [BindProperty]
    public string UserName { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!throttle.TryAttempt(HttpContext))
        {
            Error = $"Too many sign-in attempts from your address; wait a minute and try again (at most {settings.Access.SignInAttemptsPerMinute} a minute).";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }
        await using var db = await settings.Planner.OpenAsync(HttpContext.RequestAborted);
        if (await Users.VerifyPasswordAsync(db, UserName.Trim(), Password) is not { } user)
        {
            Error = "The user name or password is wrong.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AccessSetup.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
