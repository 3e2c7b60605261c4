using System.CommandLine;
using Microsoft.Extensions.Options;
using Planner.Api.Startup;
using Planner.Api.Storage;
using Planner.Api.Uploads;

namespace Planner.Api.Cli;

/// <summary><c>template</c>: the hospital capacity template for every hospital, or some.</summary>
internal static class TemplateCommand
{
    public static Command Create(CliContext cli)
    {
        var hospitals = new Option<string?>("--hospitals")
        {
            Description = "only these hospitals, comma-separated (default: every hospital)",
        };
        var output = CliOptions.Out("where to write it (default: capacity-template-<date>.xlsx)");
        var command = new Command(
            "template",
            "write the hospital capacity template (every hospital, or --hospitals A,B)"
        )
        {
            hospitals,
            output,
        };
        command.SetAction(
            async (r, ct) =>
            {
                await using var services = cli.Services();
                await services.GetRequiredService<StartupWork>().PrepareDatabaseAsync(cli.Progress, ct);
                var codes = (r.GetValue(hospitals) ?? "").Split(
                    ',',
                    StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries
                );
                var (template, name) = await CapacityTemplate.BuildAsync(
                    services.GetRequiredService<Database>(),
                    codes,
                    DateOnly.FromDateTime(DateTime.UtcNow),
                    services.GetRequiredService<IOptions<UploadLimits>>().Value,
                    ct
                );
                var path = Path.GetFullPath(r.GetValue(output) ?? name);
                await File.WriteAllBytesAsync(path, template, ct);
                await cli.Out.WriteLineAsync(path);
                return 0;
            }
        );
        return command;
    }
}
