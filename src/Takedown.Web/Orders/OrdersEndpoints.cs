using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Orders;
using Takedown.Web.Common;

namespace Takedown.Web.Orders;

internal static class OrdersEndpoints
{
    public static void MapOrders(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/orders").WithTags("Orders").RequireScopes();

        group.MapPost("/", (JsonBody<CreateOrderRequest> body, ApiCaller caller, OrdersService orders, CancellationToken ct) =>
                Api.CreatedAsync(orders.CreateAsync(caller, body.Value, ct), o => $"/api/v1/orders/{o.Id}"))
            .WithSummary("Issue a removal order or a referral; the platform's clock starts at receipt.");

        group.MapGet("/", async Task<Results<Ok<OrderPage>, ProblemHttpResult>> (
            string? status, [AsParameters] PageRequest page, string? sort, ApiCaller caller, OrdersService orders, CancellationToken ct) =>
        {
            if (sort is not (null or "oldest" or "newest")) return Problems.From(Takedown.Core.Common.Error.Invalid("sort", "must be oldest or newest"));
            return Api.Ok(await orders.ListAsync(caller, status, page.After, page.Limit, ct, newestFirst: sort == "newest"));
        }).WithSummary("The authority's orders, or the platform's inbox; cursor-paginated with ?after=, oldest first or ?sort=newest.");

        group.MapGet("/{id:guid}", (Guid id, ApiCaller caller, OrdersService orders, CancellationToken ct) =>
            Api.OkAsync(orders.GetAsync(caller, id, ct)))
            .WithSummary("One order with its items, as the caller's side sees it.");

        group.MapGet("/{id:guid}/events", (Guid id, ApiCaller caller, OrdersService orders, CancellationToken ct) =>
            Api.OkAsync(orders.TimelineAsync(caller, id, ct))).WithSummary("The order's timeline: every step with its time and actor.");

        group.MapPost("/{id:guid}/acknowledge", (Guid id, ApiCaller caller, OrdersService orders, CancellationToken ct) =>
            Api.OkAsync(orders.AcknowledgeAsync(caller, id, ct)))
            .WithSummary("The platform acknowledges receipt of the order.");

        group.MapPost("/{id:guid}/items/{itemId:guid}/action", (Guid id, Guid itemId, JsonBody<ActionRequest> body, ApiCaller caller, ItemActionsService items, CancellationToken ct) =>
                Api.OkAsync(items.RecordActionAsync(caller, id, itemId, body.Value, ct)))
            .WithSummary("Record the platform's answer for one item (Annex II: removed/disabled; Annex III: impossible).");

        group.MapPost("/{id:guid}/clarifications", (Guid id, JsonBody<ClarificationRequest> body, ApiCaller caller, ItemActionsService items, CancellationToken ct) =>
                Api.OkAsync(items.ClarifyAsync(caller, id, body.Value, ct)))
            .WithSummary("Answer an 'insufficient information' item; its clock restarts.");

        group.MapPost("/{id:guid}/withdraw", (Guid id, JsonBody<WithdrawRequest> body, ApiCaller caller, ItemActionsService items, CancellationToken ct) =>
                Api.OkAsync(items.WithdrawAsync(caller, id, body.Value, ct)))
            .WithSummary("Withdraw the whole order or one item (item_id).");
    }
}
