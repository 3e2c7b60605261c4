using Planner.Api.Cli;
using Planner.SampleData;

namespace Planner.Tests.SampleData;

/// <summary>The sample generator, a development tool outside the application, reproduces the shipped sample.</summary>
public class SampleDataToolTests
{
    [Fact]
    public async Task Generate_ReproducesTheShippedSample_ByteForByte()
    {
        var data = TestPlanner.DataDirectory;
        var outDir = Directory.CreateTempSubdirectory("planner-generate-").FullName;
        try
        {
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            var code = await SampleDataTool.RunAsync(
                ["generate", "--seed", "2020", "--scale", "1", "--data", data, "--out", outDir],
                stdout,
                stderr
            );

            Assert.True(code == 0, stderr.ToString());
            var written = Directory.GetFiles(outDir);
            Assert.Equal(Directory.GetFiles(Path.Combine(data, "sample"), "*.csv").Length, written.Length);
            foreach (var path in written)
            {
                var shipped = Path.Combine(data, "sample", Path.GetFileName(path));
                Assert.True(
                    File.ReadAllBytes(shipped).AsSpan().SequenceEqual(File.ReadAllBytes(path)),
                    $"{Path.GetFileName(path)} differs from data/sample"
                );
            }
            Assert.Contains($"Done: {written.Length} files.", stdout.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "generate", "--sede", "7" }, "Did you mean '--seed'?")]
    [InlineData(new[] { "generate", "--scale", "0" }, "--scale must be greater than 0.")]
    public async Task Usage_AMisspeltOptionOrAWrongValue_IsAnError_WithThePlannersExitCode(string[] args, string says)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        var code = await SampleDataTool.RunAsync(args, stdout, stderr);

        Assert.Equal(CommandLine.UsageError, code);
        Assert.StartsWith("error: ", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains(says, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheApplication_DoesNotContainTheGenerator()
    {
        Assert.DoesNotContain(typeof(CommandLine).Assembly.GetTypes(), t =>
            t.Name.Contains("SampleGenerator", StringComparison.Ordinal)
        );
    }
}
