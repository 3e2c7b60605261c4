using System.CommandLine;
using Planner.Api.Runs;
using Planner.Api.Startup;

namespace Planner.Api.Cli;

/// <summary>
/// <c>plan</c>: a run like any other (recorded, claimed and heartbeating as a worker's would be, so that the web app
/// lists it with its files), made in this process; its files also go into a folder of its own under <c>--out</c>.
/// </summary>
internal static class PlanCommand
{
    public static Command Create(CliContext cli)
    {
        var output = CliOptions.Out("the parent of the run's output folder (default: out)");
        var plan = CliOptions.PlanRequest();
        var export = new Option<string?>("--export-model")
        {
            Description = "write every LP stage as DIR/<stage>.mps and DIR/stages.json",
        };
        var replan = new Option<string?>("--replan")
        {
            Description = "re-plan against an earlier run: keep its dispatched shipments, change little",
        };
        var through = DispatchedThrough();
        return CliCommand.Create(
            "plan",
            "migrate, seed the sample sources when empty, pull, solve and publish",
            [output, .. plan.All, export, replan, through],
            async (r, ct) =>
            {
                var request = plan.Request(r) with
                {
                    OutputDirectory = r.GetValue(output) ?? "out",
                    ExportModelDirectory = r.GetValue(export),
                    ReplanRunId = r.GetValue(replan),
                    DispatchedThroughDay = r.GetValue(through) ?? -1,
                };
                PlanPipeline.PrepareOutput(request.OutputDirectory);
                await using var services = cli.Services();
                await services.GetRequiredService<StartupWork>().PrepareAsync(cli.Progress, ct);
                var outcome = await services.GetRequiredService<RunExecutor>().RunHereAsync(request, cli.Progress, ct);
                await ReportAsync(cli, outcome);
                return 0;
            }
        );
    }

    private static Option<int?> DispatchedThrough() =>
        new("--dispatched-through")
        {
            Description = "last day (0-based) of that run whose shipments have left (default: none)",
            CustomParser = r =>
                int.TryParse(CliOptions.Token(r), NumberStyles.None, CultureInfo.InvariantCulture, out var d)
                    ? d
                    : CliOptions.Error<int?>(
                        r,
                        $"--dispatched-through '{CliOptions.Token(r)}' must be a day number (0 = the first planned "
                            + $"day)."
                    ),
        };

    /// <summary>The files on stdout (province, cities, summary.json), warnings and where to see the run on
    /// stderr.</summary>
    private static async Task ReportAsync(CliContext cli, PlanOutcome outcome)
    {
        await cli.Out.WriteLineAsync(outcome.WorkbookPath);
        foreach (var city in outcome.CityWorkbookPaths)
            await cli.Out.WriteLineAsync(city);
        await cli.Out.WriteLineAsync(outcome.SummaryPath);
        foreach (var warning in outcome.Warnings)
            await cli.Error.WriteLineAsync($"warning: {warning}");
        await cli.Error.WriteLineAsync(
            $"""
            Done. The province's workbook: {outcome.WorkbookPath}
            The plan in the web app (dotnet run --project Planner.Api, then sign in): /runs/{outcome.RequestId}
            """
        );
    }
}
