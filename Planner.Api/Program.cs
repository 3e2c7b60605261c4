using Planner.Api.Access;
using Planner.Api.Cli;
using Planner.Api.Configuration;
using Planner.Api.Jobs;
using Planner.Api.Runs;
using Planner.Api.Scenarios;
using Planner.Api.Uploads;

if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args.Where(a => a != "serve").ToArray());
builder.Services.AddProblemDetails();
builder.Services.AddPlannerJobs(PlannerSettings.From(builder.Configuration));
builder.Services.AddPlannerAccess();
builder.Services.AddPlannerApiDocs();
builder.Services.AddRazorPages(o =>
{
    // Pages live in the folder of the resource they show, beside its endpoints.
    o.RootDirectory = "/";
    o.Conventions.AuthorizeFolder("/").AllowAnonymousToPage("/Access/SignIn").AllowAnonymousToPage("/Access/Denied");
});
builder.Services.AddUploads(builder.Configuration); // after AddRazorPages: it limits the /uploads page too

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UsePlannerAccess();
app.UseRateLimiter();
app.UsePlannerDashboard();
app.MapPlannerApiDocs();
app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));
app.MapAccount();
app.MapOperations();
app.MapUploads();
app.MapScenarios();
app.MapRazorPages();
await app.RunAsync();
return 0;
