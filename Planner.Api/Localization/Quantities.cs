namespace Planner.Api.Localization;

/// <summary>Quantities as people read them: thousands separators, and for Chinese readers 万 (ten thousands, one
/// decimal) from 100,000 up, as officials write large figures.</summary>
public static class Quantities
{
    public static string Format(double value) =>
        Texts.Chinese && Math.Abs(value) >= 100_000
            ? (value / 10_000).ToString("#,0.0", CultureInfo.InvariantCulture) + "万"
            : value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>A share as a percentage with one decimal: 97.3%.</summary>
    public static string Percent(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);
}
