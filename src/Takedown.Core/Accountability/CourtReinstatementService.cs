using System.Data.Common;
using System.Text.Json.Serialization;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Audit;
using Takedown.Core.Banks;
using Takedown.Core.Common;
using Takedown.Core.Delivery;
using Takedown.Core.Organizations;
using Takedown.Core.Orders;
using Takedown.Core.Storage;

namespace Takedown.Core.Accountability;

/// <summary>A court's order to put an item back: <c>reason</c> is <c>court</c>; <c>court</c> names the court and <c>court_reference</c> the judgment (both required).</summary>
public sealed record CourtReinstatementRequest(string? Reason, string? Court, string? CourtReference, string? Explanation);

/// <summary>The issuing authority's contest of a court reinstatement (e.g. an appeal lodged): recorded and shown, it does not undo the reinstatement.</summary>
public sealed record CourtReinstatementContestRequest(string? Reasons);

public sealed record CourtReinstatementContest(Guid By, string Reasons, DateTimeOffset At);

/// <summary>
/// A recorded court reinstatement. The counts of what it reached (<see cref="BankEntries"/>: the recorder's own entries that
/// stopped matching; <see cref="OwnerReviews"/>: reviews opened for other owners; <see cref="ListingsFlagged"/>) are in the answer
/// to the recording only.
/// </summary>
public sealed record CourtReinstatementView(
    Guid Id, Guid OrderId, Guid ItemId, string Reason, string? Court, string CourtReference, string? Explanation, Guid RecordedBy, DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? BankEntries,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? OwnerReviews,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ListingsFlagged,
    bool Contested, CourtReinstatementContest? Contest);

/// <summary>
/// Reinstatement ordered by a court (Art. 9 TCO: effective remedies), recorded by the addressed platform or the
/// issuing authority. It travels back exactly like a complaint or scrutiny reinstatement (<see cref="Reinstatement"/>).
/// The issuing authority may contest it; the contest is recorded, audited and shown, and the item stays reinstated.
/// </summary>
public sealed class CourtReinstatementService(IDatabase db, BanksOptions bankOptions, TimeProvider clock, ILogger<CourtReinstatementService> log)
{
    internal sealed record Row(string id, string order_id, string item_id, string recorded_by_org, string? court, string court_reference, string? explanation,
        string created_at, string? contested_at, string? contested_by_org_id, string? contest_reasons);

    private const string Columns = "id, order_id, item_id, recorded_by_org, court, court_reference, explanation, created_at, contested_at, contested_by_org_id, contest_reasons";

    public async Task<Result<CourtReinstatementView>> RecordAsync(Caller caller, Guid orderId, Guid itemId, CourtReinstatementRequest request, CancellationToken ct)
    {
        var v = new Validator();
        v.OneOf("reason", request.Reason, [ReinstatementCauses.Court]);
        if (v.Require("court", Blank(request.Court))) v.MaxLength("court", request.Court, 300);
        if (v.Require("court_reference", Blank(request.CourtReference))) v.MaxLength("court_reference", request.CourtReference, 500);
        v.MaxLength("explanation", request.Explanation, 5_000);
        if (!v.IsValid) return v.ToError();
        Reinstatement.Outcome? travelled = null;
        var result = await db.WriteAsync<CourtReinstatementView>(async (c, tx) =>
        {
            var order = await OrderStore.FindVisibleAsync(c, tx, orderId, caller.OrganizationId);
            if (order is null) return Error.NotFound("order");
            var item = await c.QuerySingleOrDefaultAsync<(string id, string status)>(
                "SELECT id, status FROM order_items WHERE id = @id AND order_id = @order", new { id = itemId.ToString(), order = order.id }, tx);
            if (item.id is null) return Error.NotFound("item");
            if (!Reinstatement.CanReinstate(item.status))
                return Error.Conflict($"The item is {item.status}: only removed or disabled content is reinstated.", "item_id");
            var now = Time.Now(clock);
            var id = Guid.CreateVersion7();
            var court = request.Court!.Trim();
            var reference = request.CourtReference!.Trim();
            var explanation = string.IsNullOrWhiteSpace(request.Explanation) ? null : request.Explanation.Trim();
            await c.ExecuteAsync(
                """
                INSERT INTO court_reinstatements (id, order_id, item_id, recorded_by_org, court, court_reference, explanation, created_at)
                VALUES (@id, @order, @item, @org, @court, @reference, @explanation, @now)
                """,
                new { id = id.ToString(), order = order.id, item = item.id, org = caller.OrganizationId.ToString(), court, reference, explanation, now = Time.Store(now) }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "reinstatement.court_recorded", orderId: orderId, itemId: itemId, subjectId: id,
                data: new { court, court_reference = reference });
            travelled = await Reinstatement.ApplyAsync(c, tx, now, caller, order.id, item.id, ReinstatementCauses.Court, id, bankOptions.OwnerReviewTime,
                court, reference);
            return ToView(await LoadAsync(c, tx, id.ToString())) with
            {
                BankEntries = travelled.BankEntries, OwnerReviews = travelled.OwnerReviews, ListingsFlagged = travelled.Listings,
            };
        }, ct);
        if (result.IsSuccess && travelled is not null)
        {
            AccountabilityLog.Reinstated(log, itemId, ReinstatementCauses.Court, travelled.BankEntries, travelled.OwnerReviews, travelled.Listings);
        }
        return result;
    }

