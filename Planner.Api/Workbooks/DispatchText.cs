using Microsoft.Extensions.Localization;
using Planner.Api.Localization;

namespace Planner.Api.Workbooks;

/// <summary>
/// The texts of the depots' dispatch sheets and notes (今日调拨, 调拨单) and of the daily breakdown below the county,
/// in zh-CN and en (<c>DispatchText.*.resx</c>), in the language the publisher writes.
/// </summary>
public static class DispatchText
{
    public static readonly IStringLocalizer Localizer = Texts.For(typeof(DispatchText));

    /// <summary>The text of <paramref name="key"/> in the current language, its placeholders filled.</summary>
    public static string D(string key, params object[] values) =>
        values.Length == 0 ? Localizer[key] : Localizer[key, values];
}
