using Microsoft.Extensions.Logging;

namespace Takedown.Core.Delivery;

/// <summary>Content-free log messages of delivery: endpoint and event ids, status codes, never URLs, bodies or secrets.</summary>
public static partial class DeliveryLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Delivered event {EventId} to webhook {WebhookId}: {StatusCode} in {LatencyMs} ms")]
    public static partial void Delivered(ILogger logger, string eventId, string webhookId, int? statusCode, double latencyMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Delivery of event {EventId} to webhook {WebhookId} failed ({StatusCode} {Error}); will retry")]
    public static partial void AttemptFailed(ILogger logger, string eventId, string webhookId, int? statusCode, string? error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Webhook sender loop failed; retrying")]
    public static partial void SenderFailed(ILogger logger, Exception ex);
}
