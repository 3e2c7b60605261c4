using System.Text;

namespace Planner.Api.Cli;

/// <summary>
/// Standard output with the one heading of System.CommandLine's help that has no Chinese translation in its own
/// resources (2.0.15: "Description:") written in the current language; everything else passes through.
/// </summary>
public sealed class HelpHeadings(TextWriter inner) : TextWriter
{
    private const string Description = "Description:";

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => inner.Write(value);

    public override void Write(string? value) => inner.Write(value == Description ? Heading() : value);

    public override void WriteLine(string? value) => inner.WriteLine(value == Description ? Heading() : value);

    public override Task WriteLineAsync(string? value) => inner.WriteLineAsync(value);

    public override Task WriteAsync(string? value) => inner.WriteAsync(value);

    public override void Flush() => inner.Flush();

    private static string Heading() => CliText.Get("DescriptionHeading");
}
