using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.WebEncoders;

namespace Planner.Api.Localization;

/// <summary>
/// Simplified Chinese by default, English on request. The pages follow the language chosen with the switch on every
/// page (a cookie, which signing in sets from the user's saved choice) and are Chinese until one is chosen, whatever
/// the browser asks for; the API follows <c>Accept-Language</c>.
/// </summary>
public static class LocalizationSetup
{
    public const string Chinese = "zh-CN";
    public const string English = "en";

    /// <summary>The languages people read Planner in, the default first.</summary>
    public static readonly string[] Languages = [Chinese, English];

    public static IServiceCollection AddPlannerLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        // Chinese text goes out as text, not as one &#x…; entity per character (the default encoder's basic Latin).
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(Chinese).AddSupportedCultures(Languages).AddSupportedUICultures(Languages);
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new ApiAcceptLanguage()];
        });
        return services;
    }

    /// <summary>The language of a request, after authentication (whose redirects need none). A page served to a
    /// browser that has not chosen a language keeps its language (Chinese) in the cookie, so that the files it links
    /// to (workbooks, the template: API requests, which otherwise follow <c>Accept-Language</c>) come in the language
    /// of the page.</summary>
    public static IApplicationBuilder UsePlannerLocalization(this IApplicationBuilder app) =>
        app.UseRequestLocalization()
            .Use(
                (context, next) =>
                {
                    if (
                        !context.Request.Path.StartsWithSegments("/api")
                        && HttpMethods.IsGet(context.Request.Method)
                        && !context.Request.Cookies.ContainsKey(CookieRequestCultureProvider.DefaultCookieName)
                    )
                        Remember(context.Response, CultureInfo.CurrentUICulture.Name);
                    return next(context);
                }
            );

    /// <summary>The cookie that remembers the language in this browser.</summary>
    public static void Remember(HttpResponse response, string language) =>
        response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language)),
            new CookieOptions
            {
                Expires = DateTimeOffset.UtcNow.AddYears(1),
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                IsEssential = true,
            }
        );

    /// <summary>The language if it is one Planner speaks (<c>zh-CN</c> or <c>en</c>, in any case), else null.</summary>
    public static string? Known(string? language) =>
        Languages.FirstOrDefault(l => string.Equals(l, language, StringComparison.OrdinalIgnoreCase));

    /// <summary><c>Accept-Language</c>, for the API only: a browser's own language does not choose the
    /// pages'.</summary>
    private sealed class ApiAcceptLanguage : AcceptLanguageHeaderRequestCultureProvider
    {
        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext) =>
            httpContext.Request.Path.StartsWithSegments("/api")
                ? base.DetermineProviderCultureResult(httpContext)
                : NullProviderCultureResult;
    }
}