    /// <summary>The item's latest court reinstatement, to either party of the order; anyone else gets 404.</summary>
    public async Task<Result<CourtReinstatementView>> GetAsync(Caller caller, Guid orderId, Guid itemId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var order = await OrderStore.FindVisibleAsync(c, null, orderId, caller.OrganizationId);
        if (order is null) return Error.NotFound("order");
        var row = await LatestAsync(c, null, order.id, itemId);
        return row is null ? Error.NotFound("reinstatement") : ToView(row);
    }

    /// <summary>The issuing authority contests the item's court reinstatement (once); the item stays reinstated.</summary>
    public async Task<Result<CourtReinstatementView>> ContestAsync(Caller caller, Guid orderId, Guid itemId, CourtReinstatementContestRequest request, CancellationToken ct)
    {
        var v = new Validator();
        if (v.Require("reasons", Blank(request.Reasons))) v.MaxLength("reasons", request.Reasons, 5_000);
        if (!v.IsValid) return v.ToError();
        var result = await db.WriteAsync<CourtReinstatementView>(async (c, tx) =>
        {
            var order = await OrderStore.FindVisibleAsync(c, tx, orderId, caller.OrganizationId);
            if (order is null) return Error.NotFound("order");
            var row = await LatestAsync(c, tx, order.id, itemId);
            if (row is null) return Error.NotFound("reinstatement");
            if (order.authority_id != caller.OrganizationId.ToString())
                return Error.Forbidden("Only the authority that issued the order contests a court reinstatement.");
            if (row.contested_at is not null)
                return Error.Conflict($"This court reinstatement was already contested on {row.contested_at}.", "reasons");
            var now = Time.Now(clock);
            await c.ExecuteAsync(
                "UPDATE court_reinstatements SET contested_at = @now, contested_by_org_id = @org, contest_reasons = @reasons WHERE id = @id",
                new { now = Time.Store(now), org = caller.OrganizationId.ToString(), reasons = request.Reasons!.Trim(), id = row.id }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "reinstatement.court_contested", orderId: orderId, itemId: itemId, subjectId: Guid.Parse(row.id),
                data: new { court = row.court, court_reference = row.court_reference });
            var view = ToView(await LoadAsync(c, tx, row.id));
            await Outbox.EnqueueAsync(c, tx, now, Guid.Parse(order.platform_id), EventTypes.ReinstatementContested, view, Guid.Parse(order.id));
            return view;
        }, ct);
        if (result.IsSuccess) AccountabilityLog.CourtReinstatementContested(log, result.Value.Id);
        return result;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static Task<Row?> LatestAsync(DbConnection c, DbTransaction? tx, string orderId, Guid itemId) =>
        c.QuerySingleOrDefaultAsync<Row>(
            $"SELECT {Columns} FROM court_reinstatements WHERE order_id = @order AND item_id = @item ORDER BY created_at DESC, id DESC LIMIT 1",
            new { order = orderId, item = itemId.ToString() }, tx);

    private static Task<Row> LoadAsync(DbConnection c, DbTransaction tx, string id) =>
        c.QuerySingleAsync<Row>($"SELECT {Columns} FROM court_reinstatements WHERE id = @id", new { id }, tx);

    private static CourtReinstatementView ToView(Row r) => new(
        Guid.Parse(r.id), Guid.Parse(r.order_id), Guid.Parse(r.item_id), ReinstatementCauses.Court, r.court, r.court_reference, r.explanation,
        Guid.Parse(r.recorded_by_org), Time.Load(r.created_at), null, null, null, r.contested_at is not null,
        r.contested_at is null ? null : new CourtReinstatementContest(Guid.Parse(r.contested_by_org_id!), r.contest_reasons!, Time.Load(r.contested_at)));
}
