using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Planner.Api.Configuration;

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
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Cookie or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyHandler.Header) || context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal)
                    ? ApiKeyScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme)
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
                o.Events.OnRedirectToLogin = context => ApiOrRedirect(context, StatusCodes.Status401Unauthorized, "Sign in first: send an API key (X-Api-Key) or sign in at /signin.");
                o.Events.OnRedirectToAccessDenied = context => ApiOrRedirect(context, StatusCodes.Status403Forbidden, "Your role does not allow this.");
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyScheme, null);

        services.AddAuthorizationBuilder()
            .AddPolicy(Planners, p => p.RequireRole(Roles.Planner))
            .AddPolicy(PlansReaders, p => p.RequireRole(Roles.Planner, Roles.Logistics))
            .AddPolicy(CapacityReporters, p => p.RequireRole(Roles.Planner, Roles.Hospital));

        services.AddSingleton(sp =>
            new SignInThrottle(sp.GetRequiredService<PlannerSettings>().Access, sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Authentication, then authorization (before the dashboard and the endpoints).</summary>
    public static IApplicationBuilder UsePlannerAccess(this IApplicationBuilder app) =>
        app.UseAuthentication().UseAuthorization();

    /// <summary>The claims of a signed-in user (cookie or API key).</summary>
    public static ClaimsPrincipal Principal(PlannerUser user, string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, user.UserName), new(ClaimTypes.GivenName, user.DisplayName), new(ClaimTypes.Role, user.Role) };
        if (user.CityCode is not null) claims.Add(new Claim(CityClaim, user.CityCode));
        claims.AddRange(user.Hospitals.Select(h => new Claim(HospitalClaim, h)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The city a logistics officer is limited to; null for the province and for planners.</summary>
    public static string? City(this ClaimsPrincipal user) => user.FindFirst(CityClaim)?.Value;

    /// <summary>The hospitals a hospital administrator reports for; null (all) for a planner.</summary>
    public static IReadOnlySet<string>? Hospitals(this ClaimsPrincipal user) =>
        user.IsInRole(Roles.Planner) ? null : user.FindAll(HospitalClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether the user may download a published file of this kind (province, city-CODE, summary).</summary>
    public static bool MaySee(this ClaimsPrincipal user, string kind) =>
        user.IsInRole(Roles.Planner) || (user.IsInRole(Roles.Logistics) && (user.City() is not { } city || kind == $"city-{city}"));

    private static Task ApiOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status, string detail)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }
        context.Response.StatusCode = status;
        return context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails = { Status = status, Detail = detail },
        }).AsTask();
    }

    /// <summary>The Hangfire dashboard: planners only.</summary>
    public sealed class PlannersOnlyDashboard : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Planner);
    }
}

/// <summary>Authenticates API requests by key: <c>X-Api-Key: pk_…</c> or <c>Authorization: Bearer pk_…</c>.</summary>
public sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, PlannerSettings settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Header = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Request.Headers[Header].ToString();
        if (key.Length == 0 && Request.Headers.Authorization.ToString() is { } authorization && authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            key = authorization["Bearer ".Length..].Trim();
        }
        if (key.Length == 0) return AuthenticateResult.NoResult();
        await using var db = await settings.Planner.OpenAsync(Context.RequestAborted);
        return await Users.FindByApiKeyAsync(db, key) is { } user
            ? AuthenticateResult.Success(new AuthenticationTicket(AccessSetup.Principal(user, Scheme.Name), Scheme.Name))
            : AuthenticateResult.Fail("The API key is unknown or revoked.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => Problem(StatusCodes.Status401Unauthorized, "The API key is missing, unknown or revoked.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => Problem(StatusCodes.Status403Forbidden, "Your role does not allow this.");

    private Task Problem(int status, string detail)
    {
        Response.StatusCode = status;
        return Context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Detail = detail },
        }).AsTask();
    }
}

/// <summary>Sign-in settings (Planner:Access:*).</summary>
public sealed record AccessSettings
{
    /// <summary>
    /// Failed sign-ins allowed for one user name within the window (default 5): more typos than a person makes
    /// before stopping to look (and a success forgets them), while someone guessing one name gets 5 tries per
    /// 5 minutes, about 1,400 a day, against a password of at least 10 characters.
    /// </summary>
    public int SignInFailuresPerUser { get; init; } = 5;

    /// <summary>
    /// Failed sign-ins allowed from one address within the window (default 30): the staff of a command centre
    /// share one address, and a typo or two each at a change of shift stays under it, while one address trying
    /// many user names (each under its own limit) is held to 30 guesses per 5 minutes.
    /// </summary>
    public int SignInFailuresPerAddress { get; init; } = 30;

    /// <summary>How long a failure counts (default 5 minutes): the longest a locked-out person waits.</summary>
    public TimeSpan SignInFailureWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether an embedded node creates the sample users on first start (default true; never in server mode).</summary>
    public bool SampleUsers { get; init; } = true;

    public static AccessSettings From(IConfiguration configuration)
    {
        if (configuration["Planner:Access:SignInAttemptsPerMinute"] is not null)
        {
            throw new PlannerException("Planner:Access:SignInAttemptsPerMinute is no longer read: sign-in now "
                + "counts failures only, per user name and per address; remove it and set "
                + "Planner:Access:SignInFailuresPerUser, SignInFailuresPerAddress and SignInFailureWindowSeconds "
                + "instead if the defaults (5, 30, 300) do not suit.");
        }
        var d = new AccessSettings();
        var window = AtLeastOne(configuration, "SignInFailureWindowSeconds", (int)d.SignInFailureWindow.TotalSeconds);
        return new AccessSettings
        {
            SignInFailuresPerUser = AtLeastOne(configuration, "SignInFailuresPerUser", d.SignInFailuresPerUser),
            SignInFailuresPerAddress =
                AtLeastOne(configuration, "SignInFailuresPerAddress", d.SignInFailuresPerAddress),
            SignInFailureWindow = TimeSpan.FromSeconds(window),
            SampleUsers = configuration.GetValue("Planner:Access:SampleUsers", d.SampleUsers),
        };
    }

    private static int AtLeastOne(IConfiguration configuration, string name, int fallback)
    {
        var key = $"Planner:Access:{name}";
        if (configuration[key] is not { } text) return fallback;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 1
            ? value
            : throw new PlannerException($"{key} is '{text}'; it must be a whole number, at least 1.");
    }
}
