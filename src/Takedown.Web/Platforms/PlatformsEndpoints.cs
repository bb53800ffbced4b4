using System.Security.Claims;
using Takedown.Core.Platforms;
using Takedown.Core.Organizations;
using Takedown.Web.Common;

namespace Takedown.Web.Platforms;

internal static class PlatformsEndpoints
{
    public static void MapPlatforms(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/platforms").WithTags("Platforms").RequireScopes();

        group.MapGet("/", (ClaimsPrincipal user, PlatformsService platforms, CancellationToken ct) =>
            Api.OkAsync(platforms.ListAsync(user.ToCaller(), ct))).WithSummary("The platform directory (authorities, oversight, operator).");

        group.MapGet("/{id:guid}", (Guid id, ClaimsPrincipal user, PlatformsService platforms, CancellationToken ct) =>
            Api.OkAsync(platforms.GetAsync(user.ToCaller(), id, ct)))
            .WithSummary("One platform: its contact point, member state, languages, deadlines and content rules.");

        group.MapPut("/{id:guid}/profile", (Guid id, HttpRequest req, ClaimsPrincipal user, PlatformsService platforms, CancellationToken ct) =>
                Api.OkAsync<PlatformProfileRequest, PlatformView>(req, body => platforms.PutProfileAsync(user.ToCaller(), id, body, ct)))
            .Accepts<PlatformProfileRequest>("application/json")
            .RequireScope(Scopes.Admin)
            .WithSummary("Set the platform's contact point, languages, referral deadline and content rules.");
    }
}
