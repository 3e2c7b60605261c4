using System.Security.Cryptography;
using Planner.Api.Planning;
using Planner.Api.Sources;
using Planner.Solver.Allocation;

namespace Planner.Api.Workbooks;

/// <summary>
/// Writes what a run publishes into a folder: the province's workbook, one per city (<c>Planner:Workbooks:Cities</c>),
/// and <c>summary.json</c>, each with its sha256.
/// </summary>
public sealed class PlanPublisher(IOptions<WorkbookOptions> options)
{
    /// <summary>The files, in the order the summary lists them, then the summary; progress is reported per
    /// workbook.</summary>
    public async Task<(PlanSummary Summary, IReadOnlyList<PublishedFile> Files)> WriteAsync(
        string folder,
        PlanRunInfo info,
        PlanSnapshot snapshot,
        PlanReport report,
        AllocationResult result,
        CareOutcome care,
        IReadOnlyList<PullRun> lineage,
        IReadOnlyList<string> warnings,
        Action<string> progress,
        CancellationToken ct
    )
    {
        var province = $"plan-province-{snapshot.PlanStart:yyyyMMdd}-{info.RunId}.xlsx";
        var cities = options.Value.Cities ? snapshot.Regions.Where(r => r.Level == "city").ToList() : [];
        var summary = PlanSummary.From(
            info,
            result,
            report,
            Sources(lineage),
            [province, .. cities.Select(c => CityWorkbook.FileName(c.Code, info))],
            care
        ) with
        {
            Warnings = warnings,
            Forecast = snapshot.Forecast,
        };

        var files = new List<PublishedFile>();
        var count = 1 + cities.Count;
        progress($"Writing workbook 1 of {count}: the province's");
        files.Add(
            Published("province", Path.Combine(folder, province), path =>
                ProvinceWorkbook.Write(path, info, snapshot, report, result, care)
            )
        );
        foreach (var city in cities)
        {
            ct.ThrowIfCancellationRequested();
            progress($"Writing workbook {files.Count + 1} of {count}: {city.Name} ({city.Code})");
            files.Add(
                Published($"city-{city.Code}", Path.Combine(folder, CityWorkbook.FileName(city.Code, info)), path =>
                    CityWorkbook.Write(path, city.Code, info, snapshot, report, result)
                )
            );
        }
        var json = Path.Combine(folder, "summary.json");
        await File.WriteAllTextAsync(json, summary.ToJson(), ct);
        files.Add(Published("summary", json, _ => { }));
        return (summary, files);
    }

    private static List<PlanSummary.SourceEntry> Sources(IReadOnlyList<PullRun> lineage) =>
        lineage
            .Select(p => new PlanSummary.SourceEntry(
                p.Feed.ToString().ToLowerInvariant(),
                p.Id,
                p.RowsRead,
                p.RowsChanged,
                p.RowsRejected,
                p.Watermark
            ))
            .ToList();

    private static PublishedFile Published(string kind, string path, Action<string> write)
    {
        write(path);
        var content = File.ReadAllBytes(path);
        return new PublishedFile(kind, path, Convert.ToHexStringLower(SHA256.HashData(content)), content.LongLength);
    }
}
