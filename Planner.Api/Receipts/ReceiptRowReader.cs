using Planner.Api.Uploads;

namespace Planner.Api.Receipts;

/// <summary>
/// Reads the receipts sheet's rows into <see cref="ReceiptInput"/>s, reporting what a cell itself gets
/// wrong (a formula, an error value, text where a number or date belongs, another run's line); what the values
/// mean together is for <see cref="ReceiptRules"/>. The cell rules are the capacity upload's: formulas are refused
/// (their cached values never used), dates are date cells, Excel serials or yyyy-mm-dd text, text is taken as typed.
/// </summary>
internal sealed class ReceiptRowReader(string sheet, bool chinese, string run, ProblemList errors)
{
    private static IReadOnlyList<ReceiptColumn> Columns => ReceiptTemplate.Columns;

    private SheetCell?[] _cells = [];
    private int _row;
    private HashSet<ReceiptField> _unreadable = [];

    /// <summary>The receipt of a row; null when nothing is typed in the receipt's columns (not confirmed this
    /// time).</summary>
    public ReceiptInput? Read(SheetRow row)
    {
        _row = row.Number;
        _cells = new SheetCell?[Columns.Count];
        foreach (var cell in row.Cells.Where(c => c.Column <= Columns.Count))
            _cells[cell.Column - 1] = cell;
        _unreadable = [];
        for (var i = 0; i < _cells.Length; i++)
        {
            if (_cells[i]?.Formula is { } formula)
            {
                var shown = formula.Length > 0 ? "=" + formula : UploadText.Get("SharedFormula");
                Error(i, UploadText.Get("Formula", shown));
                _unreadable.Add(Columns[i].Field ?? ReceiptField.Line);
            }
        }
        if (_cells[10..].All(c => c is null || c.IsEmpty))
            return null;
        if (Text(0) is { } other && other != run)
        {
            Error(0, ReceiptText.Get("OtherRun", other, run));
            _unreadable.Add(ReceiptField.Line);
        }
        var departure = Date(7, ReceiptField.Line);
        return new ReceiptInput(
            _row,
            Text(1),
            Text(3),
            Text(5),
            departure,
            Number(10, ReceiptField.Received),
            Date(11, ReceiptField.ReceivedOn),
            Number(12, ReceiptField.Shortage),
            Number(13, ReceiptField.Damaged),
            Note(14)
        )
        {
            Unreadable = _unreadable,
        };
    }

    /// <summary>The cell, unless it is empty, a formula, or an error value (reported).</summary>
    private SheetCell? Usable(int i, ReceiptField field)
    {
        if (_cells[i] is not { IsEmpty: false, Formula: null } cell)
            return null;
        if (cell.Kind != CellKind.Error)
            return cell;
        Error(i, UploadText.Get("ErrorValue", cell.Text));
        _unreadable.Add(field);
        return null;
    }

    private string? Text(int i) => Usable(i, ReceiptField.Line)?.Text.Trim() is { Length: > 0 } t ? t : null;

    private string? Note(int i) => Usable(i, ReceiptField.Note)?.Text;

    /// <summary>A number as typed (fractions and negatives are the rules' to name); text that is no number is
    /// reported here.</summary>
    private decimal? Number(int i, ReceiptField field)
    {
        if (Usable(i, field) is not { } cell)
            return null;
        if (CellValues.Number(cell) is { } n && Math.Abs(n) < 1e15)
            return (decimal)n;
        Error(i, UploadText.Get(cell.Kind == CellKind.Number ? "TooLarge" : "NotWhole"));
        _unreadable.Add(field);
        return null;
    }

    private DateOnly? Date(int i, ReceiptField field)
    {
        if (Usable(i, field) is not { } cell)
            return null;
        var date = CellValues.Date(cell);
        if (date is null)
        {
            Error(i, UploadText.Get("NotDate"));
            _unreadable.Add(field);
        }
        return date;
    }

    private void Error(int i, string message)
    {
        var text = _cells[i]?.Text ?? "";
        errors.Add(
            new UploadError(
                sheet,
                _row,
                SheetReader.ColumnLetters(i + 1),
                Columns[i].TitleIn(chinese),
                text.Length <= 60 ? text : text[..57] + "...",
                message
            )
        );
    }
}
