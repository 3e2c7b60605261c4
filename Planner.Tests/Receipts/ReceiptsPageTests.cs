using static Planner.Tests.Receipts.ReceiptsDatabase;

namespace Planner.Tests.Receipts;

/// <summary>
/// The officer's receipts page and the landing page's overdue notice, as the Hangzhou officer signed in (the real
/// clock: every line of the 2020 run is long overdue). A refused form lists each problem at its row and keeps what
/// was typed; nothing is written.
/// </summary>
public class ReceiptsPageTests
{
    [Fact]
    public async Task Page_ConfirmsTypedRows_RefusingABadOneAtItsRow()
    {
        TestNode? node = null;
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite, async db =>
            node = await PrepareAsync(db)
        );
        using var client = await app.SignedInAsync("hangzhou");

        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative), Ct);
        Assert.Contains(
            "7 shipment lines were not confirmed by the day after they arrived",
            home,
            StringComparison.Ordinal
        );
        var page = await client.GetStringAsync(new Uri("/receipts", UriKind.Relative), Ct);
        Assert.Contains("Overdue (7)", page, StringComparison.Ordinal);
        Assert.DoesNotContain("330200", page, StringComparison.Ordinal);

        // Row 1 is 330000 → 330100 N95 (1,000 shipped); row 3 is 330100 → 330102 N95 (250.5 shipped).
        var token = await TestWebApp.TokenAsync(client, "/receipts");
        using var bad = await PostAsync(client, token, [("0", "990", "2020-02-11"), ("2", "251", "2020-02-12")]);
        var refused = await bad.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("add up to more than the 250.5 shipped", refused, StringComparison.Ordinal);
        Assert.Contains("value=\"990\"", refused, StringComparison.Ordinal);
        Assert.Equal("", await StateAsync(node!));

        using var good = await PostAsync(client, token, [("0", "990", "2020-02-11"), ("2", "250", "2020-02-12")]);
        Assert.Contains("2 receipts recorded.", await good.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(
            "330100|N95|0|990|0|0|2020-02-11|page|hangzhou\n330102|N95|1|250|0|0|2020-02-12|page|hangzhou",
            await StateAsync(node!)
        );
    }

    [Fact]
    public async Task Page_InChinese_NamesEverythingInChinese()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite, PrepareAsync);
        using var client = await app.SignedInAsync("hangzhou", language: null);

        var page = await client.GetStringAsync(new Uri("/receipts", UriKind.Relative), Ct);
        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative), Ct);

        Assert.Contains("<h1>到货签收</h1>", page, StringComparison.Ordinal);
        Assert.Contains("逾期未签收（7条）", page, StringComparison.Ordinal);
        Assert.Contains("<td>杭州市</td><td>医用防护口罩</td><td>浙江省</td>", page, StringComparison.Ordinal);
        Assert.Contains("有 7 条调拨明细到达日次日仍未签收", home, StringComparison.Ordinal);
    }

    /// <summary>Posts the confirm form with the page's hidden line fields for rows 0 to 6, and what was typed in
    /// <paramref name="typed"/> (row, received, date received).</summary>
    private static async Task<HttpResponseMessage> PostAsync(
        HttpClient client,
        string token,
        (string Row, string Received, string On)[] typed
    )
    {
        var page = await client.GetStringAsync(new Uri("/receipts", UriKind.Relative), Ct);
        var fields = System
            .Text.RegularExpressions.Regex.Matches(
                page,
                "type=\"hidden\" name=\"(Rows\\[\\d+\\]\\.\\w+)\" value=\"([^\"]*)\""
            )
            .Select(m => new KeyValuePair<string, string>(
                m.Groups[1].Value,
                System.Net.WebUtility.HtmlDecode(m.Groups[2].Value)
            ))
            .ToList();
        foreach (var (row, received, on) in typed)
        {
            fields.Add(new($"Rows[{row}].Received", received));
            fields.Add(new($"Rows[{row}].ReceivedOn", on));
        }
        fields.Add(new("__RequestVerificationToken", token));
        using var form = new FormUrlEncodedContent(fields);
        return await client.PostAsync(new Uri("/receipts?handler=Confirm", UriKind.Relative), form, Ct);
    }
}
