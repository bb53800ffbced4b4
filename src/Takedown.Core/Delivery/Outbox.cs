using System.Data.Common;
using System.Text.Json;
using Dapper;
using Takedown.Core.Common;
using Takedown.Core.Storage;
using Takedown.Core.Orders;

namespace Takedown.Core.Delivery;

/// <summary>Who receives an order event.</summary>
[Flags]
public enum OrderAudience
{
    Authority = 1,
    Platform = 2,
    Both = Authority | Platform,
}

/// <summary>
/// The durable outbox. Every event is written inside the caller's write transaction, so it commits
/// with the change that causes it, or not at all; a delivery row is added for each of the receiving
/// organisation's endpoints subscribed to the type. The sender and the pull feed read from here.
/// </summary>
public static class Outbox
{
    public static async Task<Guid> EnqueueAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, Guid orgId, string type, object data, Guid? orderId = null)
    {
        var id = Guid.CreateVersion7();
        var at = Time.Store(now);
        // Readers page by seq: seq must follow commit order.
        await Sql.LockSequencedWritesAsync(c, tx);
        var seq = await c.ExecuteScalarAsync<long>(
            """
            INSERT INTO outbox_events (id, org_id, type, order_id, data_json, created_at)
            VALUES (@id, @org, @type, @order, @data, @at) RETURNING seq
            """,
            new { id = id.ToString(), org = orgId.ToString(), type, order = orderId?.ToString(), data = JsonSerializer.Serialize(data, TakedownJson.Options), at }, tx);
        var endpoints = await c.QueryAsync<(string id, string events_json)>(
            "SELECT id, events_json FROM webhook_endpoints WHERE org_id = @org AND deleted_at IS NULL", new { org = orgId.ToString() }, tx);
        foreach (var (endpointId, eventsJson) in endpoints)
        {
            var events = JsonSerializer.Deserialize<List<string>>(eventsJson) ?? [];
            if (!events.Contains(type)) continue;
            await c.ExecuteAsync(
                """
                INSERT INTO webhook_deliveries (id, endpoint_id, event_seq, status, attempts, next_attempt_at, created_at, delivered_at)
                VALUES (@id, @endpoint, @seq, 'pending', 0, @at, @at, NULL)
                """, new { id = Guid.CreateVersion7().ToString(), endpoint = endpointId, seq, at }, tx);
        }
        CommitEffects.Raise(new OutboxEnqueued(orgId));
        // Other nodes' long polls and senders wake when this commits.
        await ChangeNotifications.NotifyAsync(c, tx);
        return id;
    }

    /// <summary>
    /// An order event: the data is the order as the receiving side sees it. The platform hears of an
    /// order only once it has been received (never while held for deconfliction), and its copy does
    /// not say that an item was withdrawn because of another authority's investigation.
    /// </summary>
    public static async Task EnqueueOrderAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, string type, string orderId, OrderAudience to)
    {
        var view = await OrderStore.LoadViewAsync(c, tx, orderId, now);
        if (to.HasFlag(OrderAudience.Authority))
            await EnqueueAsync(c, tx, now, view.AuthorityId, type, view, view.Id);
        if (to.HasFlag(OrderAudience.Platform) && view.ReceivedAt is not null)
            await EnqueueAsync(c, tx, now, view.PlatformId, type, OrderStore.SeenBy(view, view.PlatformId), view.Id);
    }

    /// <summary>Tells the investigating authority which of its identifiers a held order touches; never who sent it.</summary>
    public static async Task EnqueueHoldAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, Guid holdId)
    {
        var hold = await c.QuerySingleAsync<(string authority_id, string entry_id, string kind, string value, string status, string created_at)>(
            """
            SELECT h.authority_id, h.entry_id, e.kind, e.value, h.status, h.created_at
            FROM deconfliction_holds h JOIN deconfliction_entries e ON e.id = h.entry_id WHERE h.id = @id
            """, new { id = holdId.ToString() }, tx);
        await EnqueueAsync(c, tx, now, Guid.Parse(hold.authority_id), EventTypes.DeconflictionRequested, new
        {
            id = holdId, entry_id = Guid.Parse(hold.entry_id), entry_kind = hold.kind, entry_value = hold.value, status = hold.status,
            created_at = Time.Load(hold.created_at),
        });
    }

}
