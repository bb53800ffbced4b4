using Takedown.Core.Common;

namespace Takedown.Web.Common;

internal static class ApiSetup
{
    /// <summary>How the API answers: problem details with a trace id, the shared JSON conventions, and body limits (Api:MaxJsonBodyBytes, 1 KiB to 256 MiB).</summary>
    public static IServiceCollection AddApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection("Api"))
            .Validate(o => o.MaxJsonBodyBytes is >= 1024 and <= 256 * 1024 * 1024, "Api:MaxJsonBodyBytes must be between 1 KiB and 256 MiB").ValidateOnStart();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
            ctx.ProblemDetails.Extensions["trace_id"] = ctx.HttpContext.TraceIdentifier);
        services.ConfigureHttpJsonOptions(o =>
        {
            var shared = TakedownJson.Options;
            o.SerializerOptions.PropertyNamingPolicy = shared.PropertyNamingPolicy;
            o.SerializerOptions.UnmappedMemberHandling = shared.UnmappedMemberHandling;
            foreach (var c in shared.Converters) o.SerializerOptions.Converters.Add(c);
        });
        return services;
    }
}
