namespace Planner.Api.Runs;

/// <summary>
/// Where a run writes its files before they are published: a folder of this process's own under the work directory
/// (<c>Planner:WorkDirectory</c>, default <c>planner-work</c> in the system's temporary folder), held by an exclusive
/// lock on its <c>.lock</c> file for as long as the process lives. A killed process cannot delete its folder, but
/// its lock goes with it, so the next process to start or recover (<see cref="RemoveAbandoned"/>) can tell an
/// abandoned folder from a live neighbour's and delete it.
/// </summary>
public static class WorkFolders
{
    private const string LockFile = ".lock";
    private static readonly Dictionary<string, (string Folder, FileStream Lock)> Mine = new(StringComparer.Ordinal);

    /// <summary>A new, empty folder for one run, inside this process's folder under <paramref name="root"/>.</summary>
    public static DirectoryInfo CreateRunFolder(string root) =>
        Directory.CreateDirectory(Path.Combine(ProcessFolder(root), "run-" + Guid.NewGuid().ToString("N")[..12]));

    /// <summary>Deletes the folders under <paramref name="root"/> whose process has stopped; returns how
    /// many.</summary>
    public static int RemoveAbandoned(string root)
    {
        if (!Directory.Exists(root))
            return 0;
        string? mine;
        lock (Mine)
            mine = Mine.TryGetValue(Path.GetFullPath(root), out var held) ? held.Folder : null;
        var removed = 0;
        foreach (var folder in Directory.EnumerateDirectories(root))
        {
            if (folder == mine || !Abandoned(folder))
                continue;
            try
            {
                Directory.Delete(folder, recursive: true);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process is removing it at the same moment, or it is not ours to remove.
            }
        }
        return removed;
    }

    /// <summary>No live process holds the folder's lock (or it never had one and is older than a minute).</summary>
    private static bool Abandoned(string folder)
    {
        var lockPath = Path.Combine(folder, LockFile);
        if (!File.Exists(lockPath))
            return Directory.GetLastWriteTimeUtc(folder) < DateTime.UtcNow.AddMinutes(-1);
        try
        {
            using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string ProcessFolder(string root)
    {
        var full = Path.GetFullPath(root);
        lock (Mine)
        {
            if (Mine.TryGetValue(full, out var held))
                return held.Folder;
            var folder = Directory
                .CreateDirectory(Path.Combine(full, $"{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}"))
                .FullName;
            // Held (FileShare.None, an advisory lock on Unix) until the process ends, however it ends.
            var holder = new FileStream(
                Path.Combine(folder, LockFile),
                FileMode.CreateNew,
                FileAccess.ReadWrite,
                FileShare.None
            );
            Mine[full] = (folder, holder);
            return folder;
        }
    }
}
