using System.Security.Cryptography;
using Microsoft.Extensions.Localization;
using Planner.Api.Localization;
using Planner.Api.Maps;
using Planner.Api.Planning;
using Planner.Api.Sources;
using Planner.Solver.Allocation;

namespace Planner.Api.Workbooks;

/// <summary>
/// Writes what a run publishes into a folder: the province's workbook and one per city
/// (<c>Planner:Workbooks:Cities</c>), each in Chinese and in English, and <c>summary.json</c>, each with its sha256.
/// The workbooks are written two at a time (one per core on the 2-core machines the budget was set on): both
/// languages together take about the time one language took one at a time (docs/benchmarks.md).
/// </summary>
public sealed class PlanPublisher(IOptions<WorkbookOptions> options, CountyShapes shapes)
{
    /// <summary>The files, in the order the summary lists them (Chinese, then English, province first), then the
    /// summary; progress is reported per workbook.</summary>
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
        var cities = options.Value.Cities ? snapshot.Regions.Where(r => r.Level == "city").ToList() : [];
        var workbooks = LocalizationSetup
            .Languages.SelectMany(language =>
                new[] { Planned.Province(info, snapshot, language) }.Concat(
                    cities.Select(c => Planned.ForCity(c, info, language))
                )
            )
            .ToList();
        var summary = PlanSummary.From(
            info,
            result,
            report,
            Sources(lineage),
            workbooks.Select(w => w.FileName).ToList(),
            care
        ) with
        {
            Warnings = warnings,
            Forecast = snapshot.Forecast,
            Priority = PlanSummary.PriorityOf(snapshot),
            HeldAboveCover = snapshot.HospitalHeld,
            OverdueReceipts = snapshot.OverdueReceipts,
            Gaps = PlanSummary.GapsOf(report.Gaps),
            Risk = PlanSummary.RiskOf(report.Risk),
        };

        var files = await WriteWorkbooksAsync(folder, workbooks, info, snapshot, report, result, care, progress, ct);
        var json = Path.Combine(folder, "summary.json");
        await File.WriteAllTextAsync(json, summary.ToJson(), ct);
        return (summary, [.. files, Published("summary", json, null)]);
    }

    /// <summary>Writes the workbooks two at a time (one per core), each in its language; progress in the
    /// caller's.</summary>
    private async Task<PublishedFile[]> WriteWorkbooksAsync(
        string folder,
        List<Planned> workbooks,
        PlanRunInfo info,
        PlanSnapshot snapshot,
        PlanReport report,
        AllocationResult result,
        CareOutcome care,
        Action<string> progress,
        CancellationToken ct
    )
    {
        var written = 0;
        // Progress in the caller's language, whatever language the workbook is being written in.
        var (culture, ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        var files = new PublishedFile[workbooks.Count];
        await Parallel.ForAsync(
            0,
            workbooks.Count,
            new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount },
            (i, _) =>
            {
                var w = workbooks[i];
                var path = Path.Combine(folder, w.FileName);
                using (Texts.Use(w.Language))
                {
                    if (w.City is null)
                        ProvinceWorkbook.Write(path, info, snapshot, report, result, care, Map(result));
                    else
                        CityWorkbook.Write(path, w.City, info, snapshot, report, result, options.Value.VillageDays);
                }
                files[i] = Published(w.Kind, path, w.Language);
                var n = Interlocked.Increment(ref written);
                lock (files)
                {
                    (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, ui);
                    progress(Text["Written", n, workbooks.Count, w.Name ?? Text["Province"], Text[w.Language]]);
                }
                return ValueTask.CompletedTask;
            }
        );
        return files;
    }

    private static readonly IStringLocalizer Text = Texts.For<PlanPublisher>();

    /// <summary>The province's counties coloured by fill rate, in the current language, for the Summary.</summary>
    private MapPicture.Picture Map(AllocationResult result) =>
        MapPicture.Paint(new SituationMap(shapes, Texts.For<SituationMap>()).DrawFill(result.Allocations));

    /// <summary>A workbook to write: what it is (<c>province</c> or <c>city-CODE</c>), its city's code and name,
    /// language and file name.</summary>
    private sealed record Planned(string Kind, string? City, string? Name, string Language, string FileName)
    {
        public static Planned Province(PlanRunInfo info, PlanSnapshot snapshot, string language) =>
            new(
                "province",
                null,
                null,
                language,
                $"plan-province-{snapshot.PlanStart:yyyyMMdd}-{info.RunId}-{language}.xlsx"
            );

        public static Planned ForCity(Planning.RegionInfo city, PlanRunInfo info, string language) =>
            new($"city-{city.Code}", city.Code, city.Name, language, CityWorkbook.FileName(city.Code, info, language));
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

    private static PublishedFile Published(string kind, string path, string? language)
    {
        var content = File.ReadAllBytes(path);
        return new PublishedFile(kind, path, Convert.ToHexStringLower(SHA256.HashData(content)), content.LongLength)
        {
            Language = language,
        };
    }
}
