using System.CommandLine;
using Planner.Api.Sources;

namespace Planner.Api.Cli;

/// <summary><c>sources</c>: each feed's freshness and its last attempt.</summary>
internal static class SourcesCommand
{
    public static Command Create(CliContext cli) =>
        cli.DatabaseCommand("sources", "each feed's freshness and the recent pull runs", [], async (_, services, ct) =>
        {
            await using var db = await services.GetRequiredService<Database>().OpenAsync(ct);
            var freshness = services.GetRequiredService<IOptions<FreshnessOptions>>().Value;
            foreach (var age in await SourceFreshness.ReadAsync(db, freshness, TimeProvider.System.GetUtcNow()))
            {
                await cli.Out.WriteLineAsync(
                    $"{(age.Fresh ? "fresh" : "STALE")}\t{SourceFreshness.Describe(age)}\tlast attempt "
                        + $"{age.LastAttemptId ?? "none"} "
                        + $"{age.LastAttemptStatus}{(age.LastAttemptError is { } e ? ": " + e : "")}"
                );
            }
            return 0;
        });
}
