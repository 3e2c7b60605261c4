using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using Planner.Api.Planning;
using Planner.Api.Runs;
using Planner.Api.Uploads;
using Planner.Api.Workbooks;

namespace Planner.Benchmarks;

/// <summary>
/// The workbook benchmark of issue 6: publishing every Zhejiang workbook (province and 11 cities, down to the
/// villages) from one plan, and uploading a 10,000-row capacity workbook (200 hospitals × 50 days) — validation
/// alone (a file with one bad row at its end, so every row is read and nothing is written) and a full upload.
/// </summary>
public static class WorkbooksBenchmark
{
    public const string Heading = "## Workbooks and uploads (issue 6)";

    public const string Usage = """
        usage: dotnet run -c Release --project Planner.Benchmarks -- workbooks [options]
          --repeat N       timed repetitions of each measurement; the report gives the median (default 3)
          --write FILE     replace (or add) the "## Workbooks and uploads (issue 6)" section of FILE
        """;

    private static readonly string[] Databases = ["SQLite", "PostgreSQL"];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var (repeat, write) = (3, (string?)null);
        new Options(Usage).Int("--repeat", v => repeat = v).Text("--write", v => write = v).ParseOrThrow(args);
        var folder = Directory.CreateTempSubdirectory("planner-bench-workbooks-");
        try
        {
            var settings = Node.Create(("Planner:LocalDirectory", folder.FullName));
            await settings.PrepareAsync();
            var outcome = await settings.PlanAsync(new PlanRequest(Path.Combine(folder.FullName, "out")));
            var afterPlan = Measure.PeakMegabytes();
            log.WriteLine(
                FormattableString.Invariant($"workbooks: planned run {outcome.RunId}; peak so far {afterPlan:0} MiB")
            );
            var (publish, bytes) = await PublishAsync(outcome, settings.Get<PlanPublisher>(), folder, repeat, log);
            var afterPublish = Measure.PeakMegabytes();

            var hospitals = outcome.Published!.Value.Snapshot.Care.Hospitals.Count;
            var (template, _) = await CapacityTemplate.BuildAsync(settings.Planner, [], new DateOnly(2020, 2, 10));
            var good = UploadRows(template, hospitals, 50, breakLast: false);
            var bad = UploadRows(template, hospitals, 50, breakLast: true);
            var sqlite = await MeasureUploadsAsync(
                new CapacityUpload(settings.Planner, settings.Uploads, TimeProvider.System),
                good,
                bad,
                repeat,
                0,
                "SQLite",
                log
            );
            var afterUpload = Measure.PeakMegabytes();
            var postgres = await PostgresUploadsAsync(folder, good, bad, repeat, log);

            var md = Markdown(
                args,
                repeat,
                publish,
                bytes,
                [sqlite, postgres],
                good.Length,
                (afterPlan, afterPublish, afterUpload)
            );
            Section.Publish(md, Heading, write, output);
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The plan's workbooks written again <paramref name="repeat"/> times: seconds for the province and
    /// for the cities each time, one language one workbook at a time (as before issue 20), then both languages as a
    /// run publishes them (<see cref="PlanPublisher"/>); and the bytes of the last time's files in one
    /// language.</summary>
    private static async Task<(List<(double Province, double Cities, double Both)> Seconds, long Bytes)> PublishAsync(
        PlanOutcome outcome,
        PlanPublisher publisher,
        DirectoryInfo folder,
        int repeat,
        TextWriter log
    )
    {
        var (info, snapshot, report) = outcome.Published!.Value;
        var cityCodes = snapshot.Regions.Where(r => r.Level == "city").Select(r => r.Code).ToList();
        var publish = new List<(double Province, double Cities, double Both)>();
        long bytes = 0;
        for (var r = 0; r < repeat; r++)
        {
            var dir = Directory.CreateDirectory(Path.Combine(folder.FullName, $"publish-{r}"));
            var watch = Stopwatch.StartNew();
            ProvinceWorkbook.Write(
                Path.Combine(dir.FullName, "province.xlsx"),
                info,
                snapshot,
                report,
                outcome.Result,
                outcome.Care
            );
            var province = watch.Elapsed.TotalSeconds;
            foreach (var city in cityCodes)
                CityWorkbook.Write(
                    Path.Combine(dir.FullName, $"{city}.xlsx"),
                    city,
                    info,
                    snapshot,
                    report,
                    outcome.Result,
                    new WorkbookOptions().VillageDays
                );
            var cities = watch.Elapsed.TotalSeconds - province;
            bytes = dir.GetFiles().Sum(f => f.Length);
            var both = Directory.CreateDirectory(Path.Combine(folder.FullName, $"publish-both-{r}"));
            watch.Restart();
            await publisher.WriteAsync(
                both.FullName,
                info,
                snapshot,
                report,
                outcome.Result,
                outcome.Care,
                [],
                [],
                _ => { },
                CancellationToken.None
            );
            publish.Add((province, cities, watch.Elapsed.TotalSeconds));
            log.WriteLine(
                FormattableString.Invariant(
                    $"workbooks: province {province:0.00} s, 11 cities {cities:0.00} s; both {publish[^1].Both:0.00} s"
                )
            );
        }
        return (publish, bytes);
    }

    /// <summary>The same uploads on PostgreSQL (server mode): a throwaway local cluster, or the server in
    /// PLANNER_BENCH_POSTGRES.</summary>
    private static async Task<(List<double> Validate, List<double> Upload)> PostgresUploadsAsync(
        DirectoryInfo folder,
        byte[] good,
        byte[] bad,
        int repeat,
        TextWriter log
    )
    {
        using var server = BenchmarkPostgres.Open();
        var name = "planner_bench_uploads_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new Npgsql.NpgsqlConnection(server.Admin))
        {
            await connection.OpenAsync();
            await new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection).ExecuteNonQueryAsync();
        }
        var pgSettings = Node.Create(
            ("Planner:LocalDirectory", folder.FullName),
            (
                "ConnectionStrings:Planner",
                new Npgsql.NpgsqlConnectionStringBuilder(server.Admin) { Database = name }.ConnectionString
            )
        );
        await pgSettings.PrepareAsync();
        await pgSettings.PullAsync(Api.Sources.Feed.Hospitals);
        var measured = await MeasureUploadsAsync(
            new CapacityUpload(pgSettings.Planner, pgSettings.Uploads, TimeProvider.System),
            good,
            bad,
            repeat,
            100,
            "PostgreSQL",
            log
        );
        Npgsql.NpgsqlConnection.ClearAllPools();
        return measured;
    }

