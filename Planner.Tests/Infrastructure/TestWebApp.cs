using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Planner.Api.Access;
using Planner.Api.Localization;

namespace Planner.Tests.Infrastructure;

/// <summary>
/// The web application on a test database (embedded mode on SQLite, server mode on PostgreSQL) with its sample
/// users, and clients signed in as them: by API key, or through the sign-in page with a cookie.
/// </summary>
public sealed partial class TestWebApp : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private TestDatabase? _owned;

    private TestWebApp(WebApplicationFactory<Program> factory) => _factory = factory;

    /// <summary>The app's planner database.</summary>
    public Database Planner => _factory.Services.GetRequiredService<Database>();

    public IServiceProvider Services => _factory.Services;

    public static TestWebApp Start(TestDatabase db, params (string Key, string Value)[] settings)
    {
        var values = TestPlanner.Values(
            db,
            [
                ("Planner:Teams:TimeLimitSeconds", "2"),
                ("Planner:Jobs:PollIntervalSeconds", "0.2"),
                .. TestPlanner.NoSchedules,
                .. settings,
            ]
        );
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in values)
                b.UseSetting(key, value);
        });
        var app = new TestWebApp(factory);
        _ = factory.Server; // starts the host: migrations, and the sample users in embedded mode
        return app;
    }

    /// <summary>The app on a new database of its own, disposed with the app.</summary>
    public static Task<TestWebApp> StartAsync(
        DatabaseProvider provider,
        params (string Key, string Value)[] settings
    ) => StartAsync(provider, _ => Task.CompletedTask, settings);

    /// <summary>The app on a new database of its own, disposed with the app, once <paramref name="prepare"/> has
    /// filled it.</summary>
    public static async Task<TestWebApp> StartAsync(
        DatabaseProvider provider,
        Func<TestDatabase, Task> prepare,
        params (string Key, string Value)[] settings
    )
    {
        var db = await TestDatabase.CreateAsync(provider);
        try
        {
            await prepare(db);
            var app = Start(db, settings);
            app._owned = db;
            return app;
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A client that is not signed in and does not follow redirects, with its cookies, reading the pages in
    /// <paramref name="language"/> (the language switch's cookie; English unless a test asks otherwise) or, with
    /// null, as a new browser does (in Chinese).
    /// </summary>
    public HttpClient Anonymous(string? language = LocalizationSetup.English)
    {
        var cookies = new CookieContainer();
        if (language is not null)
            cookies.Add(
                Localhost,
                new Cookie(
                    CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language))
                )
            );
        return _factory.CreateDefaultClient(Localhost, new CookieContainerHandler(cookies));
    }

    private static readonly Uri Localhost = new("http://localhost");

    /// <summary>A client sending a new API key of the user (one of <see cref="Users.Samples"/>, or any saved
    /// user).</summary>
    public async Task<HttpClient> WithApiKeyAsync(string userName)
    {
        await using var db = await Planner.OpenAsync();
        await EnsureSampleAsync(db, userName);
        var client = Anonymous();
        client.DefaultRequestHeaders.Add(
            ApiKeyHandler.Header,
            await Users.CreateApiKeyAsync(db, userName, "test", DateTimeOffset.UtcNow)
        );
        return client;
    }

    /// <summary>A client signed in through the sign-in page (its anti-forgery token and cookie), as a browser
    /// does.</summary>
    public async Task<HttpClient> SignedInAsync(
        string userName,
        string? password = null,
        string? language = LocalizationSetup.English
    )
    {
        await using (var db = await Planner.OpenAsync())
        {
            await EnsureSampleAsync(db, userName);
        }
        var client = Anonymous(language);
        var response = await SignInAsync(
            client,
            userName,
            password ?? Users.Samples.Single(s => s.User.UserName == userName).Password
        );
        if (response.StatusCode != System.Net.HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Signing in as {userName} gave {(int)response.StatusCode}.");
        return client;
    }

    /// <summary>Posts the sign-in form with the token of a freshly loaded sign-in page.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string userName, string password)
    {
        var token = await TokenAsync(client);
        using var form = new FormUrlEncodedContent([
            new("UserName", userName),
            new("Password", password),
            new("__RequestVerificationToken", token),
        ]);
        return await client.PostAsync(new Uri("/signin", UriKind.Relative), form);
    }

    /// <summary>The anti-forgery token of a form on <paramref name="page"/>, for this client (its cookie and
    /// user).</summary>
    public static async Task<string> TokenAsync(HttpClient client, string page = "/signin") =>
        TokenField().Match(await client.GetStringAsync(new Uri(page, UriKind.Relative))).Groups[1].Value;

    /// <summary>Posts a file as the multipart field <c>file</c>, with the form's anti-forgery token when one is
    /// given.</summary>
    public static async Task<HttpResponseMessage> PostFileAsync(
        HttpClient client,
        string url,
        byte[] file,
        string name,
        string? token = null
    )
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(file), "file", name);
        if (token is not null)
            form.Add(new StringContent(token), "__RequestVerificationToken");
        return await client.PostAsync(new Uri(url, UriKind.Relative), form);
    }

    /// <summary>Follows a queued run over the API (no fixed delay: its status, every 100 ms) until it has finished,
    /// for at most 3 minutes, and says how it finished.</summary>
    public static async Task<string> FinishedRunStatusAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        string status;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, $"run {id} did not finish in 3 minutes");
            await Task.Delay(100, Ct);
            status = (await client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}", Ct))
                .GetProperty("status")
                .GetString()!;
        } while (status is "queued" or "running");
        return status;
    }

    /// <summary>Server mode creates no sample users: a test that signs in as one saves it first.</summary>
    public static async Task EnsureSampleAsync(System.Data.Common.DbConnection db, string userName)
    {
        if (await Users.FindAsync(db, userName) is not null)
            return;
        if (Users.Samples.SingleOrDefault(s => s.User.UserName == userName) is not ({ } user, { } password))
            return;
        await Users.SaveAsync(db, user, password, DateTimeOffset.UtcNow);
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_owned is not null)
            await _owned.DisposeAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
