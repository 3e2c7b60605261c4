namespace Planner.Api.Uploads;

/// <summary>
/// Limits on what an upload may be (Planner:Uploads:*). Each one is enforced where it is crossed, while the file
/// is read, and its message names the setting; the template's Instructions sheet and the README list them all.
/// </summary>
public sealed record UploadLimits
{
    public const string Section = "Planner:Uploads";

    /// <summary>The largest file accepted, in bytes (default 10 MB).</summary>
    public long MaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>The most data rows under the header of the Capacity sheet (default 20,000).</summary>
    public int MaxRows { get; init; } = 20_000;

    /// <summary>
    /// The most cells the Capacity sheet's XML may hold, empty ones included (default 1,000,000: 20,000 rows of 50
    /// columns).
    /// </summary>
    public int MaxCells { get; init; } = 1_000_000;

    /// <summary>
    /// The most characters of text the Capacity sheet's cells and the shared strings hold together (default
    /// 20,000,000: 20,000 rows with a note of the longest length fit).
    /// </summary>
    public long MaxCharacters { get; init; } = 20_000_000;

    /// <summary>The longest note, in characters (default 1,000).</summary>
    public int MaxNoteLength { get; init; } = 1_000;

    /// <summary>The most bytes all the parts of the workbook may hold once unpacked (default 100 MB).</summary>
    public long MaxUncompressedBytes { get; init; } = 100 * 1024 * 1024;

    /// <summary>
    /// The largest unpacked-to-packed ratio of one part (default 100; parts under 1 MB unpacked are not held to it).
    /// </summary>
    public double MaxRatio { get; init; } = 100;

    /// <summary>
    /// How many uploads the web server reads at once (default: the number of cores). Reading an upload is one
    /// thread's work from start to end, so more at once than there are cores only adds memory and latency;
    /// beyond it the server answers 429 with Retry-After.
    /// </summary>
    public int MaxConcurrent { get; init; } = Environment.ProcessorCount;

    public static UploadLimits From(IConfiguration configuration)
    {
        var d = new UploadLimits();
        var limits = new UploadLimits
        {
            MaxBytes = configuration.GetValue($"{Section}:MaxBytes", d.MaxBytes),
            MaxRows = configuration.GetValue($"{Section}:MaxRows", d.MaxRows),
            MaxCells = configuration.GetValue($"{Section}:MaxCells", d.MaxCells),
            MaxCharacters = configuration.GetValue($"{Section}:MaxCharacters", d.MaxCharacters),
            MaxNoteLength = configuration.GetValue($"{Section}:MaxNoteLength", d.MaxNoteLength),
            MaxUncompressedBytes = configuration.GetValue($"{Section}:MaxUncompressedBytes", d.MaxUncompressedBytes),
            MaxRatio = configuration.GetValue($"{Section}:MaxRatio", d.MaxRatio),
            MaxConcurrent = configuration.GetValue($"{Section}:MaxConcurrent", d.MaxConcurrent),
        };
        if (limits.MaxBytes < 1 || limits.MaxRows < 1 || limits.MaxCells < 1 || limits.MaxCharacters < 1
            || limits.MaxNoteLength < 1 || limits.MaxUncompressedBytes < 1 || limits.MaxRatio < 1
            || limits.MaxConcurrent < 1)
        {
            throw new PlannerException($"Every {Section}:* limit must be 1 or more.");
        }
        return limits;
    }

    /// <summary>A size for messages: "10 MB".</summary>
    public static string Megabytes(long bytes) => $"{bytes / 1024.0 / 1024.0:0.#} MB";
}
