using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ClosedXML.Excel;
using Planner.Api.Access;

namespace Planner.Benchmarks;

/// <summary>
/// The web benchmark of issue 7: Planner served on loopback by its own process (embedded mode, Release build),
/// one Zhejiang plan published, then rounds of 50 concurrent workbook downloads and of 10 concurrent capacity
/// uploads; latency p50/p95 and errors.
/// </summary>
public static class WebBenchmark
{
    public const string Heading = "## Web (issue 7)";

    public const string Usage = """
        usage: dotnet run -c Release --project Planner.Benchmarks -- web [options]
          --rounds N       rounds of each burst (default 3)
          --write FILE     replace (or add) the "## Web (issue 7)" section of FILE
        """;

    private const int Downloads = 50;
    private const int Uploads = 10;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var (rounds, write) = (3, (string?)null);
        new Options(Usage).Int("--rounds", v => rounds = v).Text("--write", v => write = v).ParseOrThrow(args);
        var folder = Directory.CreateTempSubdirectory("planner-bench-web-");
        var server = ApiProcess.StartWeb(
            [
                $"--Planner:LocalDirectory={folder.FullName}",
                // Every upload of a burst is read, to measure their latency; by default past the number of cores they
                // get 429.
                $"--Planner:Uploads:MaxConcurrent={Uploads}",
            ],
            out var address
        );
        log.WriteLine($"web: Planner listening on {address}");
        try
        {
            var settings = Node.Create(("Planner:LocalDirectory", folder.FullName));
            using var planner = await ClientAsync(settings, address, "planner");
            using var officer = await ClientAsync(settings, address, "hangzhou");
            var run = await PublishPlanAsync(planner, log);
            var template = await planner.GetByteArrayAsync(new Uri("/api/uploads/capacity/template", UriKind.Relative));
            var downloads = new List<Burst>();
            var uploads = new List<Burst>();
            for (var r = 0; r < rounds; r++)
            {
                downloads.Add(await DownloadsAsync(planner, officer, run));
                Log(log, "downloads", r, downloads[^1]);
                uploads.Add(await UploadsAsync(planner, template, r));
                Log(log, "uploads", r, uploads[^1]);
            }
            Section.Publish(Markdown(args, template.Length, downloads, uploads), Heading, write, output);
            return 0;
        }
        finally
        {
            await ApiProcess.StopAsync(server);
            folder.Delete(recursive: true);
        }
    }

    /// <summary>One published plan (the sample, default horizon): pull, solve, publish the province and city
    /// workbooks. Returns the run's id.</summary>
    private static async Task<string> PublishPlanAsync(HttpClient planner, TextWriter log)
    {
        var queued = await (
            await planner.PostAsJsonAsync("/api/runs", new { })
        ).Content.ReadFromJsonAsync<JsonElement>();
        var run = queued.GetProperty("id").GetString()!;
        string status;
        do
        {
            await Task.Delay(500);
            status = (await planner.GetFromJsonAsync<JsonElement>($"/api/runs/{run}"))
                .GetProperty("status")
                .GetString()!;
        } while (status is "queued" or "running");
        if (status != "succeeded")
            throw new InvalidOperationException($"the plan run ended {status}");
        log.WriteLine($"web: plan {run} published");
        return run;
    }

    /// <summary>Half the downloads are the province workbook (planner), half Hangzhou's (its officer).</summary>
    private static Task<Burst> DownloadsAsync(HttpClient planner, HttpClient officer, string run) =>
        BurstAsync(Downloads, i =>
            (i % 2 == 0 ? planner : officer).GetAsync(
                new Uri($"/api/runs/{run}/files/{(i % 2 == 0 ? "province" : "city-330100")}", UriKind.Relative)
            )
        );

    /// <summary>Every upload is another file (another report date), made before the clock starts.</summary>
    private static Task<Burst> UploadsAsync(HttpClient planner, byte[] template, int round)
    {
        var files = Enumerable
            .Range(0, Uploads)
            .Select(i => Dated(template, new DateTime(2020, 1, 1).AddDays(round * Uploads + i)))
            .ToList();
        return BurstAsync(Uploads, i =>
        {
            var form = new MultipartFormDataContent
            {
                { new ByteArrayContent(files[i]), "file", $"capacity-{round}-{i}.xlsx" },
            };
            return planner.PostAsync(new Uri("/api/uploads/capacity", UriKind.Relative), form);
        });
    }

    private static void Log(TextWriter log, string burst, int round, Burst b) =>
        log.WriteLine(
            FormattableString.Invariant($"web: {burst} round {round + 1}: p50 {b.P50:0.000} s, p95 {b.P95:0.000} s, ")
                + FormattableString.Invariant($"errors {b.Errors}")
        );

    /// <summary>Latencies (seconds, sorted) and failed requests of one burst of concurrent requests.</summary>
    private sealed record Burst(IReadOnlyList<double> Seconds, int Errors, double Wall)
    {
        public double P50 => Percentile(0.50);
        public double P95 => Percentile(0.95);

        private double Percentile(double p) =>
            Seconds[Math.Clamp((int)Math.Ceiling(p * Seconds.Count) - 1, 0, Seconds.Count - 1)];
    }

    private static async Task<Burst> BurstAsync(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        var wall = Stopwatch.StartNew();
        var results = await Task.WhenAll(
            Enumerable
                .Range(0, count)
                .Select(async i =>
                {
                    var watch = Stopwatch.StartNew();
                    try
                    {
                        using var response = await send(i);
                        await response.Content.ReadAsByteArrayAsync();
                        return (Seconds: watch.Elapsed.TotalSeconds, Ok: response.IsSuccessStatusCode);
                    }
                    catch (HttpRequestException)
                    {
                        return (Seconds: watch.Elapsed.TotalSeconds, Ok: false);
                    }
                })
        );
        return new Burst(
            results.Select(r => r.Seconds).Order().ToList(),
            results.Count(r => !r.Ok),
            wall.Elapsed.TotalSeconds
        );
    }

    private static byte[] Dated(byte[] template, DateTime date)
    {
        using var workbook = new XLWorkbook(new MemoryStream(template));
        // The data sheet is the first, whichever language the server wrote the template in.
        var ws = workbook.Worksheet(1);
        for (var row = 2; row <= ws.LastRowUsed()!.RowNumber(); row++)
            ws.Cell(row, 4).SetValue(date);
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    private static async Task<HttpClient> ClientAsync(Node settings, Uri address, string user)
    {
        await using var db = await settings.Planner.OpenAsync();
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Add(
            ApiKeyHandler.Header,
            await Users.CreateApiKeyAsync(db, user, "benchmark", DateTimeOffset.UtcNow)
        );
        return client;
    }

    private static string Markdown(
        IReadOnlyList<string> args,
        long templateBytes,
        List<Burst> downloads,
        List<Burst> uploads
    )
    {
        var md = Section.Start(Heading, "web", args);
        md.Append(
            CultureInfo.InvariantCulture,
            $"Planner in its own process on loopback (embedded mode: SQLite, in-memory Hangfire, the sample users), "
                + $"one Zhejiang daily plan published (province workbook and 11 city workbooks). Each round: "
                + $"{Downloads} downloads at once through the API (half the province workbook as the planner, half "
                + $"Hangzhou's workbook as its officer, API keys), then {Uploads} capacity uploads at once, all read "
                + $"(`Planner:Uploads:MaxConcurrent={Uploads}`; by default the server reads as many as it has cores "
                + $"and answers 429 to the rest, see \"Uploads (issue 17)\") (the 200-hospital template, "
                + $"{templateBytes / 1024.0:0} KB, each with another report date, so each is written). Latency is from "
                + $"sending the request to the last byte of the answer; an error is any answer other than 2xx, or no "
                + $"answer.\n\n"
        );
        md.Append(
            "| burst | round | requests | wall s | p50 s | p95 s | max s | errors "
                + "|\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
        );
        void Rows(string label, List<Burst> bursts)
        {
            for (var r = 0; r < bursts.Count; r++)
            {
                var b = bursts[r];
                md.Append(
                    CultureInfo.InvariantCulture,
                    $"| {label} | {r + 1} | {b.Seconds.Count} | {b.Wall:0.00} | {b.P50:0.000} | {b.P95:0.000} | "
                        + $"{b.Seconds[^1]:0.000} | {b.Errors} |\n"
                );
            }
        }
        Rows($"{Downloads} concurrent downloads", downloads);
        Rows($"{Uploads} concurrent uploads", uploads);
        md.Append('\n');
        return md.ToString();
    }
}
