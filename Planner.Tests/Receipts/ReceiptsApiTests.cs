using System.Net.Http.Json;
using System.Text.Json;
using Planner.Tests.Uploads;
using static Planner.Tests.Receipts.ReceiptsDatabase;

namespace Planner.Tests.Receipts;

/// <summary>
/// Receipts over HTTP as a city officer (the sample user hangzhou, with an API key): a refused batch lists every
/// problem with its path in the request and writes nothing, a good one is recorded, the overdue lines and the
/// receipts are listed for the officer's city only, and the template comes back and uploads.
/// </summary>
public class ReceiptsApiTests
{
    private const string Url = "/api/runs/" + Run + "/receipts";

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Post_ABadBatch_ListsEachProblemAtItsPath_AndAGoodOneIsRecorded(DatabaseProvider provider)
    {
        TestNode? node = null;
        await using var app = await TestWebApp.StartAsync(provider, async db => node = await PrepareAsync(db));
        using var client = await app.WithApiKeyAsync("hangzhou");

        using var bad = await client.PostAsJsonAsync(
            Url,
            new
            {
                receipts = new object[]
                {
                    Request(0, 1000.5m),
                    Request(1, 10, receivedOn: "11/02/2020"),
                    Request(2, 10),
                },
            },
            Ct
        );
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var paths = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["receipts[1].receivedOn", "receipts[0].received", "receipts[2].line"], paths);
        Assert.Equal("", await StateAsync(node!));

        using var good = await client.PostAsJsonAsync(Url, new { receipts = new[] { Request(0, 1000) } }, Ct);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(1, (await good.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("recorded").GetInt32());

        var receipts = await client.GetFromJsonAsync<JsonElement>(Url, Ct);
        Assert.Equal("hangzhou", receipts[0].GetProperty("recordedBy").GetString());
        // The real clock: every line into Hangzhou but the one confirmed is long overdue; Ningbo's is not listed.
        var overdue = await client.GetFromJsonAsync<JsonElement>(Url + "/overdue", Ct);
        Assert.Equal(6, overdue.GetArrayLength());
        Assert.DoesNotContain(overdue.EnumerateArray(), l => l.GetProperty("to").GetString() == "330200");

        using var template = await client.GetAsync(new Uri(Url + "/template", UriKind.Relative), Ct);
        var file = await template.Content.ReadAsByteArrayAsync(Ct);
        using var upload = await TestWebApp.PostFileAsync(client, Url + "/workbook", file, "receipts.xlsx");
        await Answer.AssertSaysAsync(upload, HttpStatusCode.BadRequest, "No row has a quantity or date received");
    }

    [Fact]
    public async Task Get_AnUnknownRun_IsNotFound()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var client = await app.WithApiKeyAsync("province");

        using var response = await client.GetAsync(
            new Uri("/api/runs/req-nope/receipts/overdue", UriKind.Relative),
            Ct
        );

        await Answer.AssertSaysAsync(response, HttpStatusCode.NotFound, "There is no finished plan run req-nope.");
    }

    private static object Request(int line, decimal received, string receivedOn = "2020-02-11") =>
        new
        {
            from = Lines[line].From,
            to = Lines[line].To,
            product = Lines[line].Product,
            departure = new DateOnly(2020, 2, 10)
                .AddDays(Lines[line].Day)
                .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            received,
            receivedOn,
        };
}
