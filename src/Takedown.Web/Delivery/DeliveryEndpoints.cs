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

        hooks.MapPost("/", (JsonBody<WebhookRequest> body, ApiCaller caller, WebhooksService webhooks, CancellationToken ct) =>
                Api.CreatedAsync(webhooks.CreateAsync(caller, body.Value, ct), w => $"/api/v1/webhooks/{w.Id}"))
            .WithSummary("Register an endpoint (https, public address) for event types; the signing secret is shown only in this answer.");

        hooks.MapGet("/", async (ApiCaller caller, WebhooksService webhooks, CancellationToken ct) =>
            TypedResults.Ok(await webhooks.ListAsync(caller, ct)))
            .WithSummary("Your webhook endpoints.");

        hooks.MapGet("/{id:guid}", (Guid id, ApiCaller caller, WebhooksService webhooks, CancellationToken ct) =>
            Api.OkAsync(webhooks.GetAsync(caller, id, ct)))
            .WithSummary("One webhook endpoint and its state (active or failing).");

        hooks.MapPatch("/{id:guid}", (Guid id, JsonBody<WebhookRequest> body, ApiCaller caller, WebhooksService webhooks, CancellationToken ct) =>
                Api.OkAsync(webhooks.UpdateAsync(caller, id, body.Value, ct)))
            .WithSummary("Change the URL and/or events; a failing endpoint becomes active again.");

        hooks.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, ApiCaller caller, WebhooksService webhooks, CancellationToken ct) =>
        {
            var result = await webhooks.DeleteAsync(caller, id, ct);
            return result.IsSuccess ? TypedResults.NoContent() : Problems.From(result.Error!);
        })
            .WithSummary("Delete a webhook endpoint; nothing more is sent to it.");

        hooks.MapPost("/{id:guid}/rotate-secret", (Guid id, ApiCaller caller, WebhooksService webhooks, CancellationToken ct) =>
            Api.OkAsync(webhooks.RotateSecretAsync(caller, id, ct))).WithSummary("A new signing secret, shown only in this answer.");

        hooks.MapGet("/{id:guid}/deliveries", (Guid id, string? status, [AsParameters] PageRequest page, ApiCaller caller, WebhooksService webhooks, CancellationToken ct) =>
                Api.OkAsync(webhooks.DeliveriesAsync(caller, id, status, page.After, page.Limit, ct)))
            .WithSummary("Deliveries, newest first, each with every attempt (status code, latency, error).");

        hooks.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/redeliver", (Guid id, Guid deliveryId, ApiCaller caller, WebhooksService webhooks, CancellationToken ct) =>
            Api.OkAsync(webhooks.RedeliverAsync(caller, id, deliveryId, ct))).WithSummary("Send the event again now, with the same event id.");

        app.MapGet("/api/v1/events", ([AsParameters] PageRequest page, string? wait, ApiCaller caller, EventFeed feed, CancellationToken ct) =>
                Api.OkAsync(feed.ReadAsync(caller, page.After, wait, page.LimitOr(100), ct)))
            .WithTags("Delivery").RequireScopes()
            .WithSummary("Your events in order after a cursor; with wait=N (seconds, up to 60) an empty read waits for the next event.");
    }
}
