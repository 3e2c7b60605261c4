using Microsoft.Extensions.Localization;
using Planner.Api.Localization;

namespace Planner.Api.Workbooks;

/// <summary>
/// Every text the workbooks print (sheet names, titles, headers, notes, reasons, footers), in zh-CN and en
/// (<c>WorkbookText.*.resx</c>), in the language the publisher writes (the current UI culture, set with
/// <see cref="Texts.Use"/>).
/// </summary>
public static class WorkbookText
{
    public static readonly IStringLocalizer Localizer = Texts.For(typeof(WorkbookText));
}
