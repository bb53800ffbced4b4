using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Audit;
using Takedown.Core.Banks;
using Takedown.Core.Common;
using Takedown.Core.Delivery;
using Takedown.Core.Hashing;
using Takedown.Core.Matching;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Review;

/// <summary>
/// Review of matches (the actioner). A platform checks content from its upload pipeline; a check that
/// matches anything in the banks the platform may use is kept with the decision its rules give, and opens
/// one review case in the platform's queue; a reviewer confirms or dismisses it, and a dismissal can
/// record a false_positive opinion on the matched entries. One check per (platform, content id): a
/// retry is answered from the first check and never opens a second case. A check that matches nothing
/// is answered <c>allow</c> and not kept. Only the platform that posted a check sees it (404 otherwise).
/// </summary>
public sealed class ReviewService(IDatabase db, MatchService match, TimeProvider clock, ILogger<ReviewService> log)
{
    public const int MaxContentIdLength = 200;
    public const int MaxNoteLength = 5_000;

    internal sealed record CheckRow(string id, string org_id, string content_id, string fingerprint, string decision, string? rule_id,
        string matches_json, string created_at, string? case_id);

    internal sealed record CaseRow(string id, string org_id, string check_id, string content_id, string state, string decision, string? rule_id,
        long severity_rank, string? label, long distance, string bank, long match_count, string created_at, string? decided_at, string? note,
        string? false_positive_json, string matches_json);

    private const string CheckSelect = """
        SELECT k.id, k.org_id, k.content_id, k.fingerprint, k.decision, k.rule_id, k.matches_json, k.created_at, r.id AS case_id
        FROM review_checks k LEFT JOIN review_cases r ON r.check_id = k.id
        """;

    private const string CaseSelect = """
        SELECT r.id, r.org_id, r.check_id, r.content_id, r.state, r.decision, r.rule_id, r.severity_rank, r.label, r.distance, r.bank,
               r.match_count, r.created_at, r.decided_at, r.note, r.false_positive_json, k.matches_json
        FROM review_cases r JOIN review_checks k ON k.id = r.check_id
        """;

    /// <summary>Checks signals and/or a text (JSON).</summary>
    public async Task<Result<CheckOutcome>> CheckAsync(Caller caller, CheckRequest request, CancellationToken ct)
    {
        var v = ValidateCommon(caller, request.ContentId, out var forbidden);
        if (forbidden is not null) return forbidden;
        if ((request.Signals is null || request.Signals.Count == 0) && request.Text is null)
            v.Add("signals", "give signals, a text, or both (or upload the content as multipart field 'file')");
        if (!v.IsValid) return v.ToError();
        var lines = (request.Signals ?? []).Select(s => $"signal\t{s?.SignalType}\t{s?.Signal?.Trim().ToLowerInvariant()}").Order(StringComparer.Ordinal).ToList();
        if (request.Text is not null) lines.Add("text\t" + request.Text);
        var fingerprint = Fingerprint(lines);
        if (await ReplayAsync(caller, request.ContentId!, fingerprint, ct) is { } replay) return replay;
        var matches = await match.MatchContentAsync(caller, request.Signals, request.Text, ct);
        if (!matches.IsSuccess) return matches.Error!;
        return await RecordAsync(caller, request.ContentId!, fingerprint, matches.Value, ct);
    }

