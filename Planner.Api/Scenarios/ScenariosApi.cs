using System.Security.Claims;
using Hangfire;
using Planner.Api.Access;
using Planner.Api.Configuration;
using Planner.Api.Jobs;
using Planner.Api.Planning;
using Planner.Api.Runs;

namespace Planner.Api.Scenarios;

/// <summary>
/// Scenarios for planners: list, read with history, create, edit (each save is a new version), and run. A run of
/// a scenario goes through the same pipeline as the daily plan and records the scenario version it used; two
/// runs compare with <c>GET /api/runs/compare</c>.
/// </summary>
public static class ScenarioEndpoints
{
    /// <summary>A scenario as sent to create or edit it.</summary>
    public sealed record ScenarioForm(string? Id, string? Name, string? Description, ScenarioOverrides? Overrides);

    /// <summary>What a scenario run may set: the first day and the horizon (the scenario's own horizon otherwise).</summary>
    public sealed record ScenarioRunOrder(DateOnly? Start, int? Days);

    public static IEndpointRouteBuilder MapScenarios(this IEndpointRouteBuilder app)
    {
        var scenarios = app.MapGroup("/api/scenarios").RequireAuthorization(AccessSetup.Planners).WithTags("Scenarios");
        scenarios.MapGet("/", async (PlannerSettings settings) =>
        {
            await using var db = await settings.Planner.OpenAsync();
            return Results.Ok(await ScenarioStore.ListAsync(db));
        }).WithSummary("Every scenario with its overrides and version");
        scenarios.MapGet("/{id}", async (string id, PlannerSettings settings) =>
        {
            await using var db = await settings.Planner.OpenAsync();
            return await ScenarioStore.GetAsync(db, id) is { } scenario
                ? Results.Ok(new { scenario, history = await ScenarioStore.HistoryAsync(db, id) })
                : Results.Problem($"There is no scenario '{id}'.", statusCode: StatusCodes.Status404NotFound);
        }).WithSummary("A scenario and every saved version of it, newest first");
        scenarios.MapPost("/", (ScenarioForm? form, ClaimsPrincipal user, PlannerSettings settings, TimeProvider clock) =>
            SaveAsync(form?.Id ?? "", form, create: true, user, settings, clock))
            .WithSummary("Create a scenario: production multipliers by product and city, demand multipliers by county and tier, Hubei quota, unavailable teams, horizon, policy");
        scenarios.MapPut("/{id}", (string id, ScenarioForm? form, ClaimsPrincipal user, PlannerSettings settings, TimeProvider clock) =>
            SaveAsync(id, form, create: false, user, settings, clock))
            .WithSummary("Save a new version of a scenario");
        scenarios.MapPost("/{id}/runs", async (string id, ScenarioRunOrder? order, PlannerSettings settings, TimeProvider clock, IBackgroundJobClient jobs) =>
        {
            if (order?.Days is { } d and (< 1 or > 366)) return Results.Problem($"days is {d}; it must be from 1 to 366.", statusCode: StatusCodes.Status400BadRequest);
            await using var db = await settings.Planner.OpenAsync();
            if (await ScenarioStore.GetAsync(db, id) is null) return Results.Problem($"There is no scenario '{id}'.", statusCode: StatusCodes.Status404NotFound);
            var request = await PlanJobs.QueueAsync(db, jobs, new PlanRequest(Scenario: id, PlanStart: order?.Start, HorizonDays: order?.Days), clock.GetUtcNow());
            return Results.Accepted($"/api/runs/{request}", await RunRequests.GetAsync(db, request));
        }).WithSummary("Queue a run of the scenario; follow it at the Location");
        return app;
    }

    private static async Task<IResult> SaveAsync(string id, ScenarioForm? form, bool create, ClaimsPrincipal user, PlannerSettings settings, TimeProvider clock)
    {
        await using var db = await settings.Planner.OpenAsync();
        try
        {
            var saved = await ScenarioStore.SaveAsync(db, id, form?.Name, form?.Description, form?.Overrides ?? new ScenarioOverrides(), create, user.Identity?.Name, clock.GetUtcNow());
            return create ? Results.Created($"/api/scenarios/{id}", saved) : Results.Ok(saved);
        }
        catch (ScenarioInvalid e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The scenario has problems",
                extensions: new Dictionary<string, object?> { ["errors"] = e.Errors });
        }
        catch (ScenarioNotFound e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status404NotFound);
        }
    }
}
