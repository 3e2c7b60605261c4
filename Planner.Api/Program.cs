using Planner.Api.Access;
using Planner.Api.Approvals;
using Planner.Api.Cli;
using Planner.Api.Errors;
using Planner.Api.Gaps;
using Planner.Api.Risk;
using Planner.Api.Jobs;
using Planner.Api.Localization;
using Planner.Api.Maps;
using Planner.Api.Plans;
using Planner.Api.Receipts;
using Planner.Api.Runs;
using Planner.Api.Scenarios;
using Planner.Api.Sources;
using Planner.Api.Startup;
using Planner.Api.Uploads;

// A command (plan, pull, worker, …; see Cli/), or without one the web application below.
return await CommandLine.RunAsync(args, ServeAsync);

static async Task<int> ServeAsync(string[] args)
{
    var builder = WebApplication.CreateBuilder(args);
    builder.Services.AddPlanner(builder.Configuration); // options, the database, jobs, the plan pipeline, start-up work
    builder.Services.AddPlannerAccess();
    builder.Services.AddPlannerLocalization();
    builder.Services.AddPlannerApiDocs();
    builder.Services.AddPlannerHealthChecks();
    builder.Services.AddProblemDetails();
    builder
        .Services.AddRazorPages(o =>
        {
            // Pages live in the folder of the resource they show, beside its endpoints.
            o.RootDirectory = "/";
            o.Conventions.AuthorizeFolder("/")
                .AllowAnonymousToPage("/Access/SignIn")
                .AllowAnonymousToPage("/Access/Denied")
                .AllowAnonymousToPage("/Access/Language")
                .AllowAnonymousToPage("/Errors/Error");
        })
        .AddViewLocalization();
    builder.Services.AddUploads(builder.Configuration); // after AddRazorPages: it limits the /uploads page too

    var app = builder.Build();
    app.UseExceptionHandler();
    app.UseStatusCodePages(); // ProblemDetails for the API
    app.UseWhen(ErrorModel.IsPage, page => page.UseStatusCodePagesWithReExecute("/error/{0}"));
    app.UseRouting(); // after the re-execution, so that /error/{code} is routed
    app.UsePlannerAccess();
    app.UsePlannerLocalization();
    app.UseRateLimiter();
    app.UsePlannerDashboard();
    app.MapPlannerApiDocs();
    app.MapPlannerHealth();
    app.MapAccountApi();
    app.MapSourcesApi();
    app.MapRunsApi();
    app.MapPlansApi();
    app.MapGapsApi();
    app.MapRiskApi();
    app.MapApprovalsApi();
    app.MapScenariosApi();
    app.MapUploadsApi();
    app.MapReceiptsApi();
    app.MapRazorPages();
    await app.RunAsync();
    return 0;
}
