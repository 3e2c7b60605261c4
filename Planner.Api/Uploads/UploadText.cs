using Microsoft.Extensions.Localization;
using Planner.Api.Localization;

namespace Planner.Api.Uploads;

/// <summary>
/// The words of the capacity template and of every upload problem (<c>UploadText.zh-CN.resx</c>,
/// <c>UploadText.en.resx</c>), in the current UI culture: a request's language for the pages and the API, the
/// command line's <c>--lang</c>, English where none is set. Read when the message is made, so a problem is in the
/// language of whoever uploaded the file.
/// </summary>
public sealed class UploadText
{
    private static readonly IStringLocalizer Localizer = Texts.For<UploadText>();

    private UploadText() { }

    /// <summary>The text of <paramref name="key"/>, its placeholders filled in the current culture.</summary>
    public static string Get(string key, params object[] args) => Localizer.Get(key, args);
}
