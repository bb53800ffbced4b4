using Takedown.Core.Common;

namespace Takedown.Web.Common;

/// <summary>
/// The log event ids of the host's own features, one range per feature, apart from every range of Takedown.Core's
/// <c>LogEvents</c> (whose rules apply here too). A Web message for a feature declared in Core, such as the data-request
/// sweep or the audit checkpoint at shutdown, uses that feature's Core range. A new feature takes the next free block of
/// 100 above the highest range declared in either table.
/// </summary>
internal static class LogEvents
{
    public static readonly IReadOnlyList<LogEventRange> Ranges =
    [
        new("Background sweeps", 1100, 1199),
        new("Edge (rate limits, upload slots, forwarded headers)", 13000, 13099),
        new("Cluster (change notifications between nodes)", 14000, 14099),
    ];
}
