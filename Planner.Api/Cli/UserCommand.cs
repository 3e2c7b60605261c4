using System.CommandLine;
using Planner.Api.Access;

namespace Planner.Api.Cli;

/// <summary><c>user NAME</c>: add a user or replace one (role, scope, password); the password is read from
/// stdin.</summary>
internal static class UserCommand
{
    public static Command Create(CliContext cli)
    {
        var name = new Argument<string>("NAME") { Description = "the user name (matched without regard to case)" };
        var role = new Option<string>("--role") { Description = "planner, logistics or hospital", Required = true };
        var city = new Option<string?>("--city")
        {
            Description = "a logistics officer's city (e.g. 330100); none = the province",
        };
        var hospitals = new Option<string?>("--hospitals")
        {
            Description = "a hospital administrator's hospitals, comma-separated",
        };
        var display = new Option<string?>("--name") { Description = "the name shown on the pages (default: NAME)" };
        return cli.DatabaseCommand(
            "user",
            "add a user or replace one (role, scope, password); the password is read from stdin",
            [name, role, city, hospitals, display],
            async (r, services, ct) =>
            {
                var userName = r.GetValue(name)!;
                var user = new PlannerUser(
                    userName,
                    r.GetValue(display) ?? userName,
                    r.GetValue(role)!,
                    r.GetValue(city),
                    CliOptions.List(r, hospitals)
                );
                var password = await cli.In.ReadLineAsync(ct)
                    ?? throw new PlannerException("Give the password on stdin (one line).");
                await using (var db = await services.GetRequiredService<Database>().OpenAsync(ct))
                {
                    await Users.SaveAsync(db, user, password, DateTimeOffset.UtcNow);
                }
                await cli.Out.WriteLineAsync(
                    $"{user.UserName}\t{user.Role}\t{user.CityCode ?? string.Join(",", user.Hospitals)}"
                );
                return 0;
            }
        );
    }
}