    /// <summary>Checks an uploaded file (hashed as the match API does: MD5, SHA-256, dihedral PDQ, vPDQ, or text for .txt), with an optional text.</summary>
    public async Task<Result<CheckOutcome>> CheckFileAsync(Caller caller, string? contentId, string? text, ReadOnlyMemory<byte> file, string? fileName,
        CancellationToken ct)
    {
        var v = ValidateCommon(caller, contentId, out var forbidden);
        if (forbidden is not null) return forbidden;
        if (!v.IsValid) return v.ToError();
        var lines = new List<string> { "file\t" + ExactHashes.Sha256Hex(file.Span) };
        if (text is not null) lines.Add("text\t" + text);
        var fingerprint = Fingerprint(lines);
        if (await ReplayAsync(caller, contentId!, fingerprint, ct) is { } replay) return replay;
        var fromFile = await match.MatchFileAsync(caller, file, null, ct, fileName);
        if (!fromFile.IsSuccess) return fromFile.Error!;
        IReadOnlyList<MatchView> matches = fromFile.Value.Matches;
        if (text is not null)
        {
            var fromText = await match.MatchContentAsync(caller, null, text, ct);
            if (!fromText.IsSuccess) return fromText.Error!;
            matches = Merge(matches, fromText.Value);
        }
        return await RecordAsync(caller, contentId!, fingerprint, matches, ct);
    }

    public async Task<Result<CheckView>> GetCheckAsync(Caller caller, Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<CheckRow>($"{CheckSelect} WHERE k.id = @id AND k.org_id = @org",
            new { id = id.ToString(), org = Org(caller) });
        return row is null ? Error.NotFound("check") : ToView(row);
    }

    public async Task<Result<CaseView>> GetCaseAsync(Caller caller, Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await FindCaseAsync(c, null, id, caller);
        return row is null ? Error.NotFound("case") : ToView(row);
    }

    /// <summary>
    /// The platform's cases in queue order: label severity (imminent_credible_threat first, unlabelled last), then the
    /// smallest distance, then bank name, then age; <paramref name="state"/> filters; <paramref name="after"/> is the last case id of the previous page.
    /// </summary>
    public async Task<Result<CasePage>> ListCasesAsync(Caller caller, string? state, string? after, int limit, CancellationToken ct)
    {
        if (!caller.IsPlatform) return ReviewRulesService.NotAPlatform();
        var v = new Validator();
        if (state is not null) v.OneOf("state", state, CaseStates.All);
        if (after is not null && !Guid.TryParse(after, out _)) v.Add("after", "is not a cursor from a previous page");
        if (limit is < 1 or > 200) v.Add("limit", "must be between 1 and 200");
        if (!v.IsValid) return v.ToError();
        await using var c = await db.OpenAsync(ct);
        var rows = await QueueAsync(c, caller, state, after is null ? null : Guid.Parse(after), limit);
        if (rows is null) return Error.Invalid("after", "is not a cursor from a previous page");
        return new CasePage(rows.Select(ToView).ToList(), rows.Count == limit ? rows[^1].id : null);
    }

    /// <summary>For the platform's web inbox: the number of open cases and the first <paramref name="take"/> of them.</summary>
    public async Task<ReviewInbox> InboxAsync(Caller caller, int take, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var open = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM review_cases WHERE org_id = @org AND state = 'open'", new { org = Org(caller) });
        var first = open == 0 ? [] : await QueueAsync(c, caller, CaseStates.Open, null, take) ?? [];
        return new ReviewInbox(open, first.Select(ToView).ToList());
    }

    public async Task<Result<CaseView>> ConfirmAsync(Caller caller, Guid id, ConfirmCaseRequest request, CancellationToken ct)
    {
        var v = new Validator();
        v.MaxLength("note", request.Note, MaxNoteLength);
        if (!v.IsValid) return v.ToError();
        var result = await db.WriteAsync<CaseView>(async (c, tx) =>
        {
            var row = await FindCaseAsync(c, tx, id, caller);
            if (row is null) return Error.NotFound("case");
            var now = Time.Now(clock);
            if (await ClaimAsync(c, tx, now, caller, row, CaseStates.Confirmed, request.Note) is { } decided) return decided;
            await RecordDecisionAsync(c, tx, now, caller, row, CaseStates.Confirmed, null);
            return ToView((await FindCaseAsync(c, tx, id, caller))!);
        }, ct);
        if (result.IsSuccess) ReviewLog.CaseDecided(log, id, CaseStates.Confirmed, 0);
        return result;
    }

