using System.Diagnostics;
using System.Text;
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

    private readonly Process _server;
    private readonly StringBuilder _output = new();

    private BrowserSession(Process server, string downloads)
    {
        _server = server;
        Downloads = downloads;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Where the browser saves downloaded files.</summary>
    public string Downloads { get; }

    public IWebDriver Driver { get; private set; } = null!;

    public static async Task<BrowserSession> StartAsync(TestDatabase db)
    {
        if (!File.Exists(Chromium) || !File.Exists(ChromeDriver))
        {
            const string reason = "Chromium is not installed (apt-get install chromium chromium-driver)";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"{reason}; on CI it must be, .ci/run installs it.");
            }
            Assert.Skip(reason);
        }
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (
            var arg in new[]
            {
                Path.Combine(AppContext.BaseDirectory, "Planner.Api.dll"),
                "--urls=http://127.0.0.1:0",
                $"--Planner:LocalDirectory={db.Directory}",
                "--Planner:Teams:TimeLimitSeconds=2",
                "--Planner:Jobs:PollIntervalSeconds=0.2",
                // The schedules do not fire during a test.
                "--Planner:Jobs:PullCron=0 0 1 1 *",
                "--Planner:Jobs:DailyPlanCron=0 0 1 1 *",
                "--Planner:Jobs:RecoverCron=0 0 1 1 *",
            }
        )
        {
            info.ArgumentList.Add(arg);
        }
        var downloads = Directory.CreateDirectory(Path.Combine(db.Directory, "downloads")).FullName;
        var session = new BrowserSession(new Process { StartInfo = info }, downloads);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        session._server.OutputDataReceived += (_, e) => session.Seen(e.Data, listening);
        session._server.ErrorDataReceived += (_, e) => session.Seen(e.Data, listening);
        session._server.Start();
        session._server.BeginOutputReadLine();
        session._server.BeginErrorReadLine();
        var started = await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromMinutes(2), Ct));
        if (started != listening.Task)
            throw new InvalidOperationException($"Planner did not start in 2 minutes:\n{session.Output}");
        session.BaseAddress = await listening.Task;

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
        session.Driver = new ChromeDriver(service, options, TimeSpan.FromMinutes(1));
        return session;
    }

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public void Go(string path) => Driver.Navigate().GoToUrl(new Uri(BaseAddress, path));

    /// <summary>Signs in on the sign-in page as a user would.</summary>
    public void SignIn(string user, string password)
    {
        Go("/signin");
        Driver.FindElement(By.Id("UserName")).SendKeys(user);
        Driver.FindElement(By.Id("Password")).SendKeys(password);
        Driver.FindElement(By.CssSelector("form button[type=submit]")).Click();
        Until(d => d.Url.TrimEnd('/') == BaseAddress.ToString().TrimEnd('/'), "the plans page after signing in");
    }

    public void SignOut()
    {
        Driver.FindElement(By.CssSelector("header form button")).Click();
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
        if (!_server.HasExited)
            _server.Kill(entireProcessTree: true);
        await _server.WaitForExitAsync();
        _server.Dispose();
    }

    private void Seen(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
        if (Listening().Match(line) is { Success: true } m)
            listening.TrySetResult(new Uri(m.Groups[1].Value));
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
