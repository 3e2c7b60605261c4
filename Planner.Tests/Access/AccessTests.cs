using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Planner.Api;
using Planner.Api.Access;
using Planner.Api.Cli;
using Planner.Tests.Jobs;
using Planner.Tests.Uploads;

namespace Planner.Tests.Access;

/// <summary>Sign-in, API keys and who may use what: every endpoint, for every role and for anonymous
/// requests.</summary>
public class AccessTests : HangfireTests
{
    /// <summary>The callers of the matrix, in the order of its expectation strings.</summary>
    private static readonly string?[] Callers = [null, "planner", "province", "hangzhou", "hospital"];

    /// <summary>
    /// One request per endpoint (two where a scope matters) and what each caller gets: A allowed (neither 401, 403
    /// nor a redirect to sign-in; the probe is chosen to change nothing), D denied (403), U not signed in (401,
    /// or a redirect to /signin for pages), F the 403 page itself. Callers: anonymous, planner, province officer,
    /// Hangzhou officer, hospital administrator.
    /// </summary>
    private static readonly (string Endpoint, string Method, string Url, string Expected)[] Matrix =
    [
        ("GET /health", "GET", "/health", "AAAAA"),
        ("GET /api/me/", "GET", "/api/me", "UAAAA"),
        ("POST /api/me/keys", "POST", "/api/me/keys", "UAAAA"),
        ("GET /api/sources", "GET", "/api/sources", "UAAAA"),
        ("GET /api/sources/pulls", "GET", "/api/sources/pulls", "UAAAA"),
        ("POST /api/sources/{feed}/pull", "POST", "/api/sources/nope/pull", "UADDD"),
        ("POST /api/runs", "POST", "/api/runs?probe=days", "UADDD"),
        ("GET /api/plans", "GET", "/api/plans", "UAAAD"),
        ("GET /api/plans/{id}", "GET", "/api/plans/req-nope", "UAAAD"),
        ("GET /api/runs", "GET", "/api/runs", "UAAAD"),
        ("GET /api/runs/{id}", "GET", "/api/runs/req-nope", "UAAAD"),
        ("POST /api/runs/{id}/cancel", "POST", "/api/runs/req-nope/cancel", "UADDD"),
        ("POST /api/runs/{id}/approve", "POST", "/api/runs/req-nope/approve", "UADDD"),
        ("GET /api/approvals", "GET", "/api/approvals", "UAAAD"),
        ("GET /api/runs/compare", "GET", "/api/runs/compare", "UADDD"),
        ("GET /api/runs/{id}/gaps", "GET", "/api/runs/req-nope/gaps", "UAAAD"),
        ("GET /api/runs/{id}/gaps", "GET", "/api/runs/req-nope/gaps?city=330200", "UAADD"),
        ("GET /api/runs/{id}/risk", "GET", "/api/runs/req-nope/risk", "UAAAD"),
        ("GET /api/runs/{id}/risk", "GET", "/api/runs/req-nope/risk?city=330200", "UAADD"),
        ("GET /api/runs/{id}/files/{kind}", "GET", "/api/runs/req-nope/files/province", "UAADD"),
        ("GET /api/runs/{id}/files/{kind}", "GET", "/api/runs/req-nope/files/city-330100", "UAAAD"),
        ("GET /api/runs/{id}/files/{kind}", "GET", "/api/runs/req-nope/files/city-330200", "UAADD"),
        ("GET /api/runs/{id}/files/{kind}", "GET", "/api/runs/req-nope/files/summary", "UAADD"),
        ("GET /api/uploads/capacity/template", "GET", "/api/uploads/capacity/template", "UADDA"),
        ("POST /api/uploads/capacity", "POST", "/api/uploads/capacity", "UADDA"),
        ("GET /api/uploads/", "GET", "/api/uploads", "UADDA"),
        ("GET /api/runs/{runId}/receipts/", "GET", "/api/runs/req-nope/receipts", "UAAAD"),
        ("GET /api/runs/{runId}/receipts/overdue", "GET", "/api/runs/req-nope/receipts/overdue", "UAAAD"),
        ("POST /api/runs/{runId}/receipts/", "POST", "/api/runs/req-nope/receipts", "UAAAD"),
        ("GET /api/runs/{runId}/receipts/template", "GET", "/api/runs/req-nope/receipts/template", "UAAAD"),
        ("POST /api/runs/{runId}/receipts/workbook", "POST", "/api/runs/req-nope/receipts/workbook", "UAAAD"),
        ("GET /api/scenarios/", "GET", "/api/scenarios", "UADDD"),
        ("GET /api/scenarios/{id}", "GET", "/api/scenarios/nope", "UADDD"),
        ("POST /api/scenarios/", "POST", "/api/scenarios", "UADDD"),
        ("PUT /api/scenarios/{id}", "PUT", "/api/scenarios/nope", "UADDD"),
        ("POST /api/scenarios/{id}/runs", "POST", "/api/scenarios/nope/runs", "UADDD"),
        ("PAGE ", "GET", "/", "UAAAA"),
        ("PAGE signin", "GET", "/signin", "AAAAA"),
        ("PAGE signin", "POST", "/signin", "AAAAA"),
        ("PAGE SignOut", "POST", "/SignOut", "UAAAA"),
        ("PAGE denied", "GET", "/denied", "FFFFF"),
        ("PAGE language", "GET", "/language", "AAAAA"),
        ("PAGE error/{code:int}", "GET", "/error/404", "AAAAA"),
        ("PAGE language", "POST", "/language", "AAAAA"),
        ("PAGE uploads", "GET", "/uploads", "UADDA"),
        ("PAGE uploads", "POST", "/uploads", "UADDA"),
        ("PAGE receipts", "GET", "/receipts", "UAAAD"),
        ("PAGE receipts", "POST", "/receipts?handler=Confirm", "UAAAD"),
        ("PAGE scenarios", "GET", "/scenarios", "UADDD"),
        ("PAGE scenarios/edit/{id?}", "GET", "/scenarios/edit", "UADDD"),
        ("PAGE scenarios/edit/{id?}", "POST", "/scenarios/edit", "UADDD"),
        ("PAGE scenarios/edit/{id?}", "POST", "/scenarios/edit/nope?handler=Run", "UADDD"),
        ("PAGE runs/{id}", "GET", "/runs/req-nope", "UAAAD"),
        ("PAGE runs/{id}", "POST", "/runs/req-nope?handler=Cancel", "UADDD"),
        ("PAGE runs/{id}", "POST", "/runs/req-nope?handler=Approve", "UADDD"),
        ("PAGE runs/{id}/forecast", "GET", "/runs/req-nope/forecast", "UAAAD"),
        ("PAGE runs/{id}/counties/{code}", "GET", "/runs/req-nope/counties/330102", "UAAAD"),
        ("PAGE runs/{id}/dispatch/{kind}", "GET", "/runs/req-nope/dispatch/province", "UAADD"),
        ("PAGE runs/{id}/dispatch/{kind}", "GET", "/runs/req-nope/dispatch/city-330100", "UAAAD"),
        ("PAGE compare", "GET", "/compare", "UADDD"),
        ("GET /openapi/{documentName}.json", "GET", "/openapi/v1.json", "AAAAA"),
        ("DASHBOARD /hangfire", "GET", "/hangfire", "UADDD"),
        ("DOCS /api/docs", "GET", "/api/docs/index.html", "AAAAA"),
    ];

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AuthorizationMatrix_EveryEndpoint_ForEveryRoleAndAnonymous(DatabaseProvider provider)
    {
        await using var app = await TestWebApp.StartAsync(provider);

        // Every endpoint the application maps is in the matrix, so a new one cannot go unchecked.
        var mapped = app
            .Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .Select(Name)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Empty(mapped.Except(Matrix.Select(m => m.Endpoint), StringComparer.Ordinal));
        Assert.Empty(
            Matrix
                .Select(m => m.Endpoint)
                .Where(e =>
                    !e.StartsWith("DASHBOARD", StringComparison.Ordinal)
                    && !e.StartsWith("DOCS", StringComparison.Ordinal)
                )
                .Except(mapped, StringComparer.Ordinal)
        );

        // API requests carry an API key; page requests a sign-in cookie (pages are what a browser uses).
        var keys = new List<HttpClient?>();
        var cookies = new List<HttpClient?>();
        foreach (var caller in Callers)
        {
            keys.Add(caller is null ? app.Anonymous() : await app.WithApiKeyAsync(caller));
            cookies.Add(caller is null ? app.Anonymous() : await app.SignedInAsync(caller));
        }
        var failures = new List<string>();
        foreach (var (endpoint, method, url, expected) in Matrix)
        {
            for (var c = 0; c < Callers.Length; c++)
            {
                var client = endpoint.StartsWith("PAGE", StringComparison.Ordinal) ? cookies[c]! : keys[c]!;
                using var response = await SendAsync(client, method, url);
                var got = Outcome(response, endpoint);
                if (got != expected[c])
                    failures.Add(
                        $"{method} {url} as {Callers[c] ?? "anonymous"}: expected {expected[c]}, got {got} "
                            + $"({(int)response.StatusCode})"
                    );
            }
        }
        Assert.Empty(failures);
        // A refusal explains itself as ProblemDetails.
        using var refused = await keys[3]!.GetAsync(
            new Uri("/api/runs/req-nope/files/city-330200", UriKind.Relative),
            Ct
        );
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("city 330100 only", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var anonymous = await keys[0]!.GetAsync(new Uri("/api/sources", UriKind.Relative), Ct);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task SignIn_WrongPasswordIsRefused_AndSignOutEndsTheSession()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var client = app.Anonymous();

        using var wrong = await TestWebApp.SignInAsync(client, "planner", "not-the-password");
        using var unknown = await TestWebApp.SignInAsync(client, "nobody", "planner-2020");
        using var right = await TestWebApp.SignInAsync(client, "planner", "planner-2020");
        using var me = await client.GetAsync(new Uri("/api/me", UriKind.Relative), Ct);

        await Answer.AssertSaysAsync(wrong, HttpStatusCode.Unauthorized, "The user name or password is wrong.");
        await Answer.AssertSaysAsync(unknown, HttpStatusCode.Unauthorized, "The user name or password is wrong.");
        Assert.Equal((HttpStatusCode.Redirect, "/"), (right.StatusCode, right.Headers.Location?.ToString()));
        Assert.Equal("planner", (await me.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("role").GetString());

        // The cookie is HttpOnly and SameSite=Strict; signing out ends the session.
        var cookie = right
            .Headers.GetValues("Set-Cookie")
            .Single(c => c.StartsWith("planner=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        using var form = new FormUrlEncodedContent([
            new("__RequestVerificationToken", await TestWebApp.TokenAsync(client, "/")),
        ]);
        using var signOut = await client.PostAsync(new Uri("/SignOut", UriKind.Relative), form, Ct);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        using var after = await client.GetAsync(new Uri("/api/me", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    /// <summary>
    /// A command centre behind one address (the test server gives every client the same): one person's typos hold
    /// their user name only, successes never count, a name that does not exist is held just the same, and the
    /// address is held once everyone's failures reach its limit. The page says which limit and how many seconds.
    /// The clock moving on is in <see cref="SignInThrottleTests"/>.
    /// </summary>
    [Fact]
    public async Task SignIn_AtASharedAddress_LimitsFailuresPerUserNameAndPerAddress_SayingWhichAndHowLong()
    {
        await using var app = await TestWebApp.StartAsync(
            DatabaseProvider.Sqlite,
            ("Planner:Access:SignInFailuresPerUser", "2"),
            ("Planner:Access:SignInFailuresPerAddress", "5"),
            ("Planner:Access:SignInFailureWindowSeconds", "600")
        );
        using var client = app.Anonymous();

        // Four typos at once: an attempt counts while its password is checked, so only two get that far.
        var typos = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => StatusAsync("planner", "planner-202")));
        using var planner = await TestWebApp.SignInAsync(client, "planner", "planner-2020");
        var colleague = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
            colleague.Add(await StatusAsync("hangzhou", "hangzhou-2020"));
        var unknown = new[] { await StatusAsync("nobody", "planner-202"), await StatusAsync("nobody", "planner-202") };
        using var nobody = await TestWebApp.SignInAsync(client, "nobody", "planner-2020");
        var lastTypo = await StatusAsync("province", "province-202");
        using var province = await TestWebApp.SignInAsync(client, "province", "province-2020");

        Assert.Equal(
            [
                HttpStatusCode.Unauthorized,
                HttpStatusCode.Unauthorized,
                HttpStatusCode.TooManyRequests,
                HttpStatusCode.TooManyRequests,
            ],
            typos.Order()
        );
        await AssertHeldAsync(planner, wait =>
            "Too many failed sign-ins for the user name planner (2 within 10 minutes): wait "
            + $"{wait} second{(wait == 1 ? "" : "s")} before trying it again. "
            + "Other user names can still sign in from here."
        );
        Assert.All(colleague, status => Assert.Equal(HttpStatusCode.Redirect, status));
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], unknown);
        await AssertHeldAsync(nobody, wait => $"for the user name nobody (2 within 10 minutes): wait {wait} second");
        Assert.Equal(HttpStatusCode.Unauthorized, lastTypo);
        await AssertHeldAsync(province, wait =>
            "Too many failed sign-ins from your address (5 within 10 minutes, counting everyone who signs "
            + $"in from it): wait {wait} second"
        );

        async Task<HttpStatusCode> StatusAsync(string userName, string password)
        {
            using var another = app.Anonymous();
            using var response = await TestWebApp.SignInAsync(another, userName, password);
            return response.StatusCode;
        }
    }

    /// <summary>A sign-in refused for a limit: 429 and a page that says <paramref name="message"/> of the wait. The
    /// wait is computed (the window less the time since the oldest failure), and sent as Retry-After too.</summary>
    private static async Task AssertHeldAsync(HttpResponseMessage response, Func<int, string> message)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(Ct);
        var wait = int.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(wait, 1, 600);
        Assert.Contains(message(wait), page, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SignIn_UserNameInAnyCase_SignsInAsTheUserAsCreated(DatabaseProvider provider)
    {
        await using var app = await TestWebApp.StartAsync(provider);
        await using (var connection = await app.Planner.OpenAsync(Ct))
        {
            await TestWebApp.EnsureSampleAsync(connection, "planner");
            var zhang = new PlannerUser("ZhangWei", "Zhang Wei", Roles.Logistics, null, []);
            await Users.SaveAsync(connection, zhang, "zhang-wei-2020", DateTimeOffset.UtcNow);
        }

        var asPlanner = await SignedInAsAsync("Planner", "planner-2020");
        var asPLANNER = await SignedInAsAsync("PLANNER", "planner-2020");
        var asZhang = await SignedInAsAsync("zhangwei", "zhang-wei-2020");
        using var anonymous = app.Anonymous();
        using var wrongPassword = await TestWebApp.SignInAsync(anonymous, "PLANNER", "Planner-2020");
        string key;
        await using (var connection = await app.Planner.OpenAsync(Ct))
        {
            key = await Users.CreateApiKeyAsync(connection, "ZHANGWEI", "desk", DateTimeOffset.UtcNow);
        }
        using var byKey = app.Anonymous();
        byKey.DefaultRequestHeaders.Add("X-Api-Key", key);
        var keyHolder = (await byKey.GetFromJsonAsync<JsonElement>("/api/me", Ct)).GetProperty("user").GetString();

        Assert.Equal("planner", asPlanner);
        Assert.Equal("planner", asPLANNER);
        Assert.Equal("ZhangWei", asZhang);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal("ZhangWei", keyHolder);

        // Who /api/me says the client is: the name as stored, whatever case it was typed in.
        async Task<string?> SignedInAsAsync(string userName, string password)
        {
            using var client = app.Anonymous();
            using var response = await TestWebApp.SignInAsync(client, userName, password);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            return (await client.GetFromJsonAsync<JsonElement>("/api/me", Ct)).GetProperty("user").GetString();
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Users_ANameDifferingOnlyInCase_IsRefused_ByTheStoreTheCommandLineAndTheIndex(
        DatabaseProvider provider
    )
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var settings = await PreparedAsync(db);
        await using var connection = await settings.Planner.OpenAsync(Ct);
        var planner = new PlannerUser("planner", "Planner", Roles.Planner, null, []);
        await SaveAsync(connection, planner, "planner-2020");

        var byStore = await Assert.ThrowsAsync<PlannerException>(() =>
            SaveAsync(connection, planner with { UserName = "Planner", Role = Roles.Logistics }, "another-password")
        );
        var (byCommandLine, stderr) = await UserCommandAsync(db, "PLANNER", "logistics", "another-password");
        var byIndex = await Assert.ThrowsAnyAsync<DbException>(() => InsertUserRowAsync(connection, "PlAnNeR"));
        var cased = await Assert.ThrowsAsync<PlannerException>(() =>
            SaveAsync(connection, planner with { UserName = "Émile" }, "a long enough password")
        );
        // The name as created is still the one that can be replaced (role, password), and it signs in.
        await SaveAsync(connection, planner with { DisplayName = "Provincial planner" }, "planner-2021");

        Assert.Equal(
            "There is already a user planner; user names are matched without regard to case, so Planner "
                + "would be the same user. To change that user's role, scope or password, give the name as planner.",
            byStore.Message
        );
        Assert.Equal(1, byCommandLine);
        Assert.Contains(
            "error: There is already a user planner; user names are matched without regard to case, "
                + "so PLANNER would be",
            stderr,
            StringComparison.Ordinal
        );
        Assert.NotNull(byIndex);
        Assert.StartsWith(
            "The user name Émile has É: letters that have upper and lower case must be A-Z",
            cased.Message,
            StringComparison.Ordinal
        );
        Assert.Equal(["planner"], await connection.QueryAsync<string>("SELECT user_name FROM users"));
        var signedIn = await Users.VerifyPasswordAsync(connection, "PLANNER", "planner-2021");
        Assert.Equal(
            ("planner", "Provincial planner", Roles.Planner),
            (signedIn?.UserName, signedIn?.DisplayName, signedIn?.Role)
        );
    }

    /// <summary>A node on <paramref name="db"/> with the database migrated and the reference data in.</summary>
    private static async Task<TestNode> PreparedAsync(TestDatabase db)
    {
        var settings = TestPlanner.Node(db);
        await settings.PrepareAsync(Ct);
        return settings;
    }

    private static Task SaveAsync(DbConnection connection, PlannerUser user, string password) =>
        Users.SaveAsync(connection, user, password, DateTimeOffset.UtcNow);

    /// <summary><c>planner user NAME --role ROLE</c> on <paramref name="db"/>, the password typed at its prompt: the
    /// exit code and what it wrote to stderr.</summary>
    private static async Task<(int Exit, string Stderr)> UserCommandAsync(
        TestDatabase db,
        string userName,
        string role,
        string password
    )
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        string[] config =
            db.Provider == DatabaseProvider.Postgres
                ? [$"--Planner:LocalDirectory={db.Directory}", $"--ConnectionStrings:Planner={db.ConnectionString}"]
                : [$"--Planner:LocalDirectory={db.Directory}"];
        var exit = await CommandLine.RunAsync(
            ["user", userName, "--role", role, "--lang", "en", .. config],
            new StringReader(password + "\n"),
            stdout,
            stderr,
            Ct
        );
        return (exit, stderr.ToString());
    }

    /// <summary>A user row written straight into the table, past <see cref="Users"/>' checks: only the database's
    /// own index stands in its way.</summary>
    private static Task<int> InsertUserRowAsync(DbConnection connection, string userName) =>
        connection.ExecuteAsync(
            """
            INSERT INTO users (user_name, display_name, role, password_hash, created_at)
            VALUES (@userName, 'x', 'planner', 'x', @now)
            """,
            new { userName, now = DateTimeOffset.UtcNow }
        );

    /// <summary>
    /// A database from before migration 0011 where two users' names differ only in case: the migration stops,
    /// names them and changes nothing, and goes through once one of them is removed.
    /// </summary>
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Migration0011_NamesDifferingOnlyInCase_StopsNamingThem_UntilOneIsRemoved(
        DatabaseProvider provider
    )
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var settings = await PreparedAsync(db);
        await using (var connection = await settings.Planner.OpenAsync(Ct))
        {
            // Back to before 0011: its index gone and DbUp's journal without it.
            await connection.ExecuteAsync("DROP INDEX users_user_name_folded");
            await connection.ExecuteAsync("DELETE FROM schemaversions WHERE scriptname LIKE '%0011_user_names.sql'");
            await connection.ExecuteAsync(
                """
                INSERT INTO users (user_name, display_name, role, password_hash, created_at)
                VALUES ('wenzhou', 'Wenzhou', 'logistics', 'x', @now), ('Wenzhou', 'Wenzhou too', 'planner', 'x', @now),
                       ('ningbo', 'Ningbo', 'logistics', 'x', @now)
                """,
                new { now = DateTimeOffset.UtcNow }
            );
        }

        var refused = await Assert.ThrowsAsync<PlannerException>(() => Migrator.MigrateAsync(settings.Planner, Ct));
        await using (var connection = await settings.Planner.OpenAsync(Ct))
        {
            Assert.Equal(3L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users"));
            await connection.ExecuteAsync("DELETE FROM users WHERE user_name = 'Wenzhou'");
        }
        await Migrator.MigrateAsync(settings.Planner, Ct);

        Assert.Contains("0011_user_names.sql failed", refused.Message, StringComparison.Ordinal);
        Assert.Matches(
            "User names that differ only in case: (wenzhou, Wenzhou|Wenzhou, wenzhou)\\. Names are now "
                + "matched without regard to case; remove all but one user of each, then migrate again\\.",
            refused.Message
        );
        await using var migrated = await settings.Planner.OpenAsync(Ct);
        Assert.Equal("wenzhou", (await Users.FindAsync(migrated, "WENZHOU"))?.UserName);
        await Assert.ThrowsAnyAsync<DbException>(() => InsertUserRowAsync(migrated, "NINGBO"));
    }

    [Fact]
    public async Task ApiKeys_UnknownOrRevokedKeysAreRefused_AndAUserCanMakeTheirOwn()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var officer = await app.SignedInAsync("hangzhou");

        var made = await (
            await officer.PostAsJsonAsync("/api/me/keys", new { label = "dispatch desk" }, Ct)
        ).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var key = made.GetProperty("key").GetString()!;
        using var byKey = app.Anonymous();
        byKey.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Bearer",
            key
        );
        var me = await byKey.GetFromJsonAsync<JsonElement>("/api/me", Ct);
        using var wrongKey = app.Anonymous();
        wrongKey.DefaultRequestHeaders.Add("X-Api-Key", key + "x");
        using var refused = await wrongKey.GetAsync(new Uri("/api/me", UriKind.Relative), Ct);
        await using (var connection = await app.Planner.OpenAsync(Ct))
        {
            await connection.ExecuteAsync("UPDATE api_keys SET revoked_at = @now", new { now = DateTimeOffset.UtcNow });
        }
        using var revoked = await byKey.GetAsync(new Uri("/api/me", UriKind.Relative), Ct);

        Assert.StartsWith("pk_", key, StringComparison.Ordinal);
        Assert.Equal(
            ("hangzhou", "logistics", "330100"),
            (me.GetProperty("user").GetString(), me.GetProperty("role").GetString(), me.GetProperty("city").GetString())
        );
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        await using var check = await app.Planner.OpenAsync(Ct);
        // Only the key's hash is stored.
        Assert.Equal(
            0,
            await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM api_keys WHERE key_sha256 = @key", new { key })
        );
    }