    public async Task<Result<CaseView>> DismissAsync(Caller caller, Guid id, DismissCaseRequest request, CancellationToken ct)
    {
        var v = new Validator();
        v.MaxLength("note", request.Note, MaxNoteLength);
        if (request.EntryIds is not null && request.FalsePositive != true) v.Add("entry_ids", "is only given with false_positive: true");
        if (request.EntryIds is { Count: 0 }) v.Add("entry_ids", "must name at least one matched entry, or be left out for all of them");
        if (!v.IsValid) return v.ToError();
        var falsePositives = 0;
        var result = await db.WriteAsync<CaseView>(async (c, tx) =>
        {
            var row = await FindCaseAsync(c, tx, id, caller);
            if (row is null) return Error.NotFound("case");
            var now = Time.Now(clock);
            if (await ClaimAsync(c, tx, now, caller, row, CaseStates.Dismissed, request.Note) is { } decided) return decided;
            List<Guid>? flagged = null;
            if (request.FalsePositive == true)
            {
                var matches = Matches(row.matches_json);
                var ids = (request.EntryIds ?? matches.Select(m => m.EntryId).ToList()).Distinct().ToList();
                if (ids.Any(e => matches.All(m => m.EntryId != e))) return Error.Invalid("entry_ids", "names an entry this case did not match");
                flagged = [];
                foreach (var m in matches.Where(m => ids.Contains(m.EntryId)))
                {
                    // The opinion goes through the banks' own code: the owner's false_positive stops the entry matching.
                    var bank = await BankStore.FindUsableAsync(c, tx, m.Bank, caller.OrganizationId);
                    var entry = bank is null ? null : await BankStore.FindEntryAsync(c, tx, bank.id, m.EntryId);
                    if (entry is null) continue;
                    await BanksService.ApplyOpinionAsync(c, tx, now, caller, bank!, entry, Opinions.FalsePositive, why: new { review_case_id = id });
                    flagged.Add(m.EntryId);
                }
            }
            falsePositives = flagged?.Count ?? 0;
            await RecordDecisionAsync(c, tx, now, caller, row, CaseStates.Dismissed, flagged);
            return ToView((await FindCaseAsync(c, tx, id, caller))!);
        }, ct);
        if (result.IsSuccess) ReviewLog.CaseDecided(log, id, CaseStates.Dismissed, falsePositives);
        return result;
    }

