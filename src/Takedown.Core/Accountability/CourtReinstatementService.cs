using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Audit;
using Takedown.Core.Banks;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Orders;
using Takedown.Core.Storage;

namespace Takedown.Core.Accountability;

/// <summary>A court's order to put an item back: <c>reason</c> is <c>court</c>, <c>court_reference</c> names the judgment.</summary>
public sealed record CourtReinstatementRequest(string? Reason, string? CourtReference, string? Explanation);

public sealed record CourtReinstatementView(
    Guid Id, Guid OrderId, Guid ItemId, string Reason, string CourtReference, string? Explanation, Guid RecordedBy, DateTimeOffset CreatedAt,
    int BankEntries, int ListingsFlagged);

/// <summary>
/// Reinstatement ordered by a court (Art. 9 TCO: effective remedies), recorded by the addressed platform or the
/// issuing authority. It travels back exactly like a complaint or scrutiny reinstatement (<see cref="Reinstatement"/>).
/// </summary>
public sealed class CourtReinstatementService(IDatabase db, BanksService banks, TimeProvider clock, ILogger<CourtReinstatementService> log)
{
    public async Task<Result<CourtReinstatementView>> RecordAsync(Caller caller, Guid orderId, Guid itemId, CourtReinstatementRequest request, CancellationToken ct)
    {
        var v = new Validator();
        v.OneOf("reason", request.Reason, [ReinstatementCauses.Court]);
        if (v.Require("court_reference", request.CourtReference)) v.MaxLength("court_reference", request.CourtReference, 500);
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
            var reference = request.CourtReference!.Trim();
            var explanation = string.IsNullOrWhiteSpace(request.Explanation) ? null : request.Explanation.Trim();
            await c.ExecuteAsync(
                """
                INSERT INTO court_reinstatements (id, order_id, item_id, recorded_by_org, court_reference, explanation, created_at)
                VALUES (@id, @order, @item, @org, @reference, @explanation, @now)
                """,
                new { id = id.ToString(), order = order.id, item = item.id, org = caller.OrganizationId.ToString(), reference, explanation, now = Time.Store(now) }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "reinstatement.court_recorded", orderId: orderId, itemId: itemId, subjectId: id,
                data: new { court_reference = reference });
            travelled = await Reinstatement.ApplyAsync(c, tx, now, caller, order.id, item.id, ReinstatementCauses.Court, id);
            return new CourtReinstatementView(id, orderId, itemId, ReinstatementCauses.Court, reference, explanation, caller.OrganizationId, now,
                travelled.BankEntrySeqs.Count, travelled.Listings);
        }, ct);
        if (result.IsSuccess && travelled is not null)
        {
            await banks.RefreshIndexAsync(travelled.BankEntrySeqs, ct);
            AccountabilityLog.Reinstated(log, itemId, ReinstatementCauses.Court, travelled.BankEntrySeqs.Count, travelled.Listings);
        }
        return result;
    }
}
