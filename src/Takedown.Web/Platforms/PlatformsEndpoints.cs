using Takedown.Core.Platforms;
using Takedown.Core.Organizations;
using Takedown.Web.Common;

namespace Takedown.Web.Platforms;

internal static class PlatformsEndpoints
{
    public static void MapPlatforms(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/platforms").WithTags("Platforms").RequireScopes();

        group.MapGet("/", (ApiCaller caller, PlatformsService platforms, CancellationToken ct) =>
            Api.OkAsync(platforms.ListAsync(caller, ct))).WithSummary("The platform directory (authorities, oversight, operator).");

        group.MapGet("/{id:guid}", (Guid id, ApiCaller caller, PlatformsService platforms, CancellationToken ct) =>
            Api.OkAsync(platforms.GetAsync(caller, id, ct)))
            .WithSummary("One platform: its contact point, member state, languages, deadlines and content rules.");

        group.MapPut("/{id:guid}/profile", (Guid id, JsonBody<PlatformProfileRequest> body, ApiCaller caller, PlatformsService platforms, CancellationToken ct) =>
                Api.OkAsync(platforms.PutProfileAsync(caller, id, body.Value, ct)))
            .RequireScope(Scopes.Admin)
            .WithSummary("Set the platform's contact point, languages, referral deadline and content rules.");
    }
}
