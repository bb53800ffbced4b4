namespace Takedown.Web.Edge;

/// <summary>Log messages of the edge (event ids 13000-13099, see Common/LogEvents.cs): key ids and counts, never addresses, paths or content.</summary>
internal static partial class EdgeLog
{
    [LoggerMessage(EventId = 13001, Level = LogLevel.Information, Message = "API key {KeyId} passed its limit of {Kind} a minute; answered 429")]
    public static partial void RateLimited(ILogger logger, string keyId, string kind);

    [LoggerMessage(EventId = 13002, Level = LogLevel.Warning, Message = "No hashing slot came free; upload answered 503")]
    public static partial void HashingBusy(ILogger logger);

    [LoggerMessage(EventId = 13003, Level = LogLevel.Information, Message = "Forwarded headers believed from {Proxies} prox(ies) and {Networks} network(s)")]
    public static partial void Proxies(ILogger logger, int proxies, int networks);
}
