using Planner.Api.Localization;
using Planner.Api.Uploads;

namespace Planner.Api.Receipts;

/// <summary>What a problem with a receipt is about: the line it names, or one of its values.</summary>
public enum ReceiptField
{
    Line,
    Received,
    ReceivedOn,
    Shortage,
    Damaged,
    Note,
}

/// <summary>
/// A receipt as given in a request or a file row (<paramref name="Item"/>: its place there), before any rule: the
/// line it names, whole-unit quantities as typed (a fraction or a negative is a problem the rules name), the day it
/// arrived and a note. <see cref="Unreadable"/>: fields whose cell could not be read at all (already reported).
/// </summary>
public sealed record ReceiptInput(
    int Item,
    string? From,
    string? To,
    string? Product,
    DateOnly? Departure,
    decimal? Received,
    DateOnly? ReceivedOn,
    decimal? Shortage = null,
    decimal? Damaged = null,
    string? Note = null
)
{
    public IReadOnlySet<ReceiptField> Unreadable { get; init; } = new HashSet<ReceiptField>();
}

/// <summary>One problem with a receipt: the item (request index or file row), field, value given and message.</summary>
public sealed record ReceiptProblem(int Item, ReceiptField Field, string? Value, string Message);

/// <summary>A receipt that passed every rule, for the line of departure day <paramref name="Day"/>.</summary>
public sealed record Receipt(
    LineKey Key,
    int Day,
    long Received,
    long Shortage,
    long Damaged,
    DateOnly ReceivedOn,
    string? Note
);

