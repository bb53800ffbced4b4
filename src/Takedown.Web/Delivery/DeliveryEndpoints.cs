using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Delivery;
using Takedown.Core.Organizations;
using Takedown.Web.Common;

namespace Takedown.Web.Delivery;

internal static class DeliveryEndpoints
{
    public static void MapDelivery(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/api/v1/webhooks").WithTags("Delivery").RequireScope(Scopes.Admin);

        hooks.MapPost("/", (HttpRequest req, ClaimsPrincipal user, WebhooksService webhooks, CancellationToken ct) =>
                Api.CreatedAsync<WebhookRequest, WebhookWithSecret>(req, body => webhooks.CreateAsync(user.ToCaller(), body, ct), w => $"/api/v1/webhooks/{w.Id}"))
            .Accepts<WebhookRequest>("application/json")
            .WithSummary("Register an endpoint (https, public address) for event types; the signing secret is shown only in this answer.");

        hooks.MapGet("/", async (ClaimsPrincipal user, WebhooksService webhooks, CancellationToken ct) =>
            TypedResults.Ok(await webhooks.ListAsync(user.ToCaller(), ct)))
            .WithSummary("Your webhook endpoints.");

        hooks.MapGet("/{id:guid}", (Guid id, ClaimsPrincipal user, WebhooksService webhooks, CancellationToken ct) =>
            Api.OkAsync(webhooks.GetAsync(user.ToCaller(), id, ct)))
            .WithSummary("One webhook endpoint and its state (active or failing).");

        hooks.MapPatch("/{id:guid}", (Guid id, HttpRequest req, ClaimsPrincipal user, WebhooksService webhooks, CancellationToken ct) =>
                Api.OkAsync<WebhookRequest, WebhookView>(req, body => webhooks.UpdateAsync(user.ToCaller(), id, body, ct)))
            .Accepts<WebhookRequest>("application/json")
            .WithSummary("Change the URL and/or events; a failing endpoint becomes active again.");

        hooks.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, ClaimsPrincipal user, WebhooksService webhooks, CancellationToken ct) =>
        {
            var result = await webhooks.DeleteAsync(user.ToCaller(), id, ct);
            return result.IsSuccess ? TypedResults.NoContent() : Problems.From(result.Error!);
        })
            .WithSummary("Delete a webhook endpoint; nothing more is sent to it.");

        hooks.MapPost("/{id:guid}/rotate-secret", (Guid id, ClaimsPrincipal user, WebhooksService webhooks, CancellationToken ct) =>
            Api.OkAsync(webhooks.RotateSecretAsync(user.ToCaller(), id, ct))).WithSummary("A new signing secret, shown only in this answer.");

        hooks.MapGet("/{id:guid}/deliveries", async Task<Results<Ok<DeliveryPage>, ProblemHttpResult>> (
            Guid id, string? status, string? after, string? limit, ClaimsPrincipal user, WebhooksService webhooks, CancellationToken ct) =>
        {
            var size = Api.Limit(limit);
            return size.IsSuccess ? Api.Ok(await webhooks.DeliveriesAsync(user.ToCaller(), id, status, after, size.Value, ct)) : Problems.From(size.Error!);
        }).WithSummary("Deliveries, newest first, each with every attempt (status code, latency, error).");

        hooks.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/redeliver", (Guid id, Guid deliveryId, ClaimsPrincipal user, WebhooksService webhooks, CancellationToken ct) =>
            Api.OkAsync(webhooks.RedeliverAsync(user.ToCaller(), id, deliveryId, ct))).WithSummary("Send the event again now, with the same event id.");

        app.MapGet("/api/v1/events", async Task<Results<Ok<EventPage>, ProblemHttpResult>> (
                string? after, string? wait, string? limit, ClaimsPrincipal user, EventFeed feed, CancellationToken ct) =>
            {
                var size = Api.Limit(limit, 100);
                return size.IsSuccess ? Api.Ok(await feed.ReadAsync(user.ToCaller(), after, wait, size.Value, ct)) : Problems.From(size.Error!);
            })
            .WithTags("Delivery").RequireScopes()
            .WithSummary("Your events in order after a cursor; with wait=N (seconds, up to 60) an empty read waits for the next event.");
    }
}
