using System.CommandLine;
using Planner.Api.Uploads;

namespace Planner.Api.Cli;

/// <summary><c>template</c>: the hospital capacity template for every hospital, or some.</summary>
internal static class TemplateCommand
{
    public static Command Create(CliContext cli)
    {
        var hospitals = new Option<string?>("--hospitals") { Description = CliText.Get("TemplateHospitals") };
        var output = CliOptions.Out(CliText.Get("TemplateOut"));
        return cli.DatabaseCommand(
            "template",
            CliText.Get("TemplateCommand"),
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
