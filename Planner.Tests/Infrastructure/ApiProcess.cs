using System.Diagnostics;
using System.Text;

namespace Planner.Tests.Infrastructure;

/// <summary>
/// Planner.Api in a process of its own (<c>dotnet Planner.Api.dll</c> and the given arguments), its output kept for
/// failure messages and shown line by line to whoever waits for one. Disposing kills it.
/// </summary>
internal sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Action<string>? _onLine;
    private readonly StringBuilder _output = new();

    private ApiProcess(Process process, Action<string>? onLine)
    {
        _process = process;
        _onLine = onLine;
    }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static ApiProcess Start(IEnumerable<string> arguments, Action<string>? onLine = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Planner.Api.dll"));
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        var api = new ApiProcess(new Process { StartInfo = info }, onLine);
        api._process.OutputDataReceived += (_, e) => api.Append(e.Data);
        api._process.ErrorDataReceived += (_, e) => api.Append(e.Data);
        api._process.Start();
        api._process.BeginOutputReadLine();
        api._process.BeginErrorReadLine();
        return api;
    }

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
        _onLine?.Invoke(line);
    }
}
