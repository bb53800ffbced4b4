using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Accountability;
using Takedown.Web.Common;

namespace Takedown.Web.Accountability;

internal static class ScrutinyEndpoints
{
    public static void MapScrutiny(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/orders/{id:guid}/scrutiny",
                (Guid id, HttpRequest req, ClaimsPrincipal user, ScrutinyService scrutiny, CancellationToken ct) =>
                    Api.CreatedAsync<ScrutinyRequest, ScrutinyView>(req, body => scrutiny.RequestAsync(user.ToCaller(), id, body, ct), s => $"/api/v1/scrutiny/{s.Id}"))
            .RequireScopes().WithTags("Scrutiny")
            .Accepts<ScrutinyRequest>("application/json")
            .WithSummary("Ask the authority of your Member State to scrutinise a cross-border removal order (within 48 h of receipt; decided within 72 h).");

        var group = app.MapGroup("/api/v1/scrutiny").WithTags("Scrutiny").RequireScopes();

        group.MapGet("/", async Task<Results<Ok<ScrutinyPage>, ProblemHttpResult>> (
            string? status, string? after, string? limit, ClaimsPrincipal user, ScrutinyService scrutiny, CancellationToken ct) =>
        {
            var size = Api.Limit(limit);
            return size.IsSuccess ? Api.Ok(await scrutiny.ListAsync(user.ToCaller(), status, after, size.Value, ct)) : Problems.From(size.Error!);
        }).WithSummary("Scrutiny requests you asked, that concern your orders, or that your Member State decides; ?status=open|decided.");

        group.MapGet("/{id:guid}", (Guid id, ClaimsPrincipal user, ScrutinyService scrutiny, CancellationToken ct) =>
            Api.OkAsync(scrutiny.GetAsync(user.ToCaller(), id, ct)))
            .WithSummary("One scrutiny request.");

        group.MapPost("/{id:guid}/decision", (Guid id, HttpRequest req, ClaimsPrincipal user, ScrutinyService scrutiny, CancellationToken ct) =>
                Api.OkAsync<ScrutinyDecisionRequest, ScrutinyView>(req, body => scrutiny.DecideAsync(user.ToCaller(), id, body, ct)))
            .Accepts<ScrutinyDecisionRequest>("application/json")
            .WithSummary("Decide: infringes (every removed or disabled item is reinstated, everywhere) or upheld.");
    }
}
