using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using System.Xml.Linq;
using Dapper;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Planner.Api.Access;
using Planner.Api.Localization;
using Planner.Api.Maps;
using Planner.Api.Plans;

namespace Planner.Benchmarks;

/// <summary>
/// The budget of issue 20: the pages people use answer in under 300 ms on the sample, and the map draws the 90
/// counties in under 200 ms server time. Planner served on loopback by its own process (Release build), one Zhejiang
/// daily plan published; each page signed in as the user who reads it, in Chinese and in English, sequential
/// requests after a warm-up; then the map drawn in this process against the same database for each measure.
/// </summary>
public static partial class PagesBenchmark
{
    public const string Heading = "## Pages and map (issue 20)";

    public const string Usage = """
        usage: dotnet run -c Release --project Planner.Benchmarks -- pages [options]
          --requests N     measured sequential requests per page, language and map measure (default 20)
          --warmup N       requests before measuring each (default 3)
          --write FILE     replace (or add) the "## Pages and map (issue 20)" section of FILE
        """;

    private const double PageTarget = 300;
    private const double MapTarget = 200;

    /// <summary>The Wenzhou officer among the sample users (README, "Signing in").</summary>
    private static readonly PlannerUser Wenzhou = Users.Samples.Single(s => s.User.UserName == "wenzhou").User;

    /// <summary>One page as one user reads it.</summary>
    private sealed record Page(string Name, string? User, string Path, bool Map = false);

    /// <summary>Milliseconds (sorted) to the last byte and in the server's request log, and the page's size.</summary>
    private sealed record Timing(IReadOnlyList<double> Client, IReadOnlyList<double> Server, long Bytes);

    private sealed record Row(Page Page, string Language, Timing Timing);