    [Fact]
    public async Task HospitalAdministrator_SeesAndReportsForTheirOwnHospitalsOnly()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite, HospitalsDatabase.PrepareAsync);
        using var admin = await app.SignedInAsync("hospital");
        using var planner = await app.WithApiKeyAsync("planner");

        var template = await UploadFiles.TemplateAsync(admin);
        Assert.Equal(["H-0001", "H-0002"], UploadFiles.Hospitals(template));
        using var otherTemplate = await admin.GetAsync(
            new Uri("/api/uploads/capacity/template?hospitals=H-0003", UriKind.Relative),
            Ct
        );
        var foreign = UploadFiles.Reported(
            await UploadFiles.TemplateAsync(planner, "H-0001,H-0003"),
            new DateTime(2020, 2, 10)
        );
        var own = UploadFiles.Reported(template, new DateTime(2020, 2, 10));

        using var refused = await PostUploadAsync(admin, foreign, "foreign.xlsx");
        using var accepted = await PostUploadAsync(admin, own, "own.xlsx");
        using var byPlanner = await PostUploadAsync(planner, foreign, "foreign.xlsx");

        await Answer.AssertSaysAsync(otherTemplate, HttpStatusCode.Forbidden, "H-0003 is not one of yours");
        // The whole file is refused, its own hospital's row too, with the row that is not theirs named.
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = Assert.Single((await RefusedUpload.ReadAsync(refused)).Errors);
        Assert.Equal(("Capacity", 3, "A", "H-0003"), (error.Sheet, error.Row, error.Column, error.Value));
        Assert.Contains("not one of yours; you report for H-0001, H-0002", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byPlanner.StatusCode);
        // The very file the planner has uploaded is still refused to the administrator, not answered as "uploaded
        // before".
        using var again = await PostUploadAsync(admin, foreign, "foreign.xlsx");
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        // Each sees the uploads they may: the administrator their own, the planner all.
        var seenByAdmin = await admin.GetFromJsonAsync<JsonElement>("/api/uploads", Ct);
        Assert.Equal(["own.xlsx"], seenByAdmin.EnumerateArray().Select(u => u.GetProperty("fileName").GetString()));
        Assert.Equal("hospital", seenByAdmin[0].GetProperty("uploadedBy").GetString());
        Assert.Equal(2, (await planner.GetFromJsonAsync<JsonElement>("/api/uploads", Ct)).GetArrayLength());
        await AssertNoTemplateOnceTheirHospitalsAreGoneAsync(app);
    }

    /// <summary>An administrator whose hospitals were all taken away gets no template at all (not every
    /// hospital's).</summary>
    private static async Task AssertNoTemplateOnceTheirHospitalsAreGoneAsync(TestWebApp app)
    {
        await using (var connection = await app.Planner.OpenAsync(Ct))
        {
            await connection.ExecuteAsync("DELETE FROM user_hospitals WHERE user_name = 'hospital'");
        }
        using var emptied = await app.WithApiKeyAsync("hospital");
        using var none = await emptied.GetAsync(new Uri("/api/uploads/capacity/template", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
    }

    private static Task<HttpResponseMessage> PostUploadAsync(HttpClient client, byte[] file, string name) =>
        TestWebApp.PostFileAsync(client, "/api/uploads/capacity", file, name);

    [Fact]
    public async Task OpenApi_DocumentsEveryApiEndpoint_WithASummaryAndTheKeyScheme()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite);
        using var client = app.Anonymous();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        using var ui = await client.GetAsync(new Uri("/api/docs/index.html", UriKind.Relative), Ct);

        var operations = document
            .GetProperty("paths")
            .EnumerateObject()
            .Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(p =>
                p.Value.EnumerateObject()
                    .Select(o => (Route: $"{o.Name.ToUpperInvariant()} {p.Name}", Operation: o.Value))
            )
            .ToList();
        var apiEndpoints = app
            .Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .Select(Name)
            .ToList();
        Assert.Equal(apiEndpoints.Count, operations.Count);
        Assert.All(operations, o =>
            Assert.False(
                string.IsNullOrWhiteSpace(o.Operation.TryGetProperty("summary", out var s) ? s.GetString() : null),
                o.Route
            )
        );
        Assert.Equal(
            "apiKey",
            document
                .GetProperty("components")
                .GetProperty("securitySchemes")
                .GetProperty("X-Api-Key")
                .GetProperty("type")
                .GetString()
        );
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }

    [Fact]
    public async Task UploadPage_ListsEveryProblemOfARefusedFile_AndAcceptsAGoodOne()
    {
        await using var app = await TestWebApp.StartAsync(DatabaseProvider.Sqlite, HospitalsDatabase.PrepareAsync);
        using var admin = await app.SignedInAsync("hospital");
        var template = await UploadFiles.TemplateAsync(admin);
        var good = UploadFiles.Reported(template, new DateTime(2020, 2, 10));
        var bad = UploadFiles.Edit(good, wb =>
        {
            wb.Worksheet("Capacity").Cell(2, 9).SetValue(-4);
            wb.Worksheet("Capacity").Cell(3, 9).SetValue("many");
        });

        using var refused = await PostAsync(bad, "bad.xlsx");
        var refusedPage = await refused.Content.ReadAsStringAsync(Ct);
        using var accepted = await PostAsync(good, "good.xlsx");
        var acceptedPage = await accepted.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var table = refusedPage[refusedPage.IndexOf("id=\"upload-errors\"", StringComparison.Ordinal)..];
        Assert.Equal(
            2,
            System.Text.RegularExpressions.Regex.Count(
                table[..table.IndexOf("</table>", StringComparison.Ordinal)],
                "<tr><td>Capacity</td>"
            )
        );
        Assert.Contains(
            "<td>2</td><td>I</td><td>ICU beds total</td><td>-4</td>",
            refusedPage,
            StringComparison.Ordinal
        );
        Assert.Contains(
            "<td>3</td><td>I</td><td>ICU beds total</td><td>many</td>",
            refusedPage,
            StringComparison.Ordinal
        );
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains("Accepted good.xlsx: 2 rows read, 2 changed.", acceptedPage, StringComparison.Ordinal);
        Assert.Contains("<td>good.xlsx</td>", acceptedPage, StringComparison.Ordinal);

        async Task<HttpResponseMessage> PostAsync(byte[] file, string name) =>
            await TestWebApp.PostFileAsync(
                admin,
                "/uploads",
                file,
                name,
                await TestWebApp.TokenAsync(admin, "/uploads")
            );
    }

    private static string Name(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        return methods is null
            ? $"PAGE {endpoint.RoutePattern.RawText}"
            : $"{string.Join(",", methods)} {endpoint.RoutePattern.RawText}";
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url)
    {
        // Probes that would change something are made to fail validation after the access check.
        if (url == "/api/runs?probe=days")
            return await client.PostAsJsonAsync("/api/runs", new { days = 400 }, Ct);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
        if (method == "POST" && url == "/api/me/keys")
            request.Content = JsonContent.Create(new { label = "matrix" });
        // The cancel and approve buttons' handlers check the role themselves: the form carries its anti-forgery token
        // to get there.
        if (
            url.EndsWith("handler=Cancel", StringComparison.Ordinal)
            || url.EndsWith("handler=Approve", StringComparison.Ordinal)
        )
            request.Content = new FormUrlEncodedContent([
                new("__RequestVerificationToken", await TestWebApp.TokenAsync(client)),
            ]);
        // An empty scenario: refused for its missing name, after the access check.
        if (url.StartsWith("/api/scenarios", StringComparison.Ordinal) && method is "POST" or "PUT")
            request.Content = JsonContent.Create(new { });
        return await client.SendAsync(request, Ct);
    }

    private static char Outcome(HttpResponseMessage response, string endpoint) =>
        response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => 'U',
            HttpStatusCode.Redirect when RedirectsTo(response, "/signin") => 'U',
            HttpStatusCode.Redirect when RedirectsTo(response, "/denied") => 'D',
            HttpStatusCode.Forbidden => endpoint == "PAGE denied" ? 'F' : 'D',
            _ => 'A',
        };

    /// <summary>Whether the answer sends the browser to <paramref name="path"/> (in any case).</summary>
    private static bool RedirectsTo(HttpResponseMessage response, string path) =>
        response.Headers.Location is { } to
        && (to.IsAbsoluteUri ? to.AbsolutePath : to.OriginalString).StartsWith(
            path,
            StringComparison.OrdinalIgnoreCase
        );
}
