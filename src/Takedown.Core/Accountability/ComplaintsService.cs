using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Audit;
using Takedown.Core.Banks;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Orders;
using Takedown.Core.Storage;

namespace Takedown.Core.Accountability;

/// <summary>
/// Uploaders' complaints against an action (Art. 10 TCO), recorded and decided by the platform within
/// <see cref="ResponseTime"/>. The issuing authority sees the complaints on its orders; anyone else gets 404.
/// A complaint decided <c>reinstated</c> puts the item back everywhere (<see cref="Reinstatement"/>).
/// </summary>
public sealed class ComplaintsService(IDatabase db, BanksOptions bankOptions, TimeProvider clock, ILogger<ComplaintsService> log)
{
    /// <summary>Art. 10(2): the platform answers within two weeks of receiving the complaint.</summary>
    public static readonly TimeSpan ResponseTime = TimeSpan.FromDays(14);

    internal sealed record Row(string id, string order_id, string item_id, string platform_id, string authority_id, string text, string status,
        string created_at, string due_at, string? outcome, string? explanation, string? decided_at, long? late);

    private const string Columns = "id, order_id, item_id, platform_id, authority_id, text, status, created_at, due_at, outcome, explanation, decided_at, late";
    private const string VisibleTo = "(platform_id = @org OR authority_id = @org)";

