using Planner.Api.Cli;
using Planner.Api.Configuration;
using Planner.Api.Jobs;
using Planner.Api.Uploads;

if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args.Where(a => a != "serve").ToArray());
builder.Services.AddProblemDetails();
builder.Services.AddPlannerJobs(PlannerSettings.From(builder.Configuration));

var app = builder.Build();
app.UseExceptionHandler();
app.UsePlannerDashboard();
app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));
app.MapOperations();
app.MapUploads();
await app.RunAsync();
return 0;
