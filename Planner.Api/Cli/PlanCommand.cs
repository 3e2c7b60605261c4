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
        var output = CliOptions.Out(CliText.Get("PlanOut"));
        var plan = CliOptions.PlanRequest();
        var export = new Option<string?>("--export-model") { Description = CliText.Get("ExportModel") };
        var replan = new Option<string?>("--replan") { Description = CliText.Get("Replan") };
        var through = DispatchedThrough();
        return CliCommand.Create(
            "plan",
            CliText.Get("PlanCommand"),
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
            Description = CliText.Get("DispatchedThrough"),
            CustomParser = r =>
                int.TryParse(CliOptions.Token(r), NumberStyles.None, CultureInfo.InvariantCulture, out var d)
                    ? d
                    : CliOptions.Error<int?>(r, CliText.Get("DispatchedThroughBad", CliOptions.Token(r))),
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
            await cli.Error.WriteLineAsync(CliText.Get("WarningLine", warning));
        await cli.Error.WriteLineAsync(CliText.Get("PlanDone", outcome.WorkbookPath ?? ""));
        await cli.Error.WriteLineAsync(CliText.Get("PlanInWebApp", outcome.RequestId ?? ""));
    }
}
