using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Planner.Api.Access;

namespace Planner.Tests.Infrastructure;

/// <summary>
/// The web application on a test database (embedded mode on SQLite, server mode on PostgreSQL) with its sample
/// users, and clients signed in as them: by API key, or through the sign-in page with a cookie.
/// </summary>
public sealed partial class TestWebApp : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private TestWebApp(WebApplicationFactory<Program> factory) => _factory = factory;

    /// <summary>The app's planner database.</summary>
    public Database Planner => _factory.Services.GetRequiredService<Database>();

    public IServiceProvider Services => _factory.Services;

    public static TestWebApp Start(TestDatabase db, params (string Key, string Value)[] settings)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Planner:LocalDirectory", db.Directory);
            b.UseSetting("Planner:WorkDirectory", Path.Combine(db.Directory, "work"));
            if (db.Provider == DatabaseProvider.Postgres)
            {
                b.UseSetting("ConnectionStrings:Planner", db.ConnectionString);
            }
            b.UseSetting("Planner:Teams:TimeLimitSeconds", "2");
            b.UseSetting("Planner:Jobs:PollIntervalSeconds", "0.2");
            // The schedules do not fire during a test.
            b.UseSetting("Planner:Jobs:PullCron", "0 0 1 1 *");
            b.UseSetting("Planner:Jobs:DailyPlanCron", "0 0 1 1 *");
            b.UseSetting("Planner:Jobs:RecoverCron", "0 0 1 1 *");
            foreach (var (key, value) in settings)
                b.UseSetting(key, value);
        });
        var app = new TestWebApp(factory);
        _ = factory.Server; // starts the host: migrations, and the sample users in embedded mode
        return app;
    }

    /// <summary>A client that is not signed in and does not follow redirects.</summary>
    public HttpClient Anonymous() =>
        _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

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
    public async Task<HttpClient> SignedInAsync(string userName, string? password = null)
    {
        await using (var db = await Planner.OpenAsync())
        {
            await EnsureSampleAsync(db, userName);
        }
        var client = Anonymous();
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

    /// <summary>Server mode creates no sample users: a test that signs in as one saves it first.</summary>
    private static async Task EnsureSampleAsync(System.Data.Common.DbConnection db, string userName)
    {
        if (await Users.FindAsync(db, userName) is not null)
            return;
        if (Users.Samples.SingleOrDefault(s => s.User.UserName == userName) is not ({ } user, { } password))
            return;
        await Users.SaveAsync(db, user, password, DateTimeOffset.UtcNow);
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
