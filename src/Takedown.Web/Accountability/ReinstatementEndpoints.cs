using System.Security.Claims;
using Takedown.Core.Accountability;
using Takedown.Web.Common;

namespace Takedown.Web.Accountability;

internal static class ReinstatementEndpoints
{
    public static void MapCourtReinstatement(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/orders/{id:guid}/items/{itemId:guid}/reinstatement").WithTags("Reinstatement").RequireScopes();

        group.MapPost("/", (Guid id, Guid itemId, HttpRequest req, ClaimsPrincipal user, CourtReinstatementService court, CancellationToken ct) =>
                Api.CreatedAsync<CourtReinstatementRequest, CourtReinstatementView>(req, body => court.RecordAsync(user.ToCaller(), id, itemId, body, ct),
                    r => $"/api/v1/orders/{r.OrderId}/items/{r.ItemId}/reinstatement"))
            .Accepts<CourtReinstatementRequest>("application/json")
            .WithSummary("Record that a court ordered the item reinstated (reason: court; court and court_reference required); it travels back to the authority, banks (owner reviews) and blocklists.");

        group.MapGet("/", (Guid id, Guid itemId, ClaimsPrincipal user, CourtReinstatementService court, CancellationToken ct) =>
            Api.OkAsync(court.GetAsync(user.ToCaller(), id, itemId, ct))).WithSummary("The item's court reinstatement, with the issuing authority's contest if any.");

        group.MapPost("/contest", (Guid id, Guid itemId, HttpRequest req, ClaimsPrincipal user, CourtReinstatementService court, CancellationToken ct) =>
                Api.OkAsync<CourtReinstatementContestRequest, CourtReinstatementView>(req, body => court.ContestAsync(user.ToCaller(), id, itemId, body, ct)))
            .Accepts<CourtReinstatementContestRequest>("application/json")
            .WithSummary("The issuing authority contests the court reinstatement (reasons required); recorded and shown, it does not undo the reinstatement.");
    }
}
