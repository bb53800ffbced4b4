using System.Data.Common;
using Dapper;
using Takedown.Core.Audit;
using Takedown.Core.Banks;
using Takedown.Core.Common;
using Takedown.Core.Blocklist;
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
/// item, and every blocklist listing based on it (flagged for review). Nothing is recorded in another
/// organisation's name: an entry of the reinstating organisation's own bank gets its own false_positive;
/// an entry someone else owns stops matching for the order's platform only and its owner gets a review
/// (<see cref="OwnerReviewsService"/>). Each step writes its own audit event, naming the real actor.
/// </summary>
internal static class Reinstatement
{
    /// <summary>
    /// What the transaction changed: the caller's own bank entries that stopped matching (the match index follows when it
    /// commits), the owner reviews opened for entries of others, and the listings flagged.
    /// </summary>
    internal sealed record Outcome(int BankEntries, int OwnerReviews, int Listings);

    public static bool CanReinstate(string status) => status is ItemStatuses.Removed or ItemStatuses.Disabled;

    public static async Task<Outcome> ApplyAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, Caller actor,
        string orderId, string itemId, string because, Guid causeId, TimeSpan ownerReviewTime, string? court = null, string? courtReference = null)
    {
        await ItemActionsService.RecordReinstatedAsync(c, tx, now, actor, orderId, itemId, because, causeId);
        var platformId = await c.QuerySingleAsync<string>("SELECT platform_id FROM orders WHERE id = @id", new { id = orderId }, tx);

        var ownEntries = 0;
        var reviews = 0;
        foreach (var (bank, entry) in await BankStore.EntriesFromItemAsync(c, tx, itemId))
        {
            if (bank.owner_org_id == actor.OrganizationId.ToString())
            {
                // The reinstating organisation's own entry: its own false_positive, reversible, audited as itself.
                await BanksService.ApplyOpinionAsync(c, tx, now, actor, bank, entry, Opinions.FalsePositive,
                    why: new { reinstated_item_id = Guid.Parse(itemId), because, cause_id = causeId });
                ownEntries++;
            }
            else
            {
                // Someone else's entry: it stops matching for the platform that put the content back, and only its owner decides for everyone.
                await OwnerReviewsService.OpenAsync(c, tx, now, actor, bank, entry, orderId, itemId, platformId, because, causeId,
                    court, courtReference, ownerReviewTime);
                reviews++;
            }
        }

        var listings = await BlocklistService.FlagForReviewAsync(c, tx, now, actor, itemId, because, causeId);
        return new Outcome(ownEntries, reviews, listings);
    }
}
