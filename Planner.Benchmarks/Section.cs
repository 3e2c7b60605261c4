using System.Globalization;
using System.Text;

namespace Planner.Benchmarks;

/// <summary>What every benchmark's section of docs/benchmarks.md shares: its opening and where it goes.</summary>
internal static class Section
{
    /// <summary>
    /// The heading, when and on what it was measured (<paramref name="libraries"/>, e.g. ", ClosedXML 0.95.4", after
    /// the .NET version) and the command that measured it.
    /// </summary>
    public static StringBuilder Start(
        string heading,
        string benchmark,
        IReadOnlyList<string> args,
        string libraries = ""
    )
    {
        var md = new StringBuilder();
        md.Append(heading).Append("\n\n");
        md.Append(
            CultureInfo.InvariantCulture,
            $"Measured {DateTime.UtcNow:yyyy-MM-dd} (UTC) on {Report.Machine()}; .NET "
                + $"{Environment.Version}{libraries}, "
        );
        md.Append(CultureInfo.InvariantCulture, $"Release build of commit {Commit(untracked: true)}.\n\n");
        md.Append("```sh\n").Append(Command(benchmark, args)).Append("\n```\n\n");
        return md;
    }

    /// <summary>How to run <paramref name="benchmark"/> with <paramref name="args"/>.</summary>
    public static string Command(string benchmark, IReadOnlyList<string> args) =>
        $"dotnet run -c Release --project Planner.Benchmarks -- {benchmark}" + string.Concat(args.Select(a => " " + a));

    /// <summary>The short commit, and whether the work tree (with or without untracked files) had changes.</summary>
    public static string Commit(bool untracked)
    {
        var commit = Report.Run("git", "rev-parse --short HEAD").Trim();
        var status = untracked ? "status --porcelain" : "status --porcelain --untracked-files=no";
        return commit + (Report.Run("git", status).Trim().Length > 0 ? " with uncommitted changes" : "");
    }

    /// <summary>Prints the section and, with <c>--write FILE</c>, replaces (or adds) it in FILE.</summary>
    public static void Publish(string md, string heading, string? write, TextWriter output)
    {
        output.Write(md);
        if (write is not null)
            Report.WriteSection(write, md, heading);
    }
}
