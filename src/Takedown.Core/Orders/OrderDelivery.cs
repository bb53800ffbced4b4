using System.Data.Common;
using Dapper;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Delivery;
using Takedown.Core.Storage;

namespace Takedown.Core.Orders;

/// <summary>
/// The moment the platform was first told of an order (<c>delivered_at</c>): its first 2xx webhook delivery,
/// or the first time it read the order, its inbox or its feed. Recorded once, with an <c>order.delivered</c> timeline event.
/// Delivery reports webhook and feed receipts through <see cref="IDeliveryReceipts"/>; reads are the order use cases' own.
/// </summary>
internal sealed class OrderDelivery : IDeliveryReceipts
{
    public const string ViaRead = "read";

    public async Task<bool> AnyUnrecordedAsync(DbConnection c, Guid recipient, IReadOnlyList<string> subjectIds) =>
        subjectIds.Count > 0 && await c.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM orders WHERE {Sql.In(c, "id", "@ids")} AND platform_id = @me AND delivered_at IS NULL",
            new { ids = subjectIds.Distinct().ToList(), me = recipient.ToString() }) > 0;

    public Task RecordAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, Caller actor, Guid recipient, IReadOnlyList<string> subjectIds, string channel) =>
        MarkAsync(c, tx, now, actor, recipient, subjectIds, channel);

    /// <summary>Inside a write: stamps the orders among <paramref name="orderIds"/> addressed to <paramref name="platformId"/> not yet marked.</summary>
    public static async Task<int> MarkAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, Caller actor, Guid platformId, IEnumerable<string> orderIds, string via)
    {
        var ids = orderIds.Distinct().ToList();
        if (ids.Count == 0) return 0;
        var unmarked = (await c.QueryAsync<string>(
            $"SELECT id FROM orders WHERE {Sql.In(c, "id", "@ids")} AND platform_id = @platform AND received_at IS NOT NULL AND delivered_at IS NULL",
            new { ids, platform = platformId.ToString() }, tx)).ToList();
        foreach (var id in unmarked)
        {
            await c.ExecuteAsync("UPDATE orders SET delivered_at = @now WHERE id = @id AND delivered_at IS NULL", new { now = Time.Store(now), id }, tx);
            await AuditLog.AppendAsync(c, tx, now, actor, "order.delivered", orderId: Guid.Parse(id), data: new { via });
        }
        return unmarked.Count;
    }

    /// <summary>A read by the addressed platform: marks what is not yet marked (one write, only when needed) and returns the rows as they now stand.</summary>
    internal static async Task<List<OrderStore.OrderRow>> ReadByPlatformAsync(IDatabase db, TimeProvider clock, Caller caller, IReadOnlyList<OrderStore.OrderRow> rows, CancellationToken ct)
    {
        var me = caller.OrganizationId.ToString();
        var unmarked = rows.Where(r => r.platform_id == me && r.delivered_at is null && r.received_at is not null).Select(r => r.id).ToList();
        if (unmarked.Count == 0) return rows.ToList();
        var now = Time.Now(clock);
        await db.WriteAsync<int>(async (c, tx) => await MarkAsync(c, tx, now, caller, caller.OrganizationId, unmarked, ViaRead), ct);
        var stamp = Time.Store(now);
        return rows.Select(r => unmarked.Contains(r.id) ? r with { delivered_at = stamp } : r).ToList();
    }

    internal static async Task<OrderStore.OrderRow> ReadByPlatformAsync(IDatabase db, TimeProvider clock, Caller caller, OrderStore.OrderRow row, CancellationToken ct) =>
        (await ReadByPlatformAsync(db, clock, caller, [row], ct))[0];
}
