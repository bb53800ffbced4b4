using Takedown.Core.Accountability;
using Takedown.Web.Common;

namespace Takedown.Web.Accountability;

internal static class ReinstatementEndpoints
{
    public static void MapCourtReinstatement(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/orders/{id:guid}/items/{itemId:guid}/reinstatement").WithTags("Reinstatement").RequireScopes();

        group.MapPost("/", (Guid id, Guid itemId, JsonBody<CourtReinstatementRequest> body, ApiCaller caller, CourtReinstatementService court, CancellationToken ct) =>
                Api.CreatedAsync(court.RecordAsync(caller, id, itemId, body.Value, ct),
                    r => $"/api/v1/orders/{r.OrderId}/items/{r.ItemId}/reinstatement"))
            .WithSummary("Record that a court ordered the item reinstated (reason: court; court and court_reference required); it travels back to the authority, banks (owner reviews) and blocklists.");

        group.MapGet("/", (Guid id, Guid itemId, ApiCaller caller, CourtReinstatementService court, CancellationToken ct) =>
            Api.OkAsync(court.GetAsync(caller, id, itemId, ct))).WithSummary("The item's court reinstatement, with the issuing authority's contest if any.");

        group.MapPost("/contest", (Guid id, Guid itemId, JsonBody<CourtReinstatementContestRequest> body, ApiCaller caller, CourtReinstatementService court, CancellationToken ct) =>
                Api.OkAsync(court.ContestAsync(caller, id, itemId, body.Value, ct)))
            .WithSummary("The issuing authority contests the court reinstatement (reasons required); recorded and shown, it does not undo the reinstatement.");
    }
}
