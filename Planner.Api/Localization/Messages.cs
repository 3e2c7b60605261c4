using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;

namespace Planner.Api.Localization;

/// <summary>
/// The one-line messages of the failures a person can act on (<see cref="PlannerException"/>) and the API's problem
/// titles and details, from <c>Messages.zh-CN.resx</c> and <c>Messages.en.resx</c>. A message is made in the current
/// UI culture when it is thrown: the command line's <c>--lang</c>, or a request's language.
/// </summary>
public sealed class Messages
{
    private static readonly IStringLocalizer Localizer = Texts.For<Messages>();

    private Messages() { }

    /// <summary>The message <paramref name="key"/>, its placeholders filled with <paramref name="args"/>.</summary>
    public static string Get(string key, params object[] args) => Localizer.Get(key, args);

    /// <summary>A problem (ProblemDetails) with its title and <paramref name="detail"/> in the current
    /// language.</summary>
    public static ProblemHttpResult Problem(string detail, int status) =>
        TypedResults.Problem(detail, statusCode: status, title: Title(status));

    /// <summary>The title of a status code ("Not Found", 未找到), or its reason phrase where there is no
    /// text.</summary>
    public static string Title(int status) =>
        Localizer[FormattableString.Invariant($"Title{status}")] is { ResourceNotFound: false } title
            ? title.Value
            : ReasonPhrases.GetReasonPhrase(status);

    /// <summary>
    /// The language of a request that the localization middleware has not reached (a 401 or 403 from authorization
    /// comes before it), found by the same providers (the switch's cookie, <c>Accept-Language</c> on the API). The
    /// caller puts it to use (<see cref="Texts.Use"/>): a culture set inside an async method ends with it.
    /// </summary>
    public static async Task<string> RequestLanguageAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<RequestLocalizationOptions>>().Value;
        foreach (var provider in options.RequestCultureProviders)
        {
            if (await provider.DetermineProviderCultureResult(context) is { } result)
            {
                foreach (var asked in result.UICultures)
                {
                    if (Supported(asked.Value) is { } language)
                        return language;
                }
            }
        }
        return LocalizationSetup.Chinese;
    }

    /// <summary>The language Planner speaks for <paramref name="name"/> or one of its parents (en-US is en), or
    /// null.</summary>
    private static string? Supported(string? name)
    {
        try
        {
            for (var c = CultureInfo.GetCultureInfo(name ?? ""); c.Name.Length > 0; c = c.Parent)
            {
                if (LocalizationSetup.Known(c.Name) is { } known)
                    return known;
            }
        }
        catch (CultureNotFoundException) { }
        return null;
    }
}
