using System.Text.Json;

namespace Takedown.Core.Orders;

/// <summary>The words of the orders channel, exactly as the API, the database and the UI spell them.</summary>
public static class OrderKinds
{
    public const string RemovalOrder = "removal_order";
    public const string Referral = "referral";
    public static readonly string[] All = [RemovalOrder, Referral];
}

public static class TerroristContentTypes
{
    /// <summary>Art. 2(7) TCO (a)–(e).</summary>
    public static readonly string[] All = ["incitement", "soliciting_offences", "soliciting_participation", "instructions", "threats"];
}

public static class ItemStatuses
{
    public const string Held = "held";
    public const string Pending = "pending";
    public const string Overdue = "overdue";
    public const string Removed = "removed";
    public const string Disabled = "disabled";
    public const string Impossible = "impossible";
    public const string NotActioned = "not_actioned";
    public const string Withdrawn = "withdrawn";

    /// <summary>Removed or disabled, then put back (complaint upheld for the uploader, scrutiny found the order infringing, court).</summary>
    public const string Reinstated = "reinstated";

    /// <summary>States in which the platform still owes an answer.</summary>
    public static readonly string[] Open = [Pending, Overdue];

    public static bool IsFinal(string s) => s is Removed or Disabled or Impossible or NotActioned or Withdrawn or Reinstated;
}

public static class OrderStatuses
{
    public const string Held = "held";
    public const string Open = "open";
    public const string Overdue = "overdue";
    public const string Closed = "closed";
    public static readonly string[] All = [Held, Open, Overdue, Closed];
}

public static class Actions
{
    public const string Removed = "removed";
    public const string Disabled = "disabled";
    public const string Impossible = "impossible";
    public const string NotActioned = "not_actioned";
    public static readonly string[] All = [Removed, Disabled, Impossible, NotActioned];

    /// <summary>Annex III reasons for not executing a removal order.</summary>
    public static readonly string[] ImpossibleReasons = ["force_majeure", "manifest_error", "insufficient_information"];

    /// <summary>Why a referral was not acted on; "exempt" covers Art. 1(3): journalism, research, art, counter-speech.</summary>
    public static readonly string[] NotActionedReasons = ["not_violating", "not_found", "exempt"];
}

public sealed record CreateOrderItem(string? Url, string? PlatformContentId, string? Description);

/// <summary>An order as an authority sends it (Annex I fields).</summary>
public sealed record CreateOrderRequest(
    string? Kind, Guid? PlatformId, string? Reference, List<CreateOrderItem>? Items, string? Reasons,
    List<string>? TerroristContentTypes, string? LegalBasis, bool? Emergency, DateTimeOffset? ConfidentialUntil,
    string? Language, string? FollowUpContact, string? Redress);

public sealed record ActionRequest(string? Action, string? Reason, string? Explanation, string? RuleId, DateTimeOffset? ActedAt);

public sealed record ClarificationRequest(Guid? ItemId, string? Text);

public sealed record WithdrawRequest(string? Reason, Guid? ItemId);

public sealed record OrderItemView(
    Guid Id, int Position, string Url, string? PlatformContentId, string? Description, string Status, DateTimeOffset? DueAt,
    string? Action, string? Reason, string? Explanation, string? RuleId, DateTimeOffset? ActedAt, bool? Late,
    Guid? DuplicateOf, string? WithdrawnReason);

public sealed record OrderView(
    Guid Id, string Kind, string Status, Guid AuthorityId, Guid PlatformId, string Reference, DateTimeOffset CreatedAt,
    DateTimeOffset? ReceivedAt, DateTimeOffset? DueAt, DateTimeOffset? AcknowledgedAt, DateTimeOffset? DeliveredAt, bool Emergency,
    DateTimeOffset? ConfidentialUntil, string? Reasons, IReadOnlyList<string> TerroristContentTypes, string? LegalBasis,
    string? Language, string? FollowUpContact, string? Redress, string? WithdrawnReason, IReadOnlyList<OrderItemView> Items);

public sealed record OrderPage(IReadOnlyList<OrderView> Data, string? NextCursor);

public sealed record TimelineEvent(DateTimeOffset At, string Type, Guid? ItemId, Guid? ActorOrgId, Guid? ActorKeyId, JsonElement Data);

/// <summary>The stored Annex I text of an order (kept as one document; nothing in it is queried).</summary>
internal sealed record OrderBody(
    string? Reasons, List<string> TerroristContentTypes, string? LegalBasis, string? Language, string? FollowUpContact, string? Redress);
