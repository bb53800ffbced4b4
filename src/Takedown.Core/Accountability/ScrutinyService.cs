using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Audit;
using Takedown.Core.Banks;
using Takedown.Core.Common;
using Takedown.Core.Delivery;
using Takedown.Core.Organizations;
using Takedown.Core.Orders;
using Takedown.Core.Platforms;
using Takedown.Core.Storage;

namespace Takedown.Core.Accountability;

/// <summary>
/// Cross-border scrutiny of a removal order (Art. 4 TCO). The addressed platform asks (for itself or the
/// uploader) within <see cref="RequestWindow"/> of receipt; an authority of the platform's Member State
/// decides within <see cref="DecisionTime"/>; <c>infringes</c> reinstates every removed or disabled item.
/// Visible to the platform, the issuing authority and the authorities of that Member State; 404 to anyone else.
/// </summary>
public sealed class ScrutinyService(IDatabase db, BanksOptions bankOptions, TimeProvider clock, ILogger<ScrutinyService> log)
{
    /// <summary>Art. 4(3): within 48 hours of receiving the order.</summary>
    public static readonly TimeSpan RequestWindow = TimeSpan.FromHours(48);

    /// <summary>Art. 4(4): a decision within 72 hours of the request.</summary>
    public static readonly TimeSpan DecisionTime = TimeSpan.FromHours(72);

    internal sealed record Row(string id, string order_id, string platform_id, string authority_id, string member_state, string requested_by,
        string reasons, string status, string requested_at, string due_at, string? outcome, string? decision_reasons, string? decided_by_org_id,
        string? decided_at, long? late);

    private const string Columns = "s.id, s.order_id, s.platform_id, s.authority_id, s.member_state, s.requested_by, s.reasons, s.status, s.requested_at, " +
        "s.due_at, s.outcome, s.decision_reasons, s.decided_by_org_id, s.decided_at, s.late";

    /// <summary>Tenancy: the platform, the issuing authority, and every authority of the platform's Member State.</summary>
    private const string VisibleTo = """
        (s.platform_id = @org OR s.authority_id = @org
         OR EXISTS (SELECT 1 FROM organizations g WHERE g.id = @org AND g.kind = 'authority' AND UPPER(g.country) = s.member_state))
        """;

