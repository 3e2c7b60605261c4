using Planner.Api.Uploads;

namespace Planner.Tests.Uploads;

/// <summary>The rows' problems of an upload the API refused, read back from its ProblemDetails: the errors it lists
/// and how many it did not.</summary>
internal sealed record RefusedUpload(List<UploadError> Errors, int NotListed)
{
    /// <summary>The API's own names for an error's fields (camelCase, matched exactly).</summary>
    private static readonly JsonSerializerOptions Names = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task<RefusedUpload> ReadAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return new RefusedUpload(
            problem.GetProperty("errors").Deserialize<List<UploadError>>(Names)!,
            problem.GetProperty("errorsNotListed").GetInt32()
        );
    }
}
