using System.Security.Claims;
using Planner.Api.Configuration;

namespace Planner.Api.Access;

/// <summary>Who the caller is, and API keys for their own use (the pages sign in with a cookie at <c>/signin</c>).</summary>
public static class AccountEndpoints
{
    /// <summary>What <c>POST /api/me/keys</c> takes: a label saying where the key will be used.</summary>
    public sealed record KeyOrder(string? Label);

    public static IEndpointRouteBuilder MapAccount(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me").RequireAuthorization().WithTags("Account");
        me.MapGet("/", (ClaimsPrincipal user) => Results.Ok(new
        {
            user = user.Identity!.Name,
            name = user.FindFirstValue(ClaimTypes.GivenName),
            role = user.FindFirstValue(ClaimTypes.Role),
            city = user.City(),
            hospitals = user.FindAll(AccessSetup.HospitalClaim).Select(c => c.Value).ToList(),
        })).WithSummary("Who you are: user, role, city, hospitals");
        me.MapPost("/keys", async (KeyOrder? order, ClaimsPrincipal user, PlannerSettings settings, TimeProvider clock) =>
        {
            var label = order?.Label?.Trim() is { Length: > 0 } l ? l : "api";
            await using var db = await settings.Planner.OpenAsync();
            var key = await Users.CreateApiKeyAsync(db, user.Identity!.Name!, label, clock.GetUtcNow());
            return Results.Ok(new { key, label, use = $"send it as the header {ApiKeyHandler.Header}: {key}; it is shown this once" });
        }).WithSummary("Make an API key for yourself (shown once)");
        return app;
    }
}
