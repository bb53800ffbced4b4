using Microsoft.Extensions.Logging;

namespace Takedown.Core.Orders;

/// <summary>Content-free log messages of the orders channel: ids and counts, never URLs, reasons or texts.</summary>
internal static partial class OrdersLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Order {OrderId} created: {Kind}, {Items} item(s), held {Held}")]
    public static partial void OrderCreated(ILogger logger, Guid orderId, string kind, int items, bool held);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Action {Action} recorded on order {OrderId}")]
    public static partial void ActionRecorded(ILogger logger, Guid orderId, string action);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "{Count} item(s) became overdue")]
    public static partial void ItemsOverdue(ILogger logger, int count);
}
