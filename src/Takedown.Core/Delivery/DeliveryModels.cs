using System.Text.Json;

namespace Takedown.Core.Delivery;

/// <summary>The event types an organisation can receive, exactly as webhooks and the pull feed name them.</summary>
public static class EventTypes
{
    public const string OrderCreated = "order.created";
    public const string OrderItemActioned = "order.item_actioned";
    public const string OrderOverdue = "order.overdue";
    public const string OrderClarified = "order.clarified";
    public const string OrderWithdrawn = "order.withdrawn";
    public const string OrderItemReinstated = "order.item_reinstated";
    public const string ScrutinyRequested = "scrutiny.requested";
    public const string ScrutinyDecided = "scrutiny.decided";
    public const string DeconflictionRequested = "deconfliction.requested";
    public const string DataRequestCreated = "data_request.created";
    public const string DataRequestEmergency = "data_request.emergency";
    public const string DataRequestEscalated = "data_request.escalated";
    public const string DataRequestProduced = "data_request.produced";
    public const string WebhookFailing = "webhook.failing";
    public const string WebhookRecovered = "webhook.recovered";
    public const string ReviewCaseOpened = "review.case_opened";
    public const string ReviewCaseDecided = "review.case_decided";

    /// <summary>To a bank's owner: another organisation's reinstatement touched its entry; keep, narrow or disable it.</summary>
    public const string BankOwnerReviewOpened = "bank.owner_review_opened";

    /// <summary>To the organisation that recorded a court reinstatement: the issuing authority contests it.</summary>
    public const string ReinstatementContested = "reinstatement.contested";

    public static readonly string[] All =
        [OrderCreated, OrderItemActioned, OrderOverdue, OrderClarified, OrderWithdrawn, OrderItemReinstated, ScrutinyRequested, ScrutinyDecided,
         DeconflictionRequested, DataRequestCreated, DataRequestEmergency, DataRequestEscalated, DataRequestProduced, WebhookFailing, WebhookRecovered,
         ReviewCaseOpened, ReviewCaseDecided, BankOwnerReviewOpened, ReinstatementContested];
}

public static class EndpointStatuses
{
    public const string Active = "active";

    /// <summary>Too many consecutive failures: the owner was told; deliveries still retry, no longer in strict order.</summary>
    public const string Failing = "failing";
}

public static class DeliveryStatuses
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";

    /// <summary>Still failing after the retry window: kept, visible and redeliverable, never dropped silently.</summary>
    public const string Failed = "failed";

    /// <summary>The endpoint was deleted before delivery.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>Delivery settings (section Webhooks). Defaults are safe: https only, public addresses only.</summary>
public sealed class WebhooksOptions
{
    /// <summary>Hosts (names or IP literals) exempt from the public-address rule, which may also use plain http. Empty by default.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Seconds a receiver has to answer one delivery (default 10).</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>At most this many bytes of a receiver's answer are read (default 64 KiB); the rest is discarded.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    /// <summary>First retry after about this many seconds, doubling each time up to an hour (default 10).</summary>
    public int RetryBaseSeconds { get; set; } = 10;

    /// <summary>How long a delivery keeps being retried before it is marked failed (default 24 h).</summary>
    public int RetryForHours { get; set; } = 24;

    /// <summary>Consecutive failed attempts after which an endpoint is marked failing and its owner told (default 5).</summary>
    public int FailingAfter { get; set; } = 5;

    /// <summary>Seconds between the sender's safety polls; it is also woken at once by every commit that enqueues (default 5).</summary>
    public int PollSeconds { get; set; } = 5;

    /// <summary>
    /// Seconds a node's claim on an endpoint lasts before another node may take it over (several nodes on
    /// PostgreSQL); renewed before each post while less than half remains. 0 (the default) means
    /// 2 × TimeoutSeconds + 20, so a post always finishes inside the claim it started under.
    /// </summary>
    public int LeaseSeconds { get; set; }

    /// <summary>File holding the key that seals endpoint secrets at rest (default: webhook-secrets.key in the data directory).</summary>
    public string? SecretKeyFile { get; set; }

    public bool IsAllowedHost(string host) =>
        AllowedHosts.Any(h => string.Equals(h.Trim().Trim('[', ']'), host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase));
}

/// <summary>What is delivered, by webhook and by the pull feed: the same envelope.</summary>
public sealed record EventEnvelope(Guid Id, string Type, DateTimeOffset CreatedAt, JsonElement Data);

public sealed record EventPage(IReadOnlyList<EventEnvelope> Data, string NextCursor);

public sealed record WebhookRequest(string? Url, List<string>? Events);

public sealed record WebhookView(Guid Id, string Url, IReadOnlyList<string> Events, string Status, int ConsecutiveFailures,
    DateTimeOffset? FailingSince, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>The answer to creating an endpoint or rotating its secret: the only time the secret is shown.</summary>
public sealed record WebhookWithSecret(Guid Id, string Url, IReadOnlyList<string> Events, string Status, DateTimeOffset CreatedAt, string Secret);

public sealed record AttemptView(int Number, DateTimeOffset At, int? StatusCode, double LatencyMs, string? Error);

public sealed record DeliveryView(Guid Id, Guid EventId, string EventType, string Status, int Attempts, DateTimeOffset? NextAttemptAt,
    DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, IReadOnlyList<AttemptView> AttemptLog);

public sealed record DeliveryPage(IReadOnlyList<DeliveryView> Data, string? NextCursor);
