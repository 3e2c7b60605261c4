using System.CommandLine;
using System.CommandLine.Parsing;
using Planner.Api.Localization;
using Planner.Api.Planning;
using Planner.Api.Sources;

namespace Planner.Api.Cli;

/// <summary>Options more than one command takes, with their parsing and the messages a wrong value gets.</summary>
internal static class CliOptions
{
    private static Option<string?> Scenario() => new("--scenario") { Description = CliText.Get("ScenarioOption") };

    private static Option<DateOnly?> Start() => Date("--start", CliText.Get("StartOption"));

    private static Option<DateOnly?> AsOf() => Date("--as-of", CliText.Get("AsOfOption"));

    private static Option<DateOnly?> Date(string name, string description) =>
        new(name)
        {
            Description = description,
            CustomParser = r =>
                DateOnly.TryParseExact(
                    Token(r),
                    "yyyy-MM-dd",
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.None,
                    out var d
                )
                    ? d
                    : Error<DateOnly?>(r, CliText.Get("NotADate", name, Token(r))),
        };

    private static Option<int?> Days() =>
        new("--days")
        {
            Description = CliText.Get("DaysOption"),
            CustomParser = r =>
                int.TryParse(Token(r), NumberStyles.None, CultureInfo.InvariantCulture, out var d)
                && d is >= 1 and <= 366
                    ? d
                    : Error<int?>(r, CliText.Get("DaysBad", Token(r))),
        };

    private static Option<string?> Policy() =>
        new("--policy")
        {
            Description = CliText.Get("PolicyOption", Messages.Get("PolicyNames")),
            Validators =
            {
                r =>
                {
                    if (r.Tokens.Count > 0 && !Policies.TryParse(Token(r), out _))
                        r.AddError(Messages.Get("UnknownPolicy", Token(r), Messages.Get("PolicyNames")));
                },
            },
        };

    public static Option<Feed?> Feed() =>
        new("--feed")
        {
            Description = CliText.Get("FeedOption"),
            CustomParser = r =>
                Enum.TryParse<Feed>(Token(r), ignoreCase: true, out var f) && Enum.IsDefined(f)
                    ? f
                    : Error<Feed?>(r, CliText.Get("FeedBad", Token(r))),
        };

    public static Option<string?> Out(string description) => new("--out") { Description = description };

    /// <summary>The scenario, as-of, start, days and policy options, which describe a plan request.</summary>
    public static PlanRequestOptions PlanRequest() => new(Scenario(), AsOf(), Start(), Days(), Policy());

    /// <summary>An option's comma-separated values (none when it is not given).</summary>
    public static string[] List(ParseResult r, Option<string?> option) =>
        (r.GetValue(option) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string Token(SymbolResult r) => r.Tokens.Count > 0 ? r.Tokens[0].Value : "";

    public static T Error<T>(ArgumentResult r, string message)
    {
        r.AddError(message);
        return default!;
    }
}

/// <summary>The options that describe a plan request, as <c>plan</c> and <c>enqueue</c> take them.</summary>
internal sealed record PlanRequestOptions(
    Option<string?> Scenario,
    Option<DateOnly?> AsOf,
    Option<DateOnly?> Start,
    Option<int?> Days,
    Option<string?> Policy
)
{
    /// <summary>The five options, in help order.</summary>
    public Option[] All => [Scenario, AsOf, Start, Days, Policy];

    /// <summary>The plan request the options describe.</summary>
    public PlanRequest Request(ParseResult r) =>
        new(
            Scenario: r.GetValue(Scenario) ?? ScenarioOverrides.Baseline,
            PlanStart: r.GetValue(Start),
            HorizonDays: r.GetValue(Days)
        )
        {
            AsOf = r.GetValue(AsOf),
            Policy = r.GetValue(Policy) is { } p ? Policies.Parse(p) : null,
        };
}
