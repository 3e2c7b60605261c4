using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using ClosedXML.Excel;
using Planner.Api.Access;
using Planner.Api.Runs;
using Planner.Api.Uploads;

namespace Planner.Benchmarks;

/// <summary>What one upload in a child process did: its outcome, time, CPU time and memory.</summary>
public sealed record UploadChildRun(string Outcome, double Seconds, double CpuSeconds, double StartMb, double PeakMb);

/// <summary>
/// The uploads benchmark of issue 17: time and peak memory to refuse hostile files (100,000, 300,000 and 1,000,000
/// rows, the issue's 4.5 MB file of 100,000 rows of 10 cells, a 95 MB shared-strings part), each in a fresh
/// process; a file at the limits read through (20,000 rows of the template's columns, the last row broken so that
/// every row is validated and nothing written); ClosedXML 0.95.4 reading two of them, as the old guard let it;
/// and 20 hostile uploads at once against the web app, with its peak memory.
/// </summary>
public static class UploadsBenchmark
{
    public const string Heading = "## Uploads: hostile files (issue 17)";

    public const string Usage = """
        usage: dotnet run -c Release --project Planner.Benchmarks -- uploads [options]
          --repeat N       fresh processes per file; the report gives the median (default 3)
          --write FILE     replace (or add) the "## Uploads: hostile files (issue 17)" section of FILE
        """;

    private const int Burst = 20;

    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string Types = "application/vnd.openxmlformats-officedocument.spreadsheetml";
    private const string OfficeDocument = $"{Relationships}/officeDocument";

    private static readonly (string Name, string Label)[] Files =
    [
        ("rows-100k", "100,000 one-cell rows"),
        ("rows-300k", "300,000 one-cell rows"),
        ("rows-1m", "1,000,000 one-cell rows"),
        ("rows-100k-10", "100,000 rows of 10 cells (the issue's 4.5 MB file)"),
        ("strings-95mb", "a 95 MB shared-strings part"),
        ("at-limits", "20,000 rows of the template's 34 columns, the last one broken (at the limits; read through)"),
    ];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var (repeat, write) = (3, (string?)null);
        new Options(Usage).Int("--repeat", v => repeat = v).Text("--write", v => write = v).ParseOrThrow(args);
        // The children read uploads with the server garbage collector, as Planner.Api (a web project) does.
        Environment.SetEnvironmentVariable("DOTNET_gcServer", "1");
        var folder = Directory.CreateTempSubdirectory("planner-bench-uploads-");
        try
        {
            var local = Path.Combine(folder.FullName, "local");
            var settings = Node.Create(("Planner:LocalDirectory", local));
            await settings.PrepareAsync();
            await settings.PullAsync(Api.Sources.Feed.Hospitals);

            var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (name, _) in Files)
            {
                var path = Path.Combine(folder.FullName, name + ".xlsx");
                await File.WriteAllBytesAsync(path, Make(name));
                sizes[name] = new FileInfo(path).Length;
            }
            var runs = await UploadsAsync(folder, local, repeat, log);
            var closedXml = new Dictionary<string, UploadChildRun>(StringComparer.Ordinal);
            foreach (var name in new[] { "at-limits", "rows-300k" })
            {
                closedXml[name] = await ChildAsync("closedxml", [Path.Combine(folder.FullName, name + ".xlsx")], log);
                log.WriteLine(FormattableString.Invariant($"uploads: ClosedXML {name} {closedXml[name]}"));
            }
            var hostile = await File.ReadAllBytesAsync(Path.Combine(folder.FullName, "rows-300k.xlsx"));
            var web = new List<WebBurst>();
            foreach (var permits in new[] { Environment.ProcessorCount, Burst })
            {
                web.Add(await WebBurstAsync(Path.Combine(folder.FullName, $"web-{permits}"), permits, hostile, log));
                log.WriteLine(FormattableString.Invariant($"uploads: web {web[^1]}"));
            }
            Section.Publish(Markdown(args, repeat, sizes, runs, closedXml, web), Heading, write, output);
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Each file uploaded <paramref name="repeat"/> times, each time in a fresh process.</summary>
    private static async Task<Dictionary<string, List<UploadChildRun>>> UploadsAsync(
        DirectoryInfo folder,
        string local,
        int repeat,
        TextWriter log
    )
    {
        var runs = new Dictionary<string, List<UploadChildRun>>(StringComparer.Ordinal);
        foreach (var (name, _) in Files)
        {
            runs[name] = [];
            for (var r = 0; r < repeat; r++)
            {
                var path = Path.Combine(folder.FullName, name + ".xlsx");
                runs[name].Add(await ChildAsync("upload", [path, local], log));
                log.WriteLine(FormattableString.Invariant($"uploads: {name} {runs[name][^1]}"));
            }
        }
        return runs;
    }

