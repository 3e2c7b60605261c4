using System.Security.Claims;
using System.Text.Json;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Planner.Api.Access;
using Planner.Api.Planning;
using Planner.Api.Runs;

namespace Planner.Api.Scenarios;

/// <summary>
/// Scenarios for planners: list, read with history, create, edit (each save is a new version), and run. A run of
/// a scenario goes through the same pipeline as the daily plan and records the scenario version it used; two
/// runs compare with <c>GET /api/runs/compare</c>. Problems are in the request's language (<c>Accept-Language</c>;
/// Chinese by default).
/// </summary>
public static class ScenariosApi
{
    public static RouteGroupBuilder MapScenariosApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/scenarios").RequireAuthorization(AccessSetup.Planners).WithTags("Scenarios");

        api.Get("/", GetScenarios, "Every scenario with its overrides and version");
        api.Get("/{id}", GetScenario, "A scenario and every saved version of it, newest first");
        api.Post(
                "/",
                CreateScenario,
                "Create a scenario: production multipliers by product and city, demand multipliers by county and "
                    + "tier, Hubei quota, unavailable teams, horizon, policy, forecast, stockout target and paths"
            )
            .Accepts<ScenarioForm>("application/json");
        api.Put("/{id}", SaveScenario, "Save a new version of a scenario").Accepts<ScenarioForm>("application/json");
        api.Post("/{id}/runs", RunScenario, "Queue a run of the scenario; follow it at the Location");
        return api;
    }

    /// <summary>A scenario as sent to create or edit it.</summary>
    public sealed record ScenarioForm(string? Id, string? Name, string? Description, ScenarioOverrides? Overrides);

    /// <summary>What a scenario run may set: the as-of date or the first day, and the horizon (the scenario's own
    /// horizon otherwise).</summary>
    public sealed record ScenarioRunOrder(DateOnly? Start, int? Days, DateOnly? AsOf = null);

    /// <summary>A scenario and its saved versions.</summary>
    public sealed record ScenarioWithHistory(Scenario Scenario, IReadOnlyList<ScenarioVersion> History);

    public static async Task<Ok<IReadOnlyList<Scenario>>> GetScenarios(Database planner, CancellationToken ct)
    {
        await using var db = await planner.OpenAsync(ct);
        return TypedResults.Ok(await ScenarioStore.ListAsync(db));
    }

    public static async Task<Results<Ok<ScenarioWithHistory>, ProblemHttpResult>> GetScenario(
        string id,
        Database planner,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        return await ScenarioStore.GetAsync(db, id) is { } scenario
            ? TypedResults.Ok(new ScenarioWithHistory(scenario, await ScenarioStore.HistoryAsync(db, id)))
            : NoScenario(id);
    }

    public static Task<Results<Created<Scenario>, ProblemHttpResult>> CreateScenario(
        HttpRequest request,
        ClaimsPrincipal user,
        Database planner,
        TimeProvider clock,
        CancellationToken ct
    ) =>
        SaveAsync(
            new(Id: null, request, user, planner, clock),
            saved => TypedResults.Created($"/api/scenarios/{saved.Id}", saved),
            ct
        );

    public static Task<Results<Ok<Scenario>, ProblemHttpResult>> SaveScenario(
        string id,
        HttpRequest request,
        ClaimsPrincipal user,
        Database planner,
        TimeProvider clock,
        CancellationToken ct
    ) => SaveAsync(new(id, request, user, planner, clock), TypedResults.Ok, ct);

    public static async Task<Results<Accepted<RunRequestState>, ProblemHttpResult>> RunScenario(
        string id,
        ScenarioRunOrder? order,
        Database planner,
        TimeProvider clock,
        IBackgroundJobClient jobs,
        CancellationToken ct
    )
    {
        if (order?.Days is { } d and (< 1 or > 366))
        {
            return TypedResults.Problem(
                ScenarioError.Text["BadDays", d],
                statusCode: StatusCodes.Status400BadRequest,
                title: ScenarioError.Text["BadRunTitle"]
            );
        }
        await using var db = await planner.OpenAsync(ct);
        if (await ScenarioStore.GetAsync(db, id) is null)
            return NoScenario(id);
        var request = await RunJobs.QueueAsync(
            db,
            jobs,
            new PlanRequest(Scenario: id, PlanStart: order?.Start, HorizonDays: order?.Days) { AsOf = order?.AsOf },
            clock.GetUtcNow()
        );
        return TypedResults.Accepted($"/api/runs/{request}", await RunRequests.GetAsync(db, request));
    }

    /// <summary>A scenario to save: its id (null: a new scenario, its id in the form), the request carrying the
    /// form, who saves it and when.</summary>
    private sealed record Save(
        string? Id,
        HttpRequest Request,
        ClaimsPrincipal User,
        Database Planner,
        TimeProvider Clock
    );

    /// <summary>Saves the scenario and answers with <paramref name="saved"/>, or with its problems.</summary>
    private static async Task<Results<TSaved, ProblemHttpResult>> SaveAsync<TSaved>(
        Save save,
        Func<Scenario, TSaved> saved,
        CancellationToken ct
    )
        where TSaved : IResult
    {
        var (form, unreadable) = await ReadAsync(save.Request, ct);
        if (unreadable is not null)
            return Invalid(new ScenarioInvalid([unreadable]));
        var id = save.Id ?? form?.Id ?? "";
        await using var db = await save.Planner.OpenAsync(ct);
        try
        {
            return saved(
                await ScenarioStore.SaveAsync(
                    db,
                    id,
                    form?.Name,
                    form?.Description,
                    form?.Overrides ?? new ScenarioOverrides(),
                    create: save.Id is null,
                    save.User.Identity?.Name,
                    save.Clock.GetUtcNow()
                )
            );
        }
        catch (ScenarioInvalid e)
        {
            return Invalid(e);
        }
        catch (ScenarioNotFound)
        {
            return NoScenario(id);
        }
    }

    /// <summary>
    /// The form in the request's body (none when empty). Read here rather than bound: a value of the wrong kind
    /// (paths 150.5, a target "high") is then a problem named by its field like any other, where binding would fail
    /// the request with a bare 400 (a 500 in development). The field is the JSON path as the store names fields
    /// (<c>riskPaths</c>, <c>demandMultipliers[0].tier</c>).
    /// </summary>
    private static async Task<(ScenarioForm? Form, ScenarioError? Unreadable)> ReadAsync(
        HttpRequest request,
        CancellationToken ct
    )
    {
        if (request.ContentLength == 0)
            return (null, null);
        try
        {
            return (
                await JsonSerializer.DeserializeAsync<ScenarioForm>(request.Body, ScenarioOverrides.Json, ct),
                null
            );
        }
        catch (JsonException e)
        {
            var field = (e.Path ?? "$") switch
            {
                var p when p.StartsWith("$.overrides.", StringComparison.Ordinal) => p["$.overrides.".Length..],
                var p when p.StartsWith("$.", StringComparison.Ordinal) => p[2..],
                var p => p,
            };
            return (null, new ScenarioError(field, ScenarioError.Text["Unreadable"]));
        }
    }

    /// <summary>The scenario's problems, each with its field, in the request's language.</summary>
    private static ProblemHttpResult Invalid(ScenarioInvalid e) =>
        TypedResults.Problem(
            e.Message,
            statusCode: StatusCodes.Status400BadRequest,
            title: ScenarioError.Text["ProblemsTitle"],
            extensions: new Dictionary<string, object?> { ["errors"] = e.Errors }
        );

    /// <summary>No such scenario, in the request's language (<c>Accept-Language</c>).</summary>
    private static ProblemHttpResult NoScenario(string id) =>
        TypedResults.Problem(
            ScenarioError.Text["NoScenario", id],
            statusCode: StatusCodes.Status404NotFound,
            title: ScenarioError.Text["NotFoundTitle"]
        );
}
