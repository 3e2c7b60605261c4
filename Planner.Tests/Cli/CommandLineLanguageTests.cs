using System.Text.RegularExpressions;
using Planner.Api.Cli;
using Planner.Api.Storage;
using Planner.Tests.Infrastructure;

namespace Planner.Tests.Cli;

/// <summary>The command line speaks Chinese unless <c>--lang en</c> (or <c>PLANNER_LANG</c>) asks for English: help,
/// usage errors and the one-line <c>error:</c> of a failure, and the culture of the whole run.</summary>
[Collection(Jobs.HangfireState.Name)]
public partial class CommandLineLanguageTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A default in the environment would make "no --lang" mean something else.</summary>
    private static void SkipWhenTheEnvironmentChoosesALanguage() =>
        Assert.SkipWhen(
            Environment.GetEnvironmentVariable(CommandLine.LanguageVariable) is { Length: > 0 },
            $"{CommandLine.LanguageVariable} is set in this environment."
        );

    [Fact]
    public async Task Settings_AWrongOne_IsExplainedInChinese_UnderLangZhCn()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        var (code, _, stderr) = await RunAsync(
            "sources",
            "--lang",
            "zh-CN",
            "--Planner:Jobs:LeaseSeconds=1",
            "--Planner:Teams:Workers=0",
            "--Planner:Workbooks:VillageDays=0",
            $"--Planner:LocalDirectory={db.Directory}"
        );

        Assert.Equal(1, code);
        Assert.Contains(
            "配置项 Planner:Jobs:LeaseSeconds（1）应大于 Planner:Jobs:HeartbeatSeconds（10）。",
            stderr,
            StringComparison.Ordinal
        );
        Assert.Contains("配置项 Planner:Teams:Workers 的值为 0，应不小于 1。", stderr, StringComparison.Ordinal);
        Assert.Contains(
            "配置项 Planner:Workbooks:VillageDays 的值为 0，应在 1 到 60 之间。",
            stderr,
            StringComparison.Ordinal
        );
        Assert.DoesNotContain("must be longer than", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_IsChinese_WithoutALanguage_AndEnglish_WithLangEn()
    {
        SkipWhenTheEnvironmentChoosesALanguage();

        var chinese = await RunAsync("help");
        var english = await RunAsync("help", "--lang", "en");
        var planChinese = await RunAsync("plan", "--help", "--lang", "ZH-cn");
        var planEnglish = await RunAsync("plan", "--help", "--lang=EN");

        Assert.Equal((0, 0, 0, 0), (chinese.Code, english.Code, planChinese.Code, planEnglish.Code));
        Assert.Contains(
            "升级数据库，样例数据源为空时填入样例，拉取数据，求解并发布",
            chinese.Out,
            StringComparison.Ordinal
        );
        Assert.Contains("生成医院床位容量填报模板", chinese.Out, StringComparison.Ordinal);
        Assert.Contains("--lang <zh-CN|en>", chinese.Out, StringComparison.Ordinal);
        Assert.Contains("显示帮助和用法", chinese.Out, StringComparison.Ordinal);
        Assert.StartsWith("说明：", chinese.Out, StringComparison.Ordinal);
        Assert.StartsWith("说明：", planChinese.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("migrate, seed the sample sources", chinese.Out, StringComparison.Ordinal);
        Assert.Contains(
            "migrate, seed the sample sources when empty, pull, solve and publish",
            english.Out,
            StringComparison.Ordinal
        );
        Assert.Contains("Usage:", english.Out, StringComparison.Ordinal);
        Assert.StartsWith("Description:", english.Out, StringComparison.Ordinal);
        Assert.DoesNotMatch(Han(), english.Out);
        Assert.Contains("计划天数，1 到 366", planChinese.Out, StringComparison.Ordinal);
        Assert.Contains("the environment variable PLANNER_LANG", planEnglish.Out, StringComparison.Ordinal);
        Assert.Contains("horizon in days, 1 to 366", planEnglish.Out, StringComparison.Ordinal);
        Assert.DoesNotMatch(Han(), planEnglish.Out);
    }

    [Fact]
    public async Task UsageErrors_AreInTheChosenLanguage()
    {
        SkipWhenTheEnvironmentChoosesALanguage();

        var chinese = await RunAsync("plan", "--days", "0");
        var english = await RunAsync("plan", "--days", "0", "--lang", "en");
        var missingChinese = await RunAsync("user", "zhang", "--lang", "zh");
        var missingEnglish = await RunAsync("cancel", "--lang", "en");

        Assert.Equal(
            Enumerable.Repeat(CommandLine.UsageError, 4),
            [chinese.Code, english.Code, missingChinese.Code, missingEnglish.Code]
        );
        Assert.Equal(
            ["错误：--days“0”应为 1 到 366 之间的整数。", "加 --help 运行可查看全部命令及其选项。"],
            Lines(chinese.Err)
        );
        Assert.Equal(
            [
                "error: --days '0' must be a whole number from 1 to 366.",
                "Run with --help for the commands and their options.",
            ],
            Lines(english.Err)
        );
        Assert.StartsWith("错误：请用 --role 给出角色", missingChinese.Err, StringComparison.Ordinal);
        Assert.StartsWith("error: ", missingEnglish.Err, StringComparison.Ordinal);
        Assert.Contains("It takes ID.", missingEnglish.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failures_AreOneLine_InTheChosenLanguage_FromTheCommandAndFromWhatItCalls()
    {
        SkipWhenTheEnvironmentChoosesALanguage();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var config = $"--Planner:LocalDirectory={db.Directory}";

        var chinese = await RunAsync("cancel", "req-nothing", config);
        var english = await RunAsync("cancel", "req-nothing", config, "--lang", "en");
        var city = await UserAsync(["user", "x", "--role", "logistics", "--city", "999999", config]);
        var cityEnglish = await UserAsync([
            "user",
            "x",
            "--role",
            "logistics",
            "--city",
            "999999",
            config,
            "--lang=en",
        ]);

        Assert.Equal((1, 1), (chinese.Code, english.Code));
        Assert.Equal("错误：没有运行 req-nothing。", Lines(chinese.Err)[^1]);
        Assert.Equal("error: There is no run req-nothing.", Lines(english.Err)[^1]);
        Assert.Equal((1, 1), (city.Code, cityEnglish.Code));
        Assert.StartsWith(
            "错误：没有代码为 999999 的市；物资保障人员的范围",
            Lines(city.Err)[^1],
            StringComparison.Ordinal
        );
        Assert.StartsWith(
            "error: There is no city 999999; a logistics",
            Lines(cityEnglish.Err)[^1],
            StringComparison.Ordinal
        );
        // The progress before the failure is in the chosen language too.
        Assert.StartsWith("正在升级 SQLite 数据库 ", chinese.Err, StringComparison.Ordinal);
        Assert.StartsWith("Migrating the SQLite database ", english.Err, StringComparison.Ordinal);
        Assert.DoesNotMatch(Han(), english.Err);
    }

    private static async Task<(int Code, string Err)> UserAsync(string[] args)
    {
        using var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(
            args,
            new StringReader("a long enough password\n"),
            TextWriter.Null,
            stderr,
            TestContext.Current.CancellationToken
        );
        return (code, stderr.ToString());
    }

    [Theory]
    [InlineData("--lang", "fr")]
    [InlineData("--lang=zh-TW")]
    [InlineData("plan", "--lang")]
    public async Task ALanguagePlannerDoesNotSpeak_IsAOneLineErrorInBothLanguages_AndRunsNothing(params string[] args)
    {
        var served = false;
        using var stderr = new StringWriter();

        var code = await CommandLine.RunAsync(
            args,
            TextReader.Null,
            TextWriter.Null,
            stderr,
            _ =>
            {
                served = true;
                return Task.FromResult(0);
            },
            TestContext.Current.CancellationToken
        );

        Assert.Equal(CommandLine.UsageError, code);
        Assert.False(served);
        var line = Assert.Single(Lines(stderr.ToString()));
        Assert.StartsWith("error: --lang '", line, StringComparison.Ordinal);
        Assert.Contains("请选择 zh-CN（简体中文）或 en（英文）", line, StringComparison.Ordinal);
        Assert.Contains("choose zh-CN (Simplified Chinese) or en (English)", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], null, "zh-CN")]
    [InlineData(new string[0], "en", "en")]
    [InlineData(new string[0], "ZH", "zh-CN")]
    [InlineData(new[] { "--lang", "zh" }, "en", "zh-CN")]
    [InlineData(new[] { "--lang=En" }, "zh-CN", "en")]
    public void Language_IsLang_ElsePlannerLang_ElseChinese(string[] args, string? environment, string expected)
    {
        var (language, others, problem) = CommandLine.Language(["plan", .. args, "--days", "3"], environment);

        Assert.Equal((expected, null), (language, problem));
        Assert.Equal(["plan", "--days", "3"], others);
    }

    [Fact]
    public void Language_FromPlannerLang_ThatPlannerDoesNotSpeak_NamesTheVariable()
    {
        var (language, _, problem) = CommandLine.Language(["plan"], "fr");

        Assert.Null(language);
        Assert.StartsWith("PLANNER_LANG 'fr': ", problem, StringComparison.Ordinal);
    }

    /// <summary>What a command builds (workbooks, the template) follows the language, because the run's culture is
    /// set before any command starts; it is the caller's again afterwards.</summary>
    [Theory]
    [InlineData("en", "en")]
    [InlineData("zh-cn", "zh-CN")]
    public async Task TheChosenLanguage_IsTheCultureOfTheRun_AndOnlyOfTheRun(string asked, string culture)
    {
        var before = CultureInfo.CurrentUICulture.Name;
        string? seen = null;

        var code = await CommandLine.RunAsync(
            ["serve", "--lang", asked],
            TextReader.Null,
            TextWriter.Null,
            TextWriter.Null,
            _ =>
            {
                seen = $"{CultureInfo.CurrentUICulture.Name} {CultureInfo.CurrentCulture.Name}";
                return Task.FromResult(0);
            },
            TestContext.Current.CancellationToken
        );

        Assert.Equal(0, code);
        Assert.Equal($"{culture} {culture}", seen);
        Assert.Equal(before, CultureInfo.CurrentUICulture.Name);
    }

    /// <summary>A plan made in Chinese says what it had to work around in Chinese: the county and what its series
    /// counts by name, the days as officials write them; summary.json carries the run's sentences.</summary>
    [Fact]
    public async Task Plan_WithoutALanguage_PrintsItsDataWarningsInChinese()
    {
        SkipWhenTheEnvironmentChoosesALanguage();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var outDir = Path.Combine(db.Directory, "out");

        var (code, stdout, stderr) = await RunAsync(
            "plan",
            "--out",
            outDir,
            "--days",
            "3",
            $"--Planner:LocalDirectory={db.Directory}"
        );

        Assert.Equal(0, code);
        const string Revision = "龙游县确诊病例累计数由2月19日的10降至2月20日的3，2月20日新增按0计。";
        Assert.Contains($"警告：{Revision}", Lines(stderr));
        Assert.DoesNotContain("went down", stderr, StringComparison.Ordinal);
        var summary = Planner.Api.Planning.PlanSummary.FromJson(
            await File.ReadAllTextAsync(Lines(stdout)[^1], TestContext.Current.CancellationToken)
        );
        Assert.Contains(Revision, summary.Warnings);
    }

    private static string[] Lines(string text) => text.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Han();
}
