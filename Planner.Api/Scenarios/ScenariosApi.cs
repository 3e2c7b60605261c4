using System.Security.Claims;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Planner.Api.Access;
using Planner.Api.Planning;
using Planner.Api.Runs;
using Planner.Api.Storage;

namespace Planner.Api.Scenarios;

/// <summary>
/// Scenarios for planners: list, read with history, create, edit (each save is a new version), and run. A run of
/// a scenario goes through the same pipeline as the daily plan and records the scenario version it used; two
/// runs compare with <c>GET /api/runs/compare</c>.
/// </summary>
public static class ScenariosApi
{
    public static RouteGroupBuilder MapScenariosApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/scenarios").RequireAuthorization(AccessSetup.Planners).WithTags("Scenarios");

        api.MapGet("/", GetScenarios)
            .WithName("GetScenarios")
            .WithSummary("Every scenario with its overrides and version");
        api.MapGet("/{id}", GetScenario)
            .WithName("GetScenario")
            .WithSummary("A scenario and every saved version of it, newest first");
        api.MapPost("/", CreateScenario)
            .WithName("CreateScenario")
            .WithSummary(
                "Create a scenario: production multipliers by product and city, demand multipliers by county and "
                    + "tier, Hubei quota, "
                    + "unavailable teams, horizon, policy"
            );
        api.MapPut("/{id}", SaveScenario).WithName("SaveScenario").WithSummary("Save a new version of a scenario");
        api.MapPost("/{id}/runs", RunScenario)
            .WithName("RunScenario")
            .WithSummary("Queue a run of the scenario; follow it at the Location");
        return api;
    }

    /// <summary>A scenario as sent to create or edit it.</summary>
    public sealed record ScenarioForm(string? Id, string? Name, string? Description, ScenarioOverrides? Overrides);

    /// <summary>What a scenario run may set: the first day and the horizon (the scenario's own horizon
    /// otherwise).</summary>
    public sealed record ScenarioRunOrder(DateOnly? Start, int? Days);

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

    public static async Task<Results<Created<Scenario>, ProblemHttpResult>> CreateScenario(
        ScenarioForm? form,
        ClaimsPrincipal user,
        Database planner,
        TimeProvider clock,
        CancellationToken ct
    ) =>
        await SaveAsync(form?.Id ?? "", form, create: true, user, planner, clock, ct) switch
        {
            (Scenario saved, _) => TypedResults.Created($"/api/scenarios/{saved.Id}", saved),
            (_, var problem) => problem!,
        };

    public static async Task<Results<Ok<Scenario>, ProblemHttpResult>> SaveScenario(
        string id,
        ScenarioForm? form,
        ClaimsPrincipal user,
        Database planner,
        TimeProvider clock,
        CancellationToken ct
    ) =>
        await SaveAsync(id, form, create: false, user, planner, clock, ct) switch
        {
            (Scenario saved, _) => TypedResults.Ok(saved),
            (_, var problem) => problem!,
        };

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
                $"days is {d}; it must be from 1 to 366.",
                statusCode: StatusCodes.Status400BadRequest
            );
        }
        await using var db = await planner.OpenAsync(ct);
        if (await ScenarioStore.GetAsync(db, id) is null)
            return NoScenario(id);
        var request = await RunJobs.QueueAsync(
            db,
            jobs,
            new PlanRequest(Scenario: id, PlanStart: order?.Start, HorizonDays: order?.Days),
            clock.GetUtcNow()
        );
        return TypedResults.Accepted($"/api/runs/{request}", await RunRequests.GetAsync(db, request));
    }

    private static async Task<(Scenario? Saved, ProblemHttpResult? Problem)> SaveAsync(
        string id,
        ScenarioForm? form,
        bool create,
        ClaimsPrincipal user,
        Database planner,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        await using var db = await planner.OpenAsync(ct);
        try
        {
            return (
                await ScenarioStore.SaveAsync(
                    db,
                    id,
                    form?.Name,
                    form?.Description,
                    form?.Overrides ?? new ScenarioOverrides(),
                    create,
                    user.Identity?.Name,
                    clock.GetUtcNow()
                ),
                null
            );
        }
        catch (ScenarioInvalid e)
        {
            return (
                null,
                TypedResults.Problem(
                    e.Message,
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "The scenario has problems",
                    extensions: new Dictionary<string, object?> { ["errors"] = e.Errors }
                )
            );
        }
        catch (ScenarioNotFound e)
        {
            return (null, TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound));
        }
    }

    private static ProblemHttpResult NoScenario(string id) =>
        TypedResults.Problem($"There is no scenario '{id}'.", statusCode: StatusCodes.Status404NotFound);
}
