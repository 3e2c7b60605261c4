using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Planner.Tests.Infrastructure;

/// <summary>
/// COIN-OR CBC (Debian package coinor-cbc) as an independent LP solver for exported stages. Skips the test
/// locally when it is missing; with CI=true a missing CBC fails, since .ci/run installs it.
/// </summary>
public static partial class ExternalSolver
{
    public static string RequireCbc()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var path = Path.Combine(dir, "cbc");
            if (File.Exists(path))
                return path;
        }
        const string reason = "CBC is not installed (apt-get install coinor-cbc)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{reason}; on CI it must be, .ci/run installs it.");
        }
        Assert.Skip(reason);
        return "";
    }

    /// <summary>Solves an MPS file with CBC and returns its optimal objective.</summary>
    public static double Solve(string cbc, string mpsFile, bool maximize)
    {
        // CBC ignores the OBJSENSE section of free MPS, so the sense is passed on its command line. Its presolve is
        // off: on one badly scaled fairness stage of the sample (tier-5 surgical masks, 4 days) CBC 2.10's presolve
        // stops at 0.0693 where CLP, CBC without presolve and CBC's barrier all reach 0.07058.
        var start = new ProcessStartInfo(cbc) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (
            var arg in new[] { mpsFile, maximize ? "-maximize" : "-minimize", "-presolve", "off", "-solve", "-quit" }
        )
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var match = Objective().Match(output);
        return match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"CBC found no optimum for {Path.GetFileName(mpsFile)}:\n{output}");
    }

    [GeneratedRegex(@"Optimal - objective value (\S+)")]
    private static partial Regex Objective();
}