    public async Task<Result<ComplaintView>> CreateAsync(Caller caller, Guid orderId, Guid itemId, CreateComplaintRequest request, CancellationToken ct)
    {
        var v = new Validator();
        if (v.Require("text", request.Text)) v.MaxLength("text", request.Text, 20_000);
        var now = Time.Now(clock);
        if (request.ReceivedAt is { } received && received > now) v.Add("received_at", "must not be in the future");
        if (!v.IsValid) return v.ToError();
        var result = await db.WriteAsync<ComplaintView>(async (c, tx) =>
        {
            var order = await OrderStore.FindVisibleAsync(c, tx, orderId, caller.OrganizationId);
            if (order is null) return Error.NotFound("order");
            if (order.platform_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the addressed platform records uploaders' complaints.");
            var item = await c.QuerySingleOrDefaultAsync<(string id, string status, string? acted_at)>(
                "SELECT id, status, acted_at FROM order_items WHERE id = @id AND order_id = @order", new { id = itemId.ToString(), order = order.id }, tx);
            if (item.id is null) return Error.NotFound("item");
            if (!Reinstatement.CanReinstate(item.status))
                return Error.Conflict($"The item is {item.status}: a complaint is against a removal or a disabling.", "item_id");
            if (request.ReceivedAt is { } at && item.acted_at is not null && at < Time.Load(item.acted_at))
                return Error.Invalid("received_at", "must not be before the action it complains about");
            var open = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM complaints WHERE item_id = @id AND status = 'open'", new { id = item.id }, tx);
            if (open > 0) return Error.Conflict("A complaint against this item is already open; decide it first.", "item_id");

            var id = Guid.CreateVersion7();
            var receivedAt = request.ReceivedAt ?? now;
            var due = receivedAt + ResponseTime;
            await c.ExecuteAsync(
                $"""
                INSERT INTO complaints ({Columns})
                VALUES (@id, @order, @item, @platform, @authority, @text, 'open', @created, @due, NULL, NULL, NULL, NULL)
                """,
                new
                {
                    id = id.ToString(), order = order.id, item = item.id, platform = order.platform_id, authority = order.authority_id,
                    text = request.Text!.Trim(), created = Time.Store(receivedAt), due = Time.Store(due),
                }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "complaint.recorded", orderId: orderId, itemId: itemId, subjectId: id,
                data: new { received_at = receivedAt, due_at = due });
            return ToView(await c.QuerySingleAsync<Row>($"SELECT {Columns} FROM complaints WHERE id = @id", new { id = id.ToString() }, tx), now);
        }, ct);
        if (result.IsSuccess) AccountabilityLog.ComplaintRecorded(log, result.Value.Id);
        return result;
    }

    public async Task<Result<ComplaintView>> DecideAsync(Caller caller, Guid id, ComplaintDecisionRequest request, CancellationToken ct)
    {
        var v = new Validator();
        v.OneOf("outcome", request.Outcome, ComplaintOutcomes.All);
        v.MaxLength("explanation", request.Explanation, 5_000);
        if (!v.IsValid) return v.ToError();
        Reinstatement.Outcome? travelled = null;
        var result = await db.WriteAsync<ComplaintView>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, id, caller.OrganizationId);
            if (row is null) return Error.NotFound("complaint");
            if (row.platform_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the platform decides an uploader's complaint.");
            if (row.status != ComplaintStatuses.Open) return Error.Conflict($"This complaint was already decided ({row.outcome}).", "outcome");
            var now = Time.Now(clock);
            var late = now > Time.Load(row.due_at);
            await c.ExecuteAsync(
                "UPDATE complaints SET status = 'decided', outcome = @outcome, explanation = @explanation, decided_at = @now, late = @late WHERE id = @id",
                new { outcome = request.Outcome, explanation = request.Explanation?.Trim(), now = Time.Store(now), late = late ? 1 : 0, id = row.id }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "complaint.decided", orderId: Guid.Parse(row.order_id), itemId: Guid.Parse(row.item_id),
                subjectId: id, data: new { outcome = request.Outcome, late });
            if (request.Outcome == ComplaintOutcomes.Reinstated)
            {
                var status = await c.QuerySingleAsync<string>("SELECT status FROM order_items WHERE id = @id", new { id = row.item_id }, tx);
                if (!Reinstatement.CanReinstate(status))
                    return Error.Conflict($"The item is {status} and cannot be reinstated.", "outcome");
                travelled = await Reinstatement.ApplyAsync(c, tx, now, caller, row.order_id, row.item_id, ReinstatementCauses.Complaint, id, bankOptions.OwnerReviewTime);
            }
            return ToView((await FindAsync(c, tx, id, caller.OrganizationId))!, now);
        }, ct);
        if (result.IsSuccess)
        {
            AccountabilityLog.ComplaintDecided(log, id, request.Outcome!);
            if (travelled is not null)
            {
                AccountabilityLog.Reinstated(log, result.Value.ItemId, ReinstatementCauses.Complaint, travelled.BankEntries, travelled.OwnerReviews, travelled.Listings);
            }
        }
        return result;
    }

    public async Task<Result<ComplaintView>> GetAsync(Caller caller, Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await FindAsync(c, null, id, caller.OrganizationId);
        return row is null ? Error.NotFound("complaint") : ToView(row, Time.Now(clock));
    }

    /// <summary>The caller's complaints (as platform or as issuing authority), oldest first; <paramref name="status"/> open or decided.</summary>
    public async Task<Result<ComplaintPage>> ListAsync(Caller caller, string? status, string? after, int limit, CancellationToken ct)
    {
        var v = new Validator();
        if (status is not null) v.OneOf("status", status, ComplaintStatuses.All);
        if (after is not null && !Guid.TryParse(after, out _)) v.Add("after", "is not a cursor from a previous page");
        if (limit is < 1 or > 200) v.Add("limit", "must be between 1 and 200");
        if (!v.IsValid) return v.ToError();
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<Row>(
            $"SELECT {Columns} FROM complaints WHERE {VisibleTo} AND (@status IS NULL OR status = @status) AND (@after IS NULL OR id > @after) ORDER BY id LIMIT @limit",
            new { org = caller.OrganizationId.ToString(), status, after = after?.ToLowerInvariant(), limit })).ToList();
        var now = Time.Now(clock);
        return new ComplaintPage(rows.Select(r => ToView(r, now)).ToList(), rows.Count == limit ? rows[^1].id : null);
    }

    private static Task<Row?> FindAsync(DbConnection c, DbTransaction? tx, Guid id, Guid org) =>
        c.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM complaints WHERE id = @id AND {VisibleTo}", new { id = id.ToString(), org = org.ToString() }, tx);

    private static ComplaintView ToView(Row r, DateTimeOffset now)
    {
        var due = Time.Load(r.due_at);
        return new ComplaintView(Guid.Parse(r.id), Guid.Parse(r.order_id), Guid.Parse(r.item_id), Guid.Parse(r.platform_id), Guid.Parse(r.authority_id),
            r.text, r.status, Time.Load(r.created_at), due, r.status == ComplaintStatuses.Open && now > due, r.outcome, r.explanation,
            Time.LoadNullable(r.decided_at), r.late is null ? null : r.late == 1);
    }
}
