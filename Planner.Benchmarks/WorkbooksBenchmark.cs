using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using Microsoft.Extensions.Configuration;
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

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var (repeat, write) = (3, (string?)null);
        for (var i = 0; i < args.Count; i++)
        {
            string Next() =>
                i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--repeat":
                    repeat = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--write":
                    write = Next();
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}\n{Usage}");
            }
        }
        var folder = Directory.CreateTempSubdirectory("planner-bench-workbooks-");
        try
        {
            var settings = Node.Create(("Planner:LocalDirectory", folder.FullName));
            await settings.PrepareAsync();
            var outcome = await settings.PlanAsync(new PlanRequest(Path.Combine(folder.FullName, "out")));
            var (info, snapshot, report) = outcome.Published!.Value;
            var cities = snapshot.Regions.Where(r => r.Level == "city").Select(r => r.Code).ToList();
            var afterPlan = Measure.PeakMegabytes();
            log.WriteLine(
                FormattableString.Invariant($"workbooks: planned run {outcome.RunId}; peak so far {afterPlan:0} MiB")
            );

            var publish = new List<(double Province, double Cities)>();
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
                foreach (var city in cities)
                    CityWorkbook.Write(
                        Path.Combine(dir.FullName, $"{city}.xlsx"),
                        city,
                        info,
                        snapshot,
                        report,
                        outcome.Result
                    );
                publish.Add((province, watch.Elapsed.TotalSeconds - province));
                bytes = dir.GetFiles().Sum(f => f.Length);
                log.WriteLine(
                    FormattableString.Invariant(
                        $"workbooks: province {province:0.00} s, 11 cities {publish[^1].Cities:0.00} s"
                    )
                );
            }
            var afterPublish = Measure.PeakMegabytes();

            var hospitals = snapshot.Care.Hospitals.Count;
            var (template, _) = await CapacityTemplate.BuildAsync(settings.Planner, [], new DateOnly(2020, 2, 10));
            var good = UploadRows(template, hospitals, 50, breakLast: false);
            var bad = UploadRows(template, hospitals, 50, breakLast: true);
            var (validate, upload) = await MeasureUploadsAsync(
                new CapacityUpload(settings.Planner, settings.Uploads, TimeProvider.System),
                good,
                bad,
                repeat,
                0,
                "SQLite",
                log
            );
            var afterUpload = Measure.PeakMegabytes();

            // The same uploads on PostgreSQL (server mode): a throwaway local cluster, or the server in
            // PLANNER_BENCH_POSTGRES.
            List<double> pgValidate,
                pgUpload;
            var configured = Environment.GetEnvironmentVariable(PullsBenchmark.PostgresVariable);
            using (var cluster = string.IsNullOrWhiteSpace(configured) ? ThrowawayPostgres.Start() : null)
            {
                var admin = cluster?.ConnectionString ?? configured!;
                var name = "planner_bench_uploads_" + Guid.NewGuid().ToString("N")[..12];
                await using (var connection = new Npgsql.NpgsqlConnection(admin))
                {
                    await connection.OpenAsync();
                    await new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection).ExecuteNonQueryAsync();
                }
                var pgSettings = Node.Create(
                    ("Planner:LocalDirectory", folder.FullName),
                    (
                        "ConnectionStrings:Planner",
                        new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString
                    )
                );
                await pgSettings.PrepareAsync();
                await pgSettings.PullAsync(Api.Sources.Feed.Hospitals);
                (pgValidate, pgUpload) = await MeasureUploadsAsync(
                    new CapacityUpload(pgSettings.Planner, pgSettings.Uploads, TimeProvider.System),
                    good,
                    bad,
                    repeat,
                    100,
                    "PostgreSQL",
                    log
                );
                Npgsql.NpgsqlConnection.ClearAllPools();
            }

            var md = Markdown(
                args,
                repeat,
                publish,
                bytes,
                validate,
                upload,
                pgValidate,
                pgUpload,
                good.Length,
                (afterPlan, afterPublish, afterUpload)
            );
            output.Write(md);
            if (write is not null)
                Report.WriteSection(write, md, Heading);
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The template's columns with every hospital reported on <paramref name="days"/> days (its held numbers);
    /// optionally the last row broken.</summary>
    private static byte[] UploadRows(byte[] template, int hospitals, int days, bool breakLast)
    {
        using var workbook = new XLWorkbook(new MemoryStream(template));
        var ws = workbook.Worksheet(CapacityTemplate.SheetName);
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
                FormattableString.Invariant(
                    $"workbooks: {database} validate {validate[^1]:0.00} s, upload {upload[^1]:0.00} s "
                ) + FormattableString.Invariant($"({result.RowsRead} rows, {result.RowsChanged} changed)")
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
        List<(double Province, double Cities)> publish,
        long bytes,
        List<double> validate,
        List<double> upload,
        List<double> pgValidate,
        List<double> pgUpload,
        long uploadBytes,
        (double Plan, double Publish, double Upload) peaks
    )
    {
        var commit = Report.Run("git", "rev-parse --short HEAD").Trim();
        var dirty = Report.Run("git", "status --porcelain").Trim().Length > 0 ? " with uncommitted changes" : "";
        var total = publish.Select(p => p.Province + p.Cities).ToList();
        var md = new StringBuilder();
        md.Append(Heading).Append("\n\n");
        md.Append(
            CultureInfo.InvariantCulture,
            $"Measured {DateTime.UtcNow:yyyy-MM-dd} (UTC) on {Report.Machine()}; .NET {Environment.Version}, "
                + $"ClosedXML 0.95.4, Release build of commit {commit}{dirty}.\n\n"
        );
        md.Append("```sh\ndotnet run -c Release --project Planner.Benchmarks -- workbooks ")
            .Append(string.Join(' ', args))
            .Append("\n```\n\n");
        md.Append(
            CultureInfo.InvariantCulture,
            $"One Zhejiang plan (the sample, embedded SQLite planner database, default settings), then its "
                + $"workbooks written again {repeat} times in the same process: the province workbook and the 11 "
                + $"city workbooks (their villages: about 25,600 rows in all), {bytes / 1024.0 / 1024.0:0.0} MB of "
                + $"files each time. "
        );
        md.Append(
            CultureInfo.InvariantCulture,
            $"Then a capacity upload of 10,000 rows (the 200 sample hospitals on 50 days, "
                + $"{uploadBytes / 1024.0 / 1024.0:0.0} MB): validation alone (the last row broken, so every row is "
                + $"read and the file refused, nothing written) and a full upload (guard, read, validate, write in "
                + $"one transaction), on the SQLite database and on PostgreSQL (a throwaway local cluster, fsync "
                + $"off). Median of {repeat}, every run listed.\n\n"
        );
        md.Append("| measurement | seconds (median) | runs | target | met |\n|---|---:|---|---|---|\n");
        md.Append(
            CultureInfo.InvariantCulture,
            $"| province workbook | {Report.Median(publish.Select(p => p.Province).ToList()):0.00} | "
                + $"{Runs(publish.Select(p => p.Province))} | | |\n"
        );
        md.Append(
            CultureInfo.InvariantCulture,
            $"| 11 city workbooks | {Report.Median(publish.Select(p => p.Cities).ToList()):0.00} | "
                + $"{Runs(publish.Select(p => p.Cities))} | | |\n"
        );
        md.Append(
            CultureInfo.InvariantCulture,
            $"| all workbooks | {Report.Median(total):0.00} | {Runs(total)} | < 15 s | "
                + $"{(Report.Median(total) < 15 ? "yes" : "no")} |\n"
        );
        foreach (
            var (label, values) in new[]
            {
                ("validate a 10,000-row upload, SQLite", validate),
                ("upload 10,000 rows (validate and write), SQLite", upload),
                ("validate a 10,000-row upload, PostgreSQL", pgValidate),
                ("upload 10,000 rows (validate and write), PostgreSQL", pgUpload),
            }
        )
        {
            md.Append(
                CultureInfo.InvariantCulture,
                $"| {label} | {Report.Median(values):0.00} | {Runs(values)} | < 5 s | "
                    + $"{(Report.Median(values) < 5 ? "yes" : "no")} |\n"
            );
        }
        md.Append('\n');
        md.Append(
            CultureInfo.InvariantCulture,
            $"Peak memory of the process (VmHWM): {peaks.Plan:0} MiB after the plan (pull, solve, first "
                + $"publication), {peaks.Publish:0} MiB after the {repeat} publications, {peaks.Upload:0} MiB after "
                + $"the uploads.\n"
        );
        return md.ToString();

        static string Runs(IEnumerable<double> values) =>
            string.Join(", ", values.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture)));
    }
}
