using Planner.Benchmarks;

// dotnet run -c Release --project Planner.Benchmarks -- allocation [options]   (see AllocationBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- teams [options]        (see TeamsBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- jobs [options]         (see JobsBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- pulls [options]        (see PullsBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- workbooks [options]    (see WorkbooksBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- web [options]          (see WebBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- uploads [options]      (see UploadsBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- recovery [options]     (see RecoveryBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- forecast [options]     (see ForecastBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- forecast-plans [options] (see ForecastPlansBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- pages [options]        (see PagesBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- receipts [options]     (see ReceiptsBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- risk [options]         (see RiskBenchmark.Usage)
// The benchmark re-launches itself with "--child JOB ..." so that each instance is measured in its own process.
if (args is ["--child", var upload, .. var uploadArgs] && upload.StartsWith("uploads-", StringComparison.Ordinal))
{
    return await UploadsBenchmark.ChildAsync(upload["uploads-".Length..], uploadArgs);
}
if (args is ["--child", var job, .. var rest])
{
    return await ChildJobs.RunAsync(job, rest);
}
(string Name, Func<IReadOnlyList<string>, TextWriter, TextWriter, Task<int>> RunAsync, string Usage)[] benchmarks =
[
    ("allocation", AllocationBenchmark.RunAsync, AllocationBenchmark.Usage),
    (
        "teams",
        (options, output, log) => Task.FromResult(TeamsBenchmark.Run(options, output, log)),
        TeamsBenchmark.Usage
    ),
    ("pulls", PullsBenchmark.RunAsync, PullsBenchmark.Usage),
    ("jobs", JobsBenchmark.RunAsync, JobsBenchmark.Usage),
    ("workbooks", WorkbooksBenchmark.RunAsync, WorkbooksBenchmark.Usage),
    ("web", WebBenchmark.RunAsync, WebBenchmark.Usage),
    ("uploads", UploadsBenchmark.RunAsync, UploadsBenchmark.Usage),
    ("recovery", RecoveryBenchmark.RunAsync, RecoveryBenchmark.Usage),
    ("forecast", ForecastBenchmark.RunAsync, ForecastBenchmark.Usage),
    ("forecast-plans", ForecastPlansBenchmark.RunAsync, ForecastPlansBenchmark.Usage),
    ("pages", PagesBenchmark.RunAsync, PagesBenchmark.Usage),
    ("receipts", ReceiptsBenchmark.RunAsync, ReceiptsBenchmark.Usage),
    ("breakdown", BreakdownBenchmark.RunAsync, BreakdownBenchmark.Usage),
    ("risk", RiskBenchmark.RunAsync, RiskBenchmark.Usage),
];
if (args is [var name, .. var options] && benchmarks.FirstOrDefault(b => b.Name == name) is { RunAsync: { } run })
{
    return await run(options, Console.Out, Console.Error);
}
foreach (var benchmark in benchmarks)
{
    await Console.Error.WriteLineAsync(benchmark.Usage);
}
return 2;
