namespace Planner.Tests.Infrastructure;

/// <summary>Checks of what the web application answered.</summary>
internal static class Answer
{
    /// <summary>The answer has <paramref name="status"/> and its body says <paramref name="text"/>.</summary>
    public static async Task AssertSaysAsync(HttpResponseMessage response, HttpStatusCode status, string text)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(text, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
