using System.Text.RegularExpressions;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Planner.Tests.Browser;

/// <summary>
/// Planner served by its own process on a loopback port (<c>dotnet Planner.Api.dll</c>, embedded mode on a test
/// database, sample users), and a headless Chromium (Debian's <c>chromium</c> and <c>chromium-driver</c>) driving
/// it. Skips when Chromium is missing, except with CI=true, where .ci/run installs it.
/// </summary>
internal sealed partial class BrowserSession : IAsyncDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";

    private ApiProcess _server = null!;

    private BrowserSession(string downloads) => Downloads = downloads;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Where the browser saves downloaded files.</summary>
    public string Downloads { get; }

    public IWebDriver Driver { get; private set; } = null!;

    public static async Task<BrowserSession> StartAsync(TestDatabase db)
    {
        SkipWithoutChromium();
        var session = new BrowserSession(Directory.CreateDirectory(Path.Combine(db.Directory, "downloads")).FullName);
        session.BaseAddress = await session.StartServerAsync(db);
        session.Driver = StartChromium(session.Downloads);
        return session;
    }

    private static void SkipWithoutChromium()
    {
        if (File.Exists(Chromium) && File.Exists(ChromeDriver))
            return;
        const string reason = "Chromium is not installed (apt-get install chromium chromium-driver)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{reason}; on CI it must be, .ci/run installs it.");
        }
        Assert.Skip(reason);
    }

    /// <summary>Starts Planner on a free loopback port and waits until it says where it listens.</summary>
    private async Task<Uri> StartServerAsync(TestDatabase db)
    {
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _server = ApiProcess.Start(
            [
                "--urls=http://127.0.0.1:0",
                $"--Planner:LocalDirectory={db.Directory}",
                "--Planner:Teams:TimeLimitSeconds=2",
                "--Planner:Jobs:PollIntervalSeconds=0.2",
                .. TestPlanner.NoSchedules.Select(s => $"--{s.Key}={s.Value}"),
            ],
            line =>
            {
                if (Listening().Match(line) is { Success: true } m)
                    listening.TrySetResult(new Uri(m.Groups[1].Value));
            }
        );
        var started = await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromMinutes(2), Ct));
        if (started != listening.Task)
            throw new InvalidOperationException($"Planner did not start in 2 minutes:\n{Output}");
        return await listening.Task;
    }

    private static ChromeDriver StartChromium(string downloads)
    {
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
            "--window-size=1366,900"
        );
        options.AddUserProfilePreference("download.default_directory", downloads);
        options.AddUserProfilePreference("download.prompt_for_download", false);
        var service = ChromeDriverService.CreateDefaultService(
            Path.GetDirectoryName(ChromeDriver)!,
            Path.GetFileName(ChromeDriver)
        );
        service.HideCommandPromptWindow = true;
        return new ChromeDriver(service, options, TimeSpan.FromMinutes(1));
    }

    public string Output => _server.Output;

    public void Go(string path) => Driver.Navigate().GoToUrl(new Uri(BaseAddress, path));

    /// <summary>Signs in on the sign-in page as a user would.</summary>
    public void SignIn(string user, string password, string language = "en")
    {
        Go("/signin");
        // The pages are Chinese until a language is chosen; the tests that read English choose it first.
        if (language != "zh-CN")
        {
            Driver.FindElement(By.CssSelector($"header form.language button[value='{language}']")).Click();
            Until(d => d.FindElement(By.TagName("html")).GetAttribute("lang") == language, "the page in " + language);
        }
        Driver.FindElement(By.Id("UserName")).SendKeys(user);
        Driver.FindElement(By.Id("Password")).SendKeys(password);
        Driver.FindElement(By.CssSelector("main form button[type=submit]")).Click();
        Until(d => d.Url.TrimEnd('/') == BaseAddress.ToString().TrimEnd('/'), "the plans page after signing in");
    }

    public void SignOut()
    {
        Driver.FindElement(By.CssSelector("header form.signout button")).Click();
        Until(
            d =>
                d.Url.Contains("/signin", StringComparison.OrdinalIgnoreCase)
                || d.Url.Contains("/SignIn", StringComparison.Ordinal),
            "the sign-in page after signing out"
        );
    }

    /// <summary>Waits (polling the page, no fixed sleep) until the condition holds.</summary>
    public T Until<T>(Func<IWebDriver, T> condition, string what, int seconds = 60)
    {
        try
        {
            var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds))
            {
                PollingInterval = TimeSpan.FromMilliseconds(200),
            };
            // The run page reloads itself while the run goes on: an element found just before a reload is stale.
            wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
            return wait.Until(condition);
        }
        catch (WebDriverTimeoutException)
        {
            throw new InvalidOperationException(
                $"Timed out after {seconds} s waiting for {what} at {Driver.Url}. "
                    + $"Page:\n{Driver.PageSource}\nServer output:\n{Output}"
            );
        }
    }

    /// <summary>Waits for a finished download whose name starts with <paramref name="prefix"/> and returns its
    /// path.</summary>
    public string Downloaded(string prefix) =>
        Until(
            _ =>
                Directory
                    .EnumerateFiles(Downloads, prefix + "*")
                    .FirstOrDefault(f =>
                        !f.EndsWith(".crdownload", StringComparison.Ordinal) && new FileInfo(f).Length > 0
                    ),
            $"the download {prefix}*"
        )!;

    public async ValueTask DisposeAsync()
    {
        Driver?.Quit();
        Driver?.Dispose();
        await _server.DisposeAsync();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
