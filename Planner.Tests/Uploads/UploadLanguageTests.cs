using System.Net.Http.Headers;
using Planner.Api.Uploads;

namespace Planner.Tests.Uploads;

/// <summary>
/// Uploads in the language the client reads: over the API as <c>Accept-Language</c> asks (a Chinese template, and
/// problem details whose titles, details and listed errors are Chinese), on the page as the language switch chose.
/// </summary>
public class UploadLanguageTests : Jobs.HangfireTests
{
    [Fact]
    public async Task AcceptLanguageChinese_GetsAChineseTemplate_AndChineseProblemDetails()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite, HospitalsDatabase.PrepareAsync);
        using var admin = await app.SignedInAsync("hospital", language: null);
        admin.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("zh-CN"));
        var template = await UploadFiles.TemplateAsync(admin);
        var bad = UploadFiles.Edit(UploadFiles.Reported(template, new DateTime(2020, 2, 10)), wb =>
            wb.Worksheet(CapacityTemplate.ChineseSheetName).Cell(3, 9).SetValue(-4)
        );

        using var refused = await TestWebApp.PostFileAsync(admin, "/api/uploads/capacity", bad, "bad.xlsx");
        using var notXlsx = await TestWebApp.PostFileAsync(admin, "/api/uploads/capacity", "a,b"u8.ToArray(), "x.csv");

        Assert.Equal(["H-0001", "H-0002"], UploadFiles.Hospitals(template));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("上传文件有误", problem.GetProperty("title").GetString());
        Assert.Equal(
            "上传文件有 1 处问题，未保存任何内容。第一处：工作表“收治能力填报”第 3 行 I 列（重症监护床位总数）："
                + "“-4”为负数，须为 0 或正整数。",
            problem.GetProperty("detail").GetString()
        );
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(
            ("收治能力填报", 3, "I", "重症监护床位总数", "-4", "“-4”为负数，须为 0 或正整数。"),
            (
                error.GetProperty("sheet").GetString(),
                error.GetProperty("row").GetInt32(),
                error.GetProperty("column").GetString(),
                error.GetProperty("field").GetString(),
                error.GetProperty("value").GetString(),
                error.GetProperty("message").GetString()
            )
        );
        Assert.Equal(HttpStatusCode.BadRequest, notXlsx.StatusCode);
        var refusedFile = await notXlsx.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("文件被拒收", refusedFile.GetProperty("title").GetString());
        Assert.StartsWith(
            "该文件不是 Excel 工作簿",
            refusedFile.GetProperty("detail").GetString(),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task UploadPageInChinese_ListsTheProblemsInChinese()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite, HospitalsDatabase.PrepareAsync);
        using var admin = await app.SignedInAsync("hospital", language: "zh-CN");
        var template = await UploadFiles.TemplateAsync(admin);
        var bad = UploadFiles.Edit(UploadFiles.Reported(template, new DateTime(2020, 2, 10)), wb =>
            wb.Worksheet(CapacityTemplate.ChineseSheetName).Cell(2, 4).SetValue("2020/02/10")
        );

        using var refused = await TestWebApp.PostFileAsync(
            admin,
            "/uploads",
            bad,
            "bad.xlsx",
            await TestWebApp.TokenAsync(admin, "/uploads")
        );
        var page = await refused.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("上传文件有 1 处问题，未保存任何内容。", page, StringComparison.Ordinal);
        Assert.Contains("<tr><td>收治能力填报</td>", page, StringComparison.Ordinal);
        Assert.Contains(
            "<td>2</td><td>D</td><td>填报日期</td><td>2020/02/10</td>"
                + "<td>“2020/02/10”不是有效日期，请按 yyyy-mm-dd 格式填写，如 2020-02-10。</td>",
            page,
            StringComparison.Ordinal
        );
    }
}
