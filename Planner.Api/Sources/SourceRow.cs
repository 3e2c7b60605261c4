using System.Globalization;

namespace Planner.Api.Sources;

/// <summary>
/// One row read from a source feed. Accessors record what is wrong instead of throwing, so a row with three
/// problems is rejected once, with all three reasons.
/// </summary>
internal sealed class SourceRow(IDictionary<string, object?> values)
{
    public List<string> Problems { get; } = [];

    public long RowVersion => Convert.ToInt64(Value("row_version"), CultureInfo.InvariantCulture);

    public string Text(string column)
    {
        var text = Convert.ToString(Value(column), CultureInfo.InvariantCulture)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            Problems.Add($"{column} is empty");
            return "";
        }
        return text;
    }

    public string? OptionalText(string column) =>
        Convert.ToString(Value(column), CultureInfo.InvariantCulture)?.Trim() is { Length: > 0 } s ? s : null;

    public long Count(string column)
    {
        var raw = Value(column);
        if (!TryWholeNumber(raw, out var v))
        {
            Problems.Add($"{column} '{raw}' is not a whole number");
            return 0;
        }
        if (v < 0)
        {
            Problems.Add($"{column} is {v}; it must be ≥ 0");
        }
        return v;
    }

    private static bool TryWholeNumber(object? raw, out long value)
    {
        switch (raw)
        {
            // Most sources return integers already; only other types go through text.
            case long l: value = l; return true;
            case int i: value = i; return true;
            case null: value = 0; return false;
            default: return long.TryParse(Convert.ToString(raw, CultureInfo.InvariantCulture), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
        }
    }

    public DateOnly Date(string column)
    {
        var raw = Value(column);
        switch (raw)
        {
            case DateOnly d: return d;
            case DateTime t: return DateOnly.FromDateTime(t);
        }
        if (DateOnly.TryParseExact(Convert.ToString(raw, CultureInfo.InvariantCulture), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        Problems.Add($"{column} '{raw}' is not a date (yyyy-MM-dd)");
        return default;
    }

    /// <summary>Adds a problem unless the condition holds.</summary>
    public void Require(bool condition, string problem)
    {
        if (!condition) Problems.Add(problem);
    }

    public string Payload() => string.Join(", ", values.Select(kv => $"{kv.Key}={kv.Value}"));

    private object? Value(string column)
    {
        if (values.TryGetValue(column, out var value))
        {
            return value is DBNull ? null : value;
        }
        Problems.Add($"the query returns no column {column}");
        return null;
    }
}
