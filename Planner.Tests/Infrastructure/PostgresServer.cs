using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Planner.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server shared by every test in this process.
/// </summary>
/// <remarks>
/// Where the server comes from, in order:
/// <list type="number">
/// <item><c>PLANNER_TEST_POSTGRES_DISABLE=1</c>: no server at all (to check locally that PostgreSQL tests
/// skip outside CI and fail on CI when no server can be had).</item>
/// <item><c>PLANNER_TEST_POSTGRES</c>: an admin connection string to an existing server (what <c>.ci/run</c> sets).
/// It must connect; otherwise every PostgreSQL test fails with a message naming the variable.</item>
/// <item>A throwaway cluster started here from <c>/usr/lib/postgresql/*/bin</c> (or <c>initdb</c> on PATH),
/// the same way <c>.ci/run</c> does, stopped and deleted when the process exits.</item>
/// </list>
/// </remarks>
internal static class PostgresServer
{
    public const string ConnectionStringVariable = "PLANNER_TEST_POSTGRES";
    public const string DisableVariable = "PLANNER_TEST_POSTGRES_DISABLE";

    private static readonly TimeSpan StartupBudget = TimeSpan.FromSeconds(60);
    private static readonly Lazy<Task<string?>> Server = new(
        () => Task.Run(ResolveAsync),
        LazyThreadSafetyMode.ExecutionAndPublication
    );

    /// <summary>Why <see cref="GetAdminConnectionStringAsync"/> returned <c>null</c>; <c>null</c> while a server is
    /// available or not yet asked for.</summary>
    public static string? UnavailableReason { get; private set; }

    /// <summary>
    /// A connection string with rights to create and drop databases, or <c>null</c> when no PostgreSQL
    /// server can be had (see <see cref="UnavailableReason"/>). Resolved once per process.
    /// </summary>
    public static Task<string?> GetAdminConnectionStringAsync() => Server.Value;

    private static async Task<string?> ResolveAsync()
    {
        if (IsSet(DisableVariable))
        {
            return Unavailable($"disabled by {DisableVariable}={Environment.GetEnvironmentVariable(DisableVariable)}");
        }

        var configured = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await ProbeAsync(configured, timeout.Token);
            }
            catch (Exception ex)
                when (ex
                        is NpgsqlException
                            or ArgumentException
                            or InvalidOperationException
                            or OperationCanceledException
                            or SocketException
                )
            {
                throw new InvalidOperationException(
                    $"{ConnectionStringVariable} is set but PostgreSQL cannot be used with it: {OneLine(ex.Message)}",
                    ex
                );
            }

