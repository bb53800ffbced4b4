namespace Takedown.Core.Common;

/// <summary>One feature's block of log event ids, both ends included.</summary>
internal readonly record struct LogEventRange(string Feature, int First, int Last);

/// <summary>
/// The log event ids of Takedown.Core, one range per feature. An id names one message for good, so operators can alert
/// on it across versions: a new message takes the next unused id in its feature's range, and an id is never given to
/// another message. A new feature takes the next free block of 100 above the highest range declared here or in
/// Takedown.Web's <c>LogEvents</c>; the two tables never overlap, and Web's messages for a feature declared here use its
/// range. A test fails on a duplicate id, an id outside every range, or overlapping ranges.
/// </summary>
internal static class LogEvents
{
    public static readonly IReadOnlyList<LogEventRange> Ranges =
    [
        new("Orders", 1000, 1099),
        new("Banks", 2000, 2099),
        new("Delivery", 3000, 3099),
        new("Data requests", 4000, 4099),
        new("Hashing", 5000, 5099),
        new("Matching", 6000, 6099),
        new("Review", 7000, 7099),
        new("Blocklist", 8000, 8099),
        new("Accountability (complaints, reinstatements, scrutiny)", 9000, 9099),
        new("Retention sweeps (evidence preservation, productions)", 9100, 9199),
        new("Owner reviews and contested reinstatements", 10100, 10199),
        new("Audit", 10200, 10299),
        new("Secrets", 10300, 10399),
        new("Users and sessions", 10400, 10449),
    ];
}
