using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Planner.Tests.Uploads;

/// <summary>
/// What the web server takes: at most Planner:Uploads:MaxConcurrent uploads at a time (429 with Retry-After beyond
/// them), and no body larger than the file limit allows (413 before it is read).
/// </summary>
[Collection(Jobs.HangfireState.Name)]
public class UploadServerTests
{
    [Fact]
    public async Task PastMaxConcurrentUploads_TheServerAnswers429WithRetryAfter_AndTakesTheNextOnceOneEnds()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await HospitalsDatabase.PrepareAsync(db);
        await using var app = TestWebApp.Start(db, ("Planner:Uploads:MaxConcurrent", "1"));
        using var planner = await app.WithApiKeyAsync("planner");
        var template = await planner.GetByteArrayAsync(
            new Uri("/api/uploads/capacity/template?hospitals=H-0001", UriKind.Relative),
            Ct
        );
        var file = UploadFiles.Edit(template, wb => UploadFiles.Report(wb, new DateTime(2020, 2, 10)));
        using var browser = await app.SignedInAsync("planner");
        var token = await TestWebApp.TokenAsync(browser, "/uploads");

        // The rate limiter's documented metric says when an upload holds a permit, so the test knows without
        // waiting that the first upload, its body held back, is inside the limit.
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "aspnetcore.rate_limiting.active_request_leases")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>(
            (_, change, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (change > 0 && tag is { Key: "aspnetcore.rate_limiting.policy", Value: "uploads" })
                    {
                        inside.TrySetResult();
                    }
                }
            }
        );
        listener.Start();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = PostAsync(planner, new HeldBackStream(file, release.Task));
        await inside.Task.WaitAsync(TimeSpan.FromMinutes(1), Ct);
        using var refused = await PostAsync(planner, new MemoryStream(file));
        // The page's form takes from the same permits; reading the page or the template takes none.
        using var refusedOnThePage = await TestWebApp.PostFileAsync(browser, "/uploads", file, "capacity.xlsx", token);
        using var page = await browser.GetAsync(new Uri("/uploads", UriKind.Relative), Ct);
        using var templateAgain = await planner.GetAsync(
            new Uri("/api/uploads/capacity/template?hospitals=H-0001", UriKind.Relative),
            Ct
        );
        release.SetResult();
        using var accepted = await first;
        using var next = await PostAsync(planner, new MemoryStream(file));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Contains(
            "1 upload at a time (Planner:Uploads:MaxConcurrent)",
            problem.GetProperty("detail").GetString(),
            StringComparison.Ordinal
        );
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedOnThePage.StatusCode);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (page.StatusCode, templateAgain.StatusCode));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        var again = await next.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(again.GetProperty("alreadyUploaded").GetBoolean());
    }

    [Fact]
    public async Task ABodyPastTheFileLimit_IsRefusedWith413_NamingTheSetting()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = TestWebApp.Start(db, ("Planner:Uploads:MaxBytes", "100000"));
        using var planner = await app.WithApiKeyAsync("planner");

        using var response = await TestWebApp.PostFileAsync(
            planner,
            "/api/uploads/capacity",
            new byte[1_000_000],
            "big.xlsx"
        );

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Contains(
            "at most 0.1 MB (Planner:Uploads:MaxBytes)",
            problem.GetProperty("detail").GetString(),
            StringComparison.Ordinal
        );
        // The page's form is capped the same way. Kestrel answers 413 when the cap stops its read; the test server
        // does not enforce body sizes, so here the form's own limit stops the anti-forgery check's read (400).
        // Either way nothing is read into an upload, nothing saved, and it is no server error.
        using var browser = await app.SignedInAsync("planner");
        using var onThePage = await TestWebApp.PostFileAsync(
            browser,
            "/uploads",
            new byte[1_000_000],
            "big.xlsx",
            await TestWebApp.TokenAsync(browser, "/uploads")
        );
        Assert.Contains(
            onThePage.StatusCode,
            new[] { HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.BadRequest }
        );
        await using var connection = await app.Planner.OpenAsync(Ct);
        Assert.Equal(0, await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM uploads"));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, Stream file)
    {
        var form = new MultipartFormDataContent { { new StreamContent(file), "file", "capacity.xlsx" } };
        return client.PostAsync(new Uri("/api/uploads/capacity", UriKind.Relative), form, Ct);
    }

    /// <summary>A file whose first kilobyte is sent at once and the rest once <paramref name="gate"/> opens.</summary>
    private sealed class HeldBackStream(byte[] data, Task gate) : Stream
    {
        private const int Head = 1024;
        private int _position;

        public override async ValueTask<int> ReadAsync(
            Memory<byte> buffer,
            CancellationToken cancellationToken = default
        )
        {
            if (_position >= Head)
                await gate.WaitAsync(cancellationToken);
            var n = Math.Min(buffer.Length, Math.Min(data.Length, _position < Head ? Head : data.Length) - _position);
            data.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override Task<int> ReadAsync(
            byte[] buffer,
            int offset,
            int count,
            CancellationToken cancellationToken
        ) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
