using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Delivery;
using Takedown.Core.Organizations;
using Takedown.Core.Platforms;
using Takedown.Core.Storage;

namespace Takedown.Core.Orders;

/// <summary>The answers on an order: the platform's action per item (Annex II/III), the authority's clarification and withdrawal, and the overdue sweep.</summary>
public sealed class ItemActionsService(IDatabase db, TimeProvider clock, ILogger<ItemActionsService> log)
{
    public async Task<Result<OrderView>> RecordActionAsync(Caller caller, Guid orderId, Guid itemId, ActionRequest request, CancellationToken ct)
    {
        var result = await db.WriteAsync<OrderView>(async (c, tx) =>
        {
            var order = await OrderStore.FindVisibleAsync(c, tx, orderId, caller.OrganizationId);
            if (order is null) return Error.NotFound("order");
            if (order.platform_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the addressed platform records actions.");
            var item = await c.QuerySingleOrDefaultAsync<OrderStore.ItemRow>(
                $"SELECT {OrderStore.ItemColumns} FROM order_items WHERE id = @id AND order_id = @order", new { id = itemId.ToString(), order = order.id }, tx);
            if (item is null) return Error.NotFound("item");
            var now = Time.Now(clock);
            var invalid = await ValidateAsync(c, tx, order, request, now);
            if (invalid is not null) return invalid;
            if (item.duplicate_of is not null)
                return Error.Conflict($"This item is a duplicate of item {item.duplicate_of} and takes its outcome; record the action there.", "item_id");
            if (item.status is not (ItemStatuses.Pending or ItemStatuses.Overdue or ItemStatuses.Impossible))
                return Error.Conflict($"The item is already {item.status}.", "action");

            var actedAt = request.ActedAt ?? now;
            await ApplyAsync(c, tx, caller, order.id, item, request, actedAt, now);
            var duplicates = await c.QueryAsync<OrderStore.ItemRow>(
                $"SELECT {OrderStore.ItemColumns} FROM order_items WHERE duplicate_of = @id AND status IN ('pending', 'overdue', 'impossible')",
                new { id = item.id }, tx);
            foreach (var dup in duplicates)
            {
                await ApplyAsync(c, tx, caller, dup.order_id, dup, request, actedAt, now, duplicateOf: item.id);
            }
            return OrderStore.SeenBy(await OrderStore.LoadViewAsync(c, tx, order.id, now), caller.OrganizationId);
        }, ct);
        if (result.IsSuccess) OrdersLog.ActionRecorded(log, orderId, request.Action!);
        return result;
    }

    private static async Task ApplyAsync(DbConnection c, DbTransaction tx, Caller caller, string orderId, OrderStore.ItemRow item,
        ActionRequest r, DateTimeOffset actedAt, DateTimeOffset now, string? duplicateOf = null)
    {
        var late = item.due_at is not null && actedAt > Time.Load(item.due_at);
        await c.ExecuteAsync(
            """
            UPDATE order_items SET status = @status, action = @action, reason = @reason, explanation = @explanation, rule_id = @rule,
                   acted_at = @acted, late = @late, preserve_until = @preserve
            WHERE id = @id
            """,
            new
            {
                status = r.Action, action = r.Action, reason = r.Reason, explanation = r.Explanation?.Trim(), rule = r.RuleId,
                acted = Time.Store(actedAt), late = late ? 1 : 0, id = item.id,
                preserve = r.Action is Actions.Removed or Actions.Disabled ? Time.Store(Preservation.UntilAfter(actedAt)) : null,
            }, tx);
        await OrderStore.RefreshStatusAsync(c, tx, orderId, now);
        await AuditLog.AppendAsync(c, tx, now, caller, "order.item_actioned", orderId: Guid.Parse(orderId), itemId: Guid.Parse(item.id),
            data: new { action = r.Action, reason = r.Reason, rule_id = r.RuleId, acted_at = actedAt, late, duplicate_of = duplicateOf });
        await OrderEvents.EnqueueAsync(c, tx, now, EventTypes.OrderItemActioned, orderId, OrderAudience.Authority);
    }

    private static async Task<Error?> ValidateAsync(DbConnection c, DbTransaction tx, OrderStore.OrderRow order, ActionRequest r, DateTimeOffset now)
    {
        var v = new Validator();
        if (v.OneOf("action", r.Action, Actions.All))
        {
            switch (r.Action)
            {
                case Actions.Impossible:
                    v.OneOf("reason", r.Reason, Actions.ImpossibleReasons);
                    if (v.Require("explanation", r.Explanation)) v.MaxLength("explanation", r.Explanation, 5_000);
                    break;
                case Actions.NotActioned:
                    if (order.kind == OrderKinds.RemovalOrder)
                        v.Add("action", "not_actioned is for referrals; a removal order is answered with removed, disabled or impossible (Annex III)");
                    else v.OneOf("reason", r.Reason, Actions.NotActionedReasons);
                    v.MaxLength("explanation", r.Explanation, 5_000);
                    break;
                default:
                    if (r.Reason is not null) v.Add("reason", $"is only given with impossible or not_actioned, not with {r.Action}");
                    v.MaxLength("explanation", r.Explanation, 5_000);
                    break;
            }
        }
        if (r.ActedAt is { } at)
        {
            if (at > now) v.Add("acted_at", "must not be in the future");
            else if (order.received_at is not null && at < Time.Load(order.received_at)) v.Add("acted_at", "must not be before the order was received");
        }
        if (r.RuleId is not null)
        {
            var profile = await c.QuerySingleOrDefaultAsync<string>(
                "SELECT profile_json FROM platform_profiles WHERE org_id = @id", new { id = order.platform_id }, tx);
            var rules = profile is null ? [] : JsonSerializer.Deserialize<PlatformProfileRequest>(profile, TakedownJson.Options)?.Rules ?? [];
            if (!rules.Any(x => x.Id == r.RuleId)) v.Add("rule_id", "is not one of your platform's content rules (see your platform profile)");
        }
        return v.IsValid ? null : v.ToError();
    }

    public async Task<Result<OrderView>> ClarifyAsync(Caller caller, Guid orderId, ClarificationRequest request, CancellationToken ct)
    {
        var v = new Validator();
        if (request.ItemId is null) v.Add("item_id", "is required");
        if (v.Require("text", request.Text)) v.MaxLength("text", request.Text, 20_000);
        if (!v.IsValid) return v.ToError();
        return await db.WriteAsync<OrderView>(async (c, tx) =>
        {
            var order = await OrderStore.FindVisibleAsync(c, tx, orderId, caller.OrganizationId);
            if (order is null) return Error.NotFound("order");
            if (order.authority_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the issuing authority clarifies an order.");
            var item = await c.QuerySingleOrDefaultAsync<OrderStore.ItemRow>(
                $"SELECT {OrderStore.ItemColumns} FROM order_items WHERE id = @id AND order_id = @order", new { id = request.ItemId!.Value.ToString(), order = order.id }, tx);
            if (item is null) return Error.Invalid("item_id", "is not an item of this order");
            if (item.status != ItemStatuses.Impossible || item.reason != "insufficient_information")
                return Error.Conflict("Only an item answered impossible for insufficient information can be clarified.", "item_id");
            var now = Time.Now(clock);
            // The clock restarts from the clarification (Art. 3(8) TCO).
            var due = now + await OrdersService.DeadlineAsync(c, tx, order.kind, order.platform_id);
            await c.ExecuteAsync(
                """
                UPDATE order_items SET status = 'pending', due_at = @due, action = NULL, reason = NULL, explanation = NULL,
                       rule_id = NULL, acted_at = NULL, late = NULL
                WHERE id = @id
                """, new { due = Time.Store(due), id = item.id }, tx);
            await OrderStore.RefreshStatusAsync(c, tx, order.id, now);
            await AuditLog.AppendAsync(c, tx, now, caller, "order.clarified", orderId: orderId, itemId: request.ItemId,
                data: new { text = request.Text!.Trim(), due_at = due });
            await OrderEvents.EnqueueAsync(c, tx, now, EventTypes.OrderClarified, order.id, OrderAudience.Platform);
            return await OrderStore.LoadViewAsync(c, tx, order.id, now);
        }, ct);
    }

    public async Task<Result<OrderView>> WithdrawAsync(Caller caller, Guid orderId, WithdrawRequest request, CancellationToken ct)
    {
        var v = new Validator();
        if (v.Require("reason", request.Reason)) v.MaxLength("reason", request.Reason, 5_000);
        if (!v.IsValid) return v.ToError();
        return await db.WriteAsync<OrderView>(async (c, tx) =>
        {
            var order = await OrderStore.FindVisibleAsync(c, tx, orderId, caller.OrganizationId);
            if (order is null) return Error.NotFound("order");
            if (order.authority_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the issuing authority withdraws an order.");
            var now = Time.Now(clock);
            var items = await OrderStore.ItemsAsync(c, tx, [order.id]);
            if (request.ItemId is { } only)
            {
                items = items.Where(i => i.id == only.ToString()).ToList();
                if (items.Count == 0) return Error.Invalid("item_id", "is not an item of this order");
            }
            var open = items.Where(i => !ItemStatuses.IsFinal(i.status) || i.status == ItemStatuses.Impossible).ToList();
            if (open.Count == 0) return Error.Conflict("Nothing left to withdraw: every item already has a final answer.", request.ItemId is null ? null : "item_id");
            foreach (var item in open)
            {
                await WithdrawItemAsync(c, tx, item.id, request.Reason!.Trim(), now);
                await AuditLog.AppendAsync(c, tx, now, caller, "order.item_withdrawn", orderId: orderId, itemId: Guid.Parse(item.id),
                    data: new { reason = request.Reason!.Trim() });
            }
            if (request.ItemId is null)
                await c.ExecuteAsync("UPDATE orders SET withdrawn_reason = @reason WHERE id = @id", new { reason = request.Reason!.Trim(), id = order.id }, tx);
            await OrderStore.RefreshStatusAsync(c, tx, order.id, now);
            await AuditLog.AppendAsync(c, tx, now, caller, "order.withdrawn", orderId: orderId, itemId: request.ItemId, data: new { items = open.Count });
            await OrderEvents.EnqueueAsync(c, tx, now, EventTypes.OrderWithdrawn, order.id, OrderAudience.Platform);
            return await OrderStore.LoadViewAsync(c, tx, order.id, now);
        }, ct);
    }

    /// <summary>Withdraws one item; items that were waiting on it as duplicates stand on their own again.</summary>
    internal static async Task WithdrawItemAsync(DbConnection c, DbTransaction tx, string itemId, string reason, DateTimeOffset now)
    {
        await c.ExecuteAsync("UPDATE order_items SET status = 'withdrawn', withdrawn_reason = @reason WHERE id = @id", new { reason, id = itemId }, tx);
        await c.ExecuteAsync("UPDATE order_items SET duplicate_of = NULL WHERE duplicate_of = @id AND status IN ('pending', 'overdue')", new { id = itemId }, tx);
    }

    /// <summary>
    /// Inside the caller's transaction: the item is back online (a complaint, scrutiny or a court decided so, <paramref name="because"/>,
    /// <paramref name="causeId"/> naming the decision). Its order's status follows, the timeline says so, and the issuing authority is told.
    /// </summary>
    internal static async Task RecordReinstatedAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, Caller actor,
        string orderId, string itemId, string because, Guid causeId)
    {
        await c.ExecuteAsync(
            "UPDATE order_items SET status = 'reinstated', reinstated_at = @now, reinstated_because = @because WHERE id = @id",
            new { now = Time.Store(now), because, id = itemId }, tx);
        await OrderStore.RefreshStatusAsync(c, tx, orderId, now);
        await AuditLog.AppendAsync(c, tx, now, actor, "order.item_reinstated", orderId: Guid.Parse(orderId), itemId: Guid.Parse(itemId),
            data: new { because, cause_id = causeId });
        var view = await OrderStore.LoadViewAsync(c, tx, orderId, now);
        await Outbox.EnqueueAsync(c, tx, now, view.AuthorityId, EventTypes.OrderItemReinstated, new
        {
            order_id = Guid.Parse(orderId), item_id = Guid.Parse(itemId), because, cause_id = causeId, reinstated_at = now, order = view,
        }, Guid.Parse(orderId));
    }

    /// <summary>Marks every pending item past its due time as overdue, once, with an audit event each. Returns how many.</summary>
    public async Task<int> SweepOverdueAsync(CancellationToken ct)
    {
        var result = await db.WriteAsync<int>(async (c, tx) =>
        {
            var now = Time.Now(clock);
            var due = (await c.QueryAsync<(string id, string order_id)>(
                "SELECT id, order_id FROM order_items WHERE status = 'pending' AND due_at <= @now ORDER BY due_at LIMIT 1000",
                new { now = Time.Store(now) }, tx)).ToList();
            foreach (var (id, orderIdText) in due)
            {
                // Another node may have swept the same item first: record only the change this one made.
                if (await c.ExecuteAsync("UPDATE order_items SET status = 'overdue' WHERE id = @id AND status = 'pending'", new { id }, tx) == 0) continue;
                await AuditLog.AppendAsync(c, tx, now, Caller.System, "order.item_overdue", orderId: Guid.Parse(orderIdText), itemId: Guid.Parse(id));
            }
            foreach (var orderIdText in due.Select(d => d.order_id).Distinct())
            {
                await OrderStore.RefreshStatusAsync(c, tx, orderIdText, now);
                await OrderEvents.EnqueueAsync(c, tx, now, EventTypes.OrderOverdue, orderIdText, OrderAudience.Both);
            }
            return due.Count;
        }, ct);
        if (result.Value > 0) OrdersLog.ItemsOverdue(log, result.Value);
        return result.Value;
    }
}
