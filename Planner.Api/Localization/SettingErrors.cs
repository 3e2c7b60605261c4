namespace Planner.Api.Localization;

/// <summary>The texts of the settings checks made at start (<c>SettingErrors.zh-CN.resx</c> / <c>.en.resx</c>),
/// in the current UI culture; setting names stay as they are written in configuration.</summary>
public sealed class SettingErrors
{
    private SettingErrors() { }

    /// <summary>The text <paramref name="key"/>, its placeholders filled with <paramref name="args"/>.</summary>
    internal static string Get(string key, params object[] args) =>
        Localization.Texts.Get(Localization.Texts.For<SettingErrors>(), key, args);
}
