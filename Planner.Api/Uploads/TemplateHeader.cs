namespace Planner.Api.Uploads;

/// <summary>
/// The header row of an upload's data sheet against the template's titles in its language (<paramref name="Titles"/>;
/// <paramref name="OtherTitles"/> the other language's, column for column), for every upload.
/// </summary>
internal sealed record TemplateHeader(
    string Sheet,
    bool Chinese,
    IReadOnlyList<string> Titles,
    IReadOnlyList<string> OtherTitles
)
{
    /// <summary>
    /// Checks the header (null when the sheet has no first row); true when the rows can be read by column (the
    /// template's columns have its titles: an extra column after them is a problem, but not one that moves the
    /// others). A header of the other language, or one the template does not have, is named with its column.
    /// </summary>
    public bool Check(SheetRow? header, ProblemList problems)
    {
        var titles = (header?.Cells ?? []).Where(c => !c.IsEmpty).ToDictionary(c => c.Column, c => c.Text.Trim());
        var readable = true;
        var last = Math.Max(Titles.Count, titles.Count == 0 ? 0 : titles.Keys.Max());
        for (var c = 1; c <= last; c++)
        {
            var actual = titles.GetValueOrDefault(c, "");
            var expected = c <= Titles.Count ? Titles[c - 1] : "";
            if (string.Equals(actual, expected, StringComparison.Ordinal))
                continue;
            readable &= c > Titles.Count;
            problems.Add(
                new UploadError(
                    Sheet,
                    1,
                    SheetReader.ColumnLetters(c),
                    expected.Length > 0 ? expected : null,
                    actual,
                    Message(actual, expected)
                )
            );
        }
        var missing = Titles.Where(t => !titles.ContainsValue(t)).ToList();
        if (!readable && missing.Count > 0)
        {
            problems.Add(new(Sheet, 1, null, null, null, UploadText.Get("MissingColumns", string.Join(", ", missing))));
        }
        return readable;
    }

    /// <summary>What is wrong with the header <paramref name="actual"/> where <paramref name="expected"/>
    /// belongs.</summary>
    private string Message(string actual, string expected)
    {
        if (expected.Length == 0)
            return UploadText.Get("ExtraColumn", actual);
        if (actual.Length == 0)
            return UploadText.Get("HeaderMissing", expected);
        if (OtherTitles.Contains(actual))
            return UploadText.Get(Chinese ? "HeaderEnglish" : "HeaderChinese", actual, Sheet, expected);
        return Titles.Contains(actual)
            ? UploadText.Get("HeaderMoved", actual, expected)
            : UploadText.Get("HeaderUnknown", actual, expected);
    }
}
