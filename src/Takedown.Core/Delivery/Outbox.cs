using System.Data.Common;
using System.Text.Json;
using Dapper;
using Takedown.Core.Common;
using Takedown.Core.Storage;

namespace Takedown.Core.Delivery;

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
}
