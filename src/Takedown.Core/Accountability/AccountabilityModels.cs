namespace Takedown.Core.Accountability;

public static class ComplaintStatuses
{
    public const string Open = "open";
    public const string Decided = "decided";
    public static readonly string[] All = [Open, Decided];
}

public static class ComplaintOutcomes
{
    /// <summary>The action stands.</summary>
    public const string Upheld = "upheld";

    /// <summary>The content was removed wrongly and is put back (Art. 10(2) TCO).</summary>
    public const string Reinstated = "reinstated";

    public static readonly string[] All = [Upheld, Reinstated];
}

/// <summary>An uploader's complaint as the platform records it; <c>received_at</c> defaults to now and starts the 2-week clock.</summary>
public sealed record CreateComplaintRequest(string? Text, DateTimeOffset? ReceivedAt);

public sealed record ComplaintDecisionRequest(string? Outcome, string? Explanation);

public sealed record ComplaintView(
    Guid Id, Guid OrderId, Guid ItemId, Guid PlatformId, Guid AuthorityId, string Text, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset DueAt, bool Overdue, string? Outcome, string? Explanation, DateTimeOffset? DecidedAt, bool? Late);

public sealed record ComplaintPage(IReadOnlyList<ComplaintView> Data, string? NextCursor);

public static class ScrutinyOutcomes
{
    /// <summary>The removal order infringes the regulation or fundamental rights: the content is reinstated (Art. 4(4)).</summary>
    public const string Infringes = "infringes";

    /// <summary>The order stands.</summary>
    public const string Upheld = "upheld";

    public static readonly string[] All = [Infringes, Upheld];
}

public static class ScrutinyRequesters
{
    public static readonly string[] All = ["platform", "uploader"];
}

/// <summary>A request for scrutiny, made by the platform for itself or for the uploader (<c>requested_by</c>).</summary>
public sealed record ScrutinyRequest(string? Reasons, string? RequestedBy);

public sealed record ScrutinyDecisionRequest(string? Outcome, string? Reasons);

public sealed record ScrutinyView(
    Guid Id, Guid OrderId, Guid PlatformId, Guid AuthorityId, string MemberState, string RequestedBy, string Reasons, string Status,
    DateTimeOffset RequestedAt, DateTimeOffset DueAt, bool Overdue, string? Outcome, string? DecisionReasons, Guid? DecidedBy,
    DateTimeOffset? DecidedAt, bool? Late, IReadOnlyList<Guid> ReinstatedItems);

public sealed record ScrutinyPage(IReadOnlyList<ScrutinyView> Data, string? NextCursor);
