using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Planner.Benchmarks;

/// <summary>
/// A PostgreSQL cluster in a temp folder for one benchmark run, started from the newest
/// <c>/usr/lib/postgresql/*/bin</c> (as the tests' <c>PostgresServer</c> does, without its fallbacks); run as
/// <c>postgres</c> via runuser when this process is root, since PostgreSQL refuses root. Disposing it stops the server
/// and deletes the folder.
/// </summary>
public sealed class ThrowawayPostgres : IDisposable
{
    private readonly string bin;
    private readonly string root;
    private readonly bool asPostgres = OperatingSystem.IsLinux() && Environment.UserName == "root";
    private string options = "";

    private ThrowawayPostgres(string bin)
    {
        this.bin = bin;
        // As root, the postgres user must be able to reach the folder, so stay out of a private TMPDIR.
        root = Path.Combine(
            asPostgres ? "/tmp" : Path.GetTempPath(),
            "planner-bench-pg-" + Guid.NewGuid().ToString("N")[..12]
        );
    }

    /// <summary>An admin connection string (user postgres, database postgres).</summary>
    public string ConnectionString { get; private set; } = "";

    private string DataDirectory => Path.Combine(root, "data");

    private string LogFile => Path.Combine(root, "postgres.log");

    /// <summary>Creates and starts the cluster; the same server settings as the tests' (fsync and synchronous commit
    /// off).</summary>
    public static ThrowawayPostgres Start()
    {
        var cluster = new ThrowawayPostgres(
            NewestBin()
                ?? throw new InvalidOperationException(
                    "No /usr/lib/postgresql/*/bin/initdb; set PLANNER_BENCH_POSTGRES to an admin connection string."
                )
        );
        try
        {
            cluster.InitAndStart();
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>The bin folder of the newest PostgreSQL installed, if any.</summary>
    private static string? NewestBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory
                .EnumerateDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d =>
                    double.TryParse(
                        Path.GetFileName(Path.GetDirectoryName(d)),
                        NumberStyles.Float,
                        CultureInfo.InvariantCulture,
                        out var v
                    )
                        ? v
                        : 0
                )
                .FirstOrDefault()
            : null;

    private void InitAndStart()
    {
        Directory.CreateDirectory(root);
        if (asPostgres)
            Run("chown", ["postgres:postgres", root], asPostgres: false);
        Run(
            Path.Combine(bin, "initdb"),
            ["-D", DataDirectory, "-A", "trust", "-U", "postgres", "--encoding=UTF8", "--no-locale", "--no-sync"]
        );
        var port = FreePort();
        options = string.Create(
            CultureInfo.InvariantCulture,
            $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c "
                + $"full_page_writes=off"
        );
        Run(
            Path.Combine(bin, "pg_ctl"),
            ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "30", "-o", options, "start"]
        );
        ConnectionString = string.Create(
            CultureInfo.InvariantCulture,
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres"
        );
    }

    /// <summary>
    /// Restarts the server as an operator would (<c>pg_ctl restart -m fast</c>): every session is ended, open
    /// transactions roll back, and the server is back on the same port when this returns.
    /// </summary>
    public void Restart() =>
        Run(
            Path.Combine(bin, "pg_ctl"),
            ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "30", "-m", "fast", "-o", options, "restart"]
        );

    /// <summary>Stops the server and deletes its folder.</summary>
    public void Dispose()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            Run(Path.Combine(bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "15", "stop"]);
        }
        if (Directory.Exists(root))
            Directory.Delete(root, recursive: true);
    }

    private void Run(string file, string[] arguments) => Run(file, arguments, asPostgres);

    private static void Run(string file, string[] arguments, bool asPostgres) =>
        Report.RunChecked(
            asPostgres ? "runuser" : file,
            asPostgres ? ["-u", "postgres", "--", file, .. arguments] : arguments
        );

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
