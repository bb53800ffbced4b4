namespace Takedown.Core.Banks;

/// <summary>Who may use a bank: only its owner, the owner and named members, or every member organisation.</summary>
public static class BankVisibilities
{
    public const string Private = "private";
    public const string Shared = "shared";
    public const string AllMembers = "all_members";
    public static readonly string[] All = [Private, Shared, AllMembers];
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

/// <summary>
/// An entry added from an uploaded file: the file is hashed as <see cref="SignalType"/> (default: the kind the file is
/// recognised as, see FileSignals) and not kept. <see cref="FileName"/> is the client's name for it (a .txt file is text).
/// </summary>
public sealed record AddFileEntryRequest(string? SignalType, EntryLabels? Labels, string? Source, Guid? OrderItemId, string? FileName = null);

public sealed record OpinionCounts(long Agree, long Disagree, long FalsePositive);

public sealed record EntryView(Guid Id, string Bank, string SignalType, string Signal, int? Quality, EntryLabels Labels, string? Source,
    Guid AddedBy, DateTimeOffset AddedAt, Guid? OrderItemId, string Status, bool Matchable, OpinionCounts Opinions);

public sealed record OpinionRequest(string? Opinion);

public sealed record FeedChange(string Cursor, string Change, DateTimeOffset At, EntryView Entry);

/// <summary>One page of a bank's changes; keep <see cref="NextCursor"/> and ask again with ?after= to stay in sync.</summary>
public sealed record BankFeedPage(IReadOnlyList<FeedChange> Data, string? NextCursor, bool HasMore);
