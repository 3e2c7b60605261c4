using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Planner.Api.Localization;

namespace Planner.Api.Access;

/// <summary>
/// The language switch on every page: remembered in this browser (a cookie) and, for a signed-in user, saved with
/// the user, so that signing in elsewhere brings it back. An unknown language changes nothing.
/// </summary>
public sealed class LanguageModel(Database planner) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync(string? language, string? returnUrl)
    {
        if (LocalizationSetup.Known(language) is { } known)
        {
            LocalizationSetup.Remember(Response, known);
            if (User.Identity?.IsAuthenticated == true && User.Identity.Name is { } userName)
            {
                await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
                await Users.SaveLanguageAsync(db, userName, known);
            }
        }
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}
