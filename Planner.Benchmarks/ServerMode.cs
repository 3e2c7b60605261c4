using System.Diagnostics;
using System.Text;
using Dapper;
using Hangfire;
using Npgsql;
using Planner.Api.Jobs;
using Planner.Api.Runs;

namespace Planner.Benchmarks;

/// <summary>
/// A fresh planner database on a PostgreSQL server for one measurement, as a server-mode deployment has it before
/// its workers start: migrated, the sample sources seeded (SQLite files in a temporary folder) and pulled, and
/// Hangfire's schema installed. Disposing it drops the database and deletes the folder.
/// </summary>
internal sealed class ServerModeDatabase : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string _name;
    private readonly DirectoryInfo _local;

    private ServerModeDatabase(string admin, string name, DirectoryInfo local, Node settings)
    {
        (_admin, _name, _local, Settings) = (admin, name, local, settings);
        Storage = JobsSetup.CreateStorage(settings.Planner, settings.Jobs);
    }

    public Node Settings { get; }

    public JobStorage Storage { get; }

    /// <summary>Where the workers write their runs' files: a folder of their own, not the shared default.</summary>
    public string WorkDirectory => Path.Combine(_local.FullName, "work");

    public string LocalDirectory => _local.FullName;

    /// <summary>Creates a database named <paramref name="prefix"/>_… and prepares it.</summary>
    public static async Task<ServerModeDatabase> CreateAsync(string admin, string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..30];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.ExecuteAsync($"CREATE DATABASE {name}");
        }
        var local = Directory.CreateTempSubdirectory("planner-server-bench-");
        var settings = Node.Create(
            ("ConnectionStrings:Planner", new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString()),
            ("Planner:LocalDirectory", local.FullName)
        );
        var database = new ServerModeDatabase(admin, name, local, settings);
        try
        {
            await settings.PrepareAsync();
            await settings.PullAsync();
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until <paramref name="count"/> Hangfire servers are registered (the workers started).</summary>
    public async Task WaitForServersAsync(int count, IReadOnlyCollection<WorkerProcess> workers)
    {
        var deadline = Stopwatch.StartNew();
        while (Storage.GetMonitoringApi().Servers().Count < count)
        {
            WorkerProcess.ThrowIfAnyExited(workers);
            if (deadline.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException($"{count} workers did not register within 3 minutes.");
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using (var connection = new NpgsqlConnection(_admin))
        {
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
        }
        _local.Delete(recursive: true);
    }
}

/// <summary>
/// A worker node in a process of its own (<c>dotnet Planner.Api.dll worker</c>) on a <see cref="ServerModeDatabase"/>,
/// with the recurring jobs off (they would fire in the middle of a measurement) and warnings logged; its output is
/// kept for when a measurement goes wrong. Disposing it kills it.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>
    /// Starts <c>Planner.Api.dll</c> from <paramref name="apiDirectory"/> (this build's output folder, or another
    /// commit's build) with <paramref name="settings"/> (<c>--Planner:Jobs:…=…</c>) on top of the defaults.
    /// </summary>
    public static WorkerProcess Start(string apiDirectory, ServerModeDatabase db, IEnumerable<string> settings)
    {
        string[] arguments =
        [
            Path.Combine(apiDirectory, "Planner.Api.dll"),
            "worker",
            $"--ConnectionStrings:Planner={db.Settings.Planner.ConnectionString}",
            $"--Planner:LocalDirectory={db.LocalDirectory}",
            $"--Planner:DataDirectory={db.Settings.DataDirectory}",
            $"--Planner:WorkDirectory={db.WorkDirectory}",
            $"--{Node.AsOf.Key}={Node.AsOf.Value}",
            "--Logging:LogLevel:Default=Warning",
            .. ApiProcess.RecurringJobsOff,
            .. settings,
        ];
        var process = new Process { StartInfo = ApiProcess.Redirected("dotnet", arguments) };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>A worker that exits on its own has failed; the measurement stops with its output.</summary>
    public static void ThrowIfAnyExited(IEnumerable<WorkerProcess> workers)
    {
        if (workers.FirstOrDefault(w => w.HasExited) is { } exited)
        {
            throw new InvalidOperationException($"Worker process {exited.Id} exited. Its output:\n{exited.Output}");
        }
    }

    /// <summary>Kills the process at once, as a crash or <c>kill -9</c> would.</summary>
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
