using System.Data.Common;
using Takedown.Core.Delivery;

namespace Takedown.Core.Orders;

/// <summary>Who receives an order event.</summary>
[Flags]
public enum OrderAudience
{
    Authority = 1,
    Platform = 2,
    Both = Authority | Platform,
}

/// <summary>Order events, put in the outbox inside the caller's write: Orders knows what an order looks like to each side, Delivery only carries it.</summary>
internal static class OrderEvents
{
    /// <summary>
    /// An order event: the data is the order as the receiving side sees it. The platform hears of an
    /// order only once it has been received (never while held for deconfliction), and its copy does
    /// not say that an item was withdrawn because of another authority's investigation.
    /// </summary>
    public static async Task EnqueueAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, string type, string orderId, OrderAudience to)
    {
        var view = await OrderStore.LoadViewAsync(c, tx, orderId, now);
        if (to.HasFlag(OrderAudience.Authority))
            await Outbox.EnqueueAsync(c, tx, now, view.AuthorityId, type, view, view.Id);
        if (to.HasFlag(OrderAudience.Platform) && view.ReceivedAt is not null)
            await Outbox.EnqueueAsync(c, tx, now, view.PlatformId, type, OrderStore.SeenBy(view, view.PlatformId), view.Id);
    }
}
