using System.Data.Common;
using Dapper;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Delivery;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Deconfliction;

public sealed record CreateEntryRequest(string? Kind, string? Value);

public sealed record EntryView(Guid Id, string Kind, string Value, DateTimeOffset CreatedAt);

public sealed record HoldDecisionRequest(string? Reason);

/// <summary>One item of an order being issued, as deconfliction compares it: its canonical address and the platform's content id.</summary>
internal sealed record HeldCandidate(string CanonicalUrl, string? PlatformContentId);

/// <summary>
/// What becomes of a held order when the investigating authority decides, inside the decision's transaction. Deconfliction
/// holds orders but does not own them: Orders implements this and changes its own tables.
/// </summary>
public interface IHeldOrders
{
    /// <summary>An authority objected to the hold on <paramref name="itemId"/>: the item, if still held, is withdrawn.</summary>
    Task ObjectedAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, string orderId, string itemId);

    /// <summary>No hold on the order is pending any more: it is received (its clock starts) or, with nothing left to act on, closed.</summary>
    Task ReleasedAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, string orderId);
}

/// <summary>
/// What the investigating authority sees of a hold: which of its own identifiers was touched, and when.
/// Never who sent the order, nor why; the sender, likewise, learns only that its order is held.
/// </summary>
public sealed record HoldView(Guid Id, Guid EntryId, string EntryKind, string EntryValue, string Status, DateTimeOffset CreatedAt, DateTimeOffset? DecidedAt);

/// <summary>
/// Deconfliction: an authority registers identifiers tied to an investigation; an order from another
/// authority touching one is held until the investigating authority releases it or objects.
/// </summary>
public sealed class DeconflictionService(IDatabase db, TimeProvider clock, IHeldOrders orders)
{
    public static readonly string[] EntryKinds = ["url", "account"];

    internal sealed record Match(int ItemIndex, string EntryId, string AuthorityId);

    public async Task<Result<EntryView>> CreateEntryAsync(Caller caller, CreateEntryRequest request, CancellationToken ct)
    {
        if (!caller.IsAuthority) return Error.Forbidden("Only authorities register deconfliction entries.");
        var v = new Validator();
        v.OneOf("kind", request.Kind, EntryKinds);
        if (v.Require("value", request.Value))
        {
            if (request.Kind == "url" && Urls.Problem(request.Value) is { } p) v.Add("value", p);
            v.MaxLength("value", request.Value, Urls.MaxLength);
        }
        if (!v.IsValid) return v.ToError();
        var value = request.Value!.Trim();
        var match = request.Kind == "url" ? Urls.Canonical(value) : AccountKey(value);
        return await db.WriteAsync<EntryView>(async (c, tx) =>
        {
            var id = Guid.CreateVersion7();
            var now = Time.Now(clock);
            await c.ExecuteAsync(
                "INSERT INTO deconfliction_entries (id, authority_id, kind, value, match_value, created_at) VALUES (@id, @a, @kind, @value, @match, @now)",
                new { id = id.ToString(), a = caller.OrganizationId.ToString(), kind = request.Kind, value, match, now = Time.Store(now) }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "deconfliction.entry_created", subjectId: id, data: new { kind = request.Kind });
            return new EntryView(id, request.Kind!, value, now);
        }, ct);
    }

