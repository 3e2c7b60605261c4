using Planner.Api.Cli;
using Planner.Api.Configuration;

if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args.Where(a => a != "serve").ToArray());
builder.Services.AddSingleton(PlannerSettings.From(builder.Configuration));
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseExceptionHandler();
app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));
await app.RunAsync();
return 0;
