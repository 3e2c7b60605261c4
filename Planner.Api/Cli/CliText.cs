using Microsoft.Extensions.Localization;
using Planner.Api.Localization;

namespace Planner.Api.Cli;

/// <summary>
/// What the command line says (help, progress, results, errors), from <c>CliText.zh-CN.resx</c> and
/// <c>CliText.en.resx</c>, in the language chosen with <c>--lang</c> (<see cref="CommandLine"/>).
/// </summary>
public sealed class CliText
{
    private static readonly IStringLocalizer Localizer = Texts.For<CliText>();

    private CliText() { }

    /// <summary>The text <paramref name="key"/>, its placeholders filled with <paramref name="args"/>.</summary>
    public static string Get(string key, params object[] args) => Localizer.Get(key, args);
}