    public async Task<IReadOnlyList<EntryView>> ListEntriesAsync(Caller caller, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<(string id, string kind, string value, string created_at)>(
                "SELECT id, kind, value, created_at FROM deconfliction_entries WHERE authority_id = @a ORDER BY id", new { a = caller.OrganizationId.ToString() }))
            .Select(r => new EntryView(Guid.Parse(r.id), r.kind, r.value, Time.Load(r.created_at))).ToList();
    }

    public async Task<IReadOnlyList<HoldView>> ListHoldsAsync(Caller caller, string? status, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<HoldRow>(HoldSelect + " WHERE h.authority_id = @a AND (@status IS NULL OR h.status = @status) ORDER BY h.id",
            new { a = caller.OrganizationId.ToString(), status })).Select(ToView).ToList();
    }

    public Task<Result<HoldView>> ReleaseAsync(Caller caller, Guid holdId, HoldDecisionRequest request, CancellationToken ct) =>
        DecideAsync(caller, holdId, "released", request, ct);

    public Task<Result<HoldView>> ObjectAsync(Caller caller, Guid holdId, HoldDecisionRequest request, CancellationToken ct) =>
        DecideAsync(caller, holdId, "objected", request, ct);

    private sealed record HoldRow(string id, string entry_id, string kind, string value, string status, string created_at, string? decided_at, string order_id, string item_id);

    private const string HoldSelect = """
        SELECT h.id, h.entry_id, e.kind, e.value, h.status, h.created_at, h.decided_at, h.order_id, h.item_id
        FROM deconfliction_holds h JOIN deconfliction_entries e ON e.id = h.entry_id
        """;

    private static HoldView ToView(HoldRow r) =>
        new(Guid.Parse(r.id), Guid.Parse(r.entry_id), r.kind, r.value, r.status, Time.Load(r.created_at), Time.LoadNullable(r.decided_at));

    private async Task<Result<HoldView>> DecideAsync(Caller caller, Guid holdId, string decision, HoldDecisionRequest request, CancellationToken ct)
    {
        var v = new Validator();
        v.MaxLength("reason", request.Reason, 5_000);
        if (!v.IsValid) return v.ToError();
        return await db.WriteAsync<HoldView>(async (c, tx) =>
        {
            var hold = await c.QuerySingleOrDefaultAsync<HoldRow>(HoldSelect + " WHERE h.id = @id AND h.authority_id = @a",
                new { id = holdId.ToString(), a = caller.OrganizationId.ToString() }, tx);
            if (hold is null) return Error.NotFound("hold");
            if (hold.status != "pending") return Error.Conflict($"This hold was already {hold.status}.");
            var now = Time.Now(clock);
            await c.ExecuteAsync("UPDATE deconfliction_holds SET status = @decision, decided_at = @now WHERE id = @id",
                new { decision, now = Time.Store(now), id = hold.id }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, $"deconfliction.{decision}", subjectId: holdId, platformVisible: false);
            if (decision == "objected") await orders.ObjectedAsync(c, tx, now, hold.order_id, hold.item_id);
            var pending = await c.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM deconfliction_holds WHERE order_id = @o AND status = 'pending'", new { o = hold.order_id }, tx);
            if (pending == 0) await orders.ReleasedAsync(c, tx, now, hold.order_id);
            return ToView(hold with { status = decision, decided_at = Time.Store(now) });
        }, ct);
    }

    /// <summary>Which items of a new order touch another authority's registered identifiers.</summary>
    internal static async Task<List<Match>> FindHoldsAsync(DbConnection c, DbTransaction tx, Guid requester, IReadOnlyList<HeldCandidate> items)
    {
        var any = await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM (SELECT 1 FROM deconfliction_entries WHERE authority_id <> @me LIMIT 1) x", new { me = requester.ToString() }, tx);
        if (any == 0) return [];
        var matches = new List<Match>();
        for (var i = 0; i < items.Count; i++)
        {
            var candidates = AccountCandidates(items[i].CanonicalUrl, items[i].PlatformContentId);
            var rows = await c.QueryAsync<(string id, string authority_id)>(
                $"""
                SELECT id, authority_id FROM deconfliction_entries
                WHERE authority_id <> @me AND ((kind = 'url' AND match_value = @url) OR (kind = 'account' AND {Sql.In(c, "match_value", "@candidates")}))
                """, new { me = requester.ToString(), url = items[i].CanonicalUrl, candidates }, tx);
            matches.AddRange(rows.Select(r => new Match(i, r.id, r.authority_id)));
        }
        return matches;
    }

    internal static async Task PlaceHoldsAsync(DbConnection c, DbTransaction tx, Caller caller, DateTimeOffset now, Guid orderId,
        IReadOnlyList<Guid> itemIds, IReadOnlyList<Match> matches)
    {
        foreach (var m in matches)
        {
            var holdId = Guid.CreateVersion7();
            await c.ExecuteAsync(
                """
                INSERT INTO deconfliction_holds (id, entry_id, authority_id, order_id, item_id, status, created_at)
                VALUES (@id, @entry, @authority, @order, @item, 'pending', @now)
                """, new { id = holdId.ToString(), entry = m.EntryId, authority = m.AuthorityId, order = orderId.ToString(), item = itemIds[m.ItemIndex].ToString(), now = Time.Store(now) }, tx);
            // Deliberately not linked to the order in the audit trail the sender reads: the investigating side stays unknown.
            await AuditLog.AppendAsync(c, tx, now, caller, "deconfliction.requested", subjectId: holdId, data: new { entry_id = m.EntryId }, platformVisible: false);
            await EnqueueHoldAsync(c, tx, now, holdId);
        }
        await AuditLog.AppendAsync(c, tx, now, caller, "order.held", orderId: orderId,
            data: new { items = matches.Select(m => m.ItemIndex).Distinct().Count() }, platformVisible: false);
    }

    /// <summary>Tells the investigating authority which of its identifiers a held order touches; never who sent it.</summary>
    private static async Task EnqueueHoldAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, Guid holdId)
    {
        var hold = await c.QuerySingleAsync<(string authority_id, string entry_id, string kind, string value, string status, string created_at)>(
            """
            SELECT h.authority_id, h.entry_id, e.kind, e.value, h.status, h.created_at
            FROM deconfliction_holds h JOIN deconfliction_entries e ON e.id = h.entry_id WHERE h.id = @id
            """, new { id = holdId.ToString() }, tx);
        await Outbox.EnqueueAsync(c, tx, now, Guid.Parse(hold.authority_id), EventTypes.DeconflictionRequested, new
        {
            id = holdId, entry_id = Guid.Parse(hold.entry_id), entry_kind = hold.kind, entry_value = hold.value, status = hold.status,
            created_at = Time.Load(hold.created_at),
        });
    }

    private static string AccountKey(string value) => value.Trim().TrimStart('@').ToLowerInvariant();

    private static List<string> AccountCandidates(string canonicalUrl, string? contentId)
    {
        var list = new List<string>();
        if (Uri.TryCreate(canonicalUrl, UriKind.Absolute, out var uri))
            list.AddRange(uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s => AccountKey(Uri.UnescapeDataString(s))));
        if (!string.IsNullOrWhiteSpace(contentId)) list.Add(AccountKey(contentId));
        if (list.Count == 0) list.Add("\u0000");
        return list;
    }
}
