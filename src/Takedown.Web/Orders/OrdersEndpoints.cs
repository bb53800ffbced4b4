using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Orders;
using Takedown.Web.Common;

namespace Takedown.Web.Orders;

internal static class OrdersEndpoints
{
    public static void MapOrders(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/orders").WithTags("Orders").RequireScopes();

        group.MapPost("/", (HttpRequest req, ClaimsPrincipal user, OrdersService orders, CancellationToken ct) =>
                Api.CreatedAsync<CreateOrderRequest, OrderView>(req, body => orders.CreateAsync(user.ToCaller(), body, ct), o => $"/api/v1/orders/{o.Id}"))
            .Accepts<CreateOrderRequest>("application/json")
            .WithSummary("Issue a removal order or a referral; the platform's clock starts at receipt.");

        group.MapGet("/", async Task<Results<Ok<OrderPage>, ProblemHttpResult>> (
            string? status, string? after, string? limit, string? sort, ClaimsPrincipal user, OrdersService orders, CancellationToken ct) =>
        {
            var size = Api.Limit(limit);
            if (!size.IsSuccess) return Problems.From(size.Error!);
            if (sort is not (null or "oldest" or "newest")) return Problems.From(Takedown.Core.Common.Error.Invalid("sort", "must be oldest or newest"));
            return Api.Ok(await orders.ListAsync(user.ToCaller(), status, after, size.Value, ct, newestFirst: sort == "newest"));
        }).WithSummary("The authority's orders, or the platform's inbox; cursor-paginated with ?after=, oldest first or ?sort=newest.");

        group.MapGet("/{id:guid}", (Guid id, ClaimsPrincipal user, OrdersService orders, CancellationToken ct) =>
            Api.OkAsync(orders.GetAsync(user.ToCaller(), id, ct)))
            .WithSummary("One order with its items, as the caller's side sees it.");

        group.MapGet("/{id:guid}/events", (Guid id, ClaimsPrincipal user, OrdersService orders, CancellationToken ct) =>
            Api.OkAsync(orders.TimelineAsync(user.ToCaller(), id, ct))).WithSummary("The order's timeline: every step with its time and actor.");

        group.MapPost("/{id:guid}/acknowledge", (Guid id, ClaimsPrincipal user, OrdersService orders, CancellationToken ct) =>
            Api.OkAsync(orders.AcknowledgeAsync(user.ToCaller(), id, ct)))
            .WithSummary("The platform acknowledges receipt of the order.");

        group.MapPost("/{id:guid}/items/{itemId:guid}/action", (Guid id, Guid itemId, HttpRequest req, ClaimsPrincipal user, ItemActionsService items, CancellationToken ct) =>
                Api.OkAsync<ActionRequest, OrderView>(req, body => items.RecordActionAsync(user.ToCaller(), id, itemId, body, ct)))
            .Accepts<ActionRequest>("application/json")
            .WithSummary("Record the platform's answer for one item (Annex II: removed/disabled; Annex III: impossible).");

        group.MapPost("/{id:guid}/clarifications", (Guid id, HttpRequest req, ClaimsPrincipal user, ItemActionsService items, CancellationToken ct) =>
                Api.OkAsync<ClarificationRequest, OrderView>(req, body => items.ClarifyAsync(user.ToCaller(), id, body, ct)))
            .Accepts<ClarificationRequest>("application/json")
            .WithSummary("Answer an 'insufficient information' item; its clock restarts.");

        group.MapPost("/{id:guid}/withdraw", (Guid id, HttpRequest req, ClaimsPrincipal user, ItemActionsService items, CancellationToken ct) =>
                Api.OkAsync<WithdrawRequest, OrderView>(req, body => items.WithdrawAsync(user.ToCaller(), id, body, ct)))
            .Accepts<WithdrawRequest>("application/json")
            .WithSummary("Withdraw the whole order or one item (item_id).");
    }
}
