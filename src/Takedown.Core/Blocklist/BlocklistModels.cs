namespace Takedown.Core.Blocklist;

public sealed record ProposeListingRequest(
    string? Domain, string? Url, string? Category, string? Reasons, Guid? OrderId, string? Evidence,
    DateTimeOffset? HostNotifiedAt, bool? HostUnreachable, string? HostUnreachableReason,
    bool? Emergency, string? EmergencyJustification, Guid? OrderItemId = null);

public sealed record DelistRequest(string? Reason);

public sealed record ReviewRequest(string? Decision, string? Notes);

public sealed record RecommendationRequest(string? Recommendation, string? Reasons);

public sealed record AnswerRequest(string? Decision, string? Reasons);

public sealed record RecommendationView(
    Guid Id, Guid ListingId, Guid OversightId, string Recommendation, string Reasons, DateTimeOffset CreatedAt,
    string? Answer, string? AnswerReasons, DateTimeOffset? AnsweredAt);

public sealed record ListingView(
    Guid Id, Guid AuthorityId, string Kind, string Value, string Category, string Status,
    string Reasons, Guid? OrderId, string? Evidence,
    DateTimeOffset? HostNotifiedAt, bool HostUnreachable, string? HostUnreachableReason,
    bool Emergency, string? EmergencyJustification,
    Guid ProposedByKey, DateTimeOffset ProposedAt, Guid? ApprovedByKey, DateTimeOffset? ApprovedAt,
    DateTimeOffset? ActiveFrom, DateTimeOffset? ActivatedAt, DateTimeOffset? ReviewDueAt, DateTimeOffset? LastReviewedAt,
    bool ReviewOverdue, DateTimeOffset? DelistedAt, string? DelistReason,
    bool AwaitingAnswer, IReadOnlyList<RecommendationView> Recommendations,
    Guid? OrderItemId, DateTimeOffset? ReinstatementFlaggedAt,
    Guid? ProposedByPerson = null, Guid? ApprovedByPerson = null);

public sealed record ListingPage(IReadOnlyList<ListingView> Data, string? NextCursor);

/// <summary>One key of an ISP or search engine and the newest serial it pulled of one export.</summary>
public sealed record PullView(
    Guid OrgId, string OrgName, string OrgKind, Guid? KeyId, string? Format, long? Serial,
    DateTimeOffset? FirstPulledAt, DateTimeOffset? LastPulledAt, bool Stale, DateTimeOffset? StaleSince, bool Late);

public sealed record PullReport(long CurrentSerial, DateTimeOffset? CurrentSince, IReadOnlyList<PullView> Recipients);

public static class ListingKinds
{
    public const string Domain = "domain";
    public const string Url = "url";
}

public static class ListingStatuses
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Active = "active";
    public const string Delisted = "delisted";
    public static readonly string[] All = [Pending, Approved, Active, Delisted];
}

public static class ListingCategories
{
    public static readonly string[] All = ["terrorism", "csam", "illegal_gambling"];
}

public static class ExportFormats
{
    public const string Rpz = "rpz";
    public const string Hosts = "hosts";
    public const string Csv = "csv";
    public static readonly string[] All = [Rpz, Hosts, Csv];
}