/// <summary>
/// The rules every receipt meets, from the page, the API or a workbook alike; every problem of every item is
/// found in one pass. A receipt names a line of the run (<c>UnknownLine</c>) into the officer's area
/// (<c>NotYourLine</c>), not confirmed before (<c>AlreadyConfirmed</c>) nor twice in the batch
/// (<c>TwiceInBatch</c>); its quantities are whole units, 0 or more, and received + short + damaged is at most
/// what was shipped (<c>MoreThanShipped</c>); it arrived on a day from the departure (<c>BeforeDeparture</c>) to
/// today in Beijing (<c>DateInFuture</c>).
/// </summary>
public sealed class ReceiptRules(
    IReadOnlyList<ShipmentLine> lines,
    IReadOnlySet<LineKey> mine,
    IReadOnlyList<StoredReceipt> stored,
    DateOnly today,
    int maxNoteLength,
    Func<int, string> place
)
{
    /// <summary>Tolerance for lines stored as fractions before whole units (issue 21): 98,889.063 shipped allows
    /// 98,889 received, not 98,890.</summary>
    private const double Epsilon = 1e-6;

    private readonly Dictionary<LineKey, ShipmentLine> _lines = lines.ToDictionary(l => l.Key);
    private readonly Dictionary<LineKey, StoredReceipt> _stored = stored.ToDictionary(r => r.Key);
    private readonly Dictionary<LineKey, int> _seen = [];
    private readonly List<ReceiptProblem> _problems = [];

    public IReadOnlyList<ReceiptProblem> Problems => _problems;

    /// <summary>The receipts of <paramref name="inputs"/> that break no rule; <see cref="Problems"/> lists the
    /// rest's.</summary>
    public List<Receipt> Check(IEnumerable<ReceiptInput> inputs)
    {
        var receipts = new List<Receipt>();
        foreach (var input in inputs)
        {
            var before = _problems.Count;
            var line = Line(input);
            var received = Quantity(input, ReceiptField.Received, input.Received, required: true);
            var shortage = Quantity(input, ReceiptField.Shortage, input.Shortage, required: false) ?? 0;
            var damaged = Quantity(input, ReceiptField.Damaged, input.Damaged, required: false) ?? 0;
            var on = Date(input, line);
            if (input.Note is { Length: var length } && length > maxNoteLength)
            {
                Add(
                    input,
                    ReceiptField.Note,
                    null,
                    UploadText.Get("LongNote", length, maxNoteLength, "Planner:Uploads")
                );
            }
            if (line is not null && received is { } r && r + shortage + damaged > line.Quantity + Epsilon)
            {
                Add(
                    input,
                    ReceiptField.Received,
                    Number(input.Received),
                    ReceiptText.Get("MoreThanShipped", r, shortage, damaged, line.Quantity)
                );
            }
            if (_problems.Count == before && line is not null && received is not null && on is not null)
            {
                receipts.Add(new Receipt(line.Key, line.Day, received.Value, shortage, damaged, on.Value, input.Note));
            }
        }
        return receipts;
    }

    private ShipmentLine? Line(ReceiptInput input)
    {
        if (input.From is not { Length: > 0 } || input.To is not { Length: > 0 })
            return Missing(input, "LineMissing");
        if (input.Product is not { Length: > 0 } || input.Departure is not { } departure)
            return Missing(input, "LineMissing");
        var key = new LineKey(input.From.Trim(), input.To.Trim(), input.Product.Trim(), departure);
        var shown = key.ToString();
        if (!_lines.TryGetValue(key, out var line))
            return Problem(input, shown, ReceiptText.Get("UnknownLine", shown));
        if (!mine.Contains(key))
            return Problem(input, shown, ReceiptText.Get("NotYourLine", shown, line.To));
        if (_stored.TryGetValue(key, out var earlier))
        {
            return Problem(
                input,
                shown,
                ReceiptText.Get("AlreadyConfirmed", shown, earlier.RecordedBy, BeijingTime.Format(earlier.RecordedAt))
            );
        }
        if (!_seen.TryAdd(key, input.Item))
            return Problem(input, shown, ReceiptText.Get("TwiceInBatch", shown, place(_seen[key])));
        return line;
    }

    private ShipmentLine? Missing(ReceiptInput input, string message)
    {
        if (!input.Unreadable.Contains(ReceiptField.Line))
            Add(input, ReceiptField.Line, null, ReceiptText.Get(message));
        return null;
    }

    private ShipmentLine? Problem(ReceiptInput input, string value, string message)
    {
        Add(input, ReceiptField.Line, value, message);
        return null;
    }

    /// <summary>A whole number of units, 0 or more; null when it is missing or breaks a rule.</summary>
    private long? Quantity(ReceiptInput input, ReceiptField field, decimal? value, bool required)
    {
        if (value is not { } v)
        {
            if (required && !input.Unreadable.Contains(field))
                Add(input, field, null, ReceiptText.Get("ReceivedMissing"));
            return null;
        }
        if (v != decimal.Truncate(v))
            Add(input, field, Number(v), ReceiptText.Get("Fractional"));
        else if (v < 0)
            Add(input, field, Number(v), ReceiptText.Get("NegativeQuantity"));
        else if (v > int.MaxValue)
            Add(input, field, Number(v), UploadText.Get("TooLarge"));
        else
            return (long)v;
        return null;
    }

    private DateOnly? Date(ReceiptInput input, ShipmentLine? line)
    {
        if (input.ReceivedOn is not { } on)
        {
            if (!input.Unreadable.Contains(ReceiptField.ReceivedOn))
                Add(input, ReceiptField.ReceivedOn, null, ReceiptText.Get("DateMissing"));
            return null;
        }
        if (line is not null && on < line.Departure)
        {
            Add(input, ReceiptField.ReceivedOn, Iso(on), ReceiptText.Get("BeforeDeparture", Iso(line.Departure)));
            return null;
        }
        if (on > today)
        {
            Add(input, ReceiptField.ReceivedOn, Iso(on), ReceiptText.Get("DateInFuture", Iso(today)));
            return null;
        }
        return on;
    }

    private void Add(ReceiptInput input, ReceiptField field, string? value, string message) =>
        _problems.Add(new ReceiptProblem(input.Item, field, value, message));

    private static string? Number(decimal? v) => v?.ToString(CultureInfo.InvariantCulture);

    internal static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
