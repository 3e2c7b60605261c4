using System.Security.Claims;
using System.Text.Encodings.Web;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Planner.Api.Localization;

namespace Planner.Api.Access;

/// <summary>
/// Sign-in and access: a cookie for the pages, an API key (<c>X-Api-Key</c> or <c>Authorization: Bearer</c>)
/// for the API, one policy per role, and limits on failed sign-ins (<see cref="SignInThrottle"/>). Scopes (a city,
/// some hospitals) are claims that the endpoints check against what is asked for.
/// </summary>
public static class AccessSetup
{
    /// <summary>The scheme that picks the API key when a request carries one, and the cookie otherwise.</summary>
    public const string Scheme = "planner";

    public const string ApiKeyScheme = "api-key";

    /// <summary>Policies by who may use an endpoint.</summary>
    public const string Planners = "planners";
    public const string PlansReaders = "plans-readers";
    public const string CapacityReporters = "capacity-reporters";

    public const string CityClaim = "planner:city";
    public const string HospitalClaim = "planner:hospital";

    public static IServiceCollection AddPlannerAccess(this IServiceCollection services)
    {
        services
            .AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Cookie or API key", o =>
                o.ForwardDefaultSelector = context =>
                    context.Request.Headers.ContainsKey(ApiKeyHandler.Header)
                    || context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal)
                        ? ApiKeyScheme
                        : CookieAuthenticationDefaults.AuthenticationScheme
            )
            .AddCookie(o =>
            {
                o.LoginPath = "/signin";
                o.AccessDeniedPath = "/denied";
                o.Cookie.Name = "planner";
                o.Cookie.HttpOnly = true;
                // Strict: a page on another site cannot make the browser send it (no cross-site form posts to the API).
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(10);
                o.SlidingExpiration = true;
                // The API answers 401/403 with ProblemDetails; only pages are sent to the sign-in page.
                o.Events.OnRedirectToLogin = context =>
                    ApiOrRedirect(context, StatusCodes.Status401Unauthorized, "SignInFirst");
                o.Events.OnRedirectToAccessDenied = context =>
                    ApiOrRedirect(context, StatusCodes.Status403Forbidden, "RoleNotAllowed");
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyScheme, null);

        services
            .AddAuthorizationBuilder()
            .AddPolicy(Planners, p => p.RequireRole(Roles.Planner))
            .AddPolicy(PlansReaders, p => p.RequireRole(Roles.Planner, Roles.Logistics))
            .AddPolicy(CapacityReporters, p => p.RequireRole(Roles.Planner, Roles.Hospital));

        services.AddSingleton<SignInThrottle>();
        return services;
    }

    /// <summary>Authentication, then authorization (before the dashboard and the endpoints).</summary>
    public static IApplicationBuilder UsePlannerAccess(this IApplicationBuilder app) =>
        app.UseAuthentication().UseAuthorization();

    /// <summary>The claims of a signed-in user (cookie or API key).</summary>
    public static ClaimsPrincipal Principal(PlannerUser user, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, user.UserName),
            new(ClaimTypes.GivenName, user.DisplayName),
            new(ClaimTypes.Role, user.Role),
        };
        if (user.CityCode is not null)
            claims.Add(new Claim(CityClaim, user.CityCode));
        claims.AddRange(user.Hospitals.Select(h => new Claim(HospitalClaim, h)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The city a logistics officer is limited to; null for the province and for planners.</summary>
    public static string? City(this ClaimsPrincipal user) => user.FindFirst(CityClaim)?.Value;

    /// <summary>The hospitals a hospital administrator reports for; null (all) for a planner.</summary>
    public static IReadOnlySet<string>? Hospitals(this ClaimsPrincipal user) =>
        user.IsInRole(Roles.Planner)
            ? null
            : user.FindAll(HospitalClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether the user may download a published file of this kind (province, city-CODE, summary).</summary>
    public static bool MaySee(this ClaimsPrincipal user, string kind) =>
        user.IsInRole(Roles.Planner)
        || (user.IsInRole(Roles.Logistics) && (user.City() is not { } city || kind == $"city-{city}"));

    /// <summary>A page is sent on; the API gets a problem whose text (<paramref name="detail"/>, a key of
    /// <see cref="Messages"/>) is in the request's language.</summary>
    private static async Task ApiOrRedirect(
        RedirectContext<CookieAuthenticationOptions> context,
        int status,
        string detail
    )
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.Redirect(context.RedirectUri);
            return;
        }
        await WriteProblemAsync(context.HttpContext, status, detail);
    }

    /// <summary>Writes a 401 or 403 problem in the request's language (authorization answers before the localization
    /// middleware has set it); <paramref name="detail"/> is a key of <see cref="Messages"/>.</summary>
    internal static async Task WriteProblemAsync(HttpContext context, int status, string detail)
    {
        using var language = Texts.Use(await Messages.RequestLanguageAsync(context));
        context.Response.StatusCode = status;
        await context
            .RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(
                new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = status,
                        Title = Messages.Title(status),
                        Detail = Messages.Get(detail),
                    },
                }
            );
    }

    /// <summary>The Hangfire dashboard: planners only.</summary>
    public sealed class PlannersOnlyDashboard : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Planner);
    }
}

/// <summary>Authenticates API requests by key: <c>X-Api-Key: pk_…</c> or <c>Authorization: Bearer pk_…</c>.</summary>
public sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    Database planner
) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Header = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Request.Headers[Header].ToString();
        if (
            key.Length == 0
            && Request.Headers.Authorization.ToString() is { } authorization
            && authorization.StartsWith("Bearer ", StringComparison.Ordinal)
        )
        {
            key = authorization["Bearer ".Length..].Trim();
        }
        if (key.Length == 0)
            return AuthenticateResult.NoResult();
        await using var db = await planner.OpenAsync(Context.RequestAborted);
        return await Users.FindByApiKeyAsync(db, key) is { } user
            ? AuthenticateResult.Success(
                new AuthenticationTicket(AccessSetup.Principal(user, Scheme.Name), Scheme.Name)
            )
            : AuthenticateResult.Fail("The API key is unknown or revoked.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AccessSetup.WriteProblemAsync(Context, StatusCodes.Status401Unauthorized, "ApiKeyMissing");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AccessSetup.WriteProblemAsync(Context, StatusCodes.Status403Forbidden, "RoleNotAllowed");
}