            return configured;
        }

        var bin = FindBinDirectory();
        if (bin is null)
        {
            return Unavailable(
                $"{ConnectionStringVariable} is not set and no initdb was found under /usr/lib/postgresql/*/bin or "
                    + $"on PATH"
            );
        }

        try
        {
            var cluster = await LocalCluster.StartAsync(bin, StartupBudget);
            return cluster.AdminConnectionString;
        }
        catch (Exception ex)
            when (ex
                    is IOException
                        or UnauthorizedAccessException
                        or InvalidOperationException
                        or OperationCanceledException
                        or NpgsqlException
                        or SocketException
                        or System.ComponentModel.Win32Exception
            )
        {
            return Unavailable($"starting a throwaway cluster from {bin} failed: {OneLine(ex.Message)}");
        }
    }

    /// <summary>
    /// A throwaway cluster of the caller's own, for tests that stop or restart the server (the shared one must stay
    /// up for every other test). Without PostgreSQL binaries it skips locally and fails when <c>CI=true</c>.
    /// </summary>
    public static async Task<LocalCluster> StartPrivateAsync()
    {
        var bin = FindBinDirectory();
        if (bin is null || IsSet(DisableVariable))
        {
            TestDatabase.FailOrSkip(
                bin is null
                    ? "no initdb was found under /usr/lib/postgresql/*/bin or on PATH for a private cluster"
                    : $"disabled by {DisableVariable}"
            );
        }
        return await LocalCluster.StartAsync(bin, StartupBudget);
    }

    private static string? Unavailable(string reason)
    {
        UnavailableReason = reason;
        return null;
    }

    private static bool IsSet(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        return !string.IsNullOrWhiteSpace(value) && value.Trim() is not ("0" or "false" or "False" or "FALSE" or "no");
    }

    internal static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 600 ? line : string.Concat(line.AsSpan(0, 600), "...");
    }

    private static async Task ProbeAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private static string? FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        if (Directory.Exists(root))
        {
            var newest = Directory
                .EnumerateDirectories(root)
                .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(d =>
                    double.TryParse(Path.GetFileName(d), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                        ? v
                        : 0
                )
                .FirstOrDefault();
            if (newest is not null)
            {
                return Path.Combine(newest, "bin");
            }
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    /// <summary>A cluster in a temp directory, run as <c>postgres</c> via runuser when this process is root.</summary>
    internal sealed class LocalCluster : IAsyncDisposable
    {
        private string options = "";

        private readonly string bin;
        private readonly string root;
        private readonly string dataDirectory;
        private readonly bool asPostgresUser;

        private LocalCluster(string bin, string root, bool asPostgresUser)
        {
            this.bin = bin;
            this.root = root;
            dataDirectory = Path.Combine(root, "data");
            this.asPostgresUser = asPostgresUser;
        }

        /// <summary>A connection string with rights to create and drop databases.</summary>
        public string AdminConnectionString { get; private set; } = "";

        public static async Task<LocalCluster> StartAsync(string bin, TimeSpan budget)
        {
            using var deadline = new CancellationTokenSource(budget);
            var cancellationToken = deadline.Token;

            var asPostgresUser = OperatingSystem.IsLinux() && Environment.UserName == "root";
            // As root, the postgres user must be able to reach the directory, so stay out of a private TMPDIR.
            var parent = asPostgresUser ? "/tmp" : Path.GetTempPath();
            var root = Path.Combine(parent, "planner-pg-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(root);
            var cluster = new LocalCluster(bin, root, asPostgresUser);
            cluster.StartWatchdog();

            try
            {
                if (asPostgresUser)
                {
                    await cluster.RunAsync("chown", ["postgres:postgres", root], asPostgres: false, cancellationToken);
                }

                await cluster.InitDbAsync(cancellationToken);

                Exception? lastFailure = null;
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    var port = FreePort();
                    try
                    {
                        await cluster.PgCtlStartAsync(port, cancellationToken);
                    }
                    catch (InvalidOperationException ex)
                    {
                        // Most likely someone took the port between picking and binding it; try another one.
                        lastFailure = ex;
                        continue;
                    }

                    AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();

                    var connectionString =
                        $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};"
                        + "Username=postgres;Database=postgres";
                    await ProbeAsync(connectionString, cancellationToken);
                    cluster.AdminConnectionString = connectionString;
                    return cluster;
                }

                throw lastFailure ?? new InvalidOperationException("pg_ctl start failed");
            }
            catch
            {
                cluster.Stop();
                throw;
            }
        }

        private async Task InitDbAsync(CancellationToken cancellationToken)
        {
            string[] common = ["-D", dataDirectory, "-A", "trust", "-U", "postgres", "--encoding=UTF8", "--no-sync"];
            try
            {
                await RunAsync(
                    Path.Combine(bin, "initdb"),
                    [.. common, "--locale=C.UTF-8"],
                    asPostgresUser,
                    cancellationToken
                );
            }
            catch (InvalidOperationException)
            {
                // The C.UTF-8 locale is not installed everywhere; fall back to no locale at all.
                await RunAsync("rm", ["-rf", dataDirectory], asPostgresUser, cancellationToken);
                await RunAsync(
                    Path.Combine(bin, "initdb"),
                    [.. common, "--no-locale"],
                    asPostgresUser,
                    cancellationToken
                );
            }
        }

        private Task PgCtlStartAsync(int port, CancellationToken cancellationToken)
        {
            options = string.Create(
                CultureInfo.InvariantCulture,
                $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c "
                    + $"full_page_writes=off -c max_connections=200"
            );
            return RunAsync(
                Path.Combine(bin, "pg_ctl"),
                [
                    "-D",
                    dataDirectory,
                    "-l",
                    Path.Combine(root, "postgres.log"),
                    "-w",
                    "-t",
                    "30",
                    "-o",
                    options,
                    "start",
                ],
                asPostgresUser,
                cancellationToken
            );
        }

        /// <summary>
        /// Restarts the server as an operator would (<c>pg_ctl restart -m fast</c>): every session is ended
        /// (57P01, "terminating connection due to administrator command") and the server is back on the same port.
        /// </summary>
        public Task RestartAsync(CancellationToken cancellationToken) =>
            RunAsync(
                Path.Combine(bin, "pg_ctl"),
                [
                    "-D",
                    dataDirectory,
                    "-l",
                    Path.Combine(root, "postgres.log"),
                    "-w",
                    "-t",
                    "30",
                    "-m",
                    "fast",
                    "-o",
                    options,
                    "restart",
                ],
                asPostgresUser,
                cancellationToken
            );

        public ValueTask DisposeAsync()
        {
            Stop();
            return ValueTask.CompletedTask;
        }

        /// <summary>Stops the server and deletes the directory; safe to call more than once.</summary>
        public void Stop()
        {
            try
            {
                if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                    RunAsync(
                            Path.Combine(bin, "pg_ctl"),
                            ["-D", dataDirectory, "-m", "immediate", "-w", "-t", "15", "stop"],
                            asPostgresUser,
                            timeout.Token
                        )
                        .GetAwaiter()
                        .GetResult();
                }
            }
            catch (Exception ex)
                when (ex
                        is InvalidOperationException
                            or OperationCanceledException
                            or IOException
                            or System.ComponentModel.Win32Exception
                )
            {
                // Best effort: the watchdog tries again once this process is gone.
            }

            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort.
            }
        }

        /// <summary>
        /// A detached shell that stops the cluster and deletes its directory once this process is gone, for
        /// when the process is killed and <see cref="AppDomain.ProcessExit"/> never runs. Its output goes to /dev/null
        /// so it holds no pipe that a test runner would wait on.
        /// </summary>
        private void StartWatchdog()
        {
            var pgCtl = Quote(Path.Combine(bin, "pg_ctl"));
            var stop = asPostgresUser
                ? $"runuser -u postgres -- {pgCtl} -D {Quote(dataDirectory)} -m immediate -w -t 15 stop"
                : $"{pgCtl} -D {Quote(dataDirectory)} -m immediate -w -t 15 stop";
            var script = string.Create(
                CultureInfo.InvariantCulture,
                $"exec </dev/null >/dev/null 2>&1; while kill -0 {Environment.ProcessId}; do sleep 2; done; sleep 1; "
                    + $"if [ -f {Quote(Path.Combine(dataDirectory, "postmaster.pid"))} ]; then {stop}; fi; rm -rf "
                    + $"{Quote(root)}"
            );
            try
            {
                var info = new ProcessStartInfo("sh")
                {
                    UseShellExecute = false,
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                info.ArgumentList.Add("-c");
                info.ArgumentList.Add(script);
                using var process = Process.Start(info);
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // No sh: ProcessExit still cleans up on a normal exit.
            }
        }

        private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public async Task RunAsync(
            string file,
            string[] arguments,
            bool asPostgres,
            CancellationToken cancellationToken
        )
        {
            var info = new ProcessStartInfo(asPostgres ? "runuser" : file)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = root,
            };
            if (asPostgres)
            {
                foreach (var prefix in new[] { "-u", "postgres", "--", file })
                {
                    info.ArgumentList.Add(prefix);
                }
            }

            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            var output = new StringBuilder();
            using var process = new Process { StartInfo = info };
            process.OutputDataReceived += (_, e) =>
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            };
            process.Start();
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{Path.GetFileName(file)} did not finish in time");
            }

            if (process.ExitCode != 0)
            {
                string text;
                lock (output)
                {
                    text = output.ToString();
                }

                var log = Path.Combine(root, "postgres.log");
                if (File.Exists(log))
                {
                    text += " log: " + File.ReadAllText(log);
                }

                throw new InvalidOperationException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{Path.GetFileName(file)} exited with {process.ExitCode}: {OneLine(text)}"
                    )
                );
            }
        }
    }
}
