using System.CommandLine;
using Planner.Api.Startup;
using Planner.Api.Uploads;

namespace Planner.Api.Cli;

/// <summary>
/// <c>upload FILE</c>: a filled capacity template. The file is checked before the database is touched, and a file
/// over the size limit is refused before it is read, so a hostile file costs what the limits allow and no more.
/// </summary>
internal static class UploadCommand
{
    public static Command Create(CliContext cli)
    {
        var file = new Argument<string>("FILE") { Description = CliText.Get("UploadFile") };
        return CliCommand.Create(
            "upload",
            CliText.Get("UploadCommand"),
            [file],
            async (r, ct) =>
            {
                await using var services = cli.Services();
                var limits = services.GetRequiredService<IOptions<UploadLimits>>().Value;
                var path = r.GetValue(file)!;
                var content = await ReadAsync(path, limits, ct);
                try
                {
                    using var package = UploadGuard.Open(content, limits);
                    await services.GetRequiredService<StartupWork>().PrepareDatabaseAsync(cli.Progress, ct);
                    var result = await new CapacityUpload(
                        services.GetRequiredService<Database>(),
                        limits,
                        TimeProvider.System
                    ).UploadAsync(path, package, Environment.UserName, ct);
                    await cli.Out.WriteLineAsync(
                        CliText.Get("UploadDone", result.UploadId, result.RowsRead, result.RowsChanged)
                            + (result.AlreadyUploaded ? CliText.Get("AlreadyUploaded") : "")
                    );
                    return 0;
                }
                catch (UploadInvalid e)
                {
                    await cli.Error.WriteLineAsync(CliText.Get("ErrorLine", e.Message));
                    foreach (var error in e.Errors)
                        await cli.Error.WriteLineAsync("  " + UploadInvalid.Describe(error));
                    if (e.NotListed > 0)
                        await cli.Error.WriteLineAsync(CliText.Get("MoreProblems", e.NotListed));
                    return 1;
                }
            }
        );
    }

    private static async Task<byte[]> ReadAsync(string path, UploadLimits limits, CancellationToken ct)
    {
        try
        {
            // Refused before it is read, in the same words (and language) as an upload over the web.
            limits.CheckFileSize(new FileInfo(path).Length);
            return await File.ReadAllBytesAsync(path, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PlannerException(CliText.Get("CannotRead", path, e.Message), e);
        }
    }
}
