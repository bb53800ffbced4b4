using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Takedown.Web.ApiDescription;

/// <summary>
/// The API's published contract: the OpenAPI document at /openapi/v1.json (security, operation ids, problem answers,
/// tags) and the JSON conventions it promises (RFC 3339 UTC timestamps, numbers as numbers).
/// </summary>
internal static class ApiDescriptionSetup
{
    public static IServiceCollection AddApiDescription(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            // Bodies are read strictly (JsonBody); the answers and their description say numbers are numbers.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.Converters.Insert(0, new UtcTimestampConverter());
        });
        services.AddOpenApi(o =>
        {
            o.CreateSchemaReferenceId = SchemaNames.For;
            // The converter hides the type from the schema exporter: say again that a timestamp is an RFC 3339 string.
            o.AddSchemaTransformer((schema, context, _) =>
            {
                var type = context.JsonTypeInfo.Type;
                if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
                {
                    schema.Type = type == typeof(DateTimeOffset) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
                    schema.Format = "date-time";
                }
                return Task.CompletedTask;
            });
            o.AddOperationTransformer(new OperationConventions());
            o.AddDocumentTransformer(new DocumentConventions());
        });
        return services;
    }
}
