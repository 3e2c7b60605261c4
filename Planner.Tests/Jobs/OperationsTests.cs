using ClosedXML.Excel;

namespace Planner.Tests.Jobs;

/// <summary>The web node in embedded mode: the dashboard and the operations endpoints, as a planner (access:
/// AccessTests).</summary>
public class OperationsTests : HangfireTests
{
    [Fact]
    public async Task Operations_TriggerARun_FollowIt_AndDownloadWhatItPublished()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var client = await app.WithApiKeyAsync("planner");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/hangfire", UriKind.Relative), Ct)).StatusCode);
        var queued = await client.PostAsJsonAsync("/api/runs", new { days = 2 }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        Assert.Equal($"/api/runs/{id}", queued.Headers.Location?.ToString());

        Assert.Equal("succeeded", await TestWebApp.FinishedRunStatusAsync(client, id));
        await AssertPublishedAsync(client, id);
        await AssertSourcesAndRefusalsAsync(client);
        await AssertACityOfficerGetsTheirCityOnlyAsync(app, client, id);
    }

    /// <summary>The run's province workbook and one city's, downloaded.</summary>
    private static async Task AssertPublishedAsync(HttpClient client, string id)
    {
        var workbook = await client.GetAsync(new Uri($"/api/runs/{id}/files/province", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, workbook.StatusCode);
        using (var book = Xlsx.Open(await workbook.Content.ReadAsStreamAsync(Ct)))
        {
            Assert.Equal(5, book.Worksheet("Summary").Table("SummaryByProduct").DataRange.RowCount());
        }
        var city = await client.GetAsync(new Uri($"/api/runs/{id}/files/city-330100", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, city.StatusCode);
        Assert.StartsWith(
            "plan-city-330100-",
            city.Content.Headers.ContentDisposition?.FileName?.Trim('"'),
            StringComparison.Ordinal
        );
    }

    /// <summary>The feeds' freshness and pulls, a pull asked for, and what is refused: an unknown feed or run, a
    /// horizon too long.</summary>
    private static async Task AssertSourcesAndRefusalsAsync(HttpClient client)
    {
        var sources = await client.GetFromJsonAsync<JsonElement>("/api/sources", Ct);
        Assert.Equal(4, sources.GetArrayLength());
        Assert.All(sources.EnumerateArray(), s => Assert.True(s.GetProperty("fresh").GetBoolean()));
        var pulls = await client.GetFromJsonAsync<JsonElement>("/api/sources/pulls?limit=3", Ct);
        Assert.Equal(3, pulls.GetArrayLength());
        Assert.Equal(
            HttpStatusCode.Accepted,
            (await client.PostAsync(new Uri("/api/sources/production/pull", UriKind.Relative), null, Ct)).StatusCode
        );
        var unknownFeed = await client.PostAsync(new Uri("/api/sources/masks/pull", UriKind.Relative), null, Ct);
        await Answer.AssertSaysAsync(
            unknownFeed,
            HttpStatusCode.NotFound,
            "production, hospitals, teams and situation"
        );
        var unknownRun = await client.PostAsync(new Uri("/api/runs/req-nope/cancel", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknownRun.StatusCode);
        var badDays = await client.PostAsJsonAsync("/api/runs", new { days = 400 }, Ct);
        await Answer.AssertSaysAsync(badDays, HttpStatusCode.BadRequest, "days is 400");
    }

    /// <summary>Hangzhou's logistics officer, signed in on the pages, sees and downloads Hangzhou's workbook of the run
    /// only; the planner sees all 13 files.</summary>
    private static async Task AssertACityOfficerGetsTheirCityOnlyAsync(TestWebApp app, HttpClient planner, string id)
    {
        using var officer = await app.SignedInAsync("hangzhou");
        var plans = await officer.GetStringAsync(new Uri("/", UriKind.Relative), Ct);
        Assert.Contains($"/api/runs/{id}/files/city-330100", plans, StringComparison.Ordinal);
        Assert.DoesNotContain($"/api/runs/{id}/files/city-330200", plans, StringComparison.Ordinal);
        Assert.DoesNotContain($"/api/runs/{id}/files/province", plans, StringComparison.Ordinal);
        var published = await officer.GetFromJsonAsync<JsonElement>($"/api/plans/{id}", Ct);
        Assert.Equal(["city-330100"], published.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        var all = await planner.GetFromJsonAsync<JsonElement>("/api/plans", Ct);
        Assert.Equal(13, Assert.Single(all.EnumerateArray()).GetProperty("files").GetArrayLength());
        using var own = await officer.GetAsync(new Uri($"/api/runs/{id}/files/city-330100", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        using (var book = Xlsx.Open(await own.Content.ReadAsStreamAsync(Ct)))
        {
            Assert.Contains(book.Worksheets, w => w.Name == "Villages");
        }
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await officer.GetAsync(new Uri($"/api/runs/{id}/files/city-330200", UriKind.Relative), Ct)).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await officer.GetAsync(new Uri($"/api/runs/{id}/files/province", UriKind.Relative), Ct)).StatusCode
        );
    }

    [Fact]
    public async Task Uploads_TemplateIn_FilledTemplateOut_ProblemsAsProblemDetails()
    {
        await using var app = await TestWebApp.StartAsync(
            DatabaseProvider.Sqlite,
            Uploads.HospitalsDatabase.PrepareAsync
        );
        using var client = await app.WithApiKeyAsync("planner");

        var template = await client.GetAsync(
            new Uri("/api/uploads/capacity/template?hospitals=H-0001,H-0002", UriKind.Relative),
            Ct
        );
        Assert.Equal(HttpStatusCode.OK, template.StatusCode);
        Assert.Equal(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            template.Content.Headers.ContentType?.MediaType
        );
        var bytes = await template.Content.ReadAsByteArrayAsync(Ct);
        var good = Uploads.UploadFiles.Reported(bytes, new DateTime(2020, 2, 10));
        var bad = Uploads.UploadFiles.Edit(good, wb => wb.Worksheet("Capacity").Cell(3, 9).SetValue(-4));

        var accepted = await Post(good, "filled.xlsx");
        var refused = await Post(bad, "broken.xlsx");
        var notExcel = await Post("hospital,beds\nH-0001,3\n"u8.ToArray(), "capacity.xlsx");

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var result = await accepted.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal((2, 2), (result.GetProperty("rowsRead").GetInt32(), result.GetProperty("rowsChanged").GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var error = Assert.Single((await Uploads.RefusedUpload.ReadAsync(refused)).Errors);
        Assert.Equal(("Capacity", 3, "I", "ICU beds total"), (error.Sheet, error.Row, error.Column, error.Field));
        await Answer.AssertSaysAsync(notExcel, HttpStatusCode.BadRequest, "not an Excel workbook");
        Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>("/api/uploads", Ct)).GetArrayLength());
        var unknown = await client.GetAsync(
            new Uri("/api/uploads/capacity/template?hospitals=H-NOPE", UriKind.Relative),
            Ct
        );
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        Task<HttpResponseMessage> Post(byte[] file, string name) =>
            TestWebApp.PostFileAsync(client, "/api/uploads/capacity", file, name);
    }
}
