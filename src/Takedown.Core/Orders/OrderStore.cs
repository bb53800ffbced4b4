using System.Data.Common;
using System.Text.Json;
using Dapper;
using Takedown.Core.Common;
using Takedown.Core.Storage;

namespace Takedown.Core.Orders;

/// <summary>Reading and re-deriving orders; shared by the use cases that change them.</summary>
internal static class OrderStore
{
    internal sealed record OrderRow(string id, string authority_id, string platform_id, string kind, string reference, string status,
        string created_at, string? received_at, string? due_at, string? acknowledged_at, long emergency, string? confidential_until,
        string body_json, string? withdrawn_reason, string? delivered_at);

    internal sealed record ItemRow(string id, string order_id, long position, string platform_id, string url, string canonical_url,
        string? platform_content_id, string? description, string status, string? due_at, string? action, string? reason,
        string? explanation, string? rule_id, string? acted_at, long? late, string? duplicate_of, string? withdrawn_reason);

    public const string OrderColumns = "id, authority_id, platform_id, kind, reference, status, created_at, received_at, due_at, acknowledged_at, emergency, confidential_until, body_json, withdrawn_reason, delivered_at";
    public const string ItemColumns = "id, order_id, position, platform_id, url, canonical_url, platform_content_id, description, status, due_at, action, reason, explanation, rule_id, acted_at, late, duplicate_of, withdrawn_reason";

    /// <summary>
    /// Tenancy lives here: the issuing authority sees its orders; the addressed platform sees them once
    /// received (never while held); everyone else, nothing.
    /// </summary>
    public const string VisibleTo = "((o.authority_id = @org) OR (o.platform_id = @org AND o.received_at IS NOT NULL))";

    public static async Task<OrderRow?> FindVisibleAsync(DbConnection c, DbTransaction? tx, Guid orderId, Guid org) =>
        await c.QuerySingleOrDefaultAsync<OrderRow>(
            $"SELECT {OrderColumns} FROM orders o WHERE o.id = @id AND {VisibleTo}", new { id = orderId.ToString(), org = org.ToString() }, tx);

    public static async Task<List<ItemRow>> ItemsAsync(DbConnection c, DbTransaction? tx, IEnumerable<string> orderIds)
    {
        var ids = orderIds.ToList();
        if (ids.Count == 0) return [];
        return (await c.QueryAsync<ItemRow>($"SELECT {ItemColumns} FROM order_items WHERE {Sql.In(c, "order_id", "@ids")} ORDER BY order_id, position", new { ids }, tx)).ToList();
    }

    /// <summary>What an item's status is at <paramref name="now"/>: a pending item past its due time is overdue even before the sweep runs.</summary>
    public static string EffectiveStatus(string status, string? dueAt, DateTimeOffset now) =>
        status == ItemStatuses.Pending && dueAt is not null && string.CompareOrdinal(dueAt, Time.Store(now)) <= 0 ? ItemStatuses.Overdue : status;

    public static string DeriveOrderStatus(bool held, IEnumerable<string> effectiveItemStatuses)
    {
        if (held) return OrderStatuses.Held;
        var list = effectiveItemStatuses.ToList();
        if (list.All(ItemStatuses.IsFinal)) return OrderStatuses.Closed;
        return list.Contains(ItemStatuses.Overdue) ? OrderStatuses.Overdue : OrderStatuses.Open;
    }

    /// <summary>Re-derives and stores an order's status from its items (inside the caller's transaction).</summary>
    public static async Task<string> RefreshStatusAsync(DbConnection c, DbTransaction tx, string orderId, DateTimeOffset now)
    {
        var order = await c.QuerySingleAsync<(string status, string? received_at)>(
            "SELECT status, received_at FROM orders WHERE id = @id", new { id = orderId }, tx);
        var items = await c.QueryAsync<(string status, string? due_at)>(
            "SELECT status, due_at FROM order_items WHERE order_id = @id", new { id = orderId }, tx);
        var held = order.status == OrderStatuses.Held && order.received_at is null && items.Any(i => i.status == ItemStatuses.Held);
        var status = DeriveOrderStatus(held, items.Select(i => EffectiveStatus(i.status, i.due_at, now)));
        if (status != order.status)
            await c.ExecuteAsync("UPDATE orders SET status = @status WHERE id = @id", new { status, id = orderId }, tx);
        return status;
    }

    public static OrderView ToView(OrderRow o, IEnumerable<ItemRow> items, DateTimeOffset now)
    {
        var body = JsonSerializer.Deserialize<OrderBody>(o.body_json, TakedownJson.Options)!;
        var itemViews = items.OrderBy(i => i.position).Select(i => new OrderItemView(
            Guid.Parse(i.id), (int)i.position, i.url, i.platform_content_id, i.description, EffectiveStatus(i.status, i.due_at, now),
            Time.LoadNullable(i.due_at), i.action, i.reason, i.explanation, i.rule_id, Time.LoadNullable(i.acted_at),
            i.late is null ? null : i.late == 1, i.duplicate_of is null ? null : Guid.Parse(i.duplicate_of), i.withdrawn_reason)).ToList();
        var status = o.status == OrderStatuses.Held ? OrderStatuses.Held : DeriveOrderStatus(false, itemViews.Select(i => i.Status));
        return new OrderView(Guid.Parse(o.id), o.kind, status, Guid.Parse(o.authority_id), Guid.Parse(o.platform_id), o.reference,
            Time.Load(o.created_at), Time.LoadNullable(o.received_at), Time.LoadNullable(o.due_at), Time.LoadNullable(o.acknowledged_at), Time.LoadNullable(o.delivered_at),
            o.emergency == 1, Time.LoadNullable(o.confidential_until), body.Reasons, body.TerroristContentTypes, body.LegalBasis,
            body.Language, body.FollowUpContact, body.Redress, o.withdrawn_reason, itemViews);
    }

    /// <summary>
    /// The order as one side may see it: the platform never learns that an item was withdrawn because
    /// of another authority's investigation (deconfliction), only that it was withdrawn.
    /// </summary>
    public static OrderView SeenBy(OrderView view, Guid viewer) => viewer == view.AuthorityId ? view : view with
    {
        Items = view.Items.Select(i => i.WithdrawnReason == "deconfliction" ? i with { WithdrawnReason = null } : i).ToList(),
    };

    public static async Task<OrderView> LoadViewAsync(DbConnection c, DbTransaction? tx, string orderId, DateTimeOffset now)
    {
        var o = await c.QuerySingleAsync<OrderRow>($"SELECT {OrderColumns} FROM orders WHERE id = @id", new { id = orderId }, tx);
        return ToView(o, await ItemsAsync(c, tx, [orderId]), now);
    }
}
