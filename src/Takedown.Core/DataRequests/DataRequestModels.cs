namespace Takedown.Core.DataRequests;

public static class DataRequestKinds
{
    public const string Preservation = "preservation";
    public const string Disclosure = "disclosure";
    public const string EmergencyDisclosure = "emergency_disclosure";
    public static readonly string[] All = [Preservation, Disclosure, EmergencyDisclosure];
}

public static class ProcessTypes
{
    public static readonly string[] All = ["subpoena", "court_order", "warrant", "european_production_order", "european_preservation_order", "other"];
}

public static class DataCategories
{
    public static readonly string[] All = ["subscriber", "identification", "traffic", "content"];
}

/// <summary>Where a data request stands. A request is answered once: produced, preserved (then expired), objected; or withdrawn.</summary>
public static class DataRequestStatuses
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string ClarificationRequested = "clarification_requested";
    public const string Narrowed = "narrowed";
    public const string Preserved = "preserved";
    public const string Produced = "produced";
    public const string Objected = "objected";
    public const string Expired = "expired";
}

public sealed record DataTarget(string? Id, string? Url, string? Handle);

/// <summary>A data request as an authority sends it (fields from the platforms' law-enforcement guidelines and Regulation (EU) 2023/1543).</summary>
public sealed record CreateDataRequest(
    string? Kind, Guid? PlatformId, string? CaseReference, string? Agency, string? Officer, string? OfficialEmail, string? Phone,
    string? LegalBasis, string? ProcessType, List<DataTarget>? Targets, List<string>? DataCategories,
    DateTimeOffset? DateFrom, DateTimeOffset? DateTo, DateTimeOffset? NonDisclosureUntil, string? DangerDescription,
    Guid? PreservationRequestId);

/// <summary>The platform's answer short of a production: clarification asked, scope narrowed, or an objection.</summary>
public sealed record DataRequestAnswer(string? Reasons);

public sealed record DataRequestFileView(Guid Id, string Name, string Sha256, long Size, string ContentType);

public sealed record DataRequestView(
    Guid Id, string Kind, string Status, Guid AuthorityId, Guid PlatformId, string CaseReference, string ProcessType,
    DateTimeOffset ReceivedAt, DateTimeOffset DueAt, DateTimeOffset? AcknowledgedAt, DateTimeOffset? PreserveUntil, int Extensions,
    DateTimeOffset? EscalatedAt, Guid? PreservationRequestId, string? Answer, DateTimeOffset? AnsweredAt,
    CreateDataRequest? Details, IReadOnlyList<DataRequestFileView> Attachments, IReadOnlyList<Guid> Productions);

/// <summary>What a production contains, exactly as signed: the signature covers these bytes.</summary>
public sealed record ProductionManifest(
    Guid ProductionId, Guid DataRequestId, string CaseReference, Guid PlatformId, Guid AuthorityId, DateTimeOffset CreatedAt,
    IReadOnlyList<ManifestFile> Files, string? KeyId = null);

public sealed record ManifestFile(string Name, string Sha256, long Size, string ContentType);

public sealed record ProductionView(Guid Id, Guid DataRequestId, DateTimeOffset CreatedAt, ProductionManifest Manifest, string Signature, string KeyId);

/// <summary>Deadlines and limits for data requests.</summary>
public sealed class DataRequestOptions
{
    /// <summary>Emergency disclosure: 8 hours (Regulation (EU) 2023/1543, Art. 10(4)).</summary>
    public double EmergencyHours { get; set; } = 8;

    /// <summary>Disclosure: 10 days (Art. 10(2)).</summary>
    public double DisclosureDays { get; set; } = 10;

    /// <summary>A preservation request is acknowledged within this many hours.</summary>
    public double PreservationAckHours { get; set; } = 24;

    /// <summary>How long preserved data is kept (90 days, as the platforms' law-enforcement guidelines and 18 U.S.C. 2703(f)).</summary>
    public int PreservationDays { get; set; } = 90;

    /// <summary>Each extension adds this many days.</summary>
    public int ExtensionDays { get; set; } = 90;

    public int MaxExtensions { get; set; } = 1;

    /// <summary>Per process type overrides; by default a European preservation order keeps 60 days, extendable once by 30 (Art. 11).</summary>
    public Dictionary<string, PreservationRule> PreservationByProcessType { get; set; } = new()
    {
        ["european_preservation_order"] = new PreservationRule { Days = 60, ExtensionDays = 30, MaxExtensions = 1 },
    };

    /// <summary>An emergency not acknowledged after this many minutes is escalated.</summary>
    public int EmergencyEscalationMinutes { get; set; } = 15;

    public long MaxFileBytes { get; set; } = 100L * 1024 * 1024;

    public long MaxRequestBytes { get; set; } = 512L * 1024 * 1024;

    public int MaxFiles { get; set; } = 100;

    /// <summary>
    /// Months Takedown keeps a production's files after it was produced, unless the data request is under a legal hold
    /// (6 by default, as the TCO's preservation period; Regulation (EU) 2023/1543 sets no period for the service in between).
    /// </summary>
    public int ProductionRetentionMonths { get; set; } = 6;
}

public sealed class PreservationRule
{
    public int Days { get; set; }
    public int ExtensionDays { get; set; }
    public int MaxExtensions { get; set; }
}
