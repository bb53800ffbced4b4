namespace Takedown.Core.Banks;

/// <summary>Who may use a bank: only its owner, the owner and named members, or every member organisation.</summary>
public static class BankVisibilities
{
    public const string Private = "private";
    public const string Shared = "shared";
    public const string AllMembers = "all_members";
    public static readonly string[] All = [Private, Shared, AllMembers];
}

/// <summary>
/// The kinds of signal a bank holds: PDQ (perceptual, matched by distance), MD5 and SHA-256 (exact),
/// url (canonical URL matched exactly, or a bare domain matching every URL on it and its subdomains)
/// and text (MinHash signature of the normalised text, matched by estimated overlap).
/// </summary>
public static class SignalTypes
{
    public const string Pdq = "pdq";
    public const string Md5 = "md5";
    public const string Sha256 = "sha256";
    public const string Url = "url";
    public const string Text = "text";
    public const string Vpdq = "vpdq";
    public const string VideoMd5 = "video_md5";
    public static readonly string[] All = [Pdq, Md5, Sha256, Url, Text, Vpdq, VideoMd5];

    /// <summary>The types an uploaded file can be hashed to (text: a UTF-8 .txt file).</summary>
    public static readonly string[] FromFile = [Pdq, Md5, Sha256, Text, Vpdq, VideoMd5];

    /// <summary>PDQ hashes below this quality are too weak to match on (Meta's and GIFCT's convention).</summary>
    public const int MinPdqQuality = 50;

    /// <summary>The signal in canonical form (lowercase hex of the right length), or null when it is not one.</summary>
    public static string? Normalize(string signalType, string? signal)
    {
        if (signal is null) return null;
        if (signalType == Url) return Takedown.Core.Common.UrlSignals.Normalize(signal);
        if (signalType == Text) return Takedown.Core.Hashing.TextSignature.TryParse(signal, out var text) ? text.ToString() : null;
        if (signalType == Vpdq)
            return Takedown.Core.Hashing.VideoSignature.TryParse(signal, out var frames) ? Takedown.Core.Hashing.VideoSignature.Format(frames) : null;
        var length = signalType switch { Pdq => 64, Md5 => 32, VideoMd5 => 32, Sha256 => 64, _ => -1 };
        if (signal.Length != length) return null;
        foreach (var c in signal)
            if (!char.IsAsciiHexDigit(c)) return null;
        return signal.ToLowerInvariant();
    }

    public static string FormatOf(string signalType) => signalType switch
    {
        Pdq => "must be 64 hexadecimal digits (a PDQ hash)",
        Md5 or VideoMd5 => "must be 32 hexadecimal digits (an MD5 digest)",
        Vpdq => "must be vPDQ frames as this service writes them (seconds,quality,hash separated by ;); or upload the video as multipart 'file'",
        Url => "must be an absolute http(s) URL, or a bare domain such as example.com",
        Text => "must be a text signature (count:1024 hex digits) as this service computes it; send the text itself as \"text\"",
        _ => "must be 64 hexadecimal digits (a SHA-256 digest)",
    };
}

/// <summary>GIFCT-style behaviour labels.</summary>
public static class Behaviours
{
    public static readonly string[] All =
        ["imminent_credible_threat", "graphic_violence", "glorification", "radicalisation_recruitment_instruction"];
}

/// <summary>What a member thinks of an entry; the owner's false_positive stops the entry matching.</summary>
public static class Opinions
{
    public const string Agree = "agree";
    public const string Disagree = "disagree";
    public const string FalsePositive = "false_positive";
    public static readonly string[] All = [Agree, Disagree, FalsePositive];
}

/// <summary>The kinds of change the incremental feed carries, in commit order.</summary>
public static class BankChanges
{
    public const string Added = "added";
    public const string Disabled = "disabled";
    public const string Enabled = "enabled";
    public const string FalsePositive = "false_positive";
    public const string FalsePositiveWithdrawn = "false_positive_withdrawn";
}

public sealed record CreateBankRequest(string? Name, string? Visibility, IReadOnlyList<Guid>? Members, string? Description);

public sealed record UpdateBankRequest(string? Visibility, IReadOnlyList<Guid>? Members);

public sealed record BankView(Guid Id, string Name, Guid Owner, string Visibility, IReadOnlyList<Guid> Members, string? Description,
    DateTimeOffset CreatedAt, long Entries, long EnabledEntries);

/// <summary>Labels of an entry: the producing entity and a GIFCT-style behaviour.</summary>
public sealed record EntryLabels(string? Entity, string? Behaviour);

/// <summary>An entry given as a signal, or for signal_type text as the text itself (<see cref="Text"/>: hashed, not kept).</summary>
public sealed record AddEntryRequest(string? SignalType, string? Signal, int? Quality, EntryLabels? Labels, string? Source, Guid? OrderItemId, string? Text = null);

/// <summary>An entry added from an uploaded file: the file is hashed (<see cref="SignalType"/>, default pdq) and not kept.</summary>
public sealed record AddFileEntryRequest(string? SignalType, EntryLabels? Labels, string? Source, Guid? OrderItemId);

public sealed record OpinionCounts(long Agree, long Disagree, long FalsePositive);

public sealed record EntryView(Guid Id, string Bank, string SignalType, string Signal, int? Quality, EntryLabels Labels, string? Source,
    Guid AddedBy, DateTimeOffset AddedAt, Guid? OrderItemId, string Status, bool Matchable, OpinionCounts Opinions);

public sealed record OpinionRequest(string? Opinion);

public sealed record FeedChange(string Cursor, string Change, DateTimeOffset At, EntryView Entry);

/// <summary>One page of a bank's changes; keep <see cref="NextCursor"/> and ask again with ?after= to stay in sync.</summary>
public sealed record BankFeedPage(IReadOnlyList<FeedChange> Data, string? NextCursor, bool HasMore);
