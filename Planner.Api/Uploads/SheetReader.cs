using System.IO.Compression;
using System.Xml;

namespace Planner.Api.Uploads;

/// <summary>What a cell holds as Excel stores it.</summary>
internal enum CellKind
{
    Empty,
    Number,
    Text,
    Boolean,

    /// <summary>A number shown as a date or time by its style, or a date typed in ISO form (t="d").</summary>
    Date,
    Time,

    /// <summary>An error value such as #N/A or #DIV/0!.</summary>
    Error,
}

/// <summary>
/// One cell: its column (1 = A), what it holds, its text as Excel would show it to a reader of the values
/// (numbers in invariant form), the number when it is one, and its formula (null when it has none; "" for a
/// cell sharing another cell's formula).
/// </summary>
internal sealed record SheetCell(int Column, CellKind Kind, string Text, double Number, string? Formula)
{
    public bool IsEmpty => Kind == CellKind.Empty && Formula is null;
}

/// <summary>A row of the sheet as stored: its number (from 1), whether hidden, its cells in column order.</summary>
internal sealed record SheetRow(int Number, bool Hidden, IReadOnlyList<SheetCell> Cells)
{
    public bool HasData => Cells.Any(c => !c.IsEmpty);
}

/// <summary>
/// Reads one worksheet's XML forward only, row by row, and counts as it reads: rows with data under the header
/// (<see cref="UploadLimits.MaxRows"/>), cells (<see cref="UploadLimits.MaxCells"/>) and characters
/// (<see cref="UploadLimits.MaxCharacters"/>, with the shared strings); it stops at the first limit crossed,
/// so a sheet of a million rows costs what the limits allow and no more. Hidden columns (before the rows) and
/// merged cells (after them) are collected on the way. Any zip or XML failure refuses the file naming the part.
/// </summary>
internal sealed class SheetReader : IDisposable
{
    private const int MaxColumn = 16_384;
    private const int MaxRowNumber = 1_048_576;

    private readonly XmlReader _reader;
    private readonly string _part;
    private readonly UploadPackage _package;
    private readonly UploadLimits _limits;
    private readonly List<(int Min, int Max)> _hiddenColumns = [];
    private readonly SortedSet<int> _usedColumns = [];
    private readonly List<string> _merged = [];
    private int _lastRow;
    private int _rowsWithData;
    private long _cells;
    private string? _section;
    private bool _done;

    public SheetReader(ZipArchiveEntry entry, string part, string sheet, UploadPackage package, UploadLimits limits)
    {
        (_part, Sheet, _package, _limits) = (part, sheet, package, limits);
        _reader = SafeXml.Reading(part, () => SafeXml.Open(entry, part));
    }

    public string Sheet { get; }

    /// <summary>Merged ranges (A1:B2), complete once <see cref="Next"/> has returned null.</summary>
    public IReadOnlyList<string> Merged => _merged;

    /// <summary>Columns that hold data and are hidden, complete once <see cref="Next"/> has returned null.</summary>
    public IEnumerable<int> HiddenColumns => _usedColumns.Where(c => _hiddenColumns.Any(h => c >= h.Min && c <= h.Max));

    /// <summary>The next row, or null at the end of the sheet (having read what follows the rows).</summary>
    public SheetRow? Next() => _done ? null : SafeXml.Reading(_part, ReadNext);

    private SheetRow? ReadNext()
    {
        while (SafeXml.Read(_reader, _part))
        {
            if (_reader.NodeType != XmlNodeType.Element)
                continue;
            // Rows, column ranges and merged ranges are read in their lists only (sheetData, cols, mergeCells).
            if (_reader.Depth == 1)
                _section = _reader.LocalName;
            switch (_reader.Depth)
            {
                case 2 when _section == "sheetData" && _reader.LocalName == "row":
                    return ReadRow();
                case 2 when _section == "cols" && _reader.LocalName == "col" && Hidden():
                    var min = Number(_reader.GetAttribute("min"), 1, MaxColumn, "WhatColumnNumber");
                    _hiddenColumns.Add((min, Number(_reader.GetAttribute("max"), min, MaxColumn, "WhatColumnNumber")));
                    Count(1);
                    break;
                case 2 when _section == "mergeCells" && _reader.LocalName == "mergeCell":
                    _merged.Add(_reader.GetAttribute("ref") ?? "");
                    Count(1);
                    break;
            }
        }
        _done = true;
        return null;
    }

