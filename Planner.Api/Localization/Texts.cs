using System.Resources;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;

// Where no language is set, texts are English, read from the en satellite like the Chinese from zh-CN.
[assembly: NeutralResourcesLanguage("en", UltimateResourceFallbackLocation.Satellite)]

namespace Planner.Api.Localization;

/// <summary>
/// Localized text outside a request (workbooks, the command line, jobs): the same resource files beside each class
/// that pages use (<c>X.zh-CN.resx</c>, <c>X.en.resx</c>), read in the current UI culture. <see cref="Use"/> sets
/// that culture for a block; where none is set (tests, a process without a language) the text is English (the
/// assembly's <c>NeutralResourcesLanguage</c>).
/// </summary>
public static class Texts
{
    private static readonly ResourceManagerStringLocalizerFactory Factory = new(
        Options.Create(new LocalizationOptions()),
        NullLoggerFactory.Instance
    );

    /// <summary>The texts beside <typeparamref name="T"/>.</summary>
    public static IStringLocalizer<T> For<T>() => new StringLocalizer<T>(Factory);

    /// <summary>The texts beside <paramref name="type"/> (a static class, say).</summary>
    public static IStringLocalizer For(Type type) => Factory.Create(type);

    /// <summary>The text <paramref name="key"/> of <paramref name="localizer"/>, its placeholders filled with
    /// <paramref name="args"/> (none: the text as it stands, braces and all).</summary>
    public static string Get(this IStringLocalizer localizer, string key, params object[] args) =>
        args.Length == 0 ? localizer[key].Value : localizer[key, args].Value;

    /// <summary>Whether the current UI culture is Chinese.</summary>
    public static bool Chinese => CultureInfo.CurrentUICulture.Name == LocalizationSetup.Chinese;

    /// <summary>Texts (and formats) in <paramref name="language"/> until the result is disposed.</summary>
    public static IDisposable Use(string language)
    {
        var (culture, ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        var chosen = CultureInfo.GetCultureInfo(LocalizationSetup.Known(language) ?? LocalizationSetup.Chinese);
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (chosen, chosen);
        return new Restore(() => (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, ui));
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