    /// <summary>The child jobs: "upload FILE LOCALDIR" (<see cref="CapacityUpload"/>), "closedxml FILE".</summary>
    public static async Task<int> ChildAsync(string job, IReadOnlyList<string> args)
    {
        var start = Measure.PeakMegabytes();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        string outcome;
        if (job == "closedxml")
        {
            using var workbook = new XLWorkbook(args[0]);
            outcome = $"read, last row {workbook.Worksheet(1).LastRowUsed()?.RowNumber():N0}";
        }
        else
        {
            var settings = Node.Create(("Planner:LocalDirectory", args[1]));
            var uploader = new CapacityUpload(settings.Planner, settings.Uploads, TimeProvider.System);
            try
            {
                var content = await File.ReadAllBytesAsync(args[0]);
                var result = await uploader.UploadAsync(Path.GetFileName(args[0]), content, null);
                outcome = $"accepted, {result.RowsRead:N0} rows";
            }
            catch (UploadRejected e)
            {
                outcome = $"refused ({e.Status}): {e.Message}";
            }
            catch (UploadInvalid e)
            {
                var problems = e.Errors.Count + e.NotListed;
                outcome = $"rows checked, {problems:N0} problem(s): {UploadInvalid.Describe(e.Errors[0])}";
            }
        }
        var seconds = watch.Elapsed.TotalSeconds;
        using var self = Process.GetCurrentProcess();
        var cpuSeconds = (self.TotalProcessorTime - cpu).TotalSeconds;
        Measure.Emit(new UploadChildRun(outcome, seconds, cpuSeconds, start, Measure.PeakMegabytes()));
        return 0;
    }

    private static async Task<UploadChildRun> ChildAsync(string job, IReadOnlyList<string> args, TextWriter log)
    {
        var run = await Measure.ChildAsync<UploadChildRun>("uploads-" + job, args, TimeSpan.FromMinutes(10), log);
        return run.Result
            ?? new UploadChildRun($"failed: {run.Error}", double.NaN, double.NaN, double.NaN, run.PolledPeakMb);
    }

    /// <summary>One file, written as a stream: hostile ones as issue 17 describes them, or one at the limits.</summary>
    private static byte[] Make(string name) =>
        name switch
        {
            "rows-100k" => Workbook(sheet => Rows(sheet, 100_000, 1), null),
            "rows-300k" => Workbook(sheet => Rows(sheet, 300_000, 1), null),
            "rows-1m" => Workbook(sheet => Rows(sheet, 1_000_000, 1), null),
            "rows-100k-10" => Workbook(sheet => Rows(sheet, 100_000, 10), null),
            "strings-95mb" => Workbook(
                sheet => sheet.Write("""<row r="1"><c r="A1" t="s"><v>0</v></c></row>"""),
                strings =>
                {
                    // About 20-fold compressible: neither the file size nor the ratio limit is what refuses it.
                    for (long i = 0, written = 0; written < 95L * 1024 * 1024; i++)
                    {
                        var item = string.Create(
                            CultureInfo.InvariantCulture,
                            $"<si><t>note {i:00000000} ward bed oxygen supply short</t></si>"
                        );
                        strings.Write(item);
                        written += item.Length;
                    }
                }
            ),
            _ => Workbook(AtLimits, null),
        };

