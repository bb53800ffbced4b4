using System.Data.Common;
using Dapper;
using Takedown.Core.Audit;
using Takedown.Core.Banks;
using Takedown.Core.Common;
using Takedown.Core.Delivery;
using Takedown.Core.Organizations;
using Takedown.Core.Orders;

namespace Takedown.Core.Accountability;

/// <summary>Why an item was put back.</summary>
public static class ReinstatementCauses
{
    public const string Complaint = "complaint";
    public const string Scrutiny = "scrutiny";
    public const string Court = "court";
    public static readonly string[] All = [Complaint, Scrutiny, Court];
}

/// <summary>
/// Puts a removed or disabled item back and carries that to every place the content was acted on, inside
/// the caller's transaction: the item, the issuing authority (event), every hash-bank entry made from the
/// item (its owner's false_positive opinion), and every blocklist listing based on it (flagged for review).
/// Each step writes its own audit event.
/// </summary>
internal static class Reinstatement
{
    /// <summary>What the transaction changed that lives outside the database: bank entries whose index slot must be refreshed after commit.</summary>
    internal sealed record Outcome(IReadOnlyList<long> BankEntrySeqs, int Listings);

    public static bool CanReinstate(string status) => status is ItemStatuses.Removed or ItemStatuses.Disabled;

    public static async Task<Outcome> ApplyAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, Caller actor,
        string orderId, string itemId, string because, Guid causeId)
    {
        await c.ExecuteAsync(
            "UPDATE order_items SET status = 'reinstated', reinstated_at = @now, reinstated_because = @because WHERE id = @id",
            new { now = Time.Store(now), because, id = itemId }, tx);
        await OrderStore.RefreshStatusAsync(c, tx, orderId, now);
        await AuditLog.AppendAsync(c, tx, now, actor, "order.item_reinstated", orderId: Guid.Parse(orderId), itemId: Guid.Parse(itemId),
            data: new { because, cause_id = causeId });

        var authority = await c.QuerySingleAsync<string>("SELECT authority_id FROM orders WHERE id = @id", new { id = orderId }, tx);
        await Outbox.EnqueueAsync(c, tx, now, Guid.Parse(authority), EventTypes.OrderItemReinstated, new
        {
            order_id = Guid.Parse(orderId), item_id = Guid.Parse(itemId), because, cause_id = causeId, reinstated_at = now,
            order = await OrderStore.LoadViewAsync(c, tx, orderId, now),
        }, Guid.Parse(orderId));

        var seqs = new List<long>();
        foreach (var (bank, entry) in await BankStore.EntriesFromItemAsync(c, tx, itemId))
        {
            // The bank owner's own false_positive is what stops an entry matching; it stays reversible.
            var ownerKind = await c.QuerySingleAsync<string>("SELECT kind FROM organizations WHERE id = @id", new { id = bank.owner_org_id }, tx);
            var owner = new Caller(Guid.Parse(bank.owner_org_id), ownerKind, Guid.Empty, "reinstatement");
            await BanksService.ApplyOpinionAsync(c, tx, now, owner, bank, entry, Opinions.FalsePositive,
                why: new { reinstated_item_id = Guid.Parse(itemId), because, cause_id = causeId });
            seqs.Add(entry.seq);
        }

        var listings = (await c.QueryAsync<string>(
            "SELECT id FROM blocklist_listings WHERE order_item_id = @itemId AND status <> 'delisted' ORDER BY id", new { itemId }, tx)).ToList();
        foreach (var listing in listings)
        {
            await c.ExecuteAsync("UPDATE blocklist_listings SET reinstatement_flagged_at = @now, review_due_at = @now WHERE id = @id",
                new { now = Time.Store(now), id = listing }, tx);
            await AuditLog.AppendAsync(c, tx, now, actor, "blocklist.flagged_for_review", subjectId: Guid.Parse(listing),
                data: new { reinstated_item_id = Guid.Parse(itemId), because, cause_id = causeId }, platformVisible: false);
        }
        return new Outcome(seqs, listings.Count);
    }
}
