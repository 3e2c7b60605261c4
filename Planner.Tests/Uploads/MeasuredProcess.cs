using System.Collections;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Planner.Tests.Uploads;

/// <summary>
/// Runs a program in a child process and measures that one process: wall time; CPU time as the kernel reports it
/// to wait4 for exactly that child; and peak resident memory, the high-water mark of the program's own memory
/// (VmHWM in /proc/PID/status), sampled every few milliseconds while it runs. Measured in-process, time and
/// memory would include the other tests running in parallel. The kernel's ru_maxrss would not do for memory:
/// a child started from this process carries this process's high-water mark through exec. The high-water mark
/// only grows, so the samples miss at most what the program adds in its last milliseconds, while it exits.
/// The child is started with posix_spawn (not Process.Start, whose reaper would collect it first) through
/// /bin/sh, which redirects its output to files and then becomes the program itself (exec). Linux only.
/// </summary>
internal static class MeasuredProcess
{
    public sealed record Outcome(
        int ExitCode,
        string Stdout,
        string Stderr,
        TimeSpan Wall,
        TimeSpan Cpu,
        double PeakMegabytes
    )
    {
        public override string ToString() =>
            FormattableString.Invariant($"exit {ExitCode}, {Wall.TotalSeconds:0.00} s wall, ")
            + FormattableString.Invariant($"{Cpu.TotalSeconds:0.00} s CPU, ")
            + FormattableString.Invariant($"{PeakMegabytes:0} MB peak; stderr: {Stderr.Trim()}");
    }

    public static async Task<Outcome> RunAsync(
        string program,
        IReadOnlyList<string> args,
        string folder,
        TimeSpan timeout
    )
    {
        var stdout = Path.Combine(folder, "stdout.txt");
        var stderr = Path.Combine(folder, "stderr.txt");
        const string Redirect = "o=$1; e=$2; shift 2; exec \"$@\" >\"$o\" 2>\"$e\"";
        string[] argv = ["/bin/sh", "-c", Redirect, "sh", stdout, stderr, program, .. args];
        var environment = Environment
            .GetEnvironmentVariables()
            .Cast<DictionaryEntry>()
            .Select(e => $"{e.Key}={e.Value}")
            .ToArray();
        var watch = Stopwatch.StartNew();
        var pid = Spawn(argv, environment);
        var wait = Task.Run(() => Wait(pid));
        var peak = Task.Factory.StartNew(
            () => PeakKilobytes(pid, Path.GetFileName(program), wait),
            TaskCreationOptions.LongRunning
        );
        try
        {
            await wait.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            _ = kill(pid, 9);
            await wait;
            throw new TimeoutException($"{program} ran past {timeout.TotalSeconds:0} s and was stopped.");
        }
        var (status, cpu) = await wait;
        var wall = watch.Elapsed;
        var exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -(status & 0x7f);
        return new Outcome(
            exitCode,
            await File.ReadAllTextAsync(stdout),
            await File.ReadAllTextAsync(stderr),
            wall,
            cpu,
            await peak / 1024.0
        );
    }

    private static int Spawn(string[] argv, string[] environment)
    {
        var allocated = new List<IntPtr>();
        try
        {
            var args = Block(argv);
            var error = posix_spawn(
                out var pid,
                Marshal.ReadIntPtr(args),
                IntPtr.Zero,
                IntPtr.Zero,
                args,
                Block(environment)
            );
            if (error != 0)
                throw new InvalidOperationException($"posix_spawn failed with error {error}.");
            return pid;
        }
        finally
        {
            foreach (var p in allocated)
                Marshal.FreeCoTaskMem(p);
        }

        // A NULL-terminated array of UTF-8 strings (C's char *[]), freed above once the child is started.
        IntPtr Block(string[] values)
        {
            var block = Marshal.AllocCoTaskMem(IntPtr.Size * (values.Length + 1));
            allocated.Add(block);
            for (var i = 0; i < values.Length; i++)
            {
                var value = Marshal.StringToCoTaskMemUTF8(values[i]);
                allocated.Add(value);
                Marshal.WriteIntPtr(block, i * IntPtr.Size, value);
            }
            Marshal.WriteIntPtr(block, values.Length * IntPtr.Size, IntPtr.Zero);
            return block;
        }
    }

    /// <summary>
    /// The program's high-water mark of resident memory in KB, sampled until it exits. Samples are taken only
    /// once the child is the program (its name in /proc): before exec it still shares this process's memory.
    /// </summary>
    private static long PeakKilobytes(int pid, string program, Task exited)
    {
        var name = "Name:\t" + (program.Length > 15 ? program[..15] : program);
        long peak = 0;
        while (!exited.IsCompleted)
        {
            try
            {
                var status = File.ReadAllLines($"/proc/{pid}/status");
                var mark = status.FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                if (status.Contains(name) && mark is not null)
                {
                    var kilobytes = mark["VmHWM:".Length..].Trim().Split(' ')[0];
                    peak = Math.Max(peak, long.Parse(kilobytes, CultureInfo.InvariantCulture));
                }
            }
            catch (IOException)
            {
                // The process ended between two samples.
            }
            // Sampling, not synchronisation: the high-water mark is read again a few milliseconds later.
            Thread.Sleep(2);
        }
        return peak;
    }

    /// <summary>Waits for the child; its exit status and CPU time (user + system).</summary>
    private static (int Status, TimeSpan Cpu) Wait(int pid)
    {
        // struct rusage on 64-bit Linux: two timevals (16 bytes each: seconds, microseconds), then 14 longs.
        var usage = Marshal.AllocHGlobal(256);
        try
        {
            while (true)
            {
                if (wait4(pid, out var status, 0, usage) == pid)
                {
                    double Seconds(int at) => Marshal.ReadInt64(usage, at) + Marshal.ReadInt64(usage, at + 8) / 1e6;

                    return (status, TimeSpan.FromSeconds(Seconds(0) + Seconds(16)));
                }
                const int EINTR = 4;
                var error = Marshal.GetLastPInvokeError();
                if (error != EINTR)
                    throw new InvalidOperationException($"wait4 failed with error {error}.");
            }
        }
        finally
        {
            Marshal.FreeHGlobal(usage);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int posix_spawn(
        out int pid,
        IntPtr path,
        IntPtr fileActions,
        IntPtr attributes,
        IntPtr argv,
        IntPtr environment
    );

    [DllImport("libc", SetLastError = true)]
    private static extern int wait4(int pid, out int status, int options, IntPtr usage);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
