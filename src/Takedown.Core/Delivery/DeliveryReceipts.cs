using System.Data.Common;
using Takedown.Core.Common;

namespace Takedown.Core.Delivery;

/// <summary>How an event reached its recipient: a 2xx answer to a webhook delivery, or a read of the pull feed.</summary>
public static class ReceiptChannels
{
    public const string Webhook = "webhook";
    public const string Feed = "feed";
}

/// <summary>
/// What follows, inside the same transaction, when a recipient has demonstrably received events about some subjects
/// (the order an event names). Delivery carries events and knows nothing of what they are about: the feature owning
/// the subjects records the receipt in its own tables (Orders stamps the order's delivered_at).
/// </summary>
public interface IDeliveryReceipts
{
    /// <summary>Whether a receipt of any of <paramref name="subjectIds"/> by <paramref name="recipient"/> would still record something (lets a read skip the write).</summary>
    Task<bool> AnyUnrecordedAsync(DbConnection c, Guid recipient, IReadOnlyList<string> subjectIds);

    /// <summary>Inside a write: records that <paramref name="recipient"/> received events about <paramref name="subjectIds"/> via <paramref name="channel"/>.</summary>
    Task RecordAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, Caller actor, Guid recipient, IReadOnlyList<string> subjectIds, string channel);
}
