namespace Planner.Api;

/// <summary>
/// What every area's route table shares: a line per endpoint with its verb, path, handler and what it does. An
/// endpoint is named after its handler, so that the OpenAPI operation id and the code say the same.
/// </summary>
internal static class Endpoints
{
    public static RouteHandlerBuilder Get(this RouteGroupBuilder api, string path, Delegate handler, string summary) =>
        Describe(api.MapGet(path, handler), handler, summary);

    public static RouteHandlerBuilder Post(this RouteGroupBuilder api, string path, Delegate handler, string summary) =>
        Describe(api.MapPost(path, handler), handler, summary);

    public static RouteHandlerBuilder Put(this RouteGroupBuilder api, string path, Delegate handler, string summary) =>
        Describe(api.MapPut(path, handler), handler, summary);

    private static RouteHandlerBuilder Describe(RouteHandlerBuilder endpoint, Delegate handler, string summary) =>
        endpoint.WithName(handler.Method.Name).WithSummary(summary);
}
