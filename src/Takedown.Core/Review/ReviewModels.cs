using Takedown.Core.Matching;

namespace Takedown.Core.Review;

/// <summary>What a platform's rule does with a matching upload: open a case only, hold it from publication, or remove it.</summary>
public static class ReviewActions
{
    public const string Review = "review";
    public const string Hold = "hold";
    public const string Remove = "remove";
    public static readonly string[] All = [Hold, Review, Remove];
}

/// <summary>A check's decision: <c>allow</c> when nothing matched, otherwise the strictest action of the rules that applied (review when none did).</summary>
public static class ReviewDecisions
{
    public const string Allow = "allow";

    /// <summary>allow &lt; review &lt; hold &lt; remove: the strictest applicable rule wins.</summary>
    public static int Strictness(string decision) => decision switch
    {
        ReviewActions.Remove => 3,
        ReviewActions.Hold => 2,
        ReviewActions.Review => 1,
        _ => 0,
    };
}

public static class CaseStates
{
    public const string Open = "open";
    public const string Confirmed = "confirmed";
    public const string Dismissed = "dismissed";
    public static readonly string[] All = [Open, Confirmed, Dismissed];
}

/// <summary>
/// The queue's order of labels, most urgent first; an entry without one of these labels ranks last.
/// A case ranks by its lead match: the most severe label, then the smallest distance, then the bank name (ordinal).
/// </summary>
public static class Severity
{
    public static readonly string[] Order =
        ["imminent_credible_threat", "graphic_violence", "radicalisation_recruitment_instruction", "glorification"];

    public static int Rank(string? label)
    {
        var i = label is null ? -1 : Array.IndexOf(Order, label);
        return i < 0 ? Order.Length : i;
    }

    /// <summary>The match that decides the case's place in the queue.</summary>
    public static MatchView Lead(IReadOnlyList<MatchView> matches) => matches
        .OrderBy(m => Rank(m.Labels.Behaviour)).ThenBy(m => m.Distance).ThenBy(m => m.Bank, StringComparer.Ordinal).ThenBy(m => m.EntryId)
        .First();
}

/// <summary>Content a platform is checking: its own id, and signals, a text, or both (or, as multipart, a file).</summary>
public sealed record CheckRequest(string? ContentId, IReadOnlyList<SignalQuery?>? Signals, string? Text);

/// <summary>
/// A check's answer. <see cref="Id"/> and <see cref="CaseId"/> are null when nothing matched (such a check is not kept);
/// <see cref="RuleId"/> names the rule that decided, null for allow and for the default review.
/// </summary>
public sealed record CheckView(Guid? Id, string ContentId, string Decision, Guid? RuleId, IReadOnlyList<MatchView> Matches, Guid? CaseId,
    DateTimeOffset CreatedAt);

/// <summary>The check, and whether this request recorded it (false: nothing matched, or a retry answered from the first check).</summary>
public sealed record CheckOutcome(CheckView Check, bool Created);

/// <summary>A rule: a match of <see cref="SignalType"/> within <see cref="MaxDistance"/> (in <see cref="Bank"/>, with <see cref="Label"/>, when given) leads to <see cref="Action"/>.</summary>
public sealed record RuleRequest(string? SignalType, int? MaxDistance, string? Bank, string? Label, string? Action, bool? AllowAutomaticRemoval);

public sealed record RuleView(Guid Id, string SignalType, int? MaxDistance, string? Bank, string? Label, string Action, bool AllowAutomaticRemoval,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record RuleList(IReadOnlyList<RuleView> Data);

/// <summary>
/// A review case: one per check that matched. <see cref="Label"/>, <see cref="Distance"/> and <see cref="Bank"/> are its lead
/// match's, which give its place in the queue.
/// </summary>
public sealed record CaseView(Guid Id, Guid CheckId, string ContentId, string State, string Decision, Guid? RuleId, string? Label, int Distance,
    string Bank, IReadOnlyList<MatchView> Matches, DateTimeOffset CreatedAt, DateTimeOffset? DecidedAt, string? Note,
    IReadOnlyList<Guid>? FalsePositiveEntries);

public sealed record CasePage(IReadOnlyList<CaseView> Data, string? NextCursor);

/// <summary>The platform inbox's summary: how many cases are open, and the first of them in queue order.</summary>
public sealed record ReviewInbox(long Open, IReadOnlyList<CaseView> First);

public sealed record ConfirmCaseRequest(string? Note);

/// <summary>A dismissal; with <see cref="FalsePositive"/> true, a false_positive opinion is recorded on <see cref="EntryIds"/> (default: every matched entry).</summary>
public sealed record DismissCaseRequest(string? Note, bool? FalsePositive, IReadOnlyList<Guid>? EntryIds);