    private SheetRow ReadRow()
    {
        var number = _reader.GetAttribute("r") is { } r ? Number(r, 1, MaxRowNumber, "WhatRowNumber") : _lastRow + 1;
        if (number <= _lastRow)
            throw Damaged("RowAfterRow", number, _lastRow);
        _lastRow = number;
        var hidden = Hidden();
        var cells = new List<SheetCell>();
        if (!_reader.IsEmptyElement)
        {
            var depth = _reader.Depth;
            while (SafeXml.Read(_reader, _part) && _reader.Depth > depth)
            {
                if (_reader is { NodeType: XmlNodeType.Element, LocalName: "c" } && _reader.Depth == depth + 1)
                {
                    var cell = ReadCell(number, cells.Count > 0 ? cells[^1].Column : 0);
                    if (cells.Count > 0 && cell.Column <= cells[^1].Column)
                    {
                        throw Damaged("CellsOutOfOrder", number);
                    }
                    cells.Add(cell);
                    if (!cell.IsEmpty)
                        _usedColumns.Add(cell.Column);
                }
            }
        }
        var row = new SheetRow(number, hidden, cells);
        if (row.HasData && number > 1 && (++_rowsWithData > _limits.MaxRows || number - 1 > _limits.MaxRows))
        {
            throw new UploadRejected(
                UploadText.Get(
                    "TooManyRows",
                    Sheet,
                    number,
                    _limits.MaxRows,
                    $"{UploadLimits.Section}:{_limits.RowsSetting}"
                ),
                StatusCodes.Status413PayloadTooLarge
            );
        }
        return row;
    }

    private SheetCell ReadCell(int row, int previousColumn)
    {
        Count(1);
        var column = _reader.GetAttribute("r") is { } reference ? Column(reference, row) : previousColumn + 1;
        if (column > MaxColumn)
            throw Damaged("PastXfd", row);
        var type = _reader.GetAttribute("t") ?? "n";
        var style = _reader.GetAttribute("s") is { } s ? Number(s, 0, int.MaxValue, "WhatStyleNumber") : 0;
        var (value, inline, formula) = ReadCellContent();
        return type switch
        {
            "s" when value is null or "" => Empty(column, formula),
            "s" => Text(column, SharedString(value, row, column), formula),
            "inlineStr" or "str" => Text(column, inline ?? value, formula),
            "b" when value is { Length: > 0 } => value is "1" or "true"
                ? new SheetCell(column, CellKind.Boolean, "TRUE", 1, formula)
                : new SheetCell(column, CellKind.Boolean, "FALSE", 0, formula),
            "e" when value is { Length: > 0 } => new SheetCell(column, CellKind.Error, value, 0, formula),
            "d" when value is { Length: > 0 } => IsoDate(column, value, formula),
            _ when value is null or "" => Empty(column, formula),
            _ => Numeric(column, value, style, formula),
        };
    }

    /// <summary>The cell's value (v), formula (f) and inline string (is), each counted against the characters
    /// limit.</summary>
    private (string? Value, string? Inline, string? Formula) ReadCellContent()
    {
        string? value = null,
            inline = null,
            formula = null;
        if (_reader.IsEmptyElement)
            return (value, inline, formula);
        var depth = _reader.Depth;
        while (SafeXml.Read(_reader, _part) && _reader.Depth > depth)
        {
            if (_reader.NodeType != XmlNodeType.Element || _reader.Depth != depth + 1)
                continue;
            switch (_reader.LocalName)
            {
                case "v":
                    value = Counted(SafeXml.Text(_reader, _part));
                    break;
                case "f":
                    formula = Counted(SafeXml.Text(_reader, _part));
                    break;
                case "is":
                    inline = Counted(InlineText(_reader.Depth));
                    break;
            }
        }
        return (value, inline, formula);
    }

    private static SheetCell Empty(int column, string? formula) => new(column, CellKind.Empty, "", 0, formula);

    private static SheetCell Text(int column, string? text, string? formula) =>
        text is { Length: > 0 } ? new(column, CellKind.Text, text, 0, formula) : Empty(column, formula);