    public async Task<Result<ScrutinyView>> RequestAsync(Caller caller, Guid orderId, ScrutinyRequest request, CancellationToken ct)
    {
        var v = new Validator();
        if (v.Require("reasons", request.Reasons)) v.MaxLength("reasons", request.Reasons, 20_000);
        v.OneOf("requested_by", request.RequestedBy ?? "platform", ScrutinyRequesters.All);
        if (!v.IsValid) return v.ToError();
        var result = await db.WriteAsync<ScrutinyView>(async (c, tx) =>
        {
            var order = await OrderStore.FindVisibleAsync(c, tx, orderId, caller.OrganizationId);
            if (order is null) return Error.NotFound("order");
            if (order.platform_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the addressed platform asks for scrutiny (for itself or the uploader).");
            if (order.kind != OrderKinds.RemovalOrder) return Error.Conflict("Only a removal order can be scrutinised; a referral is voluntary.", "order_id");
            var now = Time.Now(clock);
            var deadline = Time.Load(order.received_at!) + RequestWindow;
            if (now > deadline)
                return Error.Conflict($"Scrutiny must be asked within 48 hours of receipt; the deadline was {Time.Store(deadline)}.", "order_id");
            if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM scrutiny_requests WHERE order_id = @id", new { id = order.id }, tx) > 0)
                return Error.Conflict("Scrutiny of this order has already been asked.", "order_id");
            var profileJson = await c.QuerySingleOrDefaultAsync<string>("SELECT profile_json FROM platform_profiles WHERE org_id = @id", new { id = order.platform_id }, tx);
            var memberState = (profileJson is null ? null : JsonSerializer.Deserialize<PlatformProfileRequest>(profileJson, TakedownJson.Options)?.MemberState)?.ToUpperInvariant();
            if (memberState is null)
                return Error.Conflict("Set member_state in your platform profile: scrutiny goes to that Member State's authority.", "member_state");
            var issuerCountry = await c.QuerySingleOrDefaultAsync<string>("SELECT country FROM organizations WHERE id = @id", new { id = order.authority_id }, tx);
            if (string.Equals(issuerCountry, memberState, StringComparison.OrdinalIgnoreCase))
                return Error.Conflict($"The order was issued in your Member State ({memberState}); scrutiny is for cross-border orders (Art. 4).", "order_id");

            var id = Guid.CreateVersion7();
            var due = now + DecisionTime;
            var requestedBy = request.RequestedBy ?? "platform";
            await c.ExecuteAsync(
                """
                INSERT INTO scrutiny_requests (id, order_id, platform_id, authority_id, member_state, requested_by, reasons, status, requested_at, due_at)
                VALUES (@id, @order, @platform, @authority, @memberState, @requestedBy, @reasons, 'open', @now, @due)
                """,
                new
                {
                    id = id.ToString(), order = order.id, platform = order.platform_id, authority = order.authority_id, memberState, requestedBy,
                    reasons = request.Reasons!.Trim(), now = Time.Store(now), due = Time.Store(due),
                }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "scrutiny.requested", orderId: orderId, subjectId: id,
                data: new { member_state = memberState, requested_by = requestedBy, due_at = due });
            var view = await LoadAsync(c, tx, id.ToString(), now);
            var deciders = await c.QueryAsync<string>(
                "SELECT id FROM organizations WHERE kind = 'authority' AND UPPER(country) = @memberState ORDER BY id", new { memberState }, tx);
            foreach (var decider in deciders)
                await Outbox.EnqueueAsync(c, tx, now, Guid.Parse(decider), EventTypes.ScrutinyRequested, view, Guid.Parse(order.id));
            await Outbox.EnqueueAsync(c, tx, now, Guid.Parse(order.authority_id), EventTypes.ScrutinyRequested, view, Guid.Parse(order.id));
            return view;
        }, ct);
        if (result.IsSuccess) AccountabilityLog.ScrutinyRequested(log, result.Value.Id);
        return result;
    }

    public async Task<Result<ScrutinyView>> DecideAsync(Caller caller, Guid id, ScrutinyDecisionRequest request, CancellationToken ct)
    {
        var v = new Validator();
        v.OneOf("outcome", request.Outcome, ScrutinyOutcomes.All);
        if (v.Require("reasons", request.Reasons)) v.MaxLength("reasons", request.Reasons, 20_000);
        if (!v.IsValid) return v.ToError();
        var result = await db.WriteAsync<ScrutinyView>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, id, caller.OrganizationId);
            if (row is null) return Error.NotFound("scrutiny");
            var country = await c.QuerySingleOrDefaultAsync<string>("SELECT country FROM organizations WHERE id = @id", new { id = caller.OrganizationId.ToString() }, tx);
            if (!caller.IsAuthority || !string.Equals(country, row.member_state, StringComparison.OrdinalIgnoreCase))
                return Error.Forbidden($"Only an authority of the platform's Member State ({row.member_state}) decides scrutiny.");
            if (row.status != "open") return Error.Conflict($"This scrutiny was already decided ({row.outcome}).", "outcome");
            var now = Time.Now(clock);
            var late = now > Time.Load(row.due_at);
            await c.ExecuteAsync(
                """
                UPDATE scrutiny_requests SET status = 'decided', outcome = @outcome, decision_reasons = @reasons, decided_by_org_id = @by,
                       decided_at = @now, late = @late WHERE id = @id
                """,
                new { outcome = request.Outcome, reasons = request.Reasons!.Trim(), by = caller.OrganizationId.ToString(), now = Time.Store(now), late = late ? 1 : 0, id = row.id }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "scrutiny.decided", orderId: Guid.Parse(row.order_id), subjectId: id,
                data: new { outcome = request.Outcome, late });
            if (request.Outcome == ScrutinyOutcomes.Infringes)
            {
                var items = await c.QueryAsync<(string id, string status)>(
                    "SELECT id, status FROM order_items WHERE order_id = @order ORDER BY position", new { order = row.order_id }, tx);
                foreach (var item in items.Where(i => Reinstatement.CanReinstate(i.status)))
                {
                    await Reinstatement.ApplyAsync(c, tx, now, caller, row.order_id, item.id, ReinstatementCauses.Scrutiny, id, bankOptions.OwnerReviewTime);
                }
            }
            var view = await LoadAsync(c, tx, row.id, now);
            await Outbox.EnqueueAsync(c, tx, now, Guid.Parse(row.platform_id), EventTypes.ScrutinyDecided, view, Guid.Parse(row.order_id));
            await Outbox.EnqueueAsync(c, tx, now, Guid.Parse(row.authority_id), EventTypes.ScrutinyDecided, view, Guid.Parse(row.order_id));
            return view;
        }, ct);
        if (result.IsSuccess) AccountabilityLog.ScrutinyDecided(log, id, request.Outcome!);
        return result;
    }

    public async Task<Result<ScrutinyView>> GetAsync(Caller caller, Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await FindAsync(c, null, id, caller.OrganizationId);
        return row is null ? Error.NotFound("scrutiny") : await ToViewAsync(c, null, row, Time.Now(clock));
    }

    public async Task<Result<ScrutinyPage>> ListAsync(Caller caller, string? status, string? after, int limit, CancellationToken ct)
    {
        var v = new Validator();
        if (status is not null) v.OneOf("status", status, ["open", "decided"]);
        if (after is not null && !Guid.TryParse(after, out _)) v.Add("after", "is not a cursor from a previous page");
        if (!v.IsValid) return v.ToError();
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<Row>(
            $"SELECT {Columns} FROM scrutiny_requests s WHERE {VisibleTo} AND (@status IS NULL OR s.status = @status) AND (@after IS NULL OR s.id > @after) ORDER BY s.id LIMIT @limit",
            new { org = caller.OrganizationId.ToString(), status, after = after?.ToLowerInvariant(), limit })).ToList();
        var now = Time.Now(clock);
        var views = new List<ScrutinyView>();
        foreach (var r in rows) views.Add(await ToViewAsync(c, null, r, now));
        return new ScrutinyPage(views, rows.Count == limit ? rows[^1].id : null);
    }

    private static Task<Row?> FindAsync(DbConnection c, DbTransaction? tx, Guid id, Guid org) =>
        c.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM scrutiny_requests s WHERE s.id = @id AND {VisibleTo}",
            new { id = id.ToString(), org = org.ToString() }, tx);

    private static async Task<ScrutinyView> LoadAsync(DbConnection c, DbTransaction tx, string id, DateTimeOffset now) =>
        await ToViewAsync(c, tx, await c.QuerySingleAsync<Row>($"SELECT {Columns} FROM scrutiny_requests s WHERE s.id = @id", new { id }, tx), now);

    private static async Task<ScrutinyView> ToViewAsync(DbConnection c, DbTransaction? tx, Row r, DateTimeOffset now)
    {
        var reinstated = (await c.QueryAsync<string>(
                "SELECT id FROM order_items WHERE order_id = @order AND status = 'reinstated' AND reinstated_because = 'scrutiny' ORDER BY position",
                new { order = r.order_id }, tx))
            .Select(Guid.Parse).ToList();
        var due = Time.Load(r.due_at);
        return new ScrutinyView(Guid.Parse(r.id), Guid.Parse(r.order_id), Guid.Parse(r.platform_id), Guid.Parse(r.authority_id), r.member_state,
            r.requested_by, r.reasons, r.status, Time.Load(r.requested_at), due, r.status == "open" && now > due, r.outcome, r.decision_reasons,
            r.decided_by_org_id is null ? null : Guid.Parse(r.decided_by_org_id), Time.LoadNullable(r.decided_at), r.late is null ? null : r.late == 1,
            reinstated);
    }
}
