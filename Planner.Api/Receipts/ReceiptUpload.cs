using Planner.Api.Uploads;

namespace Planner.Api.Receipts;

/// <summary>
/// Reads a filled receipts template (<see cref="ReceiptTemplate"/>) and records it, with the capacity upload's
/// rules for files: <see cref="UploadGuard"/> checks the package and counts the sheet's rows, cells and characters
/// before any value is read; the sheet streams through <see cref="SheetReader"/>; every problem (layout, cells,
/// and the receipts' own rules, <see cref="ReceiptRules"/>) is reported at once, naming sheet, row, column and
/// header (<see cref="UploadInvalid"/>); only a file without problems is written, in one transaction
/// (<see cref="ReceiptBook"/>). Rows with nothing typed in the receipt's columns are skipped.
/// </summary>
public sealed class ReceiptUpload(Database planner, UploadLimits limits, TimeProvider clock)
{
    private static IReadOnlyList<ReceiptColumn> Columns => ReceiptTemplate.Columns;

    /// <summary>Records the file's receipts for <paramref name="run"/>'s lines into <paramref name="city"/> (any line
    /// when null); returns how many.</summary>
    public async Task<int> UploadAsync(string run, string? city, byte[] content, string user, CancellationToken ct)
    {
        var sheets = ReceiptTemplate.Sheets;
        using var package = UploadGuard.Open(content, limits.ForReceipts(), s => sheets.DataIn(sheets.IsChinese(s)));
        var (sheet, chinese, inputs, errors) = Read(package, run);
        if (inputs is not { Count: > 0 })
            throw new UploadInvalid([.. errors.Listed], errors.Count);
        try
        {
            // The file's own problems go first, one each, so that the rules' can be told from them.
            var found = errors.Listed.Select(e => new ReceiptProblem(
                e.Row ?? 0,
                ReceiptField.Line,
                e.Value,
                e.Message
            ));
            return await new ReceiptBook(planner, clock).RecordAsync(
                run,
                city,
                inputs,
                ("workbook", user, limits.MaxNoteLength),
                row => ReceiptText.Get("Row", row),
                [.. found],
                ct
            );
        }
        catch (ReceiptsRefused e)
        {
            var rules = e.Problems.Skip(errors.Listed.Count).Select(p => Error(sheet, chinese, p));
            var all = errors.Listed.Concat(rules).ToList();
            throw new UploadInvalid([.. all.Take(CapacityRows.Listed)], errors.Count - errors.Listed.Count + all.Count);
        }
    }

    /// <summary>A rule's problem at its row, in the column of its field (the line's: From code).</summary>
    private static UploadError Error(string sheet, bool chinese, ReceiptProblem p)
    {
        var column = p.Field == ReceiptField.Line ? 1 : Columns.ToList().FindIndex(c => c.Field == p.Field);
        return new UploadError(
            sheet,
            p.Item == 0 ? null : p.Item,
            SheetReader.ColumnLetters(column + 1),
            Columns[column].TitleIn(chinese),
            p.Value,
            p.Message
        );
    }

    /// <summary>
    /// The sheet's name and language, its receipts, and the problems found reading it; receipts null when the sheet
    /// is missing or its header does not let the rows be read by column.
    /// </summary>
    private static (string Sheet, bool Chinese, List<ReceiptInput>? Inputs, ProblemList Errors) Read(
        UploadPackage package,
        string run
    )
    {
        var errors = new ProblemList(CapacityRows.Listed);
        var (name, chinese, found) = ReceiptTemplate.Sheets.Find(package, errors, (sheet, other) =>
            ReceiptText.Get("NoSheet", sheet, other)
        );
        if (!found)
            return (name, chinese, null, errors);
        using var reader = package.OpenSheet(name);
        var header = new TemplateHeader(
            name,
            chinese,
            [.. Columns.Select(c => c.TitleIn(chinese))],
            [.. Columns.Select(c => c.TitleIn(!chinese))]
        );
        var rows = new ReceiptRowReader(name, chinese, run, errors);
        var inputs = new List<ReceiptInput>();
        bool? readable = null;
        while (reader.Next() is { } row)
        {
            SheetLayout.HiddenRow(reader, row, errors);
            readable ??= header.Check(row.Number == 1 ? row : null, errors);
            if (row.Number > 1 && readable == true && rows.Read(row) is { } input)
                inputs.Add(input);
        }
        SheetLayout.MergedAndHidden(reader, errors);
        readable ??= header.Check(null, errors);
        if (readable == true && inputs.Count == 0 && errors.Count == 0)
            errors.Add(new(name, null, "K", Columns[10].TitleIn(chinese), null, ReceiptText.Get("NothingConfirmed")));
        return (name, chinese, readable == true ? inputs : null, errors);
    }
}
