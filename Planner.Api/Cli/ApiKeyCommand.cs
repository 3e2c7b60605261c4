using System.CommandLine;
using Planner.Api.Access;

namespace Planner.Api.Cli;

/// <summary><c>api-key NAME</c>: make an API key for a user and print it (shown once; send it as X-Api-Key).</summary>
internal static class ApiKeyCommand
{
    public static Command Create(CliContext cli)
    {
        var name = new Argument<string>("NAME") { Description = CliText.Get("ApiKeyUser") };
        var label = new Option<string?>("--label") { Description = CliText.Get("ApiKeyLabel") };
        return cli.DatabaseCommand("api-key", CliText.Get("ApiKeyCommand"), [name, label], async (r, services, ct) =>
        {
            await using var db = await services.GetRequiredService<Database>().OpenAsync(ct);
            var key = await Users.CreateApiKeyAsync(
                db,
                r.GetValue(name)!,
                r.GetValue(label) ?? "api",
                DateTimeOffset.UtcNow
            );
            await cli.Out.WriteLineAsync(key);
            return 0;
        });
    }
}
