using System.CommandLine;
using Planner.Api.Workbooks;

namespace Planner.Api.Cli;

/// <summary><c>compare A B</c>: a workbook comparing plan run B with plan run A, region by region.</summary>
internal static class CompareCommand
{
    public static Command Create(CliContext cli)
    {
        var first = new Argument<string>("A") { Description = "the first run (run or request id), e.g. the baseline" };
        var second = new Argument<string>("B") { Description = "the second run (run or request id)" };
        var output = CliOptions.Out("where to write it (default: compare-A-B.xlsx)");
        return cli.DatabaseCommand(
            "compare",
            "a workbook comparing plan run B with plan run A (run or request ids), region by region",
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
