using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Blocklist;

/// <summary>
/// Listings of domains and URLs to block or de-list. A listing is proposed by an authority and approved by a
/// second, different person of the same authority (a two-person step: it counts people, not keys), and takes effect once the host has had
/// <see cref="BlocklistOptions.PriorRequestHours"/> to remove the content (unless an emergency or an
/// unreachable host is recorded). Every change that alters an export bumps the serial in the same transaction.
/// </summary>
public sealed class BlocklistService(IDatabase db, TimeProvider clock, BlocklistOptions options, ILogger<BlocklistService> log)
{
    internal sealed record Body(string Reasons, string? Evidence, string? HostUnreachableReason, string? EmergencyJustification);

    internal sealed record Row(
        string id, string authority_id, string kind, string value, string match_value, string category, string status, string body_json,
        string? order_id, string? host_notified_at, long host_unreachable, long emergency, string proposed_by_key, string proposed_at,
        string? approved_by_key, string? approved_at, string? active_from, string? activated_at, string? review_due_at,
        string? last_reviewed_at, string? delisted_at, string? delisted_by_key, string? delist_reason, string? order_item_id,
        string? reinstatement_flagged_at, string? proposed_by_person, string? approved_by_person);

    private sealed record RecommendationRow(
        string id, string listing_id, string oversight_id, string key_id, string recommendation, string reasons, string created_at,
        string? answer, string? answer_reasons, string? answered_at, string? answered_by_key);

    internal const string Columns =
        "id, authority_id, kind, value, match_value, category, status, body_json, order_id, host_notified_at, host_unreachable, emergency, " +
        "proposed_by_key, proposed_at, approved_by_key, approved_at, active_from, activated_at, review_due_at, last_reviewed_at, " +
        "delisted_at, delisted_by_key, delist_reason, order_item_id, reinstatement_flagged_at, proposed_by_person, approved_by_person";

    private static readonly string[] LiveStatuses = [ListingStatuses.Pending, ListingStatuses.Approved, ListingStatuses.Active];

