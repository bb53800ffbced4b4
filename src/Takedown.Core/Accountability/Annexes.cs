using System.Text.Json;
using Dapper;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Orders;
using Takedown.Core.Platforms;
using Takedown.Core.Storage;

namespace Takedown.Core.Accountability;

public static class AnnexKinds
{
    /// <summary>TCO Annex II: feedback after removal or disabling.</summary>
    public const string II = "II";

    /// <summary>TCO Annex III: information on the impossibility to execute the removal order.</summary>
    public const string III = "III";
}

public sealed record AnnexParty(Guid Id, string Name, string? Country, string? ContactName, string? ContactEmail, string? ContactPhone);

/// <summary>
/// One answered item as the printable TCO form: Annex II (removed or disabled, with the time of the action) or Annex III
/// (could not be executed: the Annex III reason and the explanation). A later reinstatement is shown as it now stands.
/// </summary>
public sealed record AnnexDocument(
    string Annex, Guid OrderId, string OrderKind, string OrderReference, DateTimeOffset IssuedAt, DateTimeOffset? ReceivedAt,
    string? LegalBasis, IReadOnlyList<string> TerroristContentTypes, AnnexParty Authority, AnnexParty Platform,
    Guid ItemId, int ItemNumber, string Url, string? PlatformContentId, string? Description,
    string Action, string? Reason, string? Explanation, string? RuleId, DateTimeOffset ActedAt, bool? Late, DateTimeOffset? DueAt,
    string Status, DateTimeOffset? ReinstatedAt, string? ReinstatedBecause);

/// <summary>The Annex II / Annex III documents; only the issuing authority and the addressed platform see them.</summary>
public sealed class AnnexService(IDatabase db, TimeProvider clock)
{
    public static string? AnnexFor(string? action) => action switch
    {
        Actions.Removed or Actions.Disabled => AnnexKinds.II,
        Actions.Impossible => AnnexKinds.III,
        _ => null,
    };

    public async Task<Result<AnnexDocument>> GetAsync(Caller caller, Guid orderId, Guid itemId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var order = await OrderStore.FindVisibleAsync(c, null, orderId, caller.OrganizationId);
        if (order is null) return Error.NotFound("order");
        var view = await OrderStore.LoadViewAsync(c, null, order.id, Time.Now(clock));
        var item = view.Items.FirstOrDefault(i => i.Id == itemId);
        if (item is null) return Error.NotFound("item");
        var annex = AnnexFor(item.Action);
        if (annex is null || item.ActedAt is null)
            return Error.Conflict("The item has no Annex II or Annex III answer: it was not removed, disabled, or found impossible to execute.", "item_id");
        var reinstated = await c.QuerySingleOrDefaultAsync<(string? reinstated_at, string? reinstated_because)>(
            "SELECT reinstated_at, reinstated_because FROM order_items WHERE id = @id", new { id = item.Id.ToString() });
        return new AnnexDocument(annex, view.Id, view.Kind, view.Reference, view.CreatedAt, view.ReceivedAt, view.LegalBasis, view.TerroristContentTypes,
            await PartyAsync(c, view.AuthorityId), await PartyAsync(c, view.PlatformId),
            item.Id, item.Position + 1, item.Url, item.PlatformContentId, item.Description,
            item.Action!, item.Reason, item.Explanation, item.RuleId, item.ActedAt.Value, item.Late, item.DueAt,
            item.Status, Time.LoadNullable(reinstated.reinstated_at), reinstated.reinstated_because);
    }

    private static async Task<AnnexParty> PartyAsync(System.Data.Common.DbConnection c, Guid id)
    {
        var org = await c.QuerySingleAsync<(string name, string? country, string? profile_json)>(
            "SELECT g.name, g.country, p.profile_json FROM organizations g LEFT JOIN platform_profiles p ON p.org_id = g.id WHERE g.id = @id",
            new { id = id.ToString() });
        var contact = org.profile_json is null ? null : JsonSerializer.Deserialize<PlatformProfileRequest>(org.profile_json, TakedownJson.Options)?.ContactPoint;
        return new AnnexParty(id, org.name, org.country, contact?.Name, contact?.Email, contact?.Phone);
    }
}
