using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClosedXML.Excel;
using Microsoft.Extensions.Configuration;
using Planner.Api.Access;
using Planner.Api.Uploads;

namespace Planner.Benchmarks;

/// <summary>
/// The web benchmark of issue 7: Planner served on loopback by its own process (embedded mode, Release build),
/// one Zhejiang plan published, then rounds of 50 concurrent workbook downloads and of 10 concurrent capacity
/// uploads; latency p50/p95 and errors.
/// </summary>
public static partial class WebBenchmark
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
        for (var i = 0; i < args.Count; i++)
        {
            string Next() =>
                i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--rounds":
                    rounds = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--write":
                    write = Next();
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}\n{Usage}");
            }
        }
        var folder = Directory.CreateTempSubdirectory("planner-bench-web-");
        var server = StartServer(folder.FullName, out var address, log);
        try
        {
            var settings = Node.Create(("Planner:LocalDirectory", folder.FullName));
            using var planner = await ClientAsync(settings, address, "planner");
            using var officer = await ClientAsync(settings, address, "hangzhou");

            // One published plan (the sample, default horizon): pull, solve, publish the province and city workbooks.
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

            var template = await planner.GetByteArrayAsync(new Uri("/api/uploads/capacity/template", UriKind.Relative));
            var downloads = new List<Burst>();
            var uploads = new List<Burst>();
            for (var r = 0; r < rounds; r++)
            {
                // Half the downloads are the province workbook (planner), half Hangzhou's (its officer).
                downloads.Add(
                    await BurstAsync(Downloads, i =>
                        (i % 2 == 0 ? planner : officer).GetAsync(
                            new Uri(
                                $"/api/runs/{run}/files/{(i % 2 == 0 ? "province" : "city-330100")}",
                                UriKind.Relative
                            )
                        )
                    )
                );
                log.WriteLine(
                    FormattableString.Invariant($"web: downloads round {r + 1}: p50 {downloads[^1].P50:0.000} s, p95 ")
                        + FormattableString.Invariant($"{downloads[^1].P95:0.000} s, errors {downloads[^1].Errors}")
                );
                // Every upload is another file (another report date), made before the clock starts.
                var files = Enumerable
                    .Range(0, Uploads)
                    .Select(i => Dated(template, new DateTime(2020, 1, 1).AddDays(r * Uploads + i)))
                    .ToList();
                uploads.Add(await BurstAsync(Uploads, i =>
                    {
                        var form = new MultipartFormDataContent
                        {
                            { new ByteArrayContent(files[i]), "file", $"capacity-{r}-{i}.xlsx" },
                        };
                        return planner.PostAsync(new Uri("/api/uploads/capacity", UriKind.Relative), form);
                    }));
                log.WriteLine(
                    FormattableString.Invariant(
                        $"web: uploads round {r + 1}: p50 {uploads[^1].P50:0.000} s, p95 {uploads[^1].P95:0.000} s, "
                    ) + FormattableString.Invariant($"errors {uploads[^1].Errors}")
                );
            }
            var md = Markdown(args, template.Length, downloads, uploads);
            output.Write(md);
            if (write is not null)
                Report.WriteSection(write, md, Heading);
            return 0;
        }
        finally
        {
            if (!server.HasExited)
                server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            folder.Delete(recursive: true);
        }
    }

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
        var ws = workbook.Worksheet(CapacityTemplate.SheetName);
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

    private static Process StartServer(string folder, out Uri address, TextWriter log)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (
            var arg in new[]
            {
                Path.Combine(AppContext.BaseDirectory, "Planner.Api.dll"),
                "--urls=http://127.0.0.1:0",
                $"--Planner:LocalDirectory={folder}",
                "--Planner:Jobs:PullCron=0 0 1 1 *",
                "--Planner:Jobs:DailyPlanCron=0 0 1 1 *",
                "--Planner:Jobs:RecoverCron=0 0 1 1 *",
                // Every upload of a burst is read, to measure their latency; by default past the number of cores they
                // get 429.
                $"--Planner:Uploads:MaxConcurrent={Uploads}",
            }
        )
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (Listening().Match(line) is { Success: true } m)
            {
                address = new Uri(m.Groups[1].Value);
                log.WriteLine($"web: Planner listening on {address}");
                // Keep draining its output so that it never blocks on a full pipe.
                _ = Task.Run(async () =>
                {
                    while (await process.StandardOutput.ReadLineAsync() is not null) { }
                });
                return process;
            }
            if (DateTime.UtcNow > deadline)
                break;
        }
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("Planner did not start listening within 2 minutes.");
    }

    private static string Markdown(
        IReadOnlyList<string> args,
        long templateBytes,
        List<Burst> downloads,
        List<Burst> uploads
    )
    {
        var commit = Report.Run("git", "rev-parse --short HEAD").Trim();
        var dirty = Report.Run("git", "status --porcelain").Trim().Length > 0 ? " with uncommitted changes" : "";
        var md = new StringBuilder();
        md.Append(Heading).Append("\n\n");
        md.Append(
            CultureInfo.InvariantCulture,
            $"Measured {DateTime.UtcNow:yyyy-MM-dd} (UTC) on {Report.Machine()}; .NET {Environment.Version}, "
                + $"Release build of commit {commit}{dirty}.\n\n"
        );
        md.Append("```sh\ndotnet run -c Release --project Planner.Benchmarks -- web")
            .Append(args.Count > 0 ? " " + string.Join(" ", args) : "")
            .Append("\n```\n\n");
        md.Append(
            CultureInfo.InvariantCulture,
            $"Planner in its own process on loopback (embedded mode: SQLite, in-memory Hangfire, the sample users), "
                + $"one Zhejiang daily plan published (province workbook and 11 city workbooks). Each round: "
                + $"{Downloads} downloads at once through the API (half the province workbook as the planner, half "
                + $"Hangzhou's workbook as its officer, API keys), then {Uploads} capacity uploads at once, all "
                + $"read (`Planner:Uploads:MaxConcurrent={Uploads}`; by default the server reads as many as it has "
                + $"cores and answers 429 to the rest, see \"Uploads (issue 17)\") (the 200-hospital template, "
                + $"{templateBytes / 1024.0:0} KB, each with another report date, so each is written). Latency is "
                + $"from sending the request to the last byte of the answer; an error is any answer other than 2xx, "
                + $"or no answer.\n\n"
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

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
