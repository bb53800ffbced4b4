using Takedown.Core.Common;
using Takedown.Core.Deconfliction;
using Takedown.Web.Common;

namespace Takedown.Web.Deconfliction;

internal static class DeconflictionEndpoints
{
    public static void MapDeconfliction(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/deconfliction").WithTags("Deconfliction").RequireScopes();

        group.MapPost("/entries", (JsonBody<CreateEntryRequest> body, ApiCaller caller, DeconflictionService service, CancellationToken ct) =>
                Api.CreatedAsync(service.CreateEntryAsync(caller, body.Value, ct), e => $"/api/v1/deconfliction/entries/{e.Id}"))
            .WithSummary("Register a confidential identifier (URL or account) tied to an investigation.");

        group.MapGet("/entries", async (ApiCaller caller, DeconflictionService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListEntriesAsync(caller, ct)))
            .WithSummary("Your authority's confidential identifiers.");

        group.MapGet("/holds", async (string? status, ApiCaller caller, DeconflictionService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListHoldsAsync(caller, status, ct)))
            .WithSummary("Orders from other authorities held on your identifiers (which identifier, not whose order).");

        group.MapPost("/holds/{id:guid}/release", (Guid id, JsonBody<HoldDecisionRequest> body, ApiCaller caller, DeconflictionService service, CancellationToken ct) =>
                Api.OkAsync(service.ReleaseAsync(caller, id, body.Value, ct)))
            .WithSummary("Release: the held item goes on to the platform.");

        group.MapPost("/holds/{id:guid}/object", (Guid id, JsonBody<HoldDecisionRequest> body, ApiCaller caller, DeconflictionService service, CancellationToken ct) =>
                Api.OkAsync(service.ObjectAsync(caller, id, body.Value, ct)))
            .WithSummary("Object: the held item is withdrawn as 'deconfliction'.");
    }
}
