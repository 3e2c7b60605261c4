using Microsoft.OpenApi;

namespace Planner.Api.Access;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) with the API-key scheme, and a browsable UI at <c>/api/docs</c>
/// where a key can be entered to try the calls.
/// </summary>
public static class ApiDocs
{
    public static IServiceCollection AddPlannerApiDocs(this IServiceCollection services) =>
        services.AddOpenApi(o =>
            o.AddDocumentTransformer(
                (document, _, _) =>
                {
                    document.Info = new OpenApiInfo
                    {
                        Title = "Planner API",
                        Version = "v1",
                        Description =
                            "Medical supplies and treatment resources planning. Send an API key (X-Api-Key or "
                            + "Authorization: Bearer); make one with POST /api/me/keys after signing in, or with "
                            + "the CLI's api-key command.",
                    };
                    document.Components ??= new OpenApiComponents();
                    document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                    {
                        [ApiKeyHandler.Header] = new OpenApiSecurityScheme
                        {
                            Type = SecuritySchemeType.ApiKey,
                            In = ParameterLocation.Header,
                            Name = ApiKeyHandler.Header,
                        },
                    };
                    document.Security =
                    [
                        new OpenApiSecurityRequirement
                        {
                            [new OpenApiSecuritySchemeReference(ApiKeyHandler.Header, document)] = [],
                        },
                    ];
                    return Task.CompletedTask;
                }
            )
        );

    public static WebApplication MapPlannerApiDocs(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "Planner API v1");
            o.RoutePrefix = "api/docs";
            o.DocumentTitle = "Planner API";
        });
        return app;
    }
}
