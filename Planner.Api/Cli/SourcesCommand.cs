using System.CommandLine;
using Planner.Api.Sources;

namespace Planner.Api.Cli;

/// <summary><c>sources</c>: each feed's freshness and its last attempt.</summary>
internal static class SourcesCommand
{
    public static Command Create(CliContext cli) =>
        cli.DatabaseCommand("sources", CliText.Get("SourcesCommand"), [], async (_, services, ct) =>
        {
            await using var db = await services.GetRequiredService<Database>().OpenAsync(ct);
            var freshness = services.GetRequiredService<IOptions<FreshnessOptions>>().Value;
            foreach (var age in await SourceFreshness.ReadAsync(db, freshness, TimeProvider.System.GetUtcNow()))
            {
                await cli.Out.WriteLineAsync(
                    CliText.Get(
                        "SourcesLine",
                        CliText.Get(age.Fresh ? "Fresh" : "Stale"),
                        SourceFreshness.Describe(age),
                        age.LastAttemptId ?? CliText.Get("NoAttempt"),
                        age.LastAttemptStatus ?? "",
                        age.LastAttemptError is { } e ? ": " + e : ""
                    )
                );
            }
            return 0;
        });
}
