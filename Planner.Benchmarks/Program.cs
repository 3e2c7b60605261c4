using Planner.Benchmarks;

// dotnet run -c Release --project Planner.Benchmarks -- allocation [options]   (see AllocationBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- teams [options]        (see TeamsBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- jobs [options]         (see JobsBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- pulls [options]        (see PullsBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- workbooks [options]    (see WorkbooksBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- web [options]          (see WebBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- uploads [options]      (see UploadsBenchmark.Usage)
// dotnet run -c Release --project Planner.Benchmarks -- recovery [options]     (see RecoveryBenchmark.Usage)
// The benchmark re-launches itself with "--child JOB ..." so that each instance is measured in its own process.
if (args is ["--child", var upload, .. var uploadArgs] && upload.StartsWith("uploads-", StringComparison.Ordinal))
{
    return await UploadsBenchmark.ChildAsync(upload["uploads-".Length..], uploadArgs);
}
if (args is ["--child", var job, .. var rest])
{
    return await ChildJobs.RunAsync(job, rest);
}
if (args is ["allocation", .. var options])
{
    return await AllocationBenchmark.RunAsync(options, Console.Out, Console.Error);
}
if (args is ["teams", .. var teamOptions])
{
    return TeamsBenchmark.Run(teamOptions, Console.Out, Console.Error);
}
if (args is ["pulls", .. var pullOptions])
{
    return await PullsBenchmark.RunAsync(pullOptions, Console.Out, Console.Error);
}
if (args is ["workbooks", .. var workbookOptions])
{
    return await WorkbooksBenchmark.RunAsync(workbookOptions, Console.Out, Console.Error);
}
if (args is ["web", .. var webOptions])
{
    return await WebBenchmark.RunAsync(webOptions, Console.Out, Console.Error);
}
if (args is ["uploads", .. var uploadOptions])
{
    return await UploadsBenchmark.RunAsync(uploadOptions, Console.Out, Console.Error);
}
if (args is ["jobs", .. var jobOptions])
{
    return await JobsBenchmark.RunAsync(jobOptions, Console.Out, Console.Error);
}
if (args is ["recovery", .. var recoveryOptions])
{
    return await RecoveryBenchmark.RunAsync(recoveryOptions, Console.Out, Console.Error);
}
await Console.Error.WriteLineAsync(AllocationBenchmark.Usage);
await Console.Error.WriteLineAsync(TeamsBenchmark.Usage);
await Console.Error.WriteLineAsync(PullsBenchmark.Usage);
await Console.Error.WriteLineAsync(JobsBenchmark.Usage);
await Console.Error.WriteLineAsync(WorkbooksBenchmark.Usage);
await Console.Error.WriteLineAsync(WebBenchmark.Usage);
await Console.Error.WriteLineAsync(UploadsBenchmark.Usage);
await Console.Error.WriteLineAsync(RecoveryBenchmark.Usage);
return 2;
