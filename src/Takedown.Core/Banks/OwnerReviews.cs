using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Delivery;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Banks;

/// <summary>Bank options (section <c>Banks</c>).</summary>
public sealed class BanksOptions
{
    /// <summary>Days an owner has to review an entry after someone else's reinstatement (default 7, 1 to 90).</summary>
    public int OwnerReviewDays { get; set; } = 7;

    public TimeSpan OwnerReviewTime => TimeSpan.FromDays(OwnerReviewDays);
}

/// <summary>What a bank's owner decides about its entry after another organisation's reinstatement.</summary>
public static class OwnerReviewDecisions
{
    /// <summary>The entry stays as it is for everyone (the reinstating platform's own suppression stays).</summary>
    public const string Keep = "keep";

    /// <summary>The entry's labels are replaced by narrower ones.</summary>
    public const string Narrow = "narrow";

    /// <summary>The entry is disabled for everyone.</summary>
    public const string Disable = "disable";

    public static readonly string[] All = [Keep, Narrow, Disable];
}

public static class OwnerReviewStatuses
{
    public const string Open = "open";
    public const string Decided = "decided";

    /// <summary>A list filter, not a stored status: open and past its due_at.</summary>
    public const string Overdue = "overdue";

    public static readonly string[] Filters = [Open, Decided, Overdue];
}

public sealed record OwnerReviewDecisionRequest(string? Decision, string? Reasons, EntryLabels? Labels);

/// <summary>
/// An owner review: another organisation's reinstatement (<see cref="Cause"/>) touched this entry. The entry stops matching
/// for <see cref="PlatformId"/> only (<see cref="SuppressedForPlatform"/>); only the owner's decision changes it for everyone.
/// </summary>
public sealed record OwnerReviewView(
    Guid Id, string Bank, Guid EntryId, EntryView Entry, Guid Owner, Guid PlatformId, Guid RecordedBy, Guid OrderId, Guid ItemId,
    string Cause, Guid CauseId, string? Court, string? CourtReference, DateTimeOffset OpenedAt, DateTimeOffset DueAt, bool Overdue,
    bool SuppressedForPlatform, string Status, string? Decision, string? Reasons, DateTimeOffset? DecidedAt, bool? Late);

public sealed record OwnerReviewPage(IReadOnlyList<OwnerReviewView> Data, string? NextCursor);

/// <summary>
/// Owner reviews. A reinstatement by one organisation never records anything in a bank owner's name: it opens a review
/// for the owner (event, audit, deadline) and stops the entry matching for the reinstating platform alone. The owner
/// keeps, narrows or disables the entry; anyone else gets 404.
/// </summary>
public sealed class OwnerReviewsService(IDatabase db, TimeProvider clock, ILogger<OwnerReviewsService> log)
{
    // A class with setters, not a positional record: SQLite reports no column type for the computed suppressed column.
    internal sealed class Row
    {
        public string id { get; init; } = "";
        public string entry_id { get; init; } = "";
        public string bank_id { get; init; } = "";
        public string bank { get; init; } = "";
        public string owner_org_id { get; init; } = "";
        public string platform_id { get; init; } = "";
        public string recorded_by_org_id { get; init; } = "";
        public string order_id { get; init; } = "";
        public string item_id { get; init; } = "";
        public string cause { get; init; } = "";
        public string cause_id { get; init; } = "";
        public string? court { get; init; }
        public string? court_reference { get; init; }
        public string opened_at { get; init; } = "";
        public string due_at { get; init; } = "";
        public string status { get; init; } = "";
        public string? decision { get; init; }
        public string? decision_reasons { get; init; }
        public string? decided_at { get; init; }
        public long? late { get; init; }
        public long suppressed { get; init; }
    }

    private const string Select = """
        SELECT r.id, r.entry_id, r.bank_id, b.name AS bank, r.owner_org_id, r.platform_id, r.recorded_by_org_id, r.order_id, r.item_id,
               r.cause, r.cause_id, r.court, r.court_reference, r.opened_at, r.due_at, r.status, r.decision, r.decision_reasons, r.decided_at, r.late,
               (SELECT COUNT(*) FROM bank_entry_suppressions s WHERE s.entry_id = r.entry_id AND s.org_id = r.platform_id) AS suppressed
        FROM bank_owner_reviews r JOIN banks b ON b.id = r.bank_id
        """;

