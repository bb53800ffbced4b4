using Microsoft.Extensions.Logging;

namespace Takedown.Core.Blocklist;

/// <summary>Content-free log messages of the blocklist: ids, statuses and serials, never names, URLs or reasons.</summary>
internal static partial class BlocklistLog
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Listing {ListingId} proposed ({Kind})")]
    public static partial void Proposed(ILogger logger, Guid listingId, string kind);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Listing {ListingId} approved, status {Status}")]
    public static partial void Approved(ILogger logger, Guid listingId, string status);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Information, Message = "Listing {ListingId} delisted")]
    public static partial void Delisted(ILogger logger, Guid listingId);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Information, Message = "{Count} approved listing(s) became active; serial {Serial}")]
    public static partial void Activated(ILogger logger, int count, long serial);
}
