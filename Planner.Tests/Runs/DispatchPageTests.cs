using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClosedXML.Excel;
using Dapper;
using Planner.Tests.Jobs;

namespace Planner.Tests.Runs;

/// <summary>
/// A depot's dispatch notes on the web, under the run page: the same notes as the depot's workbook (number,
/// consignee, products and quantities), one article to a printed page with the three signature lines, in the
/// reader's language; a city's officer sees their own city's depot only.
/// </summary>
public partial class DispatchPageTests : HangfireTests
{
    [Fact]
    public async Task DispatchNotes_AreTheWorkbooksNotes_PrintedOneToAPage_ForTheDepotsReaders()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var planner = await app.SignedInAsync("planner");
        using var api = await app.WithApiKeyAsync("planner");
        using var queued = await api.PostAsJsonAsync("/api/runs", new { asOf = "2020-02-16", days = 3 }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        Assert.Equal("succeeded", await TestWebApp.FinishedRunStatusAsync(api, id));

        var run = await planner.GetStringAsync(new Uri($"/runs/{id}", UriKind.Relative), Ct);
        Assert.Contains($"href=\"/runs/{id}/dispatch/province\"", run, StringComparison.Ordinal);
        Assert.Contains($"href=\"/runs/{id}/dispatch/city-330300\"", run, StringComparison.Ordinal);

        foreach (var kind in new[] { "province", "city-330300" })
        {
            var page = await planner.GetStringAsync(new Uri($"/runs/{id}/dispatch/{kind}", UriKind.Relative), Ct);
            var workbook = await TodaysNotesAsync(api, id, kind);
            Assert.NotEmpty(workbook);
            Assert.Equal(workbook, Notes(page));
            // Who signs for each line in the county: the workbook's Deliveries of today's notes, on the page.
            var deliveries = await DeliveriesAsync(api, id, kind, workbook.Keys);
            Assert.Equal(deliveries, Deliveries(page));
            if (kind == "city-330300")
                Assert.Contains(deliveries.Values, d => d.Contains("Hospital", StringComparison.Ordinal));
            Assert.Equal(workbook.Count, Count(page, "Received by (signature):"));
            Assert.Contains("page-break-after: always", page, StringComparison.Ordinal);
        }

        using var chinese = await app.SignedInAsync("planner", language: "zh-CN");
        var zh = await chinese.GetStringAsync(new Uri($"/runs/{id}/dispatch/province", UriKind.Relative), Ct);
        Assert.Contains("浙江省省级医疗物资储备库 调拨单", zh, StringComparison.Ordinal);
        foreach (var signer in new[] { "发货人（签字）：", "承运人（签字）：", "收货人（签字）：" })
            Assert.Equal(Count(zh, "<article class=\"note\""), Count(zh, signer));

        using var officer = await app.SignedInAsync("hangzhou");
        using var own = await officer.GetAsync(new Uri($"/runs/{id}/dispatch/city-330100", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        foreach (var other in new[] { "province", "city-330200" })
        {
            using var refused = await officer.GetAsync(new Uri($"/runs/{id}/dispatch/{other}", UriKind.Relative), Ct);
            // Pages send a refused reader to the access-denied page, as every page does.
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            var to = refused.Headers.Location!;
            Assert.StartsWith(
                "/denied",
                to.IsAbsoluteUri ? to.AbsolutePath : to.OriginalString,
                StringComparison.Ordinal
            );
        }
        await AssertAnOlderRunHasNoSplitAsync(app, planner, api, id);

        using var unknown = await planner.GetAsync(new Uri($"/runs/{id}/dispatch/city-999999", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    /// <summary>A run recorded before its consignees were stored: its notes, with no split (not all to the county's
    /// store).</summary>
    private static async Task AssertAnOlderRunHasNoSplitAsync(
        TestWebApp app,
        HttpClient planner,
        HttpClient api,
        string id
    )
    {
        await using (var db = await app.Planner.OpenAsync(Ct))
            await db.ExecuteAsync("DELETE FROM plan_consignees");
        var older = await planner.GetStringAsync(new Uri($"/runs/{id}/dispatch/city-330300", UriKind.Relative), Ct);
        Assert.Equal(await TodaysNotesAsync(api, id, "city-330300"), Notes(older));
        Assert.DoesNotContain("class=\"deliveries\"", older, StringComparison.Ordinal);
    }

    /// <summary>The depot's workbook in English.</summary>
    private static async Task<XLWorkbook> WorkbookAsync(HttpClient api, string id, string kind)
    {
        using var file = await api.GetAsync(new Uri($"/api/runs/{id}/files/{kind}?lang=en", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        return Xlsx.Open(await file.Content.ReadAsStreamAsync(Ct));
    }

    /// <summary>The notes of the depot's workbook's today's list: number → product → quantity.</summary>
    private static async Task<SortedDictionary<string, string>> TodaysNotesAsync(HttpClient api, string id, string kind)
    {
        using var workbook = await WorkbookAsync(api, id, kind);
        return ByNote(workbook.Worksheet("Today's dispatch").Table("TodayDispatch").DataRange.Rows(), _ => "");
    }

    /// <summary>The workbook's deliveries of the given notes: number → product, receiver type and name →
    /// units.</summary>
    private static async Task<SortedDictionary<string, string>> DeliveriesAsync(
        HttpClient api,
        string id,
        string kind,
        IEnumerable<string> notes
    )
    {
        using var workbook = await WorkbookAsync(api, id, kind);
        var today = notes.ToHashSet(StringComparer.Ordinal);
        return ByNote(
            workbook
                .Worksheet("Deliveries")
                .Table("Deliveries")
                .DataRange.Rows()
                .Where(r => today.Contains(r.Field("Note no.").GetString())),
            r => $"/{r.Field("Receiver type").GetString()}/{r.Field("Receiver").GetString()}"
        );
    }

    /// <summary>Rows by note number: each row's product, <paramref name="who"/> and quantity, in order.</summary>
    private static SortedDictionary<string, string> ByNote(
        IEnumerable<IXLTableRow> rows,
        Func<IXLTableRow, string> who
    ) =>
        new(
            rows.GroupBy(r => r.Field("Note no.").GetString())
                .ToDictionary(
                    g => g.Key,
                    g =>
                        string.Join(
                            ";",
                            g.Select(r =>
                                    $"{r.Field("Product").GetString()}{who(r)}="
                                    + ((long)r.Field("Quantity").GetDouble()).ToString(CultureInfo.InvariantCulture)
                                )
                                .Order(StringComparer.Ordinal)
                        )
                ),
            StringComparer.Ordinal
        );

    /// <summary>The page's deliveries: number → product, receiver type and name → units.</summary>
    private static SortedDictionary<string, string> Deliveries(string page) =>
        new(
            Article()
                .Matches(page)
                .Select(m =>
                    (
                        Number: m.Groups[1].Value,
                        Rows: Delivery()
                            .Matches(m.Groups[2].Value)
                            .Select(d =>
                                $"{d.Groups[1].Value}/{WebUtility.HtmlDecode(d.Groups[3].Value)}/"
                                + $"{WebUtility.HtmlDecode(d.Groups[2].Value)}="
                                + d.Groups[4].Value.Replace(",", "", StringComparison.Ordinal)
                            )
                            .Order(StringComparer.Ordinal)
                            .ToList()
                    )
                )
                .Where(n => n.Rows.Count > 0)
                .ToDictionary(n => n.Number, n => string.Join(";", n.Rows)),
            StringComparer.Ordinal
        );

    [GeneratedRegex(
        "<tr class=\"delivery\" data-product=\"([^\"]+)\" data-receiver=\"([^\"]*)\">.*?<td>[^<]*</td>"
            + "<td>([^<]*)</td>.*?<td class=\"num delivered\">([0-9,]+)</td>",
        RegexOptions.Singleline
    )]
    private static partial Regex Delivery();

    /// <summary>The page's notes: number → product → quantity.</summary>
    private static SortedDictionary<string, string> Notes(string page) =>
        new(
            Article()
                .Matches(page)
                .ToDictionary(
                    m => m.Groups[1].Value,
                    m =>
                        string.Join(
                            ";",
                            Line()
                                .Matches(m.Groups[2].Value)
                                .Select(l =>
                                    l.Groups[1].Value
                                    + "="
                                    + l.Groups[2].Value.Replace(",", "", StringComparison.Ordinal)
                                )
                                .Order(StringComparer.Ordinal)
                        )
                ),
            StringComparer.Ordinal
        );

    private static int Count(string text, string what) => Regex.Count(text, Regex.Escape(what));

    [GeneratedRegex("<article class=\"note\" id=\"([^\"]+)\"(.*?)</article>", RegexOptions.Singleline)]
    private static partial Regex Article();

    [GeneratedRegex(
        "<tr data-product=\"([^\"]+)\">.*?<td class=\"num quantity\">([0-9,]+)</td>",
        RegexOptions.Singleline
    )]
    private static partial Regex Line();
}
