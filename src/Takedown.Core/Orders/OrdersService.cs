using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Deconfliction;
using Takedown.Core.Delivery;
using Takedown.Core.Organizations;
using Takedown.Core.Platforms;
using Takedown.Core.Storage;

namespace Takedown.Core.Orders;

/// <summary>Issuing, reading and acknowledging orders; the per-item answers live in <see cref="ItemActionsService"/>.</summary>
public sealed class OrdersService(IDatabase db, TimeProvider clock, ILogger<OrdersService> log)
{
    public const int MaxItems = 500;

    /// <summary>Art. 3(3) TCO: a removal order is executed within one hour of receipt.</summary>
    public static readonly TimeSpan RemovalOrderDeadline = TimeSpan.FromHours(1);

    /// <summary>Art. 3(9)/11(3): secrecy lasts up to 6 weeks, renewable once by 6 weeks.</summary>
    public static readonly TimeSpan MaxConfidentiality = TimeSpan.FromDays(84);

    public async Task<Result<OrderView>> CreateAsync(Caller caller, CreateOrderRequest request, CancellationToken ct)
    {
        if (!caller.IsAuthority) return Error.Forbidden("Only authorities issue orders and referrals.");
        var now = Time.Now(clock);
        var validation = Validate(request, now);
        if (!validation.IsSuccess) return validation.Error!;
        var canonical = validation.Value;

        var result = await db.WriteAsync<OrderView>(async (c, tx) =>
        {
            var platformKind = await c.QuerySingleOrDefaultAsync<string>(
                "SELECT kind FROM organizations WHERE id = @id", new { id = request.PlatformId!.Value.ToString() }, tx);
            if (platformKind != OrganizationKinds.Platform) return Error.Invalid("platform_id", "is not a known platform");
            var taken = await c.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM orders WHERE authority_id = @a AND reference = @r",
                new { a = caller.OrganizationId.ToString(), r = request.Reference }, tx);
            if (taken > 0) return Error.Conflict($"Your organisation already issued an order with reference '{request.Reference}'.", "reference");

            var orderId = Guid.CreateVersion7();
            var itemIds = request.Items!.Select(_ => Guid.CreateVersion7()).ToList();
            var holds = await DeconflictionService.FindHoldsAsync(c, tx, caller.OrganizationId,
                request.Items!.Select((item, i) => new HeldCandidate(canonical[i], item.PlatformContentId)).ToList());
            var held = holds.Count > 0;
            var body = new OrderBody(request.Reasons?.Trim(), request.TerroristContentTypes ?? [], request.LegalBasis?.Trim(),
                request.Language, request.FollowUpContact, request.Redress);
            await c.ExecuteAsync(
                $"""
                INSERT INTO orders ({OrderStore.OrderColumns})
                VALUES (@id, @authority, @platform, @kind, @reference, @status, @now, NULL, NULL, NULL, @emergency, @confidential, @body, NULL, NULL)
                """,
                new
                {
                    id = orderId.ToString(), authority = caller.OrganizationId.ToString(), platform = request.PlatformId.Value.ToString(),
                    kind = request.Kind, reference = request.Reference!.Trim(), status = held ? OrderStatuses.Held : OrderStatuses.Open,
                    now = Time.Store(now), emergency = request.Emergency == true ? 1 : 0,
                    confidential = Time.Store(request.ConfidentialUntil), body = JsonSerializer.Serialize(body, TakedownJson.Options),
                }, tx);
            for (var i = 0; i < request.Items!.Count; i++)
            {
                var item = request.Items[i];
                await c.ExecuteAsync(
                    $"""
                    INSERT INTO order_items ({OrderStore.ItemColumns})
                    VALUES (@id, @order, @position, @platform, @url, @canonical, @content, @description, @status, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
                    """,
                    new
                    {
                        id = itemIds[i].ToString(), order = orderId.ToString(), position = i, platform = request.PlatformId.Value.ToString(),
                        url = item.Url!.Trim(), canonical = canonical[i], content = item.PlatformContentId, description = item.Description,
                        status = ItemStatuses.Held,
                    }, tx);
            }
            await AuditLog.AppendAsync(c, tx, now, caller, "order.created", orderId: orderId,
                data: new { kind = request.Kind, items = request.Items.Count, emergency = request.Emergency == true }, platformVisible: false);
            if (held)
            {
                await DeconflictionService.PlaceHoldsAsync(c, tx, caller, now, orderId, itemIds, holds);
            }
            else
            {
                await ReceiveAsync(c, tx, orderId.ToString(), now, caller);
            }
            return await OrderStore.LoadViewAsync(c, tx, orderId.ToString(), now);
        }, ct);
        if (result.IsSuccess) OrdersLog.OrderCreated(log, result.Value.Id, result.Value.Kind, result.Value.Items.Count, result.Value.Status == OrderStatuses.Held);
        return result;
    }

    /// <summary>
    /// The moment an order lands in the platform's inbox: receipt is recorded, the clock starts,
    /// and each item either joins an identical open item (duplicate) or waits for the platform.
    /// </summary>
    internal static async Task ReceiveAsync(DbConnection c, DbTransaction tx, string orderId, DateTimeOffset now, Caller actor)
    {
        var order = await c.QuerySingleAsync<(string kind, string platform_id)>(
            "SELECT kind, platform_id FROM orders WHERE id = @id", new { id = orderId }, tx);
        var due = now + await DeadlineAsync(c, tx, order.kind, order.platform_id);
        await c.ExecuteAsync("UPDATE orders SET received_at = @now, due_at = @due WHERE id = @id",
            new { now = Time.Store(now), due = Time.Store(due), id = orderId }, tx);
        var items = await c.QueryAsync<(string id, string canonical_url)>(
            "SELECT id, canonical_url FROM order_items WHERE order_id = @id AND status = @held ORDER BY position",
            new { id = orderId, held = ItemStatuses.Held }, tx);
        foreach (var item in items)
        {
            var original = await c.QuerySingleOrDefaultAsync<string>(
                """
                SELECT i.id FROM order_items i JOIN orders o ON o.id = i.order_id
                WHERE i.platform_id = @platform AND i.canonical_url = @url AND i.status IN ('pending', 'overdue')
                  AND i.duplicate_of IS NULL AND i.order_id <> @order AND o.received_at IS NOT NULL
                ORDER BY i.id LIMIT 1
                """, new { platform = order.platform_id, url = item.canonical_url, order = orderId }, tx);
            await c.ExecuteAsync("UPDATE order_items SET status = @pending, due_at = @due, duplicate_of = @original WHERE id = @id",
                new { pending = ItemStatuses.Pending, due = Time.Store(due), original, id = item.id }, tx);
            if (original is not null)
                await AuditLog.AppendAsync(c, tx, now, actor, "order.item_duplicate", orderId: Guid.Parse(orderId), itemId: Guid.Parse(item.id),
                    data: new { duplicate_of = original });
        }
        await c.ExecuteAsync("UPDATE orders SET status = @open WHERE id = @id AND status = @held",
            new { open = OrderStatuses.Open, held = OrderStatuses.Held, id = orderId }, tx);
        await OrderStore.RefreshStatusAsync(c, tx, orderId, now);
        await AuditLog.AppendAsync(c, tx, now, actor, "order.received", orderId: Guid.Parse(orderId), data: new { due_at = due });
        await OrderEvents.EnqueueAsync(c, tx, now, EventTypes.OrderCreated, orderId, OrderAudience.Platform);
    }

    /// <summary>How long the platform has: one hour for removal orders, the platform's own referral deadline for referrals.</summary>
    internal static async Task<TimeSpan> DeadlineAsync(DbConnection c, DbTransaction tx, string kind, string platformId)
    {
        if (kind == OrderKinds.RemovalOrder) return RemovalOrderDeadline;
        var hours = await c.QuerySingleOrDefaultAsync<int?>(
            "SELECT referral_deadline_hours FROM platform_profiles WHERE org_id = @id", new { id = platformId }, tx);
        return TimeSpan.FromHours(hours ?? PlatformsService.DefaultReferralDeadlineHours);
    }

    /// <summary>Orders visible to the caller, oldest first (or newest first), a page at a time after a cursor.</summary>
    public async Task<Result<OrderPage>> ListAsync(Caller caller, string? status, string? after, int limit, CancellationToken ct, bool newestFirst = false)
    {
        var v = new Validator();
        if (status is not null) v.OneOf("status", status, OrderStatuses.All);
        if (after is not null && !Guid.TryParse(after, out _)) v.Add("after", "is not a cursor from a previous page");
        if (limit is < 1 or > 200) v.Add("limit", "must be between 1 and 200");
        if (!v.IsValid) return v.ToError();
        var now = Time.Now(clock);
        var nowText = Time.Store(now);
        var overdueItem = "EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id AND i.status = 'pending' AND i.due_at <= @now)";
        var filter = status switch
        {
            OrderStatuses.Overdue => $" AND (o.status = 'overdue' OR (o.status = 'open' AND {overdueItem}))",
            OrderStatuses.Open => $" AND o.status = 'open' AND NOT {overdueItem}",
            null => "",
            _ => " AND o.status = @status",
        };
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<OrderStore.OrderRow>(
            $"SELECT {OrderStore.OrderColumns} FROM orders o WHERE {OrderStore.VisibleTo}{filter} AND (@after IS NULL OR o.id {(newestFirst ? "<" : ">")} @after) ORDER BY o.id {(newestFirst ? "DESC" : "ASC")} LIMIT @limit",
            new { org = caller.OrganizationId.ToString(), status, after = after?.ToLowerInvariant(), limit, now = nowText })).ToList();
        rows = await OrderDelivery.ReadByPlatformAsync(db, clock, caller, rows, ct);
        var items = (await OrderStore.ItemsAsync(c, null, rows.Select(r => r.id))).ToLookup(i => i.order_id);
        var views = rows.Select(r => OrderStore.SeenBy(OrderStore.ToView(r, items[r.id], now), caller.OrganizationId)).ToList();
        return new OrderPage(views, views.Count == limit ? rows[^1].id : null);
    }

    public async Task<Result<OrderView>> GetAsync(Caller caller, Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await OrderStore.FindVisibleAsync(c, null, id, caller.OrganizationId);
        if (row is null) return Error.NotFound("order");
        row = await OrderDelivery.ReadByPlatformAsync(db, clock, caller, row, ct);
        return OrderStore.SeenBy(OrderStore.ToView(row, await OrderStore.ItemsAsync(c, null, [row.id]), Time.Now(clock)), caller.OrganizationId);
    }

    public async Task<Result<IReadOnlyList<TimelineEvent>>> TimelineAsync(Caller caller, Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await OrderStore.FindVisibleAsync(c, null, id, caller.OrganizationId);
        if (row is null) return Error.NotFound("order");
        var platformView = row.authority_id != caller.OrganizationId.ToString();
        var events = await AuditLog.ForOrderAsync(c, id, platformView);
        return events.Select(e => new TimelineEvent(e.At, e.Type, e.ItemId, e.ActorOrgId, e.ActorKeyId, e.Data)).ToList();
    }

    public async Task<Result<OrderView>> AcknowledgeAsync(Caller caller, Guid id, CancellationToken ct) =>
        await db.WriteAsync<OrderView>(async (c, tx) =>
        {
            var row = await OrderStore.FindVisibleAsync(c, tx, id, caller.OrganizationId);
            if (row is null) return Error.NotFound("order");
            if (row.platform_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the addressed platform acknowledges an order.");
            var now = Time.Now(clock);
            if (row.acknowledged_at is null)
            {
                await c.ExecuteAsync("UPDATE orders SET acknowledged_at = @now WHERE id = @id", new { now = Time.Store(now), id = row.id }, tx);
                await AuditLog.AppendAsync(c, tx, now, caller, "order.acknowledged", orderId: id);
            }
            return OrderStore.SeenBy(await OrderStore.LoadViewAsync(c, tx, row.id, now), caller.OrganizationId);
        }, ct);

    private static Result<List<string>> Validate(CreateOrderRequest r, DateTimeOffset now)
    {
        var v = new Validator();
        var kindOk = v.OneOf("kind", r.Kind, OrderKinds.All);
        if (r.PlatformId is null) v.Add("platform_id", "is required");
        if (v.Require("reference", r.Reference)) v.MaxLength("reference", r.Reference, 100);
        if (v.Require("reasons", r.Reasons)) v.MaxLength("reasons", r.Reasons, 20_000);
        var canonical = new List<string>();
        if (r.Items is null || r.Items.Count == 0) v.Add("items", "at least one item is required");
        else if (r.Items.Count > MaxItems) v.Add("items", $"at most {MaxItems} items per order (got {r.Items.Count})");
        else
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < r.Items.Count; i++)
            {
                var item = r.Items[i];
                if (item is null) { v.Add($"items[{i}]", "is required"); canonical.Add(""); continue; }
                var problem = Urls.Problem(item.Url);
                if (problem is not null) { v.Add($"items[{i}].url", problem); canonical.Add(""); }
                else
                {
                    var cu = Urls.Canonical(item.Url!.Trim());
                    canonical.Add(cu);
                    if (seen.TryGetValue(cu, out var first)) v.Add($"items[{i}].url", $"is the same address as items[{first}].url");
                    else seen[cu] = i;
                }
                v.MaxLength($"items[{i}].platform_content_id", item.PlatformContentId, 200);
                v.MaxLength($"items[{i}].description", item.Description, 2_000);
            }
        }
        var types = r.TerroristContentTypes ?? [];
        if (kindOk && r.Kind == OrderKinds.RemovalOrder && types.Count == 0)
            v.Add("terrorist_content_types", $"is required for a removal order (any of: {string.Join(", ", TerroristContentTypes.All)})");
        for (var i = 0; i < types.Count; i++) v.OneOf($"terrorist_content_types[{i}]", types[i], TerroristContentTypes.All);
        if (types.Distinct().Count() != types.Count) v.Add("terrorist_content_types", "lists a type twice");
        if (kindOk && r.Kind == OrderKinds.RemovalOrder) v.Require("legal_basis", r.LegalBasis);
        v.MaxLength("legal_basis", r.LegalBasis, 2_000);
        if (r.ConfidentialUntil is { } cu2)
        {
            if (cu2 <= now) v.Add("confidential_until", "must be in the future");
            else if (cu2 > now + MaxConfidentiality) v.Add("confidential_until", "must be at most 12 weeks ahead (6 weeks, renewable once)");
        }
        if (r.Language is not null && !(r.Language.Length == 2 && r.Language.All(char.IsAsciiLetterLower)))
            v.Add("language", "must be a two-letter lower-case ISO 639-1 code such as fr");
        v.MaxLength("follow_up_contact", r.FollowUpContact, 2_000);
        v.MaxLength("redress", r.Redress, 5_000);
        return v.IsValid ? canonical : v.ToError();
    }
}
