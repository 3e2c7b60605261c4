namespace Planner.Tests.Uploads;

/// <summary>
/// The hostile files of issue 17, uploaded with the planner's own CLI in a child process whose wall time and peak
/// memory are measured (<see cref="MeasuredProcess"/>): each is refused at the limit it crosses, with one line
/// naming the limit and its setting, before the database is even opened. Issue 17 measured 13 s and 2.2 GB for
/// the 300,000-row file. The time bound is on the CPU time of the process (start-up included), which is the work
/// a refusal costs: its wall time on a 2-core machine shared with other tests and builds was seen at 2.6 times
/// its CPU time, so wall time gets only a loose bound that catches waiting. The files are made by the test and
/// never kept.
/// </summary>
public class HostileFileTests
{
    private static readonly TimeSpan MaxCpu = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MaxWall = TimeSpan.FromSeconds(10);
    private const double MaxPeakMegabytes = 300;

    [Theory]
    [InlineData("300,000 one-cell rows (1.5 MB)", "more than 20,000 rows under its header")]
    [InlineData("100,000 rows of 10 cells (4.5 MB)", "more than 20,000 rows under its header")]
    [InlineData("a 95 MB shared-strings part", "past 20,000,000 characters, the limit (Planner:Uploads:MaxCharacters)")]
    public async Task AHostileFile_IsRefusedAtItsLimit_InBoundedTimeAndMemory(string file, string message)
    {
        var folder = Directory.CreateTempSubdirectory("planner-hostile-");
        try
        {
            var path = Path.Combine(folder.FullName, "hostile.xlsx");
            await File.WriteAllBytesAsync(
                path,
                file switch
                {
                    "300,000 one-cell rows (1.5 MB)" => UploadFiles.ManyRows(300_000, 1),
                    "100,000 rows of 10 cells (4.5 MB)" => UploadFiles.ManyRows(100_000, 10),
                    _ => UploadFiles.HugeSharedStrings(95L * 1024 * 1024),
                },
                Ct
            );
            var local = Path.Combine(folder.FullName, "local");
            var data = TestPlanner.DataDirectory;

            var run = await MeasuredProcess.RunAsync(
                Path.Combine(AppContext.BaseDirectory, "Planner.Api"),
                [
                    "upload",
                    path,
                    "--lang",
                    "en",
                    $"--Planner:LocalDirectory={local}",
                    $"--Planner:DataDirectory={data}",
                ],
                folder.FullName,
                TimeSpan.FromMinutes(2)
            );

            TestContext.Current.TestOutputHelper?.WriteLine($"{file}: {run}");
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.StartsWith("error: ", run.Stderr, StringComparison.Ordinal);
            Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
            Assert.Single(run.Stderr.Trim().Split('\n'));
            Assert.False(File.Exists(Path.Combine(local, "planner.db")), "the database was opened for a refused file");

            Assert.True(run.Cpu < MaxCpu, $"{file}: {run}");
            Assert.True(run.Wall < MaxWall, $"{file}: {run}");
            Assert.True(run.PeakMegabytes is > 0 and < MaxPeakMegabytes, $"{file}: {run}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