    /// <summary>The template's columns with every hospital reported on <paramref name="days"/> days (its held numbers);
    /// optionally the last row broken.</summary>
    private static byte[] UploadRows(byte[] template, int hospitals, int days, bool breakLast)
    {
        using var workbook = new XLWorkbook(new MemoryStream(template));
        var ws = workbook.Worksheet(1); // the data sheet, in either language
        var columns = ws.LastColumnUsed()!.ColumnNumber();
        // The template's own rows (identity and held numbers), repeated for each day.
        var held = Enumerable
            .Range(2, hospitals)
            .Select(r =>
                Enumerable
                    .Range(1, columns)
                    .Select(c => ws.Cell(r, c))
                    .Select(c =>
                        c.IsEmpty() ? null : (object)(c.DataType == XLDataType.Number ? c.GetDouble() : c.GetString())
                    )
                    .ToArray()
            )
            .ToList();
        var row = 2;
        for (var day = 0; day < days; day++)
        {
            foreach (var values in held)
            {
                for (var c = 0; c < columns; c++)
                {
                    switch (values[c])
                    {
                        case double d:
                            ws.Cell(row, c + 1).SetValue(d);
                            break;
                        case string t:
                            ws.Cell(row, c + 1).SetValue(t);
                            break;
                    }
                }
                ws.Cell(row, 4).SetValue(new DateTime(2020, 1, 1).AddDays(day));
                row++;
            }
        }
        if (breakLast)
            ws.Cell(row - 1, 9).SetValue(-1);
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    /// <summary>
    /// Times validation alone (the broken file: every row read, then refused) and a full upload,
    /// <paramref name="repeat"/> times each; every upload is a different file (the same bytes again would be recognised
    /// and skipped), made before its clock starts.
    /// </summary>
    private static async Task<(List<double> Validate, List<double> Upload)> MeasureUploadsAsync(
        CapacityUpload uploader,
        byte[] good,
        byte[] bad,
        int repeat,
        int copy,
        string database,
        TextWriter log
    )
    {
        var (validate, upload) = (new List<double>(), new List<double>());
        for (var r = 0; r < repeat; r++)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                await uploader.UploadAsync("bad.xlsx", bad, null);
                throw new InvalidOperationException("the broken upload was accepted");
            }
            catch (UploadInvalid e) when (e.Errors.Count == 1)
            {
                validate.Add(watch.Elapsed.TotalSeconds);
            }
            var file = copy + r == 0 ? good : Resave(good, copy + r);
            watch.Restart();
            var result = await uploader.UploadAsync($"good-{copy + r}.xlsx", file, null);
            upload.Add(watch.Elapsed.TotalSeconds);
            log.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"workbooks: {database} validate {validate[^1]:0.00} s, upload {upload[^1]:0.00} s "
                        + $"({result.RowsRead} rows, {result.RowsChanged} changed)"
                )
            );
        }
        return (validate, upload);
    }

    private static byte[] Resave(byte[] file, int n)
    {
        using var workbook = new XLWorkbook(new MemoryStream(file));
        workbook.Properties.Title = $"copy {n}";
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    private static string Markdown(
        IReadOnlyList<string> args,
        int repeat,
        List<(double Province, double Cities, double Both)> publish,
        long bytes,
        (List<double> Validate, List<double> Upload)[] uploads,
        long uploadBytes,
        (double Plan, double Publish, double Upload) peaks
    )
    {
        var total = publish.Select(p => p.Province + p.Cities).ToList();
        var both = publish.Select(p => p.Both).ToList();
        var md = Section.Start(Heading, "workbooks", args, ", ClosedXML 0.95.4");
        md.Append(
            CultureInfo.InvariantCulture,
            $"One Zhejiang plan (the sample, embedded SQLite planner database, default settings), then its workbooks "
                + $"written again {repeat} times in the same process: the province workbook and the 11 city workbooks "
                + $"(their villages: about 25,600 rows in all), {bytes / 1024.0 / 1024.0:0.0} MB of files each time, "
                + $"in one language one workbook at a time (as before issue 20), then all 24 in Chinese and English as "
                + $"a run publishes them (two at a time, one per core; the budget is the 7.2 s one language took). "
        );
        md.Append(
            CultureInfo.InvariantCulture,
            $"Then a capacity upload of 10,000 rows (the 200 sample hospitals on 50 days, "
                + $"{uploadBytes / 1024.0 / 1024.0:0.0} MB): validation alone (the last row broken, so every row is "
                + $"read and the file refused, nothing written) and a full upload (guard, read, validate, write in one "
                + $"transaction), on the SQLite database and on PostgreSQL (a throwaway local cluster, fsync off). "
                + $"Median of {repeat}, every run listed.\n\n"
        );
        md.Append("| measurement | seconds (median) | runs | target | met |\n|---|---:|---|---|---|\n");
        Row(md, "province workbook", publish.Select(p => p.Province).ToList(), null);
        Row(md, "11 city workbooks", publish.Select(p => p.Cities).ToList(), null);
        Row(md, "all workbooks, one language", total, 15);
        Row(md, "all workbooks in Chinese and English, as a run publishes them (2 at a time)", both, 7.2);
        foreach (var (database, (validate, upload)) in Databases.Zip(uploads))
        {
            Row(md, $"validate a 10,000-row upload, {database}", validate, 5);
            Row(md, $"upload 10,000 rows (validate and write), {database}", upload, 5);
        }
        md.Append('\n');
        md.Append(
            CultureInfo.InvariantCulture,
            $"Peak memory of the process (VmHWM): {peaks.Plan:0} MiB after the plan (pull, solve, first publication), "
                + $"{peaks.Publish:0} MiB after the {repeat} publications, {peaks.Upload:0} MiB after the uploads.\n"
        );
        return md.ToString();
    }

    /// <summary>A measurement's median and every run, and its target (under so many seconds) if it has one.</summary>
    private static void Row(StringBuilder md, string label, List<double> values, double? target)
    {
        var median = Report.Median(values);
        var runs = string.Join(", ", values.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture)));
        var met = target is { } t ? FormattableString.Invariant($"< {t} s | {(median < t ? "yes" : "no")}") : "|";
        md.Append(CultureInfo.InvariantCulture, $"| {label} | {median:0.00} | {runs} | {met} |\n");
    }
}
