using Takedown.Core.Orders;

namespace Takedown.Core.Tests.Orders;

public sealed class OrderStatusTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PendingItem_PastDueAt_IsOverdue_AndBeforeItIsPending()
    {
        Assert.Equal("overdue", OrderStore.EffectiveStatus("pending", Takedown.Core.Common.Time.Store(Now.AddSeconds(-1)), Now));
        Assert.Equal("pending", OrderStore.EffectiveStatus("pending", Takedown.Core.Common.Time.Store(Now.AddSeconds(1)), Now));
        Assert.Equal("removed", OrderStore.EffectiveStatus("removed", Takedown.Core.Common.Time.Store(Now.AddSeconds(-1)), Now));
    }

    [Theory]
    [InlineData(new[] { "removed", "withdrawn" }, "closed")]
    [InlineData(new[] { "removed", "pending" }, "open")]
    [InlineData(new[] { "overdue", "pending" }, "overdue")]
    [InlineData(new[] { "impossible", "not_actioned" }, "closed")]
    public void OrderStatus_FollowsItsItems(string[] items, string expected) =>
        Assert.Equal(expected, OrderStore.DeriveOrderStatus(false, items));
}
