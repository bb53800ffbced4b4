using System.Security.Claims;
using Takedown.Core.Common;
using Takedown.Core.Deconfliction;
using Takedown.Web.Common;

namespace Takedown.Web.Deconfliction;

internal static class DeconflictionEndpoints
{
    public static void MapDeconfliction(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/deconfliction").WithTags("Deconfliction").RequireScopes();

        group.MapPost("/entries", (HttpRequest req, ClaimsPrincipal user, DeconflictionService service, CancellationToken ct) =>
                Api.CreatedAsync<CreateEntryRequest, EntryView>(req, body => service.CreateEntryAsync(user.ToCaller(), body, ct), e => $"/api/v1/deconfliction/entries/{e.Id}"))
            .Accepts<CreateEntryRequest>("application/json")
            .WithSummary("Register a confidential identifier (URL or account) tied to an investigation.");

        group.MapGet("/entries", async (ClaimsPrincipal user, DeconflictionService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListEntriesAsync(user.ToCaller(), ct)))
            .WithSummary("Your authority's confidential identifiers.");

        group.MapGet("/holds", async (string? status, ClaimsPrincipal user, DeconflictionService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListHoldsAsync(user.ToCaller(), status, ct)))
            .WithSummary("Orders from other authorities held on your identifiers (which identifier, not whose order).");

        group.MapPost("/holds/{id:guid}/release", (Guid id, HttpRequest req, ClaimsPrincipal user, DeconflictionService service, CancellationToken ct) =>
                Api.OkAsync<HoldDecisionRequest, HoldView>(req, body => service.ReleaseAsync(user.ToCaller(), id, body, ct)))
            .Accepts<HoldDecisionRequest>("application/json")
            .WithSummary("Release: the held item goes on to the platform.");

        group.MapPost("/holds/{id:guid}/object", (Guid id, HttpRequest req, ClaimsPrincipal user, DeconflictionService service, CancellationToken ct) =>
                Api.OkAsync<HoldDecisionRequest, HoldView>(req, body => service.ObjectAsync(user.ToCaller(), id, body, ct)))
            .Accepts<HoldDecisionRequest>("application/json")
            .WithSummary("Object: the held item is withdrawn as 'deconfliction'.");
    }
}