    private static SheetCell IsoDate(int column, string text, string? formula) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var date)
        && date.Year >= 1900
            ? new SheetCell(
                column,
                CellKind.Date,
                date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                date.ToOADate(),
                formula
            )
            : new SheetCell(column, CellKind.Text, text, 0, formula);

    private SheetCell Numeric(int column, string text, int style, string? formula)
    {
        // A number Excel cannot have written is kept as the text it is, so that the rules call it what it is.
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n))
        {
            return new SheetCell(column, CellKind.Text, text, 0, formula);
        }
        var shown = style < _package.Styles.Count ? _package.Styles[style] : NumberShown.Number;
        if (_package.Date1904 && shown is NumberShown.Date)
            n += 1462;
        var invariant = n.ToString(CultureInfo.InvariantCulture);
        return shown switch
        {
            NumberShown.Date => new SheetCell(column, CellKind.Date, invariant, n, formula),
            NumberShown.Time => new SheetCell(column, CellKind.Time, invariant, n, formula),
            // Format @ (text): Excel shows the number as the text typed, and so it is read.
            NumberShown.Text => new SheetCell(column, CellKind.Text, invariant, 0, formula),
            _ => new SheetCell(column, CellKind.Number, invariant, n, formula),
        };
    }

    /// <summary>An inline string's text (rich text joined, phonetic runs left out), from its is element.</summary>
    private string InlineText(int depth)
    {
        if (_reader.IsEmptyElement)
            return "";
        var text = new System.Text.StringBuilder();
        var phonetic = -1;
        while (SafeXml.Read(_reader, _part) && _reader.Depth > depth)
        {
            if (_reader.NodeType == XmlNodeType.EndElement && _reader.Depth == phonetic)
                phonetic = -1;
            if (_reader.NodeType != XmlNodeType.Element)
                continue;
            if (_reader.LocalName == "rPh" && !_reader.IsEmptyElement)
                phonetic = _reader.Depth;
            else if (_reader.LocalName == "t" && phonetic < 0)
                text.Append(SafeXml.Text(_reader, _part));
        }
        return text.ToString();
    }

    private string SharedString(string index, int row, int column)
    {
        var count = _package.SharedStrings.Count;
        if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i) || i >= count)
        {
            throw Damaged("SharedStringMissing", $"{ColumnLetters(column)}{row}", index, count);
        }
        return _package.SharedStrings[i];
    }

    private string Counted(string text)
    {
        _package.Count(text.Length);
        return text;
    }

    private bool Hidden() => _reader.GetAttribute("hidden") is "1" or "true";

    /// <summary>Counts cells, and what costs the same (merged ranges, column ranges), against the limit.</summary>
    private void Count(int cells)
    {
        _cells += cells;
        if (_cells > _limits.MaxCells)
        {
            throw new UploadRejected(
                UploadText.Get("TooManyCells", Sheet, _limits.MaxCells, UploadLimits.Section),
                StatusCodes.Status413PayloadTooLarge
            );
        }
    }

    private int Number(string? text, int min, int max, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw Damaged("Misplaced", text ?? "", UploadText.Get(what));

    /// <summary>The column of a cell reference such as AB12, whose row must be the row it is in.</summary>
    private int Column(string reference, int row)
    {
        var letters = 0;
        var column = 0;
        while (letters < reference.Length && letters < 3 && char.IsAsciiLetterUpper(reference[letters]))
        {
            column = column * 26 + (reference[letters] - 'A' + 1);
            letters++;
        }
        var digits = reference.AsSpan(letters);
        if (
            letters == 0
            || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var r)
            || r != row
        )
        {
            throw Damaged("BadReference", reference, row);
        }
        return column;
    }

    public static string ColumnLetters(int column)
    {
        var letters = "";
        for (; column > 0; column = (column - 1) / 26)
            letters = (char)('A' + (column - 1) % 26) + letters;
        return letters;
    }

    /// <summary>The sheet's XML is not what Excel writes: the file is refused, naming the part and what it
    /// has.</summary>
    private UploadRejected Damaged(string what, params object[] args) =>
        new(UploadText.Get("Damaged", _part, Sheet, UploadText.Get(what, args)));

    public void Dispose() => _reader.Dispose();
}