    private static void Rows(TextWriter sheet, int rows, int cells)
    {
        sheet.Write("""<row r="1"><c r="A1" t="inlineStr"><is><t>Hospital code</t></is></c></row>""");
        for (var r = 2; r <= rows + 1; r++)
        {
            sheet.Write(string.Create(CultureInfo.InvariantCulture, $"<row r=\"{r}\">"));
            for (var c = 1; c <= cells; c++)
            {
                var letters = XLHelper.GetColumnLetterFromNumber(c);
                var value = (r * 7 + c) % 1000;
                sheet.Write(string.Create(CultureInfo.InvariantCulture, $"<c r=\"{letters}{r}\"><v>{value}</v></c>"));
            }
            sheet.Write("</row>");
        }
    }

    /// <summary>The 200 sample hospitals on 100 days, plausible reports; the last row's ICU count negative.</summary>
    private static void AtLimits(TextWriter sheet)
    {
        var columns = CapacityTemplate.Columns(["COVERALL", "GLOVES", "GOGGLES", "N95", "SURGICAL"]);
        long[] counts = [2483, 1889, 214, 82, 93, 41, 11, 3, 112, 22, 2, 0, 1696];
        void Cell(int row, int column, string cell) =>
            sheet.Write(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"<c r=\"{XLHelper.GetColumnLetterFromNumber(column)}{row}\"{cell}</c>"
                )
            );
        string Text(string text) => $" t=\"inlineStr\"><is><t>{System.Security.SecurityElement.Escape(text)}</t></is>";
        sheet.Write("<row r=\"1\">");
        for (var c = 0; c < columns.Count; c++)
            Cell(1, c + 1, Text(columns[c].English)); // the sheet is the English template's, "Capacity"
        sheet.Write("</row>");
        var row = 1;
        for (var day = 0; day < 100; day++)
        {
            for (var h = 1; h <= 200; h++)
            {
                row++;
                sheet.Write(string.Create(CultureInfo.InvariantCulture, $"<row r=\"{row}\">"));
                Cell(row, 1, Text(string.Create(CultureInfo.InvariantCulture, $"H-{h:0000}")));
                Cell(row, 2, Text("Hospital"));
                Cell(row, 3, Text("County"));
                var date = new DateOnly(2020, 1, 1).AddDays(day);
                Cell(row, 4, Text(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
                for (var c = 0; c < counts.Length; c++)
                {
                    var value = row == 20_001 && c == 5 ? -1 : counts[c];
                    Cell(row, 5 + c, string.Create(CultureInfo.InvariantCulture, $"><v>{value}</v>"));
                }
                Cell(row, columns.Count, Text("oxygen supply steady"));
                sheet.Write("</row>");
            }
        }
    }

    /// <summary>A one-sheet workbook (Capacity) whose rows, and shared strings if any, the actions write.</summary>
    private static byte[] Workbook(Action<TextWriter> rows, Action<TextWriter>? sharedStrings)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Part(string name, Action<TextWriter> write)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false), 1 << 16);
                write(writer);
            }
            foreach (var (name, text) in PackageParts(sharedStrings is not null))
                Part(name, writer => writer.Write(text));
            Part("xl/worksheets/sheet1.xml", w =>
            {
                w.Write($"""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{Main}"><sheetData>""");
                rows(w);
                w.Write("</sheetData></worksheet>");
            });
            if (sharedStrings is not null)
            {
                Part("xl/sharedStrings.xml", w =>
                {
                    w.Write($"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}">""");
                    sharedStrings(w);
                    w.Write("</sst>");
                });
            }
        }
        return output.ToArray();
    }

    /// <summary>The parts of the package besides the sheet and the shared strings, which they name if there are
    /// any.</summary>
    private static IEnumerable<(string Name, string Text)> PackageParts(bool sharedStrings)
    {
        var (strings, stringsRelationship) = sharedStrings
            ? (
                $"""<Override PartName="/xl/sharedStrings.xml" ContentType="{Types}.sharedStrings+xml"/>""",
                $"""<Relationship Id="rId2" Type="{Relationships}/sharedStrings" Target="sharedStrings.xml"/>"""
            )
            : ("", "");
        yield return (
            "[Content_Types].xml",
            $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
            <Default Extension="xml" ContentType="application/xml"/>
            <Override PartName="/xl/workbook.xml" ContentType="{Types}.sheet.main+xml"/>
            <Override PartName="/xl/worksheets/sheet1.xml" ContentType="{Types}.worksheet+xml"/>
            <Override PartName="/xl/styles.xml" ContentType="{Types}.styles+xml"/>{strings}</Types>
            """
        );
        yield return (
            "_rels/.rels",
            $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            <Relationship Id="rId1" Type="{OfficeDocument}" Target="xl/workbook.xml"/></Relationships>
            """
        );
        yield return (
            "xl/workbook.xml",
            $"""
            <?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{Main}" xmlns:r="{Relationships}">
            <sheets><sheet name="Capacity" sheetId="1" r:id="rId1"/></sheets></workbook>
            """
        );
        yield return (
            "xl/_rels/workbook.xml.rels",
            $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            <Relationship Id="rId1" Type="{Relationships}/worksheet" Target="worksheets/sheet1.xml"/>
            <Relationship Id="rId3" Type="{Relationships}/styles" Target="styles.xml"/>{stringsRelationship}
            </Relationships>
            """
        );
        // A styles part, without which ClosedXML reads numbers as empty cells (the comparison would flatter it).
        yield return (
            "xl/styles.xml",
            $"""
            <?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{Main}"><fonts count="1"><font/></fonts>
            <fills count="1"><fill/></fills><borders count="1"><border/></borders>
            <cellStyleXfs count="1"><xf/></cellStyleXfs>
            <cellXfs count="1"><xf/></cellXfs></styleSheet>
            """
        );
    }

    /// <summary>20 hostile uploads at once against one server: answers, latency, the server's memory.</summary>
    private sealed record WebBurst(
        int Permits,
        IReadOnlyDictionary<int, int> Statuses,
        double Wall,
        double P50,
        double Max,
        double IdleMb,
        double PeakMb
    )
    {
        public string Answers => string.Join(", ", Statuses.Select(s => $"{s.Value} × {s.Key}"));

        public override string ToString() =>
            FormattableString.Invariant($"{Permits} permits: {Answers}; {Wall:0.00} s; {IdleMb:0} -> {PeakMb:0} MB");
    }

    private static async Task<WebBurst> WebBurstAsync(string local, int permits, byte[] file, TextWriter log)
    {
        var server = ApiProcess.StartWeb(
            [
                $"--Planner:LocalDirectory={local}",
                $"--Planner:Uploads:MaxConcurrent={permits}",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            ],
            out var address
        );
        log.WriteLine($"uploads: Planner listening on {address} with {permits} upload permits");
        try
        {
            await using var db = await Node.Create(("Planner:LocalDirectory", local)).Planner.OpenAsync();
            using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
            var key = await Users.CreateApiKeyAsync(db, "planner", "benchmark", DateTimeOffset.UtcNow);
            client.DefaultRequestHeaders.Add(ApiKeyHandler.Header, key);
            // One upload first, so that the first use's loading and compiling is not in the burst.
            using (var warm = await PostAsync(client, file)) { }
            var idle = Memory(server.Id, "VmRSS:");
            var wall = Stopwatch.StartNew();
            var answers = await Task.WhenAll(
                Enumerable
                    .Range(0, Burst)
                    .Select(async _ =>
                    {
                        var watch = Stopwatch.StartNew();
                        using var response = await PostAsync(client, file);
                        await response.Content.ReadAsByteArrayAsync();
                        return ((int)response.StatusCode, watch.Elapsed.TotalSeconds);
                    })
            );
            var seconds = answers.Select(a => a.Item2).Order().ToList();
            var statuses = answers.GroupBy(a => a.Item1).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());
            return new WebBurst(
                permits,
                statuses,
                wall.Elapsed.TotalSeconds,
                seconds[seconds.Count / 2],
                seconds[^1],
                idle,
                Memory(server.Id, "VmHWM:")
            );
        }
        finally
        {
            await ApiProcess.StopAsync(server);
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] file)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(file), "file", "hostile.xlsx" } };
        return client.PostAsync(new Uri("/api/uploads/capacity", UriKind.Relative), form);
    }

    /// <summary>A line of /proc/PID/status in MiB (VmRSS now, VmHWM the peak so far).</summary>
    private static double Memory(int pid, string line)
    {
        var status = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(line, StringComparison.Ordinal));
        return double.Parse(status[line.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
    }

    private static string Markdown(
        IReadOnlyList<string> args,
        int repeat,
        Dictionary<string, long> sizes,
        Dictionary<string, List<UploadChildRun>> runs,
        Dictionary<string, UploadChildRun> closedXml,
        List<WebBurst> web
    )
    {
        var md = Section.Start(Heading, "uploads", args);
        FileTable(md, repeat, sizes, runs);
        ClosedXmlTable(md, closedXml);
        WebTable(md, sizes, web);
        return md.ToString();
    }

    private static void FileTable(
        StringBuilder md,
        int repeat,
        Dictionary<string, long> sizes,
        Dictionary<string, List<UploadChildRun>> runs
    )
    {
        Line(
            md,
            Inv($"Each file is uploaded {repeat} times, each time in a fresh process (server garbage collector, as ")
                + "Planner.Api runs) through `CapacityUpload.UploadAsync` against an embedded planner database holding "
                + "the "
                + "sample hospitals, with the default limits (10 MB, 20,000 rows, 1,000,000 cells, 20,000,000 "
                + "characters). "
                + "Seconds and CPU seconds are the upload call's; peak is the process's VmHWM at the end, start is its "
                + "VmHWM before the call (the runtime and the loaded assemblies). "
                + Inv($"Medians of {repeat}; the outcome is the last run's.")
        );
        Line(md, "");
        Line(md, "| file | size MB | outcome | seconds | CPU s | start MB | peak MB |");
        Line(md, "|---|---:|---|---:|---:|---:|---:|");
        foreach (var (name, label) in Files)
        {
            var r = runs[name];
            double Median(Func<UploadChildRun, double> value) => Report.Median(r.Select(value).ToList());
            Line(
                md,
                Inv($"| {label} | {sizes[name] / 1048576.0:0.0} | {Short(r[^1].Outcome)} | ")
                    + Inv($"{Median(x => x.Seconds):0.00} | {Median(x => x.CpuSeconds):0.00} | ")
                    + Inv($"{Median(x => x.StartMb):0} | {Median(x => x.PeakMb):0} |")
            );
        }
        Line(md, "");
    }

    private static void ClosedXmlTable(StringBuilder md, Dictionary<string, UploadChildRun> closedXml)
    {
        Line(
            md,
            "For comparison, ClosedXML 0.95.4 opening the same files in a fresh process (`new XLWorkbook(path)`), "
                + "which is what the upload did before issue 17, once the old guard had checked only the package:"
        );
        Line(md, "");
        Line(md, "| file | outcome | seconds | CPU s | start MB | peak MB |");
        Line(md, "|---|---|---:|---:|---:|---:|");
        foreach (var (name, run) in closedXml)
        {
            var label = Files.Single(f => f.Name == name).Label;
            Line(
                md,
                Inv($"| {label} | {Short(run.Outcome)} | {run.Seconds:0.00} | {run.CpuSeconds:0.00} | ")
                    + Inv($"{run.StartMb:0} | {run.PeakMb:0} |")
            );
        }
        Line(md, "");
    }

    private static void WebTable(StringBuilder md, Dictionary<string, long> sizes, List<WebBurst> web)
    {
        Line(
            md,
            Inv($"{Burst} uploads at once of the 300,000-row file ({sizes["rows-300k"] / 1048576.0:0.0} MB) against ")
                + "Planner in its own process on loopback (embedded mode, API key of the sample planner), after one "
                + "upload "
                + "to warm it up; its resident memory before the burst (VmRSS) and its peak (VmHWM) after it. Permits "
                + "are "
                + "Planner:Uploads:MaxConcurrent: the default (the number of cores) and one per upload."
        );
        Line(md, "");
        Line(md, "| permits | answers | wall s | p50 s | max s | server MB before | server peak MB |");
        Line(md, "|---:|---|---:|---:|---:|---:|---:|");
        foreach (var b in web)
        {
            Line(
                md,
                Inv($"| {b.Permits} | {b.Answers} | {b.Wall:0.00} | {b.P50:0.000} | {b.Max:0.000} | {b.IdleMb:0} | ")
                    + Inv($"{b.PeakMb:0} |")
            );
        }
    }

    private static void Line(StringBuilder md, string text) => md.Append(text).Append('\n');

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Short(string text) =>
        (text.Length <= 140 ? text : text[..137] + "...").Replace("|", "\\|", StringComparison.Ordinal);
}
