namespace Planner.Api.Uploads;

/// <summary>
/// What an upload's data sheet may not have whatever its template: rows or columns hidden while they hold data
/// (a reader of the file would not see what is uploaded) and merged cells (a value would stand for several cells).
/// </summary>
internal static class SheetLayout
{
    /// <summary>Reports <paramref name="row"/> when it is hidden and holds data.</summary>
    public static void HiddenRow(SheetReader sheet, SheetRow row, ProblemList problems)
    {
        if (row.Hidden && row.HasData)
            problems.Add(Problem(sheet, row.Number, null, null, UploadText.Get("HiddenRow", row.Number)));
    }

    /// <summary>Merged cells and hidden columns, once the sheet has been read through.</summary>
    public static void MergedAndHidden(SheetReader sheet, ProblemList problems)
    {
        foreach (var merged in sheet.Merged)
        {
            var (row, column) = TopLeft(merged);
            problems.Add(Problem(sheet, row, column, merged, UploadText.Get("Merged", merged)));
        }
        foreach (var letters in sheet.HiddenColumns.Select(SheetReader.ColumnLetters))
            problems.Add(Problem(sheet, null, letters, null, UploadText.Get("HiddenColumn", letters)));
    }

    /// <summary>A problem with the sheet's layout, not with a field.</summary>
    private static UploadError Problem(SheetReader sheet, int? row, string? column, string? value, string message) =>
        new(sheet.Sheet, row, column, null, value, message);

    /// <summary>The top-left cell of a range such as E3:F3 (row 3, column E); nulls when it is not a range.</summary>
    private static (int? Row, string? Column) TopLeft(string range)
    {
        var first = range.Split(':')[0];
        var letters = first.TakeWhile(char.IsAsciiLetterUpper).Count();
        return
            letters > 0
            && int.TryParse(first.AsSpan(letters), NumberStyles.None, CultureInfo.InvariantCulture, out var row)
            ? (row, first[..letters])
            : (null, null);
    }
}
