using System.Data.Common;
using Dapper;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Deconfliction;

namespace Takedown.Core.Orders;

/// <summary>Orders' side of a deconfliction decision: what happens to the held order and its items (see <see cref="IHeldOrders"/>).</summary>
internal sealed class HeldOrders : IHeldOrders
{
    public async Task ObjectedAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, string orderId, string itemId)
    {
        var stillHeld = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM order_items WHERE id = @id AND status = 'held'", new { id = itemId }, tx);
        if (stillHeld == 0) return;
        await ItemActionsService.WithdrawItemAsync(c, tx, itemId, "deconfliction", now);
        await AuditLog.AppendAsync(c, tx, now, Caller.System, "order.item_withdrawn", orderId: Guid.Parse(orderId),
            itemId: Guid.Parse(itemId), data: new { reason = "deconfliction" }, platformVisible: false);
    }

    public async Task ReleasedAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, string orderId)
    {
        var waiting = await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM order_items WHERE order_id = @o AND status = 'held'", new { o = orderId }, tx);
        await AuditLog.AppendAsync(c, tx, now, Caller.System, "order.released", orderId: Guid.Parse(orderId), platformVisible: false);
        if (waiting > 0) await OrdersService.ReceiveAsync(c, tx, orderId, now, Caller.System);
        else await c.ExecuteAsync("UPDATE orders SET status = 'closed' WHERE id = @o", new { o = orderId }, tx);
    }
}
