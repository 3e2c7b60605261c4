using System.CommandLine;
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
        return cli.DatabaseCommand(
            "template",
            "write the hospital capacity template (every hospital, or --hospitals A,B)",
            [hospitals, output],
            async (r, services, ct) =>
            {
                var (template, name) = await CapacityTemplate.BuildAsync(
                    services.GetRequiredService<Database>(),
                    CliOptions.List(r, hospitals),
                    DateOnly.FromDateTime(DateTime.UtcNow),
                    services.GetRequiredService<IOptions<UploadLimits>>().Value,
                    ct
                );
                await cli.WriteFileAsync(r.GetValue(output) ?? name, template, ct);
                return 0;
            }
        );
    }
}
