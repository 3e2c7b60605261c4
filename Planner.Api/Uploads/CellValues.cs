namespace Planner.Api.Uploads;

/// <summary>
/// What a cell of an uploaded sheet, or a value typed in a form or a request, holds as a date or a number: the same
/// reading for every upload. Dates are date cells, Excel date serials typed as whole numbers, or yyyy-mm-dd text;
/// numbers are number cells or text in invariant form (a sign and a decimal point, no thousands separators). Whether
/// the value is allowed (whole, ≥ 0, in range) is for the caller's rules to say.
/// </summary>
internal static class CellValues
{
    private const NumberStyles Decimal = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    /// <summary>A yyyy-mm-dd date (spaces around it ignored); null when the text is none.</summary>
    public static DateOnly? IsoDate(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : null;

    /// <summary>A number in invariant form (spaces around it ignored); null when the text is none.</summary>
    public static decimal? Number(string? text) =>
        decimal.TryParse(text?.Trim(), Decimal, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The cell's date; null when it holds none.</summary>
    public static DateOnly? Date(SheetCell cell)
    {
        var serial = cell.Number;
        return cell.Kind switch
        {
            CellKind.Date when serial is > -657435 and < 2958466 => FromSerial(serial),
            CellKind.Number when serial == Math.Floor(serial) && serial is > 0 and < 2958466 => FromSerial(serial),
            CellKind.Text => IsoDate(cell.Text),
            _ => null,
        };
    }

    /// <summary>The cell's number; null when it holds none.</summary>
    public static double? Number(SheetCell cell) =>
        cell.Kind switch
        {
            CellKind.Number => cell.Number,
            CellKind.Text when double.TryParse(cell.Text.Trim(), Decimal, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        };

    private static DateOnly FromSerial(double serial) => DateOnly.FromDateTime(DateTime.FromOADate(serial));
}
