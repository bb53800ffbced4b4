using System.Security.Claims;
using Takedown.Core.Accountability;
using Takedown.Web.Common;

namespace Takedown.Web.Accountability;

internal static class ReinstatementEndpoints
{
    public static void MapCourtReinstatement(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/orders/{id:guid}/items/{itemId:guid}/reinstatement",
                (Guid id, Guid itemId, HttpRequest req, ClaimsPrincipal user, CourtReinstatementService court, CancellationToken ct) =>
                    Api.CreatedAsync<CourtReinstatementRequest, CourtReinstatementView>(req, body => court.RecordAsync(user.ToCaller(), id, itemId, body, ct),
                        r => $"/api/v1/orders/{r.OrderId}"))
            .RequireScopes().WithTags("Reinstatement")
            .Accepts<CourtReinstatementRequest>("application/json")
            .WithSummary("Record that a court ordered the item reinstated (reason: court, court_reference); it travels back to the authority, banks and blocklists.");
}