    /// <summary>
    /// Inside a reinstatement's transaction: opens the owner's review of an entry made from the reinstated item, and stops
    /// the entry matching for <paramref name="platformId"/> (unless the platform owns it: then its own review decides).
    /// Audited as <paramref name="actor"/>, the organisation that recorded the reinstatement; the owner is told by event.
    /// </summary>
    internal static async Task OpenAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, Caller actor, BankStore.BankRow bank,
        BankStore.EntryRow entry, string orderId, string itemId, string platformId, string cause, Guid causeId, string? court,
        string? courtReference, TimeSpan reviewTime)
    {
        var id = Guid.CreateVersion7();
        var due = now + reviewTime;
        await c.ExecuteAsync(
            """
            INSERT INTO bank_owner_reviews (id, entry_id, bank_id, owner_org_id, platform_id, recorded_by_org_id, order_id, item_id, cause, cause_id,
                                            court, court_reference, opened_at, due_at, status)
            VALUES (@id, @entry, @bank, @owner, @platform, @by, @order, @item, @cause, @causeId, @court, @courtReference, @now, @due, 'open')
            """,
            new
            {
                id = id.ToString(), entry = entry.id, bank = bank.id, owner = bank.owner_org_id, platform = platformId, by = actor.OrganizationId.ToString(),
                order = orderId, item = itemId, cause, causeId = causeId.ToString(), court, courtReference, now = Time.Store(now), due = Time.Store(due),
            }, tx);
        var suppressed = platformId != bank.owner_org_id;
        if (suppressed)
            await c.ExecuteAsync(
                """
                INSERT INTO bank_entry_suppressions (entry_id, org_id, review_id, created_at) VALUES (@entry, @org, @review, @now)
                ON CONFLICT (entry_id, org_id) DO NOTHING
                """, new { entry = entry.id, org = platformId, review = id.ToString(), now = Time.Store(now) }, tx);
        await AuditLog.AppendAsync(c, tx, now, actor, "bank.owner_review_opened", subjectId: id, data: new
        {
            bank = bank.name, entry_id = Guid.Parse(entry.id), owner_org_id = Guid.Parse(bank.owner_org_id),
            suppressed_for = suppressed ? Guid.Parse(platformId) : (Guid?)null, because = cause, cause_id = causeId, due_at = due,
        });
        var view = ToView((await c.QuerySingleAsync<Row>($"{Select} WHERE r.id = @id", new { id = id.ToString() }, tx)),
            BankStore.ToView((await BankStore.FindEntryAsync(c, tx, bank.id, Guid.Parse(entry.id)))!), now);
        await Outbox.EnqueueAsync(c, tx, now, Guid.Parse(bank.owner_org_id), EventTypes.BankOwnerReviewOpened, view);
    }

    public async Task<Result<OwnerReviewView>> GetAsync(Caller caller, Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await FindAsync(c, null, id, caller.OrganizationId);
        return row is null ? Error.NotFound("review") : await ToViewAsync(c, null, row, Time.Now(clock));
    }

    /// <summary>The caller's own reviews, oldest first; <paramref name="status"/> is open, decided or overdue; <paramref name="after"/> is the last id of the previous page.</summary>
    public async Task<Result<OwnerReviewPage>> ListAsync(Caller caller, string? status, string? after, int limit, CancellationToken ct)
    {
        var v = new Validator();
        if (status is not null) v.OneOf("status", status, OwnerReviewStatuses.Filters);
        if (after is not null && !Guid.TryParse(after, out _)) v.Add("after", "is not a cursor from a previous page");
        if (!v.IsValid) return v.ToError();
        var now = Time.Now(clock);
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<Row>(
            $"""
            {Select}
            WHERE r.owner_org_id = @org
              AND (@status IS NULL OR r.status = @status OR (@status = 'overdue' AND r.status = 'open' AND r.due_at < @now))
              AND (@after IS NULL OR r.id > @after)
            ORDER BY r.id LIMIT @limit
            """,
            new { org = caller.OrganizationId.ToString(), status, now = Time.Store(now), after = after?.ToLowerInvariant(), limit })).ToList();
        var views = new List<OwnerReviewView>();
        foreach (var r in rows) views.Add(await ToViewAsync(c, null, r, now));
        return new OwnerReviewPage(views, rows.Count == limit ? rows[^1].id : null);
    }

    /// <summary>The owner's decision, the only thing that changes the entry for everyone: keep, narrow (new labels) or disable.</summary>
    public async Task<Result<OwnerReviewView>> DecideAsync(Caller caller, Guid id, OwnerReviewDecisionRequest request, CancellationToken ct)
    {
        var v = new Validator();
        v.OneOf("decision", request.Decision, OwnerReviewDecisions.All);
        if (v.Require("reasons", request.Reasons)) v.MaxLength("reasons", request.Reasons, 5_000);
        if (request.Decision == OwnerReviewDecisions.Narrow)
        {
            if (request.Labels is null || (string.IsNullOrWhiteSpace(request.Labels.Entity) && request.Labels.Behaviour is null))
                v.Add("labels", "is required to narrow the entry (entity and/or behaviour)");
            else
            {
                v.MaxLength("labels.entity", request.Labels.Entity, 200);
                v.OneOf("labels.behaviour", request.Labels.Behaviour, Behaviours.All, required: false);
            }
        }
        else if (request.Labels is not null) v.Add("labels", "is only given to narrow the entry");
        if (!v.IsValid) return v.ToError();
        var result = await db.WriteAsync<OwnerReviewView>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, id, caller.OrganizationId);
            if (row is null) return Error.NotFound("review");
            if (row.status != OwnerReviewStatuses.Open) return Error.Conflict($"This review was already decided ({row.decision}).", "decision");
            var entry = (await BankStore.FindEntryAsync(c, tx, row.bank_id, Guid.Parse(row.entry_id)))!;
            var now = Time.Now(clock);
            var late = now > Time.Load(row.due_at);
            switch (request.Decision)
            {
                case OwnerReviewDecisions.Disable when entry.enabled == 1:
                    await c.ExecuteAsync("UPDATE bank_entries SET enabled = 0 WHERE seq = @seq", new { entry.seq }, tx);
                    await BankStore.RecordChangeAsync(c, tx, row.bank_id, entry.id, BankChanges.Disabled, now);
                    await AuditLog.AppendAsync(c, tx, now, caller, "bank.entry_disabled", subjectId: Guid.Parse(entry.id),
                        data: new { bank = row.bank, owner_review_id = id });
                    break;
                case OwnerReviewDecisions.Narrow:
                    var entity = string.IsNullOrWhiteSpace(request.Labels!.Entity) ? null : request.Labels.Entity.Trim();
                    await c.ExecuteAsync("UPDATE bank_entries SET entity = @entity, behaviour = @behaviour WHERE seq = @seq",
                        new { entity, behaviour = request.Labels.Behaviour, entry.seq }, tx);
                    await AuditLog.AppendAsync(c, tx, now, caller, "bank.entry_labels_changed", subjectId: Guid.Parse(entry.id), data: new
                    {
                        bank = row.bank, owner_review_id = id, from = new { entity = entry.entity, behaviour = entry.behaviour },
                        to = new { entity, behaviour = request.Labels.Behaviour },
                    });
                    break;
            }
            await c.ExecuteAsync(
                """
                UPDATE bank_owner_reviews SET status = 'decided', decision = @decision, decision_reasons = @reasons, decided_at = @now, late = @late
                WHERE id = @id
                """,
                new { decision = request.Decision, reasons = request.Reasons!.Trim(), now = Time.Store(now), late = late ? 1 : 0, id = row.id }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "bank.owner_review_decided", subjectId: id,
                data: new { bank = row.bank, entry_id = Guid.Parse(row.entry_id), decision = request.Decision, late });
            return await ToViewAsync(c, tx, (await FindAsync(c, tx, id, caller.OrganizationId))!, now);
        }, ct);
        if (!result.IsSuccess) return result;
        OwnerReviewsLog.Decided(log, id, request.Decision!);
        return result;
    }

    /// <summary>Tenancy: a review is its owner's alone.</summary>
    private static Task<Row?> FindAsync(DbConnection c, DbTransaction? tx, Guid id, Guid org) =>
        c.QuerySingleOrDefaultAsync<Row>($"{Select} WHERE r.id = @id AND r.owner_org_id = @org", new { id = id.ToString(), org = org.ToString() }, tx);

    private static async Task<OwnerReviewView> ToViewAsync(DbConnection c, DbTransaction? tx, Row r, DateTimeOffset now) =>
        ToView(r, BankStore.ToView((await BankStore.FindEntryAsync(c, tx, r.bank_id, Guid.Parse(r.entry_id)))!), now);

    private static OwnerReviewView ToView(Row r, EntryView entry, DateTimeOffset now)
    {
        var due = Time.Load(r.due_at);
        return new OwnerReviewView(Guid.Parse(r.id), r.bank, Guid.Parse(r.entry_id), entry, Guid.Parse(r.owner_org_id), Guid.Parse(r.platform_id),
            Guid.Parse(r.recorded_by_org_id), Guid.Parse(r.order_id), Guid.Parse(r.item_id), r.cause, Guid.Parse(r.cause_id), r.court, r.court_reference,
            Time.Load(r.opened_at), due, r.status == OwnerReviewStatuses.Open && now > due, r.suppressed > 0, r.status, r.decision, r.decision_reasons,
            Time.LoadNullable(r.decided_at), r.late is null ? null : r.late == 1);
    }
}

internal static partial class OwnerReviewsLog
{
    [LoggerMessage(EventId = 10100, Level = LogLevel.Information, Message = "Owner review {ReviewId} decided: {Decision}")]
    public static partial void Decided(ILogger logger, Guid reviewId, string decision);
}
