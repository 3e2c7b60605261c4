using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using ClosedXML.Excel;

namespace Planner.Tests.Workbooks;

/// <summary>
/// The Chinese workbooks a run publishes beside the English ones: Chinese sheet names and headers (no English word
/// in any header of any zh-CN workbook), the title, the units 只/件/副/双, 万 in the headline figures, the reasons
/// and footers; and a province workbook printed by LibreOffice with its Chinese intact.
/// </summary>
public partial class ChineseWorkbookTests(PublishedPlan plan) : IClassFixture<PublishedPlan>
{
    private PlanOutcome Outcome => plan.Outcome;

    private IEnumerable<string> ChineseWorkbooks =>
        new[] { Outcome.WorkbookPath! }
            .Concat(Outcome.CityWorkbookPaths)
            .Select(p => PublishedWorkbookTests.InLanguage(p, "zh-CN"));

    [Fact]
    public void EveryChineseWorkbook_HasChineseSheetNamesAndHeaders_NoEnglishWord()
    {
        var english = new List<string>();
        foreach (var path in ChineseWorkbooks)
        {
            using var workbook = Xlsx.Open(path);
            var file = Path.GetFileName(path);
            foreach (var ws in workbook.Worksheets)
            {
                if (!Han().IsMatch(ws.Name))
                    english.Add($"{file}: sheet name {ws.Name}");
                // The headers of every list, and the labels of the Summary's and the run settings' rows.
                IEnumerable<IXLCell> labels =
                    ws.Tables.FirstOrDefault(t => t.Name == "RunSettings") is { } settings
                        ? settings.DataRange.Column(1).Cells()
                    : ws.Name is "汇总" or "今日调拨" ? ws.Column(1).CellsUsed()
                    : [];
                var headers = ws
                    .Tables.SelectMany(t => t.Fields.Select(f => f.Name))
                    .Concat(labels.Select(c => c.GetString()).Where(t => !Code().IsMatch(t)));
                english.AddRange(
                    headers.Where(h => EnglishWord().IsMatch(h)).Select(h => $"{file[..14]}: {ws.Name} has '{h}'")
                );
            }
        }
        Assert.True(english.Count == 0, string.Join("\n", english.Distinct().Take(30)));
    }

