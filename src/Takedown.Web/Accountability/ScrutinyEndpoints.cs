using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Accountability;
using Takedown.Web.Common;

namespace Takedown.Web.Accountability;

internal static class ScrutinyEndpoints
{
    public static void MapScrutiny(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/orders/{id:guid}/scrutiny",
                (Guid id, JsonBody<ScrutinyRequest> body, ApiCaller caller, ScrutinyService scrutiny, CancellationToken ct) =>
                    Api.CreatedAsync(scrutiny.RequestAsync(caller, id, body.Value, ct), s => $"/api/v1/scrutiny/{s.Id}"))
            .RequireScopes().WithTags("Scrutiny")
            .WithSummary("Ask the authority of your Member State to scrutinise a cross-border removal order (within 48 h of receipt; decided within 72 h).");

        var group = app.MapGroup("/api/v1/scrutiny").WithTags("Scrutiny").RequireScopes();

        group.MapGet("/", (string? status, [AsParameters] PageRequest page, ApiCaller caller, ScrutinyService scrutiny, CancellationToken ct) =>
                Api.OkAsync(scrutiny.ListAsync(caller, status, page.After, page.Limit, ct)))
            .WithSummary("Scrutiny requests you asked, that concern your orders, or that your Member State decides; ?status=open|decided.");

        group.MapGet("/{id:guid}", (Guid id, ApiCaller caller, ScrutinyService scrutiny, CancellationToken ct) =>
            Api.OkAsync(scrutiny.GetAsync(caller, id, ct)))
            .WithSummary("One scrutiny request.");

        group.MapPost("/{id:guid}/decision", (Guid id, JsonBody<ScrutinyDecisionRequest> body, ApiCaller caller, ScrutinyService scrutiny, CancellationToken ct) =>
                Api.OkAsync(scrutiny.DecideAsync(caller, id, body.Value, ct)))
            .WithSummary("Decide: infringes (every removed or disabled item is reinstated, everywhere) or upheld.");
    }
}
