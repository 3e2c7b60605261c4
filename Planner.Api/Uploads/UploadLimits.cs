using Planner.Api.Localization;

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
    /// The most data rows under the header of the Receipts sheet (default 50,000): a province officer confirms every
    /// line of a run in one file, 6,601 lines for Zhejiang's sample and 25,000 in the benchmark (docs/benchmarks.md);
    /// 50,000 rows of the template's 15 columns stay within <see cref="MaxCells"/>.
    /// </summary>
    public int MaxReceiptRows { get; init; } = 50_000;

    /// <summary>The setting <see cref="MaxRows"/> holds for the sheet being read, for the message that names
    /// it.</summary>
    internal string RowsSetting { get; private init; } = nameof(MaxRows);

    /// <summary>The limits of a receipts upload: its rows counted against <see cref="MaxReceiptRows"/>.</summary>
    public UploadLimits ForReceipts() => this with { MaxRows = MaxReceiptRows, RowsSetting = nameof(MaxReceiptRows) };

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

    /// <summary>
    /// The largest request body that may carry a file: the file limit, and room for the multipart form around it
    /// (boundaries, headers, the anti-forgery token).
    /// </summary>
    public long MaxRequestBytes => MaxBytes + 64 * 1024;

    /// <summary>Refuses a file of <paramref name="bytes"/> bytes over <see cref="MaxBytes"/> (413).</summary>
    public void CheckFileSize(long bytes)
    {
        if (bytes > MaxBytes)
        {
            throw new UploadRejected(
                UploadText.Get("FileTooLarge", Megabytes(bytes), Megabytes(MaxBytes), Section),
                StatusCodes.Status413PayloadTooLarge
            );
        }
    }

    /// <summary>
    /// The limits of <paramref name="configuration"/> as bound, for the registrations that need them (the web
    /// server's concurrency limit); they are checked with the others at start.
    /// </summary>
    public static UploadLimits From(IConfiguration configuration)
    {
        try
        {
            return configuration.GetSection(Section).Get<UploadLimits>() ?? new UploadLimits();
        }
        catch (InvalidOperationException)
        {
            return new UploadLimits();
        }
    }

    /// <summary>Every limit must be 1 or more.</summary>
    internal sealed class Validator : IValidateOptions<UploadLimits>
    {
        public ValidateOptionsResult Validate(string? name, UploadLimits o)
        {
            var values = new (string Key, double Value)[]
            {
                ("MaxBytes", o.MaxBytes),
                ("MaxRows", o.MaxRows),
                ("MaxReceiptRows", o.MaxReceiptRows),
                ("MaxCells", o.MaxCells),
                ("MaxCharacters", o.MaxCharacters),
                ("MaxNoteLength", o.MaxNoteLength),
                ("MaxUncompressedBytes", o.MaxUncompressedBytes),
                ("MaxRatio", o.MaxRatio),
                ("MaxConcurrent", o.MaxConcurrent),
            };
            var failures = values
                .Where(v => v.Value < 1)
                .Select(v => SettingErrors.Get("OneOrMore", $"{Section}:{v.Key}", v.Value))
                .ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }

    /// <summary>A size for messages: "10 MB".</summary>
    public static string Megabytes(long bytes) => $"{bytes / 1024.0 / 1024.0:0.#} MB";
}
