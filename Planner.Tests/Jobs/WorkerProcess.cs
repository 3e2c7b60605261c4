using System.Diagnostics;
using System.Text;

namespace Planner.Tests.Jobs;

/// <summary>
/// A worker node in a process of its own (<c>dotnet Planner.Api.dll worker</c>), pointed at a test's PostgreSQL
/// database, with a lease (15 s) and invisibility timeout (20 s) short enough that a killed worker's run is taken
/// over within the test, and long enough that a live worker starved of CPU by the rest of the suite keeps its runs.
/// Its output is kept for the failure message. Disposing kills it.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static WorkerProcess Start(TestDatabase db, params string[] extra)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Planner.Api.dll"));
        info.ArgumentList.Add("worker");
        foreach (
            var arg in new[]
            {
                $"--ConnectionStrings:Planner={db.ConnectionString}",
                $"--Planner:LocalDirectory={db.Directory}",
                // Run folders of the test's own, so that what a killed worker leaves behind can be looked for.
                $"--Planner:WorkDirectory={WorkDirectory(db)}",
                "--Planner:Jobs:WorkerCount=1",
                // These tests are about who runs a plan, not what it publishes (PlanJobTests check all 13 files):
                // the 11 city workbooks would make 50 runs several minutes longer.
                "--Planner:Workbooks:Cities=false",
                "--Planner:Jobs:PollIntervalSeconds=0.2",
                "--Planner:Jobs:HeartbeatSeconds=1",
                // A lease of 30 s: a live worker starved of CPU by the rest of the suite (two cores) keeps its runs.
                "--Planner:Jobs:LeaseSeconds=30",
                "--Planner:Jobs:InvisibilityTimeoutSeconds=40",
                // The schedules do not fire during a test.
                "--Planner:Jobs:PullCron=0 0 1 1 *",
                "--Planner:Jobs:DailyPlanCron=0 0 1 1 *",
                "--Planner:Jobs:RecoverCron=0 0 1 1 *",
                "--Planner:Teams:TimeLimitSeconds=1",
                "--Logging:LogLevel:Default=Warning",
            }.Concat(extra)
        )
        {
            info.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = info };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Where the workers of <paramref name="db"/>'s test write their runs' files before publishing
    /// them.</summary>
    public static string WorkDirectory(TestDatabase db) => Path.Combine(db.Directory, "work");

    /// <summary>Kills the process at once, as a crash or an operator's kill -9 would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }
}
