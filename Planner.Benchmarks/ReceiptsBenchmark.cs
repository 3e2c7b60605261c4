using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using Dapper;
using Planner.Api.Receipts;
using static System.FormattableString;

namespace Planner.Benchmarks;

/// <summary>
/// The receipts upload of issue 21 (target: 25,000 lines in under 5 s): a run of 25,000 shipment lines (the province
/// to each city and each city to its counties, 5 products, as many days as it takes), its receipts template as an
/// officer downloads it, every line filled in (received in full the day it arrived), then the upload timed as the
/// web app runs it: the package checked, the sheet streamed, every row and rule checked against the run's lines,
/// and the receipts written in one transaction, on SQLite (the capacity upload's benchmark measures SQLite only).
/// The receipts are deleted between repeats.
/// </summary>
public static class ReceiptsBenchmark
{
    public const string Heading = "## Receipts: a 25,000-line workbook upload (issue 21)";

    public const string Usage = """
        usage: dotnet run -c Release --project Planner.Benchmarks -- receipts [options]
          --lines N        shipment lines in the run, all confirmed in one file (default 25000)
          --repeat N       uploads; the report gives each and the median (default 3)
          --write FILE     replace (or add) the "## Receipts: a 25,000-line workbook upload (issue 21)" section of FILE
        """;

    private const string Run = "bench-receipts";
    private static readonly DateOnly Start = new(2020, 2, 10);
    private static readonly string[] Products = ["COVERALL", "GLOVES", "GOGGLES", "N95", "SURGICAL"];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var (lines, repeat, write) = (25_000, 3, (string?)null);
        new Options(Usage)
            .Int("--lines", v => lines = v)
            .Int("--repeat", v => repeat = v)
            .Text("--write", v => write = v)
            .ParseOrThrow(args);
        var folder = Directory.CreateTempSubdirectory("planner-bench-receipts-");
        try
        {
            var node = Node.Create(("Planner:LocalDirectory", folder.FullName));
            await node.PrepareDatabaseAsync();
            var watch = Stopwatch.StartNew();
            await RunWithLinesAsync(node, lines);
            log.WriteLine(Invariant($"receipts: {lines:N0} lines stored in {watch.Elapsed.TotalSeconds:0.0} s"));
            watch.Restart();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var (template, _) = await ReceiptTemplate.BuildAsync(node.Planner, Run, null, today, node.Uploads);
            var file = Filled(template, lines);
            log.WriteLine(Invariant($"receipts: template written and filled in {watch.Elapsed.TotalSeconds:0.0} s"));
            var runs = new List<(double Seconds, int Recorded)>();
            for (var r = 0; r < repeat; r++)
            {
                await using (var db = await node.Planner.OpenAsync())
                    await db.ExecuteAsync("DELETE FROM shipment_receipts");
                var upload = new ReceiptUpload(node.Planner, node.Uploads, TimeProvider.System);
                watch.Restart();
                var recorded = await upload.UploadAsync(Run, null, file, "benchmark", CancellationToken.None);
                runs.Add((watch.Elapsed.TotalSeconds, recorded));
                log.WriteLine(
                    Invariant($"receipts: upload {r + 1}: {recorded:N0} receipts in {runs[^1].Seconds:0.00} s")
                );
            }
            Section.Publish(Markdown(args, lines, file.Length, runs), Heading, write, output);
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>A finished baseline run whose lines go from the province to each city and from each city to its
    /// counties, each product, day after day, until there are <paramref name="count"/>.</summary>
    private static async Task RunWithLinesAsync(Node node, int count)
    {
        await using var db = await node.Planner.OpenAsync();
        var lanes = (
            await db.QueryAsync<(string From, string To)>(
                """
                SELECT p.code, c.code FROM regions c JOIN regions p ON p.code = c.parent_code
                WHERE c.level IN ('city', 'county') ORDER BY c.level DESC, c.code
                """
            )
        ).ToList();
        var days = (count + lanes.Count * Products.Length - 1) / (lanes.Count * Products.Length);
        await db.ExecuteAsync(
            """
            INSERT INTO plan_runs (id, scenario_id, status, policy, solver, plan_start, horizon_days, started_at)
            VALUES (@Run, 'baseline', 'succeeded', 'lexicographic', 'glop', @Start, @days, @at)
            """,
            new
            {
                Run,
                Start,
                days,
                at = DateTimeOffset.UtcNow,
            }
        );
        var rows = Enumerable
            .Range(0, days)
            .SelectMany(day => lanes.SelectMany(l => Products.Select(p => (l.From, l.To, Product: p, Day: day))))
            .Take(count)
            .Select(
                (l, i) =>
                    new
                    {
                        Run,
                        l.From,
                        l.To,
                        l.Product,
                        l.Day,
                        Arrival = l.Day + 1,
                        Quantity = 100 + i % 900,
                    }
            );
        await using var tx = await db.BeginTransactionAsync();
        await db.ExecuteAsync(
            """
            INSERT INTO plan_shipments (run_id, from_code, to_code, product_code, day, arrival_day, quantity)
            VALUES (@Run, @From, @To, @Product, @Day, @Arrival, @Quantity)
            """,
            rows,
            tx
        );
        await tx.CommitAsync();
    }

    /// <summary>The template with every line confirmed: received in good order in full, on its arrival date.</summary>
    private static byte[] Filled(byte[] template, int lines)
    {
        using var workbook = new XLWorkbook(new MemoryStream(template));
        var ws = workbook.Worksheet(ReceiptTemplate.SheetName);
        for (var row = 2; row <= lines + 1; row++)
        {
            ws.Cell(row, 11).SetValue(ws.Cell(row, 10).GetDouble());
            ws.Cell(row, 12).SetValue(ws.Cell(row, 9).GetDateTime());
        }
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    private static string Markdown(
        IReadOnlyList<string> args,
        int lines,
        long bytes,
        IReadOnlyList<(double Seconds, int Recorded)> runs
    )
    {
        var md = Section.Start(Heading, "receipts", args, ", ClosedXML 0.95.4 (writing the file only)");
        var seconds = runs.Select(r => r.Seconds).Order().ToList();
        var median = Report.Median(seconds);
        var size = Invariant($"{bytes / 1024.0 / 1024.0:0.0}");
        md.Append(Invariant($"A run of {lines:N0} shipment lines, every one confirmed in one receipts workbook of "))
            .Append(size)
            .Append(" MB, uploaded as the web app does it on SQLite: the package checked, the sheet streamed, ")
            .Append("every row and the receipts' rules checked against the run's lines, then all receipts written ")
            .Append("in one transaction. The uploads run one after another in one process: the first one's time ")
            .Append("includes compiling the code it runs (JIT), as the web app's first upload after a start does. ")
            .Append("Target: under 5 s.\n\n");
        md.Append("| upload | receipts written | seconds |\n|---|---:|---:|\n");
        foreach (var (run, i) in runs.Select((r, i) => (r, i)))
            md.Append(Invariant($"| {i + 1} | {run.Recorded:N0} | {run.Seconds:0.00} |\n"));
        var verdict = median < 5 ? "under" : "over";
        md.Append(Invariant($"\n**Median {median:0.00} s** for {lines:N0} lines ({verdict} the 5 s target).\n"));
        return md.ToString();
    }
}