    private sealed record MapRow(string Measure, string Language, IReadOnlyList<double> Ms, long Bytes, int Counties);

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var (requests, warmup, write) = (20, 3, (string?)null);
        new Options(Usage)
            .Int("--requests", v => requests = v)
            .Int("--warmup", v => warmup = v)
            .Text("--write", v => write = v)
            .ParseOrThrow(args);
        var loadBefore = LoadAverage();
        log.WriteLine($"pages: load average before {loadBefore}");
        var folder = Directory.CreateTempSubdirectory("planner-bench-pages-");
        try
        {
            var settings = Node.Create(("Planner:LocalDirectory", folder.FullName));
            var (requestId, pages) = await MeasurePagesAsync(settings, folder.FullName, requests, warmup, log);
            var maps = await MeasureMapsAsync(settings, requestId, requests, warmup, log);
            var headline = await MeasureHeadlineAsync(settings, requestId, requests, warmup, log);
            var loadAfter = LoadAverage();
            log.WriteLine($"pages: load average after {loadAfter}");
            var md = Markdown(args, requests, warmup, requestId, pages, maps, headline, (loadBefore, loadAfter));
            Section.Publish(md, Heading, write, output);
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<(string RequestId, List<Row> Rows)> MeasurePagesAsync(
        Node settings,
        string folder,
        int requests,
        int warmup,
        TextWriter log
    )
    {
        var finished = Channel.CreateUnbounded<(string Url, double Ms)>();
        var (server, address) = await StartAsync(folder, finished.Writer);
        log.WriteLine($"pages: Planner listening on {address}");
        try
        {
            var requestId = await PublishPlanAsync(settings, address, log);
            var shapes = CountyShapes.Read(Path.Combine(settings.DataDirectory, CountyShapes.File));
            var county = shapes.Counties.First(c => c.City == Wenzhou.CityCode).Code;
            var pages = Pages(requestId, county);
            var clients = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
            foreach (var user in pages.Select(p => p.User).OfType<string>().Distinct())
                clients[user] = await SignedInAsync(address, user, log);
            var rows = new List<Row>();
            foreach (var page in pages)
            {
                using var anonymous = Client(address, new CookieContainer());
                var client = page.User is { } user ? clients[user] : anonymous;
                foreach (var language in LocalizationSetup.Languages)
                {
                    var timing = await MeasurePageAsync(
                        client,
                        address,
                        page,
                        language,
                        finished.Reader,
                        requests,
                        warmup
                    );
                    rows.Add(new Row(page, language, timing));
                    log.WriteLine(
                        FormattableString.Invariant(
                            $"pages: {page.Name} ({page.User ?? "anonymous"}, {language}): median "
                        )
                            + FormattableString.Invariant(
                                $"{Median(timing.Client):0} ms, server {Median(timing.Server):0} ms"
                            )
                    );
                }
            }
            foreach (var client in clients.Values)
                client.Dispose();
            return (requestId, rows);
        }
        finally
        {
            await ApiProcess.StopAsync(server);
        }
    }

    /// <summary>The pages people use (the sample users, and the Wenzhou officer).</summary>
    private static List<Page> Pages(string run, string county) =>
        [
            new("sign-in", null, "/signin"),
            new("plans, with the map", "planner", "/", Map: true),
            new("plans, a city's map", "wenzhou", "/", Map: true),
            new("run: headline figures and map", "planner", $"/runs/{run}", Map: true),
            new("run: a city's figures and map", "wenzhou", $"/runs/{run}", Map: true),
            new("run: a county's lines", "planner", $"/runs/{run}/counties/{county}"),
            new("run: forecast", "planner", $"/runs/{run}/forecast"),
            new("scenarios", "planner", "/scenarios"),
            new("compare (the plan with itself)", "planner", $"/compare?first={run}&second={run}"),
            new("uploads", "hospital", "/uploads"),
        ];

    private static async Task<Timing> MeasurePageAsync(
        HttpClient client,
        Uri address,
        Page page,
        string language,
        ChannelReader<(string Url, double Ms)> finished,
        int requests,
        int warmup
    )
    {
        var (clientMs, serverMs, bytes) = (new List<double>(), new List<double>(), 0L);
        var uri = new Uri(address, page.Path);
        // What the server logged before (the plan's API calls, the sign-ins) is not this page's.
        while (finished.TryRead(out _)) { }
        for (var i = 0; i < warmup + requests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Add(
                "Cookie",
                ".AspNetCore.Culture=" + Uri.EscapeDataString($"c={language}|uic={language}")
            );
            var watch = Stopwatch.StartNew();
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            var ms = watch.Elapsed.TotalMilliseconds;
            var server = await ServerMsAsync(finished, uri);
            if (i == 0)
                Check(page, language, response, Encoding.UTF8.GetString(body));
            if (i < warmup)
                continue;
            clientMs.Add(ms);
            serverMs.Add(server);
            bytes = body.Length;
        }
        return new Timing(clientMs.Order().ToList(), serverMs.Order().ToList(), bytes);
    }

    /// <summary>What the server logged for the request to <paramref name="uri"/> (Hosting's "Request
    /// finished").</summary>
    private static async Task<double> ServerMsAsync(ChannelReader<(string Url, double Ms)> finished, Uri uri)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var (url, ms) = await finished.ReadAsync(timeout.Token);
            if (url == uri.AbsoluteUri || Uri.UnescapeDataString(url) == Uri.UnescapeDataString(uri.AbsoluteUri))
                return ms;
        }
    }

    /// <summary>The page answered, in the language asked for, as the signed-in user (not the sign-in page), with
    /// its map where it has one: else the figures would time something else.</summary>
    private static void Check(Page page, string language, HttpResponseMessage response, string html)
    {
        string? wrong =
            response.StatusCode != HttpStatusCode.OK ? $"answered {(int)response.StatusCode}"
            : !html.Contains($"lang=\"{language}\"", StringComparison.Ordinal) ? "is not in the language asked for"
            : page.Map && !html.Contains("<svg", StringComparison.Ordinal) ? "has no map"
            : null;
        if (wrong is not null)
            throw new InvalidOperationException($"{page.Path} as {page.User ?? "anonymous"} in {language} {wrong}.");
    }

    /// <summary>The map of the published plan, drawn for the province (90 counties) in this process, for each
    /// measure and language.</summary>
    /// <summary>The run page's other reads: its headline figures (fill by product and tier, the largest gaps), for
    /// the province and for Wenzhou, in Chinese; and how many allocation rows the plan has.</summary>
    private static async Task<(long, List<(string, IReadOnlyList<double>)>)> MeasureHeadlineAsync(
        Node settings,
        string requestId,
        int requests,
        int warmup,
        TextWriter log
    )
    {
        await using var db = await settings.Planner.OpenAsync();
        var plan = (
            await PublishedPlans.LatestAsync(db, AccessSetup.Principal(Users.Samples[0].User, "bench"), 1)
        ).Single(p => p.RequestId == requestId);
        var allocations = await db.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM plan_allocations WHERE run_id = @run",
            new { run = plan.RunId }
        );
        using var _ = Texts.Use(LocalizationSetup.Chinese);
        var rows = new List<(string, IReadOnlyList<double>)>();
        foreach (var city in new[] { null, Wenzhou.CityCode })
        {
            var ms = new List<double>();
            for (var i = 0; i < warmup + requests; i++)
            {
                var watch = Stopwatch.StartNew();
                await Planner.Api.Runs.Headline.ReadAsync(db, plan.RunId, city);
                if (i >= warmup)
                    ms.Add(watch.Elapsed.TotalMilliseconds);
            }
            rows.Add((city is null ? "the province" : $"Wenzhou ({city})", ms.Order().ToList()));
            log.WriteLine(
                FormattableString.Invariant($"pages: headline {city ?? "province"}: median {Median(ms):0.0} ms")
            );
        }
        return (allocations, rows);
    }

    private static async Task<List<MapRow>> MeasureMapsAsync(
        Node settings,
        string requestId,
        int requests,
        int warmup,
        TextWriter log
    )
    {
        var shapes = CountyShapes.Read(Path.Combine(settings.DataDirectory, CountyShapes.File));
        var factory = new ResourceManagerStringLocalizerFactory(
            Microsoft.Extensions.Options.Options.Create(new LocalizationOptions()),
            NullLoggerFactory.Instance
        );
        var map = new SituationMap(shapes, new StringLocalizer<SituationMap>(factory));
        await using var db = await settings.Planner.OpenAsync();
        var plan = (
            await PublishedPlans.LatestAsync(db, AccessSetup.Principal(Users.Samples[0].User, "bench"), 1)
        ).Single(p => p.RequestId == requestId);
        (string Name, SituationMap.Choice Choice)[] measures =
        [
            ("fill, all tiers", new("fill", null, "N95")),
            ("fill, tier 1", new("fill", 1, "N95")),
            ("shortfall, N95", new("shortfall", null, "N95")),
            ("risk", new("risk", null, "N95")),
            ("trend", new("trend", null, "N95")),
        ];
        var rows = new List<MapRow>();
        foreach (var (name, choice) in measures)
        {
            foreach (var language in LocalizationSetup.Languages)
            {
                using var _ = Texts.Use(language);
                var (ms, drawn) = (new List<double>(), (XElement?)null);
                for (var i = 0; i < warmup + requests; i++)
                {
                    var watch = Stopwatch.StartNew();
                    drawn = await map.DrawAsync(
                        db,
                        plan.RequestId,
                        plan.RunId,
                        plan.PlanStart.AddDays(-1),
                        null,
                        choice
                    );
                    if (i >= warmup)
                        ms.Add(watch.Elapsed.TotalMilliseconds);
                }
                var bytes = Encoding.UTF8.GetByteCount(drawn!.ToString(SaveOptions.DisableFormatting));
                rows.Add(new MapRow(name, language, ms.Order().ToList(), bytes, shapes.Counties.Count));
                log.WriteLine(
                    FormattableString.Invariant($"pages: map {name} ({language}): median {Median(ms):0.0} ms")
                );
            }
        }
        return rows;
    }

    /// <summary>The web app on a free loopback port, the recurring jobs off, with its request log (Hosting's
    /// "Request finished … N ms") on, each finished request written to <paramref name="finished"/>.</summary>
    private static async Task<(Process Server, Uri Address)> StartAsync(
        string folder,
        ChannelWriter<(string Url, double Ms)> finished
    )
    {
        string[] arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "Planner.Api.dll"),
            "--urls=http://127.0.0.1:0",
            .. ApiProcess.RecurringJobsOff,
            $"--Planner:LocalDirectory={folder}",
            "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information",
            "--Logging:Console:FormatterOptions:SingleLine=true",
        ];
        var process = Process.Start(ApiProcess.Redirected("dotnet", arguments))!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (Listening().Match(line) is { Success: true } m)
                    listening.TrySetResult(new Uri(m.Groups[1].Value));
                else if (Finished().Match(line) is { Success: true } f)
                    finished.TryWrite(
                        (f.Groups["url"].Value, double.Parse(f.Groups["ms"].Value, CultureInfo.InvariantCulture))
                    );
            }
            listening.TrySetException(new InvalidOperationException("Planner exited before it listened."));
        });
        try
        {
            return (process, await listening.Task.WaitAsync(TimeSpan.FromMinutes(2)));
        }
        catch
        {
            await ApiProcess.StopAsync(process);
            throw;
        }
    }

    /// <summary>One published plan (the sample, default horizon), queued through the API as the planner; returns
    /// the run request's id.</summary>
    private static async Task<string> PublishPlanAsync(Node settings, Uri address, TextWriter log)
    {
        string key;
        await using (var db = await settings.Planner.OpenAsync())
            key = await Users.CreateApiKeyAsync(db, "planner", "benchmark", DateTimeOffset.UtcNow);
        using var api = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        api.DefaultRequestHeaders.Add(ApiKeyHandler.Header, key);
        var queued = await (await api.PostAsJsonAsync("/api/runs", new { })).Content.ReadFromJsonAsync<JsonElement>();
        var run = queued.GetProperty("id").GetString()!;
        string status;
        do
        {
            await Task.Delay(500);
            status = (await api.GetFromJsonAsync<JsonElement>($"/api/runs/{run}")).GetProperty("status").GetString()!;
        } while (status is "queued" or "running");
        if (status != "succeeded")
            throw new InvalidOperationException($"the plan run ended {status}");
        log.WriteLine($"pages: plan {run} published");
        return run;
    }

    private static HttpClient Client(Uri address, CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromMinutes(2),
        };

    /// <summary>Signed in with the sign-in form, as a browser does (anti-forgery token, then the cookie).</summary>
    private static async Task<HttpClient> SignedInAsync(Uri address, string user, TextWriter log)
    {
        var client = Client(address, new CookieContainer());
        var form = await client.GetStringAsync(new Uri("/signin", UriKind.Relative));
        var token = Token().Match(form).Groups[1].Value;
        var password = Users.Samples.Single(s => s.User.UserName == user).Password;
        using var response = await client.PostAsync(
            new Uri("/signin", UriKind.Relative),
            new FormUrlEncodedContent(
                new Dictionary<string, string>
                {
                    ["UserName"] = user,
                    ["Password"] = password,
                    ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
                }
            )
        );
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"{user} could not sign in: {(int)response.StatusCode}");
        log.WriteLine($"pages: {user} signed in");
        return client;
    }

    private static string Markdown(
        IReadOnlyList<string> args,
        int requests,
        int warmup,
        string requestId,
        List<Row> pages,
        List<MapRow> maps,
        (long Allocations, List<(string City, IReadOnlyList<double> Ms)> Rows) headline,
        (string Before, string After) load
    )
    {
        var md = Section.Start(Heading, "pages", args);
        md.Append(
            CultureInfo.InvariantCulture,
            $"Planner in its own process on loopback (embedded mode: SQLite, in-memory Hangfire, the sample users, "
                + $"among them the Wenzhou officer), one Zhejiang daily plan published through the API. Each page is "
                + $"read as the user who uses it, signed in with the sign-in form (cookie), in Chinese and in English "
                + $"(cookie `.AspNetCore.Culture`): {warmup} requests to warm up, then {requests} sequential requests. "
                + $"*Last byte* is from sending the request to the last byte of the answer (the client, in another "
                + $"process on the same machine); *server* is what the app's request log says (ASP.NET Core Hosting's "
                + $"\"Request finished … ms\", switched on for this run). Target: under {PageTarget:0} ms. "
                + $"Load average (1 / 5 / 15 min) before: {load.Before}; after: {load.After}.\n\n"
        );
        PageTable(md, requestId, pages);
        md.Append(
            CultureInfo.InvariantCulture,
            $"\nThe map alone: `SituationMap.DrawAsync` in the benchmark's process against the same database (the "
                + $"server stopped), the province ({maps[0].Counties} counties), {warmup} draws to warm up then "
                + $"{requests}; the time includes its queries. KB: the SVG as the page embeds it. Target: under "
                + $"{MapTarget:0} ms.\n\n"
        );
        md.Append(
            "| measure | language | SVG KB | median ms | p95 ms | p95 under 200 ms |\n"
                + "|---|---|---:|---:|---:|---|\n"
        );
        foreach (var m in maps)
        {
            md.Append(
                CultureInfo.InvariantCulture,
                $"| {m.Measure} | {m.Language} | {m.Bytes / 1024.0:0} | {Median(m.Ms):0.0} | {P95(m.Ms):0.0} "
                    + $"| {(P95(m.Ms) < MapTarget ? "yes" : "**no**")} |\n"
            );
        }
        md.Append(
            CultureInfo.InvariantCulture,
            $"\nWhat else the run page reads: its headline figures (`Headline.ReadAsync`: fill by product and tier, "
                + $"the 10 largest gaps; one aggregate query over the plan's {headline.Allocations:N0} allocation "
                + $"rows), in the same way, in Chinese.\n\n"
                + $"| headline figures for | median ms | p95 ms |\n|---|---:|---:|\n"
        );
        foreach (var (city, ms) in headline.Rows)
            md.Append(CultureInfo.InvariantCulture, $"| {city} | {Median(ms):0.0} | {P95(ms):0.0} |\n");
        md.Append('\n');
        return md.ToString();
    }

    /// <summary>Each page's times, <paramref name="requestId"/> shown as {id}.</summary>
    private static void PageTable(StringBuilder md, string requestId, List<Row> pages)
    {
        md.Append(
            "| page | user | language | KB | last byte median ms | last byte p95 ms | server median ms "
                + "| server p95 ms | p95 under 300 ms |\n|---|---|---|---:|---:|---:|---:|---:|---|\n"
        );
        foreach (var (page, language, t) in pages)
        {
            var met = Math.Max(P95(t.Client), P95(t.Server)) < PageTarget ? "yes" : "**no**";
            md.Append(
                CultureInfo.InvariantCulture,
                $"| {page.Name} (`{page.Path.Replace(requestId, "{id}", StringComparison.Ordinal)}`) "
                    + $"| {page.User ?? "(anonymous)"} | {language} | {t.Bytes / 1024.0:0} | {Median(t.Client):0} "
                    + $"| {P95(t.Client):0} | {Median(t.Server):0} | {P95(t.Server):0} | {met} |\n"
            );
        }
    }

    /// <summary>The load average over 1, 5 and 15 minutes (Linux), or "unknown".</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg")
            ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))
            : "unknown";

    private static double Median(IReadOnlyList<double> sorted)
    {
        var s = sorted.Order().ToList();
        return s.Count == 0 ? double.NaN : (s[(s.Count - 1) / 2] + s[s.Count / 2]) / 2;
    }

    /// <summary>Nearest rank.</summary>
    private static double P95(IReadOnlyList<double> sorted) =>
        sorted[Math.Clamp((int)Math.Ceiling(0.95 * sorted.Count) - 1, 0, sorted.Count - 1)];

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"Request finished \S+ \S+ (?<url>\S+) - \d+ .* (?<ms>[0-9.]+)ms\s*$")]
    private static partial Regex Finished();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
