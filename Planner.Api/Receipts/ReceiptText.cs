using Microsoft.Extensions.Localization;
using Planner.Api.Localization;

namespace Planner.Api.Receipts;

/// <summary>
/// The words of receipts (<c>ReceiptText.zh-CN.resx</c>, <c>ReceiptText.en.resx</c>): the template, the rules'
/// messages and the answers, in the current UI culture (a request's language, English where none is set).
/// </summary>
public sealed class ReceiptText
{
    private static readonly IStringLocalizer Localizer = Texts.For<ReceiptText>();

    private ReceiptText() { }

    /// <summary>The text of <paramref name="key"/>, its placeholders filled in the current culture.</summary>
    public static string Get(string key, params object[] args) => Localizer.Get(key, args);
}
