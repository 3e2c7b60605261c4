using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Planner.Api.Access;
using Planner.Api.Uploads;

namespace Planner.Api.Uploads;

/// <summary>
/// The hospital administrator's page: the template of their hospitals, the upload form, every problem of a
/// refused file in one table, and their recent uploads.
/// </summary>
[Authorize(Policy = AccessSetup.CapacityReporters)]
public sealed class UploadsModel(
    Database planner,
    IOptions<UploadLimits> options,
    TimeProvider clock,
    IStringLocalizer<UploadsModel> text
) : PageModel
{
    public UploadResult? Accepted { get; private set; }

    /// <summary>Why the file was refused as a whole (not an xlsx, too big, …), or the summary of its row
    /// problems.</summary>
    public string? Refused { get; private set; }

    public IReadOnlyList<UploadError> Errors { get; private set; } = [];

    public IReadOnlyList<UploadsApi.UploadRecord> History { get; private set; } = [];

    public async Task OnGetAsync() => History = await HistoryAsync();

    public async Task<IActionResult> OnPostAsync(IFormFile? file)
    {
        var status = StatusCodes.Status400BadRequest;
        if (Request.ContentLength > options.Value.MaxRequestBytes)
        {
            // The server stopped reading the form at its cap: say why rather than "choose a file".
            (Refused, status) = (
                text["TooLarge", UploadLimits.Megabytes(options.Value.MaxBytes), UploadLimits.Section].Value,
                StatusCodes.Status413PayloadTooLarge
            );
        }
        else if (file is null || file.Length == 0)
        {
            Refused = text["Choose"];
        }
        else
        {
            try
            {
                Accepted = await CapacityUpload.FromFormAsync(
                    file,
                    planner,
                    options.Value,
                    clock,
                    User,
                    HttpContext.RequestAborted
                );
            }
            catch (UploadInvalid e)
            {
                (Refused, Errors) = (e.Message, e.Errors);
            }
            catch (UploadRejected e)
            {
                (Refused, status) = (e.Message, e.Status);
            }
        }
        if (Refused is not null)
            Response.StatusCode = status;
        History = await HistoryAsync();
        return Page();
    }

    private async Task<IReadOnlyList<UploadsApi.UploadRecord>> HistoryAsync()
    {
        await using var db = await planner.OpenAsync(HttpContext.RequestAborted);
        return await UploadsApi.RecentAsync(db, User, 20);
    }
}
