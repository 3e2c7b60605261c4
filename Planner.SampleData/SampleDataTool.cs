using System.CommandLine;
using System.Globalization;
using Planner.Api.Cli;

namespace Planner.SampleData;

/// <summary>
/// <c>dotnet run --project Planner.SampleData -- generate [--seed N] [--scale X] [--data DIR] [--out DIR]</c>: writes
/// the synthetic sample. The same seed and scale give byte-identical files; the shipped <c>data/sample</c> is seed
/// 2020, scale 1. Usage errors answer as the planner's command line does (a suggestion, exit code 2).
/// </summary>
public static class SampleDataTool
{
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("Planner's development tools: the synthetic sample.");
        root.Subcommands.Add(Generate(stdout));
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
            return await CommandLine.ReportUsageErrorsAsync(result, stderr);
        return await result.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static Command Generate(TextWriter stdout)
    {
        var seed = new Option<int>("--seed") { Description = "the random seed", DefaultValueFactory = _ => 2020 };
        var scale = new Option<double>("--scale")
        {
            Description = "multiplies the number of factories, hospitals and teams",
            DefaultValueFactory = _ => 1.0,
        };
        var data = new Option<DirectoryInfo>("--data")
        {
            Description = "the data folder whose reference files the sample is built on",
            DefaultValueFactory = _ => new DirectoryInfo("data"),
        };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "where the CSV files go",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("data", "sample")),
        };
        scale.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is not > 0)
                r.AddError("--scale must be greater than 0.");
        });
        var command = new Command("generate", "write the synthetic sample (data/sample/*.csv)")
        {
            seed,
            scale,
            data,
            output,
        };
        command.SetAction(r =>
        {
            var written = SampleGenerator.Write(
                r.GetValue(data)!.FullName,
                r.GetValue(output)!.FullName,
                r.GetValue(seed),
                r.GetValue(scale)
            );
            foreach (var path in written)
                stdout.WriteLine(path);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done: {written.Count} files."));
            return 0;
        });
        return command;
    }
}
