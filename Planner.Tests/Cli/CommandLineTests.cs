using Planner.Api.Cli;
using Planner.Api.Storage;
using Planner.Tests.Infrastructure;

namespace Planner.Tests.Cli;

/// <summary>The commands, in English (<c>--lang en</c>); <see cref="CommandLineLanguageTests"/> has the
/// languages.</summary>
[Collection(Jobs.HangfireState.Name)]
public class CommandLineTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(
            [.. English, .. args],
            stdout,
            stderr,
            TestContext.Current.CancellationToken
        );
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static readonly string[] English = ["--lang", "en"];

    /// <summary>Runs a command with the test database's folder as the local directory.</summary>
    private static Task<(int Code, string Out, string Err)> RunAsync(TestDatabase db, params string[] args) =>
        RunAsync([.. args, $"--Planner:LocalDirectory={db.Directory}"]);

    private static string LastLine(string text) => text.TrimEnd().Split('\n')[^1];

    [Fact]
    public async Task UserAndApiKey_AddAUserWithAPasswordFromStdin_ThenAKeyThatSignsThemIn()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var config = $"--Planner:LocalDirectory={db.Directory}";
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var added = await CommandLine.RunAsync(
            [
                "user",
                "wenzhou",
                "--role",
                "logistics",
                "--city",
                "330300",
                "--name",
                "温州物资保障组",
                config,
                .. English,
            ],
            new StringReader("a long enough password\n"),
            stdout,
            stderr,
            TestContext.Current.CancellationToken
        );
        var badCity = await CommandLine.RunAsync(
            ["user", "x", "--role", "logistics", "--city", "999999", config, .. English],
            new StringReader("a long enough password\n"),
            stdout,
            stderr,
            TestContext.Current.CancellationToken
        );
        var (keyCode, keyOut, _) = await RunAsync(db, "api-key", "wenzhou", "--label", "dispatch");

        Assert.Equal(0, added);
        Assert.Contains("wenzhou\tlogistics\t330300", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, badCity);
        Assert.Contains("There is no city 999999", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, keyCode);
        var settings = TestPlanner.Node(db);
        await using var connection = await settings.Planner.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(
            ("温州物资保障组", "330300"),
            (await Planner.Api.Access.Users.FindByApiKeyAsync(connection, LastLine(keyOut).Trim())) is { } user
                ? (user.DisplayName, user.CityCode)
                : default
        );
        Assert.NotNull(
            await Planner.Api.Access.Users.VerifyPasswordAsync(connection, "wenzhou", "a long enough password")
        );
    }

    [Fact]
    public async Task Plan_PrintsTheOutputPaths_OnStdout()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var outDir = Path.Combine(db.Directory, "out");

        var (code, stdout, stderr) = await RunAsync(db, "plan", "--out", outDir, "--days", "3");

        Assert.Equal(0, code);
        var paths = stdout.TrimEnd().Split('\n');
        // The province workbook, one per city (11), then summary.json.
        Assert.Equal(13, paths.Length);
        Assert.StartsWith("plan-province-", Path.GetFileName(paths[0]), StringComparison.Ordinal);
        Assert.All(paths[1..12], p => Assert.StartsWith("plan-city-", Path.GetFileName(p), StringComparison.Ordinal));
        Assert.All(paths[..12], p => Assert.True(File.Exists(p), p));
        // Each run in a folder of its own, named by its plan run id, with its summary.json beside its workbooks.
        var runFolder = Path.GetDirectoryName(paths[0])!;
        Assert.Equal(outDir, Path.GetDirectoryName(runFolder));
        Assert.Equal(Path.Combine(runFolder, "summary.json"), paths[^1]);
        Assert.Equal(
            Path.GetFileName(runFolder),
            Planner
                .Api.Planning.PlanSummary.FromJson(
                    await File.ReadAllTextAsync(paths[^1], TestContext.Current.CancellationToken)
                )
                .Run.RunId
        );
        Assert.Matches(
            @"Solved with CLP \(optimized\): Optimal in [0-9.]+ s, [0-9]+ stages, [1-9][0-9]* of them as network flows",
            stderr
        );
        // Writing the workbooks is not silent, and the end says where to look next.
        // 24 workbooks: the province's and 11 cities', in Chinese and in English.
        Assert.Matches(@"Wrote workbook [0-9]+ of 24: the province \(Chinese\)", stderr);
        Assert.Contains("Wrote workbook 24 of 24: ", stderr, StringComparison.Ordinal);
        Assert.Contains($"Done. The province's workbook: {paths[0]}", stderr, StringComparison.Ordinal);
        Assert.Matches(
            @"The plan in the web app \(dotnet run --project Planner.Api, then sign in\): /runs/req-\d{14}-[0-9a-f]{8}",
            stderr
        );
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Plan_TwiceIntoOneFolder_KeepsEachRunApart_AndTheWebAppListsBothAsFromTheCommandLine(
        DatabaseProvider provider
    )
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var outDir = Path.Combine(db.Directory, "out");
        string[] server =
            provider == DatabaseProvider.Postgres ? [$"--ConnectionStrings:Planner={db.ConnectionString}"] : [];
        Task<(int Code, string Out, string Err)> PlanAsync(string days) =>
            RunAsync(db, ["plan", "--out", outDir, "--days", days, "--Planner:Workbooks:Cities=false", .. server]);

        var first = await PlanAsync("2");
        var second = await PlanAsync("3");

        Assert.Equal((0, 0), (first.Code, second.Code));
        var summaries = new[] { first.Out, second.Out }.Select(o => o.TrimEnd().Split('\n')[^1]).ToList();
        Assert.NotEqual(Path.GetDirectoryName(summaries[0]), Path.GetDirectoryName(summaries[1]));
        Assert.Equal(
            [2, 3],
            summaries.Select(p => Planner.Api.Planning.PlanSummary.FromJson(File.ReadAllText(p)).Run.HorizonDays)
        );
        Assert.Equal(2, Directory.GetDirectories(outDir).Length);

        await using var app = TestWebApp.Start(db);
        using var planner = await app.WithApiKeyAsync("planner");
        var runs = System
            .Text.Json.JsonDocument.Parse(
                await planner.GetStringAsync("/api/runs", TestContext.Current.CancellationToken)
            )
            .RootElement.EnumerateArray()
            .ToList();
        Assert.Equal(["cli", "cli"], runs.Select(r => r.GetProperty("origin").GetString()));
        Assert.All(runs, r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
        // The files the web app serves are the files the command wrote.
        var latest = runs[0].GetProperty("id").GetString();
        Assert.Equal(
            await File.ReadAllBytesAsync(summaries[1], TestContext.Current.CancellationToken),
            await planner.GetByteArrayAsync($"/api/runs/{latest}/files/summary", TestContext.Current.CancellationToken)
        );
        using var officer = await app.SignedInAsync("province");
        var home = await officer.GetStringAsync("/", TestContext.Current.CancellationToken);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(home, "made from the command line"));
    }

    [Fact]
    public async Task TemplateUploadAndCompare_WorkFromTheCommandLine()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var first = await RunAsync(db, "plan", "--out", Path.Combine(db.Directory, "a"), "--days", "2");
        var second = await RunAsync(
            db,
            "plan",
            "--out",
            Path.Combine(db.Directory, "b"),
            "--days",
            "2",
            "--policy",
            "pro-rata"
        );
        Assert.Equal((0, 0), (first.Code, second.Code));
        // plan-province-<date>-<run id>-en.xlsx
        string RunId(string stdout) =>
            Path.GetFileNameWithoutExtension(stdout.Split('\n')[0].Trim())["plan-province-20200210-".Length..^3];

        var comparison = Path.Combine(db.Directory, "compare.xlsx");
        var compare = await RunAsync(db, "compare", RunId(first.Out), RunId(second.Out), "--out", comparison);
        Assert.Equal(0, compare.Code);
        using (var workbook = Xlsx.Open(comparison))
        {
            Assert.Equal(["Summary", "Cities", "Counties"], workbook.Worksheets.Select(w => w.Name));
        }

        var template = Path.Combine(db.Directory, "template.xlsx");
        var written = await RunAsync(db, "template", "--hospitals", "H-0001", "--out", template);
        Assert.Equal((0, template), (written.Code, written.Out.Trim()));
        var (filled, broken) = await FillAsync(template);

        var refused = await RunAsync(db, "upload", broken);
        var accepted = await RunAsync(db, "upload", filled);

        Assert.Equal(1, refused.Code);
        Assert.Contains("error: The upload has 1 problem; nothing was saved.", refused.Err, StringComparison.Ordinal);
        Assert.Contains(
            "  Capacity row 2 column I (ICU beds total) 'many': This is not a whole number.",
            refused.Err,
            StringComparison.Ordinal
        );
        Assert.Equal(0, accepted.Code);
        Assert.Matches(@"^upload-\d{14}-[0-9a-f]{8}\t1 rows\t1 changed$", accepted.Out.Trim());
    }

    /// <summary>The template filled with one report (filled.xlsx), and the same with a word for a number
    /// (broken.xlsx), beside it.</summary>
    private static async Task<(string Filled, string Broken)> FillAsync(string template)
    {
        var ct = TestContext.Current.CancellationToken;
        var filled = Path.Combine(Path.GetDirectoryName(template)!, "filled.xlsx");
        await File.WriteAllBytesAsync(
            filled,
            Uploads.UploadFiles.Edit(await File.ReadAllBytesAsync(template, ct), wb =>
                Uploads.UploadFiles.Report(wb, new DateTime(2020, 2, 10))
            ),
            ct
        );
        var broken = Path.Combine(Path.GetDirectoryName(template)!, "broken.xlsx");
        await File.WriteAllBytesAsync(
            broken,
            Uploads.UploadFiles.Edit(await File.ReadAllBytesAsync(filled, ct), wb =>
                wb.Worksheet("Capacity").Cell(2, 9).SetValue("many")
            ),
            ct
        );
        return (filled, broken);
    }

    [Fact]
    public async Task Plan_FailsWithOneLine_WhenPostgresIsUnreachable()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var unreachable = "--ConnectionStrings:Planner=Host=127.0.0.1;Port=1;Username=planner;Timeout=3";

        var (code, stdout, stderr) = await RunAsync(db, "plan", "--out", db.Directory, unreachable);

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.StartsWith(
            "error: Cannot open the PostgreSQL database planner on 127.0.0.1:1",
            LastLine(stderr),
            StringComparison.Ordinal
        );
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_FailsWithOneLine_WhenTheOutputFolderIsUnwritable()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var file = Path.Combine(db.Directory, "a-file");
        await File.WriteAllTextAsync(file, "not a folder", TestContext.Current.CancellationToken);

        var (code, _, stderr) = await RunAsync(db, "plan", "--out", Path.Combine(file, "out"));

        Assert.Equal(1, code);
        Assert.StartsWith(
            $"error: Cannot write to the output folder {Path.Combine(file, "out")}",
            LastLine(stderr),
            StringComparison.Ordinal
        );
        Assert.False(File.Exists(Path.Combine(db.Directory, "planner.db")), "nothing should have been started");
    }

    [Fact]
    public async Task Plan_FailsWithOneLine_WhenADataFileIsMissing()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var data = Path.Combine(db.Directory, "data");
        Directory.CreateDirectory(data);
        var real = TestPlanner.DataDirectory;
        File.Copy(Path.Combine(real, "zhejiang-divisions.csv"), Path.Combine(data, "zhejiang-divisions.csv"));

        var (code, _, stderr) = await RunAsync(
            db,
            "plan",
            "--out",
            Path.Combine(db.Directory, "out"),
            $"--Planner:DataDirectory={data}"
        );

        Assert.Equal(1, code);
        Assert.Equal(
            $"error: Missing data file {Path.Combine(data, "zhejiang-population.csv")}; restore it from the "
                + $"repository or set Planner:DataDirectory.",
            LastLine(stderr)
        );
    }

    [Theory]
    [InlineData("--days", "0", "--days '0' must be a whole number from 1 to 366.")]
    [InlineData("--start", "10/02/2020", "--start '10/02/2020' is not a date (yyyy-MM-dd).")]
    public async Task Plan_RejectsBadOptions(string option, string value, string message)
    {
        var (code, _, stderr) = await RunAsync("plan", option, value);

        Assert.Equal(CommandLine.UsageError, code);
        Assert.Equal($"error: {message}", stderr.Trim().Split('\n')[0]);
    }

    [Theory]
    [InlineData(new[] { "pln" }, "'pln'", "Did you mean 'plan'?")]
    [InlineData(new[] { "plan", "--dayz", "7" }, "'--dayz'", "Did you mean '--days'?")]
    [InlineData(new[] { "pull", "--feed", "masks" }, "--feed 'masks' is not a feed", null)]
    [InlineData(new[] { "cancel" }, "ID", null)]
    [InlineData(new[] { "upload" }, "FILE", null)]
    [InlineData(new[] { "user", "zhang" }, "--role", null)]
    public async Task Usage_AMisspeltOrMissingCommandOrOption_IsAnErrorWithExitCode2_AndRunsNothing(
        string[] args,
        string named,
        string? suggestion
    )
    {
        var served = false;
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await CommandLine.RunAsync(
            [.. args, "--Planner:LocalDirectory=/nonexistent/never-created", .. English],
            TextReader.Null,
            stdout,
            stderr,
            _ =>
            {
                served = true;
                return Task.FromResult(0);
            },
            TestContext.Current.CancellationToken
        );

        Assert.Equal(CommandLine.UsageError, code);
        Assert.False(served, "a misspelt command must not start the web node");
        Assert.StartsWith("error: ", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains(named, stderr.ToString(), StringComparison.Ordinal);
        if (suggestion is not null)
            Assert.Contains(suggestion, stderr.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists("/nonexistent/never-created"));
    }

    [Fact]
    public async Task NoCommand_StartsTheWebApplication_WithTheConfigurationSwitches()
    {
        string[]? served = null;

        var code = await CommandLine.RunAsync(
            ["--urls=http://127.0.0.1:0", "--Planner:Jobs:Roles=web,worker"],
            TextReader.Null,
            TextWriter.Null,
            TextWriter.Null,
            a =>
            {
                served = a;
                return Task.FromResult(0);
            },
            TestContext.Current.CancellationToken
        );

        Assert.Equal(0, code);
        Assert.Equal(["--urls=http://127.0.0.1:0", "--Planner:Jobs:Roles=web,worker"], served!);
    }

    [Fact]
    public async Task Settings_AWrongOne_StopsTheCommand_NamingTheKey()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        var (code, _, stderr) = await RunAsync(
            db,
            "sources",
            "--Planner:Jobs:LeaseSeconds=1",
            "--Planner:Freshness:Mode=maybe"
        );

        Assert.Equal(1, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains(
            "Planner:Jobs:LeaseSeconds (1) must be longer than Planner:Jobs:HeartbeatSeconds (10).",
            stderr,
            StringComparison.Ordinal
        );
        Assert.Contains("Planner:Freshness:Mode is 'maybe'; use refuse or warn.", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(db.Directory, "planner.db")), "nothing should have been started");
    }

    [Fact]
    public async Task Help_ListsEveryCommand_AndTheReadmeListsTheSameCommandsAndOptions()
    {
        var (code, stdout, _) = await RunAsync("help");
        var root = CommandLine.Build(new CliContext([], TextReader.Null, TextWriter.Null, TextWriter.Null, null));
        var parser = root
            .Subcommands.Where(c => c.Name != "help")
            .ToDictionary(
                c => c.Name,
                c =>
                    c.Options.Where(o => !o.Name.StartsWith("-h", StringComparison.Ordinal) && o.Name != "--help")
                        .Select(o => o.Name)
                        .Order(StringComparer.Ordinal)
                        .ToList()
            );

        Assert.Equal(0, code);
        Assert.All(parser.Keys, c => Assert.Contains(c, stdout, StringComparison.Ordinal));
        var readme = ReadmeCommands();
        Assert.Equal(parser.Keys.Order(StringComparer.Ordinal), readme.Keys.Order(StringComparer.Ordinal));
        Assert.All(parser, c => Assert.Equal(c.Value, readme[c.Key]));
    }

    /// <summary>The README's "Commands" table: each row's command (first column) and the options it names
    /// (second).</summary>
    private static Dictionary<string, List<string>> ReadmeCommands()
    {
        var readme = File.ReadAllLines(Path.Combine(TestPlanner.DataDirectory, "..", "README.md"));
        var section = readme
            .SkipWhile(l => l != "## Commands")
            .Skip(1)
            .TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal));
        return section
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .ToDictionary(
                cells => System.Text.RegularExpressions.Regex.Match(cells[1], "`([a-z-]+)").Groups[1].Value,
                cells =>
                    System
                        .Text.RegularExpressions.Regex.Matches(cells[2], "`(--[a-z-]+)")
                        .Select(m => m.Groups[1].Value)
                        .Order(StringComparer.Ordinal)
                        .ToList()
            );
    }
}
