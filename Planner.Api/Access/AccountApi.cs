using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Planner.Api.Access;

/// <summary>Who the caller is, and API keys for their own use (the pages sign in with a cookie at
/// <c>/signin</c>).</summary>
public static class AccountApi
{
    public static RouteGroupBuilder MapAccountApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/me").RequireAuthorization().WithTags("Account");

        api.Get("/", GetMe, "Who you are: user, role, city, hospitals");
        api.Post("/keys", CreateApiKey, "Make an API key for yourself (shown once)");
        return api;
    }

    /// <summary>What <c>POST /api/me/keys</c> takes: a label saying where the key will be used.</summary>
    public sealed record KeyOrder(string? Label);

    /// <summary>The signed-in user.</summary>
    public sealed record CurrentUser(
        string User,
        string? Name,
        string? Role,
        string? City,
        IReadOnlyList<string> Hospitals
    );

    /// <summary>A new key, shown this once.</summary>
    public sealed record NewKey(string Key, string Label, string Use);

    public static Ok<CurrentUser> GetMe(ClaimsPrincipal user) =>
        TypedResults.Ok(
            new CurrentUser(
                user.Identity!.Name!,
                user.FindFirstValue(ClaimTypes.GivenName),
                user.FindFirstValue(ClaimTypes.Role),
                user.City(),
                user.FindAll(AccessSetup.HospitalClaim).Select(c => c.Value).ToList()
            )
        );

    public static async Task<Ok<NewKey>> CreateApiKey(
        KeyOrder? order,
        ClaimsPrincipal user,
        Database planner,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var label = order?.Label?.Trim() is { Length: > 0 } l ? l : "api";
        await using var db = await planner.OpenAsync(ct);
        var key = await Users.CreateApiKeyAsync(db, user.Identity!.Name!, label, clock.GetUtcNow());
        return TypedResults.Ok(
            new NewKey(key, label, $"send it as the header {ApiKeyHandler.Header}: {key}; it is shown this once")
        );
    }
}