    [Fact]
    public void ChineseProvinceSummary_HasTheTitle_UnitsInChinese_AndWanInTheHeadlineFigures()
    {
        using var workbook = Xlsx.Open(PublishedWorkbookTests.InLanguage(Outcome.WorkbookPath!, "zh-CN"));
        var summary = workbook.Worksheet("汇总");
        Assert.Equal("浙江省医疗物资调拨计划", summary.Cell(1, 1).GetString());
        var rows = summary.Table("SummaryByProduct").DataRange.Rows().ToList();
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["COVERALL"] = "件",
                ["GLOVES"] = "双",
                ["GOGGLES"] = "副",
                ["N95"] = "只",
                ["SURGICAL"] = "只",
            },
            rows.ToDictionary(r => r.Field("物资代码").GetString(), r => r.Field("单位").GetString())
        );
        Assert.Contains(rows, r => r.Field("物资名称").GetString() == "医用防护服");
        // From 100,000 up a figure is in 万 (one decimal, the cell holds it so: LibreOffice and WPS print it too);
        // below, written out with separators. The English workbook has the same figures in units.
        using var english = Xlsx.Open(Outcome.WorkbookPath!);
        var units = english
            .Worksheet("Summary")
            .Table("SummaryByProduct")
            .DataRange.Rows()
            .ToDictionary(r => r.Field("Product").GetString(), r => r.Field("Demand").GetDouble());
        Assert.All(rows, r =>
        {
            var (demand, inUnits) = (r.Field("需求量"), units[r.Field("物资代码").GetString()]);
            if (inUnits >= 100_000)
                Assert.Equal(
                    (Math.Round(inUnits / 10_000, 1), "#,##0.0\"万\""),
                    (demand.GetDouble(), demand.Style.NumberFormat.Format)
                );
            else
                Assert.Equal((inUnits, "#,##0"), (demand.GetDouble(), demand.Style.NumberFormat.Format));
        });
        Assert.Contains(units.Values, u => u >= 100_000);
        var shortfalls = workbook.Worksheet("缺口").Table("Shortfalls").DataRange.Rows().ToList();
        Assert.NotEmpty(shortfalls);
        Assert.All(shortfalls, r => Assert.Matches(Han(), r.Field("原因").GetString()));
        Assert.Contains("运行编号", Footer(PublishedWorkbookTests.InLanguage(Outcome.WorkbookPath!, "zh-CN")));
    }

    [Fact]
    public void ChineseCityWorkbook_IsTitledWithTheCity_AndHasItsVillagesUnderChineseHeaders()
    {
        var wenzhou = Outcome.CityWorkbookPaths.Single(p =>
            Path.GetFileName(p).StartsWith("plan-city-330300-", StringComparison.Ordinal)
        );
        using var workbook = Xlsx.Open(PublishedWorkbookTests.InLanguage(wenzhou, "zh-CN"));
        Assert.Equal("温州市医疗物资调拨计划", workbook.Worksheet("汇总").Cell(1, 1).GetString());
        var villages = workbook.Worksheet("村（社区）").Table("Villages");
        Assert.Contains("医用防护服（件）", villages.Fields.Select(f => f.Name));
        using var english = Xlsx.Open(wenzhou);
        Assert.Equal(
            english.Worksheet("Villages").Table("Villages").DataRange.RowCount(),
            villages.DataRange.RowCount()
        );
    }

    /// <summary>Where the plan's data comes from, in Chinese on the Summary (数据采集) and in the properties: each
    /// feed by its name, the version its data reaches and its pull run.</summary>
    [Fact]
    public void ChineseProvinceWorkbook_NamesItsDataFeedsInChinese()
    {
        using var workbook = Xlsx.Open(PublishedWorkbookTests.InLanguage(Outcome.WorkbookPath!, "zh-CN"));
        var pulled = workbook
            .Worksheet("汇总")
            .Column(1)
            .CellsUsed()
            .Single(c => c.GetString() == "数据采集")
            .CellRight()
            .GetString();
        Assert.Matches(
            @"^生产数据截至版本 \d+（拉取批次 pull-production-[^）]+）；医院数据截至版本 \d+（拉取批次 pull-hospitals-[^）]+）；"
                + @"医疗队数据截至版本 \d+（拉取批次 pull-teams-[^）]+）；疫情数据截至版本 \d+（拉取批次 pull-situation-[^）]+）$",
            pulled
        );
        Assert.Equal("数据：" + pulled, workbook.Properties.Comments);
    }

    /// <summary>LibreOffice prints the Chinese province workbook; the PDF's text has the Chinese headings (a missing
    /// CJK font would print boxes: .ci/run installs fonts-noto-cjk).</summary>
    [Fact]
    public void ChineseProvinceWorkbook_PrintsToPdf_WithItsChineseHeadings()
    {
        var (soffice, pdftotext) = (Require("soffice", "libreoffice-calc"), Require("pdftotext", "poppler-utils"));
        var folder = Directory.CreateTempSubdirectory("planner-pdf-");
        try
        {
            var workbook = PublishedWorkbookTests.InLanguage(Outcome.WorkbookPath!, "zh-CN");
            Run(
                soffice,
                "--headless",
                $"-env:UserInstallation=file://{folder.FullName}/profile",
                "--convert-to",
                "pdf",
                "--outdir",
                folder.FullName,
                workbook
            );
            var pdf = Path.Combine(folder.FullName, Path.GetFileNameWithoutExtension(workbook) + ".pdf");
            Assert.True(File.Exists(pdf), $"LibreOffice wrote no {pdf}");
            var text = Run(pdftotext, pdf, "-");
            foreach (var heading in new[] { "浙江省医疗物资调拨计划", "保障优先顺序", "满足率", "运行编号" })
                Assert.Contains(heading, text, StringComparison.Ordinal);
            Assert.Contains(Outcome.RunId, text, StringComparison.Ordinal);
            // The headline figures print in 万 as written (no Excel-only format trick showing as "134!.8万").
            Assert.Contains("万", text, StringComparison.Ordinal);
            Assert.DoesNotContain("!.", text, StringComparison.Ordinal);
            // The depot's dispatch notes come first, after today's list: one note to a printed page, each with its
            // three signature lines.
            var pages = text.Split('\f');
            var notes = pages.Where(p => p.Contains("医疗物资调拨单", StringComparison.Ordinal)).ToList();
            Assert.Equal(
                Outcome
                    .Result.Shipments.Where(s => s.From == "330000" && Math.Round(s.Quantity) > 0)
                    .Select(s => (s.Day, s.To))
                    .Distinct()
                    .Count(),
                notes.Count
            );
            // A long sheet's header prints on every page: each page of the Risk sheet's lines (a stockout
            // probability ± its standard error) has the column headers.
            var risk = pages.Where(p => p.Contains('±', StringComparison.Ordinal)).ToList();
            Assert.True(risk.Count >= 2, $"{risk.Count} pages of risk lines");
            Assert.All(risk, page => Assert.Contains("断供概率", page, StringComparison.Ordinal));
            Assert.All(notes, page =>
            {
                Assert.Single(Regex.Matches(page, "医疗物资调拨单"));
                Assert.Contains("发货人（签字）", page, StringComparison.Ordinal);
                Assert.Contains("承运人（签字）", page, StringComparison.Ordinal);
                Assert.Contains("收货人（签字）", page, StringComparison.Ordinal);
            });
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Footer(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        using var reader = new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
        return Regex.Match(reader.ReadToEnd(), "<x:oddFooter>([^<]*)</x:oddFooter>").Groups[1].Value;
    }

    private static string Require(string tool, string package)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            if (File.Exists(Path.Combine(dir, tool)))
                return Path.Combine(dir, tool);
        }
        var reason = $"{tool} is not installed (apt-get install {package})";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{reason}; on CI it must be, .ci/run installs it.");
        Assert.Skip(reason);
        return "";
    }

    private static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync(Ct);
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(program)} failed ({process.ExitCode}): {error.Result}");
        return output;
    }

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Han();

    /// <summary>An English word: two or more lower-case Latin letters (codes such as N95, P10, SHA-256 are
    /// not).</summary>
    [GeneratedRegex("[a-z]{2,}")]
    private static partial Regex EnglishWord();

    /// <summary>A cell that is a code or a number, not a label: 330100, N95, COVERALL, 2020-02-10.</summary>
    [GeneratedRegex(@"^[A-Z0-9_\-:. ]*$")]
    private static partial Regex Code();
}
