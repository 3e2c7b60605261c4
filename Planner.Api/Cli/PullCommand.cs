using System.CommandLine;
using Planner.Api.Sources;

namespace Planner.Api.Cli;

/// <summary><c>pull</c>: pull the feeds (or one) into the planner database; a feed that fails is an error, the others
/// go on.</summary>
internal static class PullCommand
{
    public static Command Create(CliContext cli)
    {
        var feed = CliOptions.Feed();
        return cli.DatabaseCommand("pull", CliText.Get("PullCommand"), [feed], async (r, services, ct) =>
        {
            var pulls = await services.GetRequiredService<SourcePulls>().PullAsync(r.GetValue(feed), cli.Progress, ct);
            foreach (var pull in pulls.Where(p => p.Run is not null))
                await cli.Out.WriteLineAsync(pull.Run!.Id);
            foreach (var failed in pulls.Where(p => p.Error is not null))
                await cli.Error.WriteLineAsync(CliText.Get("ErrorLine", failed.Error!));
            return pulls.Any(p => p.Error is not null) ? 1 : 0;
        });
    }
}