    public async Task<Result<ListingView>> ProposeAsync(Caller caller, ProposeListingRequest request, CancellationToken ct)
    {
        if (!caller.IsAuthority) return Error.Forbidden("Only authorities propose blocklist listings.");
        var now = Time.Now(clock);
        var checkedRequest = Validate(request, now);
        if (!checkedRequest.IsSuccess) return checkedRequest.Error!;
        var (kind, value, match) = checkedRequest.Value;

        var result = await db.WriteAsync<ListingView>(async (c, tx) =>
        {
            if (request.OrderId is { } orderId)
            {
                var own = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM orders WHERE id = @id AND authority_id = @a",
                    new { id = orderId.ToString(), a = caller.OrganizationId.ToString() }, tx);
                if (own == 0) return Error.Invalid("order_id", "is not one of your organisation's orders");
            }
            if (request.OrderItemId is { } itemId)
            {
                var ownItem = await c.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.id = @id AND o.authority_id = @a",
                    new { id = itemId.ToString(), a = caller.OrganizationId.ToString() }, tx);
                if (ownItem == 0) return Error.Invalid("order_item_id", "is not an item of one of your organisation's orders");
            }
            var live = await c.ExecuteScalarAsync<long>(
                $"SELECT COUNT(*) FROM blocklist_listings WHERE kind = @kind AND match_value = @match AND {Sql.In(c, "status", "@live")}",
                new { kind, match, live = LiveStatuses }, tx);
            if (live > 0) return Error.Conflict($"This {kind} is already listed (pending, approved or active).", kind);

            var id = Guid.CreateVersion7();
            var body = new Body(request.Reasons!.Trim(), request.Evidence?.Trim(), request.HostUnreachableReason?.Trim(), request.EmergencyJustification?.Trim());
            await c.ExecuteAsync(
                $"""
                INSERT INTO blocklist_listings ({Columns})
                VALUES (@id, @authority, @kind, @value, @match, @category, 'pending', @body, @order, @notified, @unreachable, @emergency,
                        @key, @now, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, @item, NULL, @person, NULL)
                """,
                new
                {
                    id = id.ToString(), authority = caller.OrganizationId.ToString(), kind, value, match, category = request.Category,
                    body = JsonSerializer.Serialize(body, TakedownJson.Options), order = request.OrderId?.ToString(), item = request.OrderItemId?.ToString(),
                    notified = Time.Store(request.HostNotifiedAt), unreachable = request.HostUnreachable == true ? 1 : 0,
                    emergency = request.Emergency == true ? 1 : 0, key = caller.KeyId.ToString(), now = Time.Store(now),
                    person = caller.PersonId?.ToString(),
                }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "blocklist.proposed", subjectId: id,
                data: new { kind, category = request.Category, emergency = request.Emergency == true, host_unreachable = request.HostUnreachable == true },
                platformVisible: false);
            return await LoadViewAsync(c, tx, id.ToString(), now);
        }, ct);
        if (result.IsSuccess) BlocklistLog.Proposed(log, result.Value.Id, kind);
        return result;
    }

    /// <summary>
    /// The second person's approval. It counts people: the approver is a person (a person's key holding 'approve', or a
    /// signed-in member whose role allows it; never a service key), is not the person who proposed, and neither
    /// created the other's key (whoever creates a key has seen its secret). The listing becomes active at once when
    /// the prior-request time has passed (or emergency / unreachable host); otherwise it is 'approved' and
    /// activates when that time comes.
    /// </summary>
    public async Task<Result<ListingView>> ApproveAsync(Caller caller, Guid id, CancellationToken ct)
    {
        var result = await db.WriteAsync<ListingView>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, id, caller);
            if (row is null) return Error.NotFound("listing");
            if (row.authority_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the proposing authority approves its listings.");
            if (row.status != ListingStatuses.Pending) return Error.Conflict($"This listing is {row.status}; only a pending listing can be approved.");
            var refused = await SecondPersonRefusalAsync(c, tx, caller, row);
            if (refused is not null) return refused;
            if (await HasUnansweredLiftAsync(c, tx, row.id))
                return Error.Conflict("Oversight recommended lifting this listing; answer the recommendation before approving.");
            var now = Time.Now(clock);
            var activeFrom = row.emergency == 1 || row.host_unreachable == 1 || row.host_notified_at is null
                ? now
                : Max(now, Time.Load(row.host_notified_at).AddHours(options.PriorRequestHours));
            await c.ExecuteAsync(
                "UPDATE blocklist_listings SET status = 'approved', approved_by_key = @key, approved_by_person = @person, approved_at = @now, active_from = @from WHERE id = @id",
                new { key = caller.KeyId.ToString(), person = caller.PersonId?.ToString(), now = Time.Store(now), from = Time.Store(activeFrom), id = row.id }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "blocklist.approved", subjectId: id, data: new { active_from = activeFrom }, platformVisible: false);
            if (activeFrom <= now) await ActivateAsync(c, tx, row.id, now);
            return await LoadViewAsync(c, tx, row.id, now);
        }, ct);
        if (result.IsSuccess) BlocklistLog.Approved(log, id, result.Value.Status);
        return result;
    }

    /// <summary>Why this caller may not be the second person of this listing's approval, or null when they may.</summary>
    private static async Task<Error?> SecondPersonRefusalAsync(DbConnection c, DbTransaction tx, Caller caller, Row row)
    {
        var approver = await CallerPowers.OfAsync(c, tx, caller);
        if (caller.PersonId is null || approver.PersonId != caller.PersonId)
            return Error.Forbidden("A service key may propose but never approve: approval is a second person's step. Approve with your own person's key (scope 'approve') or in the web interface.");
        if (!approver.Has(Scopes.Approve))
            return Error.Forbidden("Approving needs the 'approve' scope, which your key or role does not hold.");
        var person = caller.PersonId.Value.ToString();
        if (row.proposed_by_person == person || row.proposed_by_key == caller.KeyId.ToString())
            return Error.Forbidden("You proposed this listing: a second, different person must approve it. Another key of yours does not count.");
        if (row.proposed_by_person is not null && approver.KeyCreatedByPerson?.ToString() == row.proposed_by_person)
            return Error.Forbidden("This key was created by the person who proposed the listing, who has seen its secret: a second person approves with a key they created themselves, or in the web interface.");
        var proposerKeyCreator = await c.ExecuteScalarAsync<string?>(
            "SELECT created_by_person FROM api_keys WHERE id = @id", new { id = row.proposed_by_key }, tx);
        if (proposerKeyCreator == person)
            return Error.Forbidden("You created the key that proposed this listing and have seen its secret: a second, different person must approve it.");
        return null;
    }

    public async Task<Result<ListingView>> DelistAsync(Caller caller, Guid id, DelistRequest request, CancellationToken ct)
    {
        var v = new Validator();
        if (v.Require("reason", request.Reason)) v.MaxLength("reason", request.Reason, 5_000);
        if (!v.IsValid) return v.ToError();
        var result = await db.WriteAsync<ListingView>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, id, caller);
            if (row is null) return Error.NotFound("listing");
            if (row.authority_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the proposing authority delists its listings.");
            if (row.status == ListingStatuses.Delisted) return Error.Conflict("This listing is already delisted.");
            var now = Time.Now(clock);
            await DelistRowAsync(c, tx, caller, row, request.Reason!.Trim(), now);
            return await LoadViewAsync(c, tx, row.id, now);
        }, ct);
        if (result.IsSuccess) BlocklistLog.Delisted(log, id);
        return result;
    }

    /// <summary>The quarterly re-check: 'confirm' (content still up) sets the next due date; 'delist' removes the listing.</summary>
    public async Task<Result<ListingView>> ReviewAsync(Caller caller, Guid id, ReviewRequest request, CancellationToken ct)
    {
        var v = new Validator();
        v.OneOf("decision", request.Decision, ["confirm", "delist"]);
        v.MaxLength("notes", request.Notes, 5_000);
        if (!v.IsValid) return v.ToError();
        return await db.WriteAsync<ListingView>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, id, caller);
            if (row is null) return Error.NotFound("listing");
            if (row.authority_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the proposing authority re-checks its listings.");
            if (row.status != ListingStatuses.Active) return Error.Conflict($"This listing is {row.status}; only active listings are re-checked.");
            var now = Time.Now(clock);
            if (request.Decision == "delist")
            {
                await DelistRowAsync(c, tx, caller, row, "review: " + (string.IsNullOrWhiteSpace(request.Notes) ? "content no longer online" : request.Notes.Trim()), now);
            }
            else
            {
                var due = now.AddDays(options.ReviewDays);
                // A confirmed re-check also answers a reinstatement flag.
                await c.ExecuteAsync("UPDATE blocklist_listings SET last_reviewed_at = @now, review_due_at = @due, reinstatement_flagged_at = NULL WHERE id = @id",
                    new { now = Time.Store(now), due = Time.Store(due), id = row.id }, tx);
                await AuditLog.AppendAsync(c, tx, now, caller, "blocklist.reviewed", subjectId: id, data: new { review_due_at = due }, platformVisible: false);
            }
            return await LoadViewAsync(c, tx, row.id, now);
        }, ct);
    }

    public async Task<Result<ListingView>> GetAsync(Caller caller, Guid id, CancellationToken ct)
    {
        await ActivateDueAsync(ct);
        await using var c = await db.OpenAsync(ct);
        var row = await FindAsync(c, null, id, caller);
        if (row is null) return Error.NotFound("listing");
        return await ToViewAsync(c, null, row, Time.Now(clock));
    }

    /// <summary>An authority's own listings, or every listing for oversight; cursor-paginated by id.</summary>
    public async Task<Result<ListingPage>> ListAsync(Caller caller, string? status, bool overdueOnly, bool awaitingAnswer, string? after, int limit, CancellationToken ct)
    {
        if (!caller.IsAuthority && !caller.IsOversight) return Error.Forbidden("Only authorities and oversight read listings.");
        var v = new Validator();
        if (status is not null) v.OneOf("status", status, ListingStatuses.All);
        if (after is not null && !Guid.TryParse(after, out _)) v.Add("after", "is not a cursor from a previous page");
        if (!v.IsValid) return v.ToError();
        await ActivateDueAsync(ct);
        var now = Time.Now(clock);
        var where = new List<string> { "(@after IS NULL OR l.id > @after)" };
        if (caller.IsAuthority) where.Add("l.authority_id = @org");
        if (status is not null) where.Add("l.status = @status");
        if (overdueOnly) where.Add("l.status = 'active' AND l.review_due_at <= @now");
        if (awaitingAnswer)
            where.Add("l.status <> 'delisted' AND EXISTS (SELECT 1 FROM blocklist_recommendations r WHERE r.listing_id = l.id AND r.recommendation = 'lift' AND r.answer IS NULL)");
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<Row>(
            $"SELECT {Prefixed("l")} FROM blocklist_listings l WHERE {string.Join(" AND ", where)} ORDER BY l.id LIMIT @limit",
            new { org = caller.OrganizationId.ToString(), status, after = after?.ToLowerInvariant(), limit, now = Time.Store(now) })).ToList();
        var views = new List<ListingView>(rows.Count);
        foreach (var r in rows) views.Add(await ToViewAsync(c, null, r, now));
        return new ListingPage(views, views.Count == limit ? rows[^1].id : null);
    }

    /// <summary>Oversight's recommendation on any listing; a 'lift' waits for the authority's answer.</summary>
    public async Task<Result<RecommendationView>> RecommendAsync(Caller caller, Guid id, RecommendationRequest request, CancellationToken ct)
    {
        if (!caller.IsOversight) return Error.Forbidden("Only oversight records recommendations.");
        var v = new Validator();
        v.OneOf("recommendation", request.Recommendation, ["uphold", "lift"]);
        if (v.Require("reasons", request.Reasons)) v.MaxLength("reasons", request.Reasons, 20_000);
        if (!v.IsValid) return v.ToError();
        return await db.WriteAsync<RecommendationView>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, id, caller);
            if (row is null) return Error.NotFound("listing");
            if (row.status == ListingStatuses.Delisted) return Error.Conflict("This listing is delisted.");
            var now = Time.Now(clock);
            var recId = Guid.CreateVersion7();
            await c.ExecuteAsync(
                """
                INSERT INTO blocklist_recommendations (id, listing_id, oversight_id, key_id, recommendation, reasons, created_at)
                VALUES (@id, @listing, @org, @key, @rec, @reasons, @now)
                """,
                new { id = recId.ToString(), listing = row.id, org = caller.OrganizationId.ToString(), key = caller.KeyId.ToString(),
                      rec = request.Recommendation, reasons = request.Reasons!.Trim(), now = Time.Store(now) }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "blocklist.recommendation", subjectId: id,
                data: new { recommendation_id = recId, recommendation = request.Recommendation }, platformVisible: false);
            return new RecommendationView(recId, id, caller.OrganizationId, request.Recommendation!, request.Reasons.Trim(), now, null, null, null);
        }, ct);
    }

    /// <summary>The authority's answer to a 'lift' recommendation: 'delist' (follow it) or 'maintain' (with reasons).</summary>
    public async Task<Result<ListingView>> AnswerAsync(Caller caller, Guid id, Guid recommendationId, AnswerRequest request, CancellationToken ct)
    {
        var v = new Validator();
        v.OneOf("decision", request.Decision, ["delist", "maintain"]);
        if (v.Require("reasons", request.Reasons)) v.MaxLength("reasons", request.Reasons, 20_000);
        if (!v.IsValid) return v.ToError();
        return await db.WriteAsync<ListingView>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, id, caller);
            if (row is null) return Error.NotFound("listing");
            if (row.authority_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the proposing authority answers recommendations.");
            var rec = await c.QuerySingleOrDefaultAsync<RecommendationRow>(
                "SELECT * FROM blocklist_recommendations WHERE id = @id AND listing_id = @listing",
                new { id = recommendationId.ToString(), listing = row.id }, tx);
            if (rec is null) return Error.NotFound("recommendation");
            if (rec.recommendation != "lift") return Error.Conflict("Only a 'lift' recommendation is answered.");
            if (rec.answer is not null) return Error.Conflict("This recommendation was already answered.");
            var now = Time.Now(clock);
            await c.ExecuteAsync(
                "UPDATE blocklist_recommendations SET answer = @answer, answer_reasons = @reasons, answered_at = @now, answered_by_key = @key WHERE id = @id",
                new { answer = request.Decision, reasons = request.Reasons!.Trim(), now = Time.Store(now), key = caller.KeyId.ToString(), id = rec.id }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "blocklist.recommendation_answered", subjectId: id,
                data: new { recommendation_id = recommendationId, decision = request.Decision }, platformVisible: false);
            if (request.Decision == "delist" && row.status != ListingStatuses.Delisted)
                await DelistRowAsync(c, tx, caller, row, "oversight recommendation: " + request.Reasons.Trim(), now);
            return await LoadViewAsync(c, tx, row.id, now);
        }, ct);
    }

    /// <summary>Activates approved listings whose time has come. Cheap when there are none (one read).</summary>
    public async Task<int> ActivateDueAsync(CancellationToken ct)
    {
        var now = Time.Now(clock);
        await using (var c = await db.OpenAsync(ct))
        {
            var due = await c.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM blocklist_listings WHERE status = 'approved' AND active_from <= @now", new { now = Time.Store(now) });
            if (due == 0) return 0;
        }
        var result = await db.WriteAsync<(int Count, long Serial)>(async (c, tx) =>
        {
            var ids = (await c.QueryAsync<string>(
                "SELECT id FROM blocklist_listings WHERE status = 'approved' AND active_from <= @now ORDER BY id", new { now = Time.Store(now) }, tx)).ToList();
            foreach (var id in ids) await ActivateAsync(c, tx, id, now);
            return (ids.Count, await CurrentSerialAsync(c, tx));
        }, ct);
        if (result.Value.Count > 0) BlocklistLog.Activated(log, result.Value.Count, result.Value.Serial);
        return result.Value.Count;
    }

    private async Task ActivateAsync(DbConnection c, DbTransaction tx, string id, DateTimeOffset now)
    {
        var due = now.AddDays(options.ReviewDays);
        await c.ExecuteAsync(
            "UPDATE blocklist_listings SET status = 'active', activated_at = @now, review_due_at = @due WHERE id = @id AND status = 'approved'",
            new { now = Time.Store(now), due = Time.Store(due), id }, tx);
        var serial = await BumpSerialAsync(c, tx, now, id, "activated");
        await AuditLog.AppendAsync(c, tx, now, Caller.System, "blocklist.activated", subjectId: Guid.Parse(id),
            data: new { serial, review_due_at = due }, platformVisible: false);
    }

    private static async Task DelistRowAsync(DbConnection c, DbTransaction tx, Caller caller, Row row, string reason, DateTimeOffset now)
    {
        await c.ExecuteAsync(
            "UPDATE blocklist_listings SET status = 'delisted', delisted_at = @now, delisted_by_key = @key, delist_reason = @reason WHERE id = @id",
            new { now = Time.Store(now), key = caller.KeyId.ToString(), reason, id = row.id }, tx);
        long? serial = row.status == ListingStatuses.Active ? await BumpSerialAsync(c, tx, now, row.id, "delisted") : null;
        await AuditLog.AppendAsync(c, tx, now, caller, "blocklist.delisted", subjectId: Guid.Parse(row.id),
            data: new { was = row.status, serial }, platformVisible: false);
    }

    /// <summary>The export version: 1 for the empty list, plus one per change that altered an export.</summary>
    public static async Task<long> CurrentSerialAsync(DbConnection c, DbTransaction? tx) =>
        await c.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(serial), 1) FROM blocklist_versions", transaction: tx);

    /// <summary>
    /// Inside the caller's transaction: every live listing based on a reinstated order item is flagged for review, due at once,
    /// audited as <paramref name="actor"/> with the cause. Returns how many.
    /// </summary>
    internal static async Task<int> FlagForReviewAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, Caller actor, string itemId, string because, Guid causeId)
    {
        var listings = (await c.QueryAsync<string>(
            "SELECT id FROM blocklist_listings WHERE order_item_id = @itemId AND status <> 'delisted' ORDER BY id", new { itemId }, tx)).ToList();
        foreach (var listing in listings)
        {
            await c.ExecuteAsync("UPDATE blocklist_listings SET reinstatement_flagged_at = @now, review_due_at = @now WHERE id = @id",
                new { now = Time.Store(now), id = listing }, tx);
            await AuditLog.AppendAsync(c, tx, now, actor, "blocklist.flagged_for_review", subjectId: Guid.Parse(listing),
                data: new { reinstated_item_id = Guid.Parse(itemId), because, cause_id = causeId }, platformVisible: false);
        }
        return listings.Count;
    }

    internal static async Task<long> BumpSerialAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, string listingId, string change)
    {
        var next = await CurrentSerialAsync(c, tx) + 1;
        await c.ExecuteAsync("INSERT INTO blocklist_versions (serial, created_at, listing_id, change) VALUES (@next, @now, @listing, @change)",
            new { next, now = Time.Store(now), listing = listingId, change }, tx);
        return next;
    }

    /// <summary>An authority finds its own listings; oversight finds any; everyone else finds none.</summary>
    private static async Task<Row?> FindAsync(DbConnection c, DbTransaction? tx, Guid id, Caller caller)
    {
        if (caller.IsOversight)
            return await c.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM blocklist_listings WHERE id = @id", new { id = id.ToString() }, tx);
        if (!caller.IsAuthority) return null;
        return await c.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM blocklist_listings WHERE id = @id AND authority_id = @org",
            new { id = id.ToString(), org = caller.OrganizationId.ToString() }, tx);
    }

    private static async Task<bool> HasUnansweredLiftAsync(DbConnection c, DbTransaction? tx, string listingId) =>
        await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM blocklist_recommendations WHERE listing_id = @id AND recommendation = 'lift' AND answer IS NULL",
            new { id = listingId }, tx) > 0;

    private static async Task<ListingView> LoadViewAsync(DbConnection c, DbTransaction tx, string id, DateTimeOffset now)
    {
        var row = await c.QuerySingleAsync<Row>($"SELECT {Columns} FROM blocklist_listings WHERE id = @id", new { id }, tx);
        return await ToViewAsync(c, tx, row, now);
    }

    private static async Task<ListingView> ToViewAsync(DbConnection c, DbTransaction? tx, Row r, DateTimeOffset now)
    {
        var body = JsonSerializer.Deserialize<Body>(r.body_json, TakedownJson.Options)!;
        var recs = (await c.QueryAsync<RecommendationRow>(
                "SELECT * FROM blocklist_recommendations WHERE listing_id = @id ORDER BY id", new { id = r.id }, tx))
            .Select(x => new RecommendationView(Guid.Parse(x.id), Guid.Parse(x.listing_id), Guid.Parse(x.oversight_id), x.recommendation, x.reasons,
                Time.Load(x.created_at), x.answer, x.answer_reasons, Time.LoadNullable(x.answered_at)))
            .ToList();
        var reviewDue = Time.LoadNullable(r.review_due_at);
        return new ListingView(
            Guid.Parse(r.id), Guid.Parse(r.authority_id), r.kind, r.value, r.category, r.status,
            body.Reasons, r.order_id is null ? null : Guid.Parse(r.order_id), body.Evidence,
            Time.LoadNullable(r.host_notified_at), r.host_unreachable == 1, body.HostUnreachableReason,
            r.emergency == 1, body.EmergencyJustification,
            Guid.Parse(r.proposed_by_key), Time.Load(r.proposed_at), r.approved_by_key is null ? null : Guid.Parse(r.approved_by_key), Time.LoadNullable(r.approved_at),
            Time.LoadNullable(r.active_from), Time.LoadNullable(r.activated_at), reviewDue, Time.LoadNullable(r.last_reviewed_at),
            r.status == ListingStatuses.Active && reviewDue <= now, Time.LoadNullable(r.delisted_at), r.delist_reason,
            r.status != ListingStatuses.Delisted && recs.Any(x => x.Recommendation == "lift" && x.Answer is null), recs,
            r.order_item_id is null ? null : Guid.Parse(r.order_item_id), Time.LoadNullable(r.reinstatement_flagged_at),
            r.proposed_by_person is null ? null : Guid.Parse(r.proposed_by_person), r.approved_by_person is null ? null : Guid.Parse(r.approved_by_person));
    }

    private static string Prefixed(string alias) => string.Join(", ", Columns.Split(", ").Select(col => $"{alias}.{col}"));

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static Result<(string Kind, string Value, string Match)> Validate(ProposeListingRequest r, DateTimeOffset now)
    {
        var v = new Validator();
        string kind = "", value = "", match = "";
        var hasDomain = r.Domain is not null;
        var hasUrl = r.Url is not null;
        if (hasDomain == hasUrl) v.Add(hasDomain ? "url" : "domain", "give exactly one of 'domain' (blocks the name and its subdomains) or 'url' (for search de-listing)");
        else if (hasDomain)
        {
            var (name, problem) = Domains.Normalize(r.Domain);
            if (problem is not null) v.Add("domain", problem);
            else (kind, value, match) = (ListingKinds.Domain, name!, name!);
        }
        else
        {
            var problem = Urls.Problem(r.Url);
            if (problem is null && new Uri(r.Url!.Trim(), UriKind.Absolute).UserInfo.Length > 0)
                problem = "must not contain credentials (user:password@)";
            if (problem is not null) v.Add("url", problem);
            else (kind, value, match) = (ListingKinds.Url, r.Url!.Trim(), Urls.Canonical(r.Url.Trim()));
        }
        v.OneOf("category", r.Category, ListingCategories.All);
        if (v.Require("reasons", r.Reasons)) v.MaxLength("reasons", r.Reasons, 20_000);
        if (r.OrderId is null && string.IsNullOrWhiteSpace(r.Evidence)) v.Add("evidence", "give the backing 'order_id' or describe the 'evidence'");
        v.MaxLength("evidence", r.Evidence, 20_000);
        if (r.HostUnreachable == true)
        {
            if (v.Require("host_unreachable_reason", r.HostUnreachableReason)) v.MaxLength("host_unreachable_reason", r.HostUnreachableReason, 5_000);
        }
        else if (r.HostNotifiedAt is null)
            v.Add("host_notified_at", "is required: when the host was asked to remove the content (or set host_unreachable with a reason)");
        if (r.HostNotifiedAt is { } at && at > now.AddMinutes(5)) v.Add("host_notified_at", "must not be in the future");
        if (r.Emergency == true)
        {
            if (v.Require("emergency_justification", r.EmergencyJustification)) v.MaxLength("emergency_justification", r.EmergencyJustification, 5_000);
        }
        else if (r.EmergencyJustification is not null) v.Add("emergency_justification", "is only given with emergency: true");
        return v.IsValid ? (kind, value, match) : v.ToError();
    }
}
