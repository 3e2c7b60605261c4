using System.Text.RegularExpressions;
using ClosedXML.Excel;
using Planner.Api.Localization;
using Planner.Api.Uploads;

namespace Planner.Tests.Uploads;

/// <summary>
/// The capacity template in Chinese: its sheets, headers, instructions and Excel's own prompts and messages are
/// Chinese; a template in either language is accepted back whatever the reader's language; a mistake in a Chinese
/// template is told in Chinese, naming the sheet, row, column, header and value; a header of the other language is
/// a clear error naming its column.
/// </summary>
public partial class ChineseTemplateTests(HospitalsDatabase hospitals) : IClassFixture<HospitalsDatabase>
{
    private const string Sheet = CapacityTemplate.ChineseSheetName;

    private async Task<byte[]> TemplateAsync(string language)
    {
        using (Texts.Use(language))
        {
            return await HospitalsDatabase.TemplateAsync(hospitals.Settings, [], new DateOnly(2020, 2, 10));
        }
    }

    private async Task<UploadResult> UploadAsync(byte[] file, string language)
    {
        using (Texts.Use(language))
        {
            return await HospitalsDatabase.Uploader(hospitals.Settings).UploadAsync("capacity.xlsx", file, "test", Ct);
        }
    }

    [Fact]
    public async Task ChineseTemplate_HasChineseSheetsHeadersAndExcelMessages_AndNoEnglishHeader()
    {
        using var workbook = Xlsx.Open(new MemoryStream(await TemplateAsync("zh-CN")));

        Assert.Equal([Sheet, CapacityTemplate.ChineseInstructionsSheet], workbook.Worksheets.Select(w => w.Name));
        var ws = workbook.Worksheet(Sheet);
        var headers = ws.Row(1).CellsUsed().Select(c => c.GetString()).ToList();
        var english = CapacityTemplate.Columns(UploadFiles.Products).Select(c => c.English).ToHashSet();
        Assert.Equal(CapacityTemplate.Columns(UploadFiles.Products).Count, headers.Count);
        Assert.All(headers, h => Assert.Matches(Han(), h));
        Assert.DoesNotContain(headers, english.Contains);
        // Headers in words, not codes: no run of Latin letters but the devices' and the units' own (ICU is written
        // 重症监护, ECMO 体外膜肺氧合).
        Assert.DoesNotContain(headers, h => Regex.IsMatch(h, "[A-Za-z]{3,}"));
        Assert.Contains("医用防护口罩可用天数", headers);
        Assert.Contains("重症监护床位总数", headers);
        // Excel's prompt and error message on every validated column are Chinese, and the Yes/No list is 是/否.
        foreach (var validation in ws.DataValidations)
        {
            Assert.Matches(Han(), validation.ErrorTitle);
            Assert.Matches(Han(), validation.ErrorMessage);
            Assert.Matches(Han(), validation.InputMessage);
        }
        Assert.Contains(ws.DataValidations, v => v.AllowedValues == XLAllowedValues.List && v.Value == "\"是,否\"");
        var instructions = workbook.Worksheet(CapacityTemplate.ChineseInstructionsSheet);
        var text = string.Join("\n", instructions.CellsUsed().Select(c => c.GetString()));
        Assert.Contains("医院收治能力填报", text, StringComparison.Ordinal);
        Assert.Contains("公式", text, StringComparison.Ordinal);
        Assert.Contains("文件不超过 10 MB", text, StringComparison.Ordinal);
        Assert.Contains("20,000 行", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Planner reads", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilledTemplate_InEitherLanguage_IsAccepted_WhicheverLanguageReadsIt()
    {
        var chinese = UploadFiles.Reported(await TemplateAsync("zh-CN"), new DateTime(2020, 2, 6));
        var english = UploadFiles.Reported(await TemplateAsync("en"), new DateTime(2020, 2, 7));
        var chineseReadInEnglish = UploadFiles.Reported(await TemplateAsync("zh-CN"), new DateTime(2020, 2, 8));

        var results = new[]
        {
            await UploadAsync(chinese, "zh-CN"),
            await UploadAsync(english, "zh-CN"),
            await UploadAsync(chineseReadInEnglish, "en"),
        };

        Assert.All(results, r => Assert.Equal((200, false), (r.RowsRead, r.AlreadyUploaded)));
        Assert.Equal(3, results.Select(r => r.UploadId).Distinct().Count());
        await using var db = await hospitals.Settings.Planner.OpenAsync(Ct);
        // Each day holds what was uploaded for it: H-0001's pre-filled 1,928 general beds.
        Assert.Equal(
            3,
            await db.QuerySingleAsync<long>(
                "SELECT COUNT(*) FROM capacity_reports WHERE hospital_code = 'H-0001' AND beds_general_total = 1928 "
                    + "AND report_date BETWEEN '2020-02-06' AND '2020-02-08'"
            )
        );
        Assert.Equal(
            3,
            await db.QuerySingleAsync<long>(
                "SELECT COUNT(*) FROM uploads WHERE rows_read = 200 AND id IN @ids",
                new { ids = results.Select(r => r.UploadId).ToArray() }
            )
        );
    }

    [Fact]
    public async Task ChineseTemplateWithOneMistake_GetsAChineseError_NamingSheetRowColumnHeaderAndValue()
    {
        var file = UploadFiles.Edit(await TemplateAsync("zh-CN"), wb =>
        {
            UploadFiles.Report(wb, new DateTime(2020, 2, 5));
            wb.Worksheet(Sheet).Cell(7, 9).SetValue("abc");
        });

        var e = await Assert.ThrowsAsync<UploadInvalid>(() => UploadAsync(file, "zh-CN"));

        var error = Assert.Single(e.Errors);
        Assert.Equal(
            (Sheet, 7, "I", "重症监护床位总数", "abc"),
            (error.Sheet, error.Row, error.Column, error.Field, error.Value)
        );
        Assert.Equal("“abc”不是整数。", error.Message);
        Assert.Equal(
            "上传文件有 1 处问题，未保存任何内容。第一处：工作表“收治能力填报”第 7 行 I 列（重症监护床位总数）：“abc”不是整数。",
            e.Message
        );
        // Read in English, the same file is told in English, still naming its Chinese sheet and header.
        var inEnglish = await Assert.ThrowsAsync<UploadInvalid>(() => UploadAsync(file, "en"));
        Assert.Contains(
            "收治能力填报 row 7 column I (重症监护床位总数) 'abc': This is not a whole number.",
            inEnglish.Message,
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task AHeaderOfTheOtherLanguageOrUnknown_IsAnError_NamingTheSheetColumnAndHeaderFound()
    {
        var file = UploadFiles.Edit(await TemplateAsync("zh-CN"), wb =>
        {
            UploadFiles.Report(wb, new DateTime(2020, 2, 4));
            wb.Worksheet(Sheet).Cell(1, 9).SetValue("ICU beds total");
            wb.Worksheet(Sheet).Cell(1, 10).SetValue("ICU 占用");
        });

        var e = await Assert.ThrowsAsync<UploadInvalid>(() => UploadAsync(file, "zh-CN"));

        var mixed = Assert.Single(e.Errors, x => x.Column == "I");
        Assert.Equal(
            (Sheet, 1, "重症监护床位总数", "ICU beds total"),
            (mixed.Sheet, mixed.Row, mixed.Field, mixed.Value)
        );
        Assert.Contains("英文模板", mixed.Message, StringComparison.Ordinal);
        var unknown = Assert.Single(e.Errors, x => x.Column == "J");
        Assert.Equal("此处表头为“ICU 占用”，模板此列应为“重症监护床位已占用”。", unknown.Message);
        // Rows under a header that cannot be read by column are not checked: only the header's problems come back.
        Assert.All(e.Errors, x => Assert.True(x.Row is 1 or null));
    }

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Han();
}
