using System.CommandLine;
using System.CommandLine.Parsing;
using Planner.Api.Planning;
using Planner.Api.Sources;

namespace Planner.Api.Cli;

/// <summary>Options more than one command takes, with their parsing and the messages a wrong value gets.</summary>
internal static class CliOptions
{
    private static Option<string?> Scenario() =>
        new("--scenario") { Description = "the scenario to plan (default: baseline)" };

    private static Option<DateOnly?> Start() =>
        Date("--start", "first planned day, yyyy-MM-dd (default: the day after --as-of)");

    private static Option<DateOnly?> AsOf() =>
        Date(
            "--as-of",
            "plan with the data known on this day, yyyy-MM-dd, from the next day (default: the latest data)"
        );

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
                    : Error<DateOnly?>(r, $"{name} '{Token(r)}' is not a date (yyyy-MM-dd)."),
        };

    private static Option<int?> Days() =>
        new("--days")
        {
            Description = "horizon in days, 1 to 366 (default: planning parameter horizon_days)",
            CustomParser = r =>
                int.TryParse(Token(r), NumberStyles.None, CultureInfo.InvariantCulture, out var d)
                && d is >= 1 and <= 366
                    ? d
                    : Error<int?>(r, $"--days '{Token(r)}' must be a whole number from 1 to 366."),
        };

    private static Option<string?> Policy() =>
        new("--policy")
        {
            Description =
                $"the allocation rule: {Policies.Names} (default: the scenario's, else Planner:Solver:Policy)",
            Validators =
            {
                r =>
                {
                    if (r.Tokens.Count > 0 && !Policies.TryParse(Token(r), out _))
                        r.AddError($"Unknown policy '{Token(r)}'; use {Policies.Names}.");
                },
            },
        };

    public static Option<Feed?> Feed() =>
        new("--feed")
        {
            Description = "only this feed: production, hospitals, teams or situation",
            CustomParser = r =>
                Enum.TryParse<Feed>(Token(r), ignoreCase: true, out var f) && Enum.IsDefined(f)
                    ? f
                    : Error<Feed?>(
                        r,
                        $"--feed '{Token(r)}' is not a feed; use production, hospitals, teams or situation."
                    ),
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
