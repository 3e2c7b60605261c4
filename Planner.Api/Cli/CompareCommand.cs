using System.CommandLine;
using Planner.Api.Workbooks;

namespace Planner.Api.Cli;

/// <summary><c>compare A B</c>: a workbook comparing plan run B with plan run A, region by region.</summary>
internal static class CompareCommand
{
    public static Command Create(CliContext cli)
    {
        var first = new Argument<string>("A") { Description = CliText.Get("CompareA") };
        var second = new Argument<string>("B") { Description = CliText.Get("CompareB") };
        var output = CliOptions.Out(CliText.Get("CompareOut"));
        return cli.DatabaseCommand(
            "compare",
            CliText.Get("CompareCommand"),
            [first, second, output],
            async (r, services, ct) =>
            {
                var (content, name) = await ComparisonWorkbook.BuildAsync(
                    services.GetRequiredService<Database>(),
                    r.GetValue(first)!,
                    r.GetValue(second)!,
                    ct
                );
                await cli.WriteFileAsync(r.GetValue(output) ?? name, content, ct);
                return 0;
            }
        );
    }
}
