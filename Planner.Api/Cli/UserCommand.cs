using System.CommandLine;
using Planner.Api.Access;

namespace Planner.Api.Cli;

/// <summary><c>user NAME</c>: add a user or replace one (role, scope, password); the password is read from
/// stdin.</summary>
internal static class UserCommand
{
    public static Command Create(CliContext cli)
    {
        var name = new Argument<string>("NAME") { Description = CliText.Get("UserName") };
        var role = new Option<string>("--role") { Description = CliText.Get("UserRole") };
        var city = new Option<string?>("--city") { Description = CliText.Get("UserCity") };
        var hospitals = new Option<string?>("--hospitals") { Description = CliText.Get("UserHospitals") };
        var display = new Option<string?>("--name") { Description = CliText.Get("UserDisplay") };
        var command = cli.DatabaseCommand(
            "user",
            CliText.Get("UserCommand"),
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
                    ?? throw new PlannerException(CliText.Get("PasswordOnStdin"));
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
        // Checked here rather than with Required, whose message has no Chinese.
        command.Validators.Add(r =>
        {
            if (r.GetResult(role) is null)
                r.AddError(CliText.Get("RoleRequired"));
        });
        return command;
    }
}