    /// <summary>Moves an open case to its decided state; a conflict when it was decided already (also by a concurrent request).</summary>
    private static async Task<Error?> ClaimAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, Caller caller, CaseRow row, string state, string? note)
    {
        if (row.state != CaseStates.Open) return Error.Conflict($"This case was already {row.state}.", "state");
        var claimed = await c.ExecuteAsync(
            "UPDATE review_cases SET state = @state, decided_at = @now, note = @note WHERE id = @id AND org_id = @org AND state = 'open'",
            new { state, now = Time.Store(now), note = note?.Trim(), row.id, org = Org(caller) }, tx);
        return claimed == 1 ? null : Error.Conflict("This case was decided meanwhile.", "state");
    }

    private static async Task RecordDecisionAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, Caller caller, CaseRow row, string state,
        List<Guid>? falsePositives)
    {
        if (falsePositives is not null)
            await c.ExecuteAsync("UPDATE review_cases SET false_positive_json = @fp WHERE id = @id AND org_id = @org",
                new { fp = JsonSerializer.Serialize(falsePositives, TakedownJson.Options), row.id, org = Org(caller) }, tx);
        await AuditLog.AppendAsync(c, tx, now, caller, state == CaseStates.Confirmed ? "review.case_confirmed" : "review.case_dismissed",
            subjectId: Guid.Parse(row.id), data: new { check_id = Guid.Parse(row.check_id), content_id = row.content_id, decision = row.decision, false_positive_entries = falsePositives });
        var view = ToView((await FindCaseAsync(c, tx, Guid.Parse(row.id), caller))!);
        await Outbox.EnqueueAsync(c, tx, now, caller.OrganizationId, EventTypes.ReviewCaseDecided, view);
    }

    /// <summary>Keeps a check that matched, with its decision and its case, unless this content id was checked already.</summary>
    private async Task<Result<CheckOutcome>> RecordAsync(Caller caller, string contentId, string fingerprint, IReadOnlyList<MatchView> matches,
        CancellationToken ct)
    {
        var now = Time.Now(clock);
        if (matches.Count == 0)
        {
            ReviewLog.Checked(log, 0, ReviewDecisions.Allow);
            return new CheckOutcome(new CheckView(null, contentId, ReviewDecisions.Allow, null, [], null, now), false);
        }
        var replayed = false;
        var result = await db.WriteAsync<CheckView>(async (c, tx) =>
        {
            var rules = await ReviewRulesService.LoadAsync(c, tx, caller);
            var (decision, ruleId) = ReviewRulesService.Decide(rules, matches);
            var checkId = Guid.CreateVersion7().ToString();
            var inserted = await c.ExecuteAsync(
                """
                INSERT INTO review_checks (id, org_id, content_id, fingerprint, decision, rule_id, matches_json, created_at)
                VALUES (@checkId, @org, @contentId, @fingerprint, @decision, @ruleId, @matches, @now)
                ON CONFLICT (org_id, content_id) DO NOTHING
                """,
                new { checkId, org = Org(caller), contentId, fingerprint, decision, ruleId, matches = JsonSerializer.Serialize(matches, TakedownJson.Options), now = Time.Store(now) }, tx);
            if (inserted == 0)
            {
                // Another request for the same content id got there first: answer from its check.
                var first = await FindCheckAsync(c, tx, caller, contentId);
                if (first!.fingerprint != fingerprint) return ChangedContent();
                replayed = true;
                return ToView(first);
            }
            var lead = Severity.Lead(matches);
            var caseId = Guid.CreateVersion7();
            await c.ExecuteAsync(
                """
                INSERT INTO review_cases (id, org_id, check_id, content_id, state, decision, rule_id, severity_rank, label, distance, bank, match_count,
                    created_at, decided_at, note, false_positive_json)
                VALUES (@id, @org, @checkId, @contentId, 'open', @decision, @ruleId, @rank, @label, @distance, @bank, @count, @now, NULL, NULL, NULL)
                """,
                new
                {
                    id = caseId.ToString(), org = Org(caller), checkId, contentId, decision, ruleId, rank = (long)Severity.Rank(lead.Labels.Behaviour),
                    label = Severity.Order.Contains(lead.Labels.Behaviour) ? lead.Labels.Behaviour : null, distance = (long)lead.Distance, bank = lead.Bank,
                    count = (long)matches.Count, now = Time.Store(now),
                }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "review.case_opened", subjectId: caseId, data: new
            {
                check_id = Guid.Parse(checkId), content_id = contentId, decision, rule_id = ruleId, matches = matches.Count,
                entries = matches.Select(m => m.EntryId).ToList(),
            });
            var view = ToView((await FindCaseAsync(c, tx, caseId, caller))!);
            await Outbox.EnqueueAsync(c, tx, now, caller.OrganizationId, EventTypes.ReviewCaseOpened, view);
            return ToView((await FindCheckAsync(c, tx, caller, contentId))!);
        }, ct);
        if (!result.IsSuccess) return result.Error!;
        if (!replayed) ReviewLog.Checked(log, matches.Count, result.Value.Decision);
        return new CheckOutcome(result.Value, !replayed);
    }

    /// <summary>The first answer for a content id already checked; a conflict when the same id now comes with other content.</summary>
    private async Task<Result<CheckOutcome>?> ReplayAsync(Caller caller, string contentId, string fingerprint, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var first = await FindCheckAsync(c, null, caller, contentId);
        if (first is null) return null;
        if (first.fingerprint != fingerprint) return ChangedContent();
        return new CheckOutcome(ToView(first), false);
    }

    private static Error ChangedContent() => Error.Conflict(
        "This content_id was already checked with different content; a retry must send the same content, and other content needs its own content_id.",
        "content_id");

    private static Validator ValidateCommon(Caller caller, string? contentId, out Error? forbidden)
    {
        forbidden = caller.IsPlatform ? null : ReviewRulesService.NotAPlatform();
        var v = new Validator();
        if (v.Require("content_id", contentId))
        {
            v.MaxLength("content_id", contentId, MaxContentIdLength);
            if (contentId!.Any(char.IsControl)) v.Add("content_id", "must not contain control characters");
        }
        return v;
    }

    private static IReadOnlyList<MatchView> Merge(IReadOnlyList<MatchView> a, IReadOnlyList<MatchView> b) =>
        a.Concat(b).GroupBy(m => m.EntryId).Select(g => g.MinBy(m => m.Distance)!)
            .OrderBy(m => m.Distance).ThenBy(m => m.Bank, StringComparer.Ordinal).ToList();

    private static string Fingerprint(IEnumerable<string> lines) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));

    /// <summary>Cases in queue order after the case <paramref name="after"/> (null when that case is not the caller's).</summary>
    private static async Task<List<CaseRow>?> QueueAsync(DbConnection c, Caller caller, string? state, Guid? after, int limit)
    {
        var org = Org(caller);
        var where = "r.org_id = @org AND (@state IS NULL OR r.state = @state)";
        object args = new { org, state, limit };
        if (after is { } a)
        {
            var cursor = await c.QuerySingleOrDefaultAsync<(long severity_rank, long distance, string bank, string id)?>(
                "SELECT severity_rank, distance, bank, id FROM review_cases WHERE id = @id AND org_id = @org", new { id = a.ToString(), org });
            if (cursor is null) return null;
            where += """
                 AND (r.severity_rank > @rank OR (r.severity_rank = @rank AND (r.distance > @distance OR (r.distance = @distance
                      AND (r.bank > @bank OR (r.bank = @bank AND r.id > @id))))))
                """;
            args = new { org, state, limit, rank = cursor.Value.severity_rank, distance = cursor.Value.distance, bank = cursor.Value.bank, id = cursor.Value.id };
        }
        return (await c.QueryAsync<CaseRow>($"{CaseSelect} WHERE {where} ORDER BY r.severity_rank, r.distance, r.bank, r.id LIMIT @limit", args)).ToList();
    }

    private static Task<CheckRow?> FindCheckAsync(DbConnection c, DbTransaction? tx, Caller caller, string contentId) =>
        c.QuerySingleOrDefaultAsync<CheckRow>($"{CheckSelect} WHERE k.org_id = @org AND k.content_id = @contentId",
            new { org = Org(caller), contentId }, tx);

    private static Task<CaseRow?> FindCaseAsync(DbConnection c, DbTransaction? tx, Guid id, Caller caller) =>
        c.QuerySingleOrDefaultAsync<CaseRow>($"{CaseSelect} WHERE r.id = @id AND r.org_id = @org", new { id = id.ToString(), org = Org(caller) }, tx);

    private static string Org(Caller caller) => caller.OrganizationId.ToString();

    private static List<MatchView> Matches(string json) => JsonSerializer.Deserialize<List<MatchView>>(json, TakedownJson.Options) ?? [];

    private static CheckView ToView(CheckRow r) => new(Guid.Parse(r.id), r.content_id, r.decision, r.rule_id is null ? null : Guid.Parse(r.rule_id),
        Matches(r.matches_json), r.case_id is null ? null : Guid.Parse(r.case_id), Time.Load(r.created_at));

    private static CaseView ToView(CaseRow r) => new(Guid.Parse(r.id), Guid.Parse(r.check_id), r.content_id, r.state, r.decision,
        r.rule_id is null ? null : Guid.Parse(r.rule_id), r.label, (int)r.distance, r.bank, Matches(r.matches_json), Time.Load(r.created_at),
        Time.LoadNullable(r.decided_at), r.note, r.false_positive_json is null ? null : JsonSerializer.Deserialize<List<Guid>>(r.false_positive_json, TakedownJson.Options));
}
