namespace Planner.Api.Uploads;

/// <summary>
/// The two sheets of an upload template, each named in English and in Chinese: the data sheet and the instructions.
/// A workbook's sheets tell which language's template it is, so that its problems name the sheets it should have.
/// </summary>
public sealed record TemplateSheets(string Data, string ChineseData, string Instructions, string ChineseInstructions)
{
    /// <summary>The data sheet's name in the Chinese template or the English one.</summary>
    public string DataIn(bool chinese) => chinese ? ChineseData : Data;

    /// <summary>The instructions sheet's name in the Chinese template or the English one.</summary>
    public string InstructionsIn(bool chinese) => chinese ? ChineseInstructions : Instructions;

    /// <summary>
    /// Whether a workbook with these sheets is the Chinese template: it has the Chinese data sheet, or no data sheet
    /// and the Chinese instructions (or neither, read in Chinese).
    /// </summary>
    public bool IsChinese(IReadOnlyList<string> sheets) =>
        sheets.Contains(ChineseData)
        || !sheets.Contains(Data)
            && (sheets.Contains(ChineseInstructions) || !sheets.Contains(Instructions) && Localization.Texts.Chinese);

    /// <summary>
    /// The package's data sheet and language, each sheet the template does not have reported; <c>Found</c> false
    /// (and <paramref name="noSheet"/>'s message, given the sheet and the other language's name, reported) when the
    /// data sheet is missing.
    /// </summary>
    internal (string Name, bool Chinese, bool Found) Find(
        UploadPackage package,
        ProblemList problems,
        Func<string, string, string> noSheet
    )
    {
        var chinese = IsChinese(package.Sheets);
        var (name, instructions) = (DataIn(chinese), InstructionsIn(chinese));
        foreach (var extra in package.Sheets.Where(s => s != name && s != instructions))
            problems.Add(
                new(extra, null, null, null, null, UploadText.Get("UnexpectedSheet", extra, name, instructions))
            );
        var found = package.Sheets.Contains(name);
        if (!found)
            problems.Add(new(name, null, null, null, null, noSheet(name, DataIn(!chinese))));
        return (name, chinese, found);
    }
}
