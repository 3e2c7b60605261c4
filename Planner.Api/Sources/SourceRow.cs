using System.Runtime.CompilerServices;

namespace Planner.Api.Sources;

/// <summary>
/// One row read from a source feed. Accessors record what is wrong instead of throwing, so a row with three
/// problems is rejected once, with all three reasons.
/// </summary>
internal sealed class SourceRow(IDictionary<string, object?> values)
{
    private List<string>? _problems;

    /// <summary>What is wrong with the row; empty (and never allocated) for a valid one.</summary>
    public IReadOnlyList<string> Problems => (IReadOnlyList<string>?)_problems ?? [];

    public long RowVersion => Convert.ToInt64(Value("row_version"), CultureInfo.InvariantCulture);

    public string Text(string column)
    {
        var text = Convert.ToString(Value(column), CultureInfo.InvariantCulture)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            AddProblem($"{column} is empty");
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
            AddProblem($"{column} '{raw}' is not a whole number");
            return 0;
        }
        if (v < 0)
        {
            AddProblem($"{column} is {v}; it must be ≥ 0");
        }
        return v;
    }

    private static bool TryWholeNumber(object? raw, out long value)
    {
        switch (raw)
        {
            // Most sources return integers already; only other types go through text.
            case long l:
                value = l;
                return true;
            case int i:
                value = i;
                return true;
            case null:
                value = 0;
                return false;
            default:
                return long.TryParse(
                    Convert.ToString(raw, CultureInfo.InvariantCulture),
                    NumberStyles.Integer,
                    CultureInfo.InvariantCulture,
                    out value
                );
        }
    }

    public DateOnly Date(string column)
    {
        var raw = Value(column);
        switch (raw)
        {
            case DateOnly d:
                return d;
            case DateTime t:
                return DateOnly.FromDateTime(t);
            // SQLite returns dates as text: read yyyy-MM-dd directly (a tenth of the general parser's time).
            case string { Length: 10 } s
                when s[4] == '-'
                    && s[7] == '-'
                    && Digits(s, 0, 4, out var y)
                    && Digits(s, 5, 2, out var m)
                    && Digits(s, 8, 2, out var day)
                    && y >= 1
                    && m is >= 1 and <= 12
                    && day >= 1
                    && day <= DateTime.DaysInMonth(y, m):
                return new DateOnly(y, m, day);
        }
        if (
            DateOnly.TryParseExact(
                Convert.ToString(raw, CultureInfo.InvariantCulture),
                "yyyy-MM-dd",
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out var date
            )
        )
        {
            return date;
        }
        AddProblem($"{column} '{raw}' is not a date (yyyy-MM-dd)");
        return default;
    }

    private static bool Digits(string s, int start, int length, out int value)
    {
        value = 0;
        for (var i = start; i < start + length; i++)
        {
            if (s[i] is < '0' or > '9')
                return false;
            value = value * 10 + (s[i] - '0');
        }
        return true;
    }

    /// <summary>Adds a problem unless the condition holds.</summary>
    public void Require(bool condition, string problem)
    {
        if (!condition)
            AddProblem(problem);
    }

    /// <summary>Adds a problem unless the condition holds; the message is only formatted when it does not.</summary>
    public void Require(
        bool condition,
        [InterpolatedStringHandlerArgument(nameof(condition))] ref ProblemHandler problem
    )
    {
        if (!condition)
            AddProblem(problem.ToStringAndClear());
    }

    private void AddProblem(string problem) => (_problems ??= []).Add(problem);

    public string Payload() => string.Join(", ", values.Select(kv => $"{kv.Key}={kv.Value}"));

    private object? Value(string column)
    {
        if (values.TryGetValue(column, out var value))
        {
            return value is DBNull ? null : value;
        }
        AddProblem($"the query returns no column {column}");
        return null;
    }
}

/// <summary>Formats an interpolated problem message only when its condition fails, so a valid row builds no
/// text.</summary>
[InterpolatedStringHandler]
internal ref struct ProblemHandler
{
    private DefaultInterpolatedStringHandler _text;

    public ProblemHandler(int literalLength, int formattedCount, bool condition, out bool shouldAppend)
    {
        shouldAppend = !condition;
        if (shouldAppend)
            _text = new DefaultInterpolatedStringHandler(literalLength, formattedCount, CultureInfo.InvariantCulture);
    }

    public void AppendLiteral(string value) => _text.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _text.AppendFormatted(value, format);

    public string ToStringAndClear() => _text.ToStringAndClear();
}
