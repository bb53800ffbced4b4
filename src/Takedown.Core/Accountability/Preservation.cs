using System.Data.Common;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.DataRequests;
using Takedown.Core.Evidence;
using Takedown.Core.Organizations;
using Takedown.Core.Orders;
using Takedown.Core.Storage;

namespace Takedown.Core.Accountability;

public sealed record PreservedHash(string? Algorithm, string? Value);

public sealed record ExtendPreservationRequest(DateTimeOffset? Until, string? Reason);

public sealed record LegalHoldRequest(string? Reason);

public sealed record PreservationRecordRequest(string? Description, List<PreservedHash>? Hashes);

public sealed record PreservationExtensionView(DateTimeOffset PreviousUntil, DateTimeOffset Until, string Reason, DateTimeOffset CreatedAt);

public sealed record PreservationRecordView(Guid Id, string Description, IReadOnlyList<PreservedHash> Hashes, DateTimeOffset CreatedAt);

public sealed record PreservationView(
    Guid OrderId, Guid ItemId, string Status, DateTimeOffset? ActedAt, DateTimeOffset? PreserveUntil, string? LegalHold,
    DateTimeOffset? PurgedAt, int EvidenceFiles, IReadOnlyList<PreservationExtensionView> Extensions, IReadOnlyList<PreservationRecordView> Records);

public sealed record ExpiringItem(Guid OrderId, Guid ItemId, DateTimeOffset PreserveUntil, bool LegalHold);

/// <summary>
/// What one sweep did: items whose preservation ended, evidence files purged, items kept only by a legal hold; and data-request
/// productions purged past their retention, and those kept by their request's legal hold.
/// </summary>
public sealed record PreservationSweep(int Ended, int EvidencePurged, int Held, int ProductionsPurged = 0, int ProductionsHeld = 0);

/// <summary>
/// Preservation of removed content: the period (<see cref="Preservation.UntilAfter"/>), its extension by the
/// issuing authority, legal holds, the platform's record of what it preserved, and the daily sweep that purges
/// what Takedown itself holds for an item (its evidence files) once every hold is past.
/// </summary>
public sealed partial class PreservationService(IDatabase db, EvidenceService evidence, ProductionRetention productions, TimeProvider clock, ILogger<PreservationService> log)
{
    [GeneratedRegex("^[0-9a-f]+$")]
    private static partial Regex Hex();

    private static readonly Dictionary<string, int> HashLengths = new(StringComparer.Ordinal) { ["md5"] = 32, ["sha256"] = 64, ["pdq"] = 64 };

    private sealed record ItemRow(string id, string order_id, string status, string? acted_at, string? preserve_until, string? legal_hold, string? preservation_ended_at);

    private const string ItemColumns = "i.id, i.order_id, i.status, i.acted_at, i.preserve_until, i.legal_hold, i.preservation_ended_at";

    public async Task<Result<PreservationView>> GetAsync(Caller caller, Guid orderId, Guid itemId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var order = await OrderStore.FindVisibleAsync(c, null, orderId, caller.OrganizationId);
        if (order is null) return Error.NotFound("order");
        var item = await FindItemAsync(c, null, order.id, itemId);
        return item is null ? Error.NotFound("item") : await ToViewAsync(c, null, item);
    }

    public async Task<Result<PreservationView>> ExtendAsync(Caller caller, Guid orderId, Guid itemId, ExtendPreservationRequest request, CancellationToken ct)
    {
        var v = new Validator();
        v.Require("until", request.Until);
        if (v.Require("reason", request.Reason)) v.MaxLength("reason", request.Reason, 5_000);
        if (!v.IsValid) return v.ToError();
        return await WithItemAsync(caller, orderId, itemId, authorityOnly: true, async (c, tx, item, now) =>
        {
            var current = Time.Load(item.preserve_until!);
            if (request.Until!.Value <= current)
                return Error.Invalid("until", $"must be later than the current preservation end ({Time.Store(current)})");
            await Preservation.SetUntilAsync(c, tx, item.id, request.Until.Value);
            await c.ExecuteAsync(
                """
                INSERT INTO preservation_extensions (id, order_id, item_id, previous_until, until, reason, created_at, created_by)
                VALUES (@id, @order, @item, @previous, @until, @reason, @now, @by)
                """,
                new
                {
                    id = Guid.CreateVersion7().ToString(), order = item.order_id, item = item.id, previous = item.preserve_until,
                    until = Time.Store(request.Until.Value), reason = request.Reason!.Trim(), now = Time.Store(now), by = caller.KeyId.ToString(),
                }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "preservation.extended", orderId: orderId, itemId: itemId,
                data: new { previous_until = current, until = request.Until.Value });
            return null;
        }, ct);
    }

    /// <summary>A legal hold (court proceedings, an investigation) stops the purge until released, whatever the period says.</summary>
    public async Task<Result<PreservationView>> HoldAsync(Caller caller, Guid orderId, Guid itemId, LegalHoldRequest request, bool hold, CancellationToken ct)
    {
        var v = new Validator();
        if (v.Require("reason", request.Reason)) v.MaxLength("reason", request.Reason, 5_000);
        if (!v.IsValid) return v.ToError();
        return await WithItemAsync(caller, orderId, itemId, authorityOnly: true, async (c, tx, item, now) =>
        {
            if (hold == (item.legal_hold is not null))
                return Error.Conflict(hold ? "The item is already under a legal hold." : "The item is not under a legal hold.", "reason");
            await Preservation.SetLegalHoldAsync(c, tx, item.id, hold ? request.Reason!.Trim() : null);
            await AuditLog.AppendAsync(c, tx, now, caller, hold ? "preservation.legal_hold_set" : "preservation.legal_hold_released",
                orderId: orderId, itemId: itemId, data: new { reason = request.Reason!.Trim() });
            return null;
        }, ct);
    }

    /// <summary>The platform records what it preserved for the item: a description and optionally hashes of the preserved copy.</summary>
    public async Task<Result<PreservationView>> RecordAsync(Caller caller, Guid orderId, Guid itemId, PreservationRecordRequest request, CancellationToken ct)
    {
        var v = new Validator();
        if (v.Require("description", request.Description)) v.MaxLength("description", request.Description, 5_000);
        var hashes = request.Hashes ?? [];
        if (hashes.Count > 100) v.Add("hashes", "at most 100 hashes");
        for (var i = 0; i < hashes.Count && i < 100; i++)
        {
            var field = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"hashes[{i}]");
            if (v.OneOf(field + ".algorithm", hashes[i].Algorithm, HashLengths.Keys.ToArray())
                && (hashes[i].Value is not { } value || value.Length != HashLengths[hashes[i].Algorithm!] || !Hex().IsMatch(value)))
                v.Add(field + ".value", $"must be {HashLengths[hashes[i].Algorithm!]} lower-case hex digits");
        }
        if (!v.IsValid) return v.ToError();
        return await WithItemAsync(caller, orderId, itemId, authorityOnly: false, async (c, tx, item, now) =>
        {
            var id = Guid.CreateVersion7();
            await c.ExecuteAsync(
                """
                INSERT INTO preservation_records (id, order_id, item_id, description, hashes_json, created_at, created_by)
                VALUES (@id, @order, @item, @description, @hashes, @now, @by)
                """,
                new
                {
                    id = id.ToString(), order = item.order_id, item = item.id, description = request.Description!.Trim(),
                    hashes = JsonSerializer.Serialize(hashes, TakedownJson.Options), now = Time.Store(now), by = caller.KeyId.ToString(),
                }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "preservation.recorded", orderId: orderId, itemId: itemId, subjectId: id,
                data: new { hashes = hashes.Count });
            return null;
        }, ct);
    }

    /// <summary>The caller's items whose preservation ends within <paramref name="withinDays"/> days (and has not ended yet).</summary>
    public async Task<Result<IReadOnlyList<ExpiringItem>>> ExpiringAsync(Caller caller, int withinDays, CancellationToken ct)
    {
        if (withinDays is < 0 or > 3660) return Error.Invalid("within_days", "must be between 0 and 3660");
        var now = Time.Now(clock);
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string order_id, string id, string preserve_until, string? legal_hold)>(
            $"""
            SELECT i.order_id, i.id, i.preserve_until, i.legal_hold FROM order_items i JOIN orders o ON o.id = i.order_id
            WHERE {OrderStore.VisibleTo} AND i.preserve_until IS NOT NULL AND i.preservation_ended_at IS NULL AND i.preserve_until <= @until
            ORDER BY i.preserve_until, i.id LIMIT 1000
            """, new { org = caller.OrganizationId.ToString(), until = Time.Store(now.AddDays(withinDays)) });
        return rows.Select(r => new ExpiringItem(Guid.Parse(r.order_id), Guid.Parse(r.id), Time.Load(r.preserve_until), r.legal_hold is not null)).ToList();
    }

    /// <summary>
    /// Ends the preservation of every item past its period and under no legal hold: its evidence rows are
    /// removed (one audit event per purged item) and, after commit, each file no other row still names is deleted.
    /// </summary>
    public async Task<PreservationSweep> SweepAsync(CancellationToken ct)
    {
        var shas = new HashSet<string>(StringComparer.Ordinal);
        var result = await db.WriteAsync<PreservationSweep>(async (c, tx) =>
        {
            var now = Time.Now(clock);
            var due = (await c.QueryAsync<ItemRow>(
                $"""
                SELECT {ItemColumns} FROM order_items i
                WHERE i.preserve_until IS NOT NULL AND i.preserve_until <= @now AND i.preservation_ended_at IS NULL AND i.legal_hold IS NULL
                ORDER BY i.preserve_until LIMIT 500
                """, new { now = Time.Store(now) }, tx)).ToList();
            var purged = 0;
            foreach (var item in due)
            {
                // Another node may have swept the same item first.
                if (!await Preservation.EndAsync(c, tx, item.id, now)) continue;
                var files = await EvidenceService.DeleteRowsOfItemAsync(c, tx, item.id);
                foreach (var f in files) shas.Add(f.sha256);
                purged += files.Count;
                await AuditLog.AppendAsync(c, tx, now, Caller.System, "preservation.purged", orderId: Guid.Parse(item.order_id), itemId: Guid.Parse(item.id),
                    data: new { preserve_until = Time.Load(item.preserve_until!), evidence = files.Select(f => new { id = Guid.Parse(f.id), sha256 = f.sha256 }) });
            }
            var held = await c.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM order_items WHERE preserve_until IS NOT NULL AND preserve_until <= @now AND preservation_ended_at IS NULL AND legal_hold IS NOT NULL",
                new { now = Time.Store(now) }, tx);
            return new PreservationSweep(due.Count, purged, (int)held);
        }, ct);
        if (shas.Count > 0)
        {
            await using var c = await db.OpenAsync(ct);
            var stillNamed = (await c.QueryAsync<string>($"SELECT DISTINCT sha256 FROM evidence WHERE {Sql.In(c, "sha256", "@shas")}", new { shas = shas.ToList() })).ToHashSet();
            foreach (var sha in shas.Where(s => !stillNamed.Contains(s))) evidence.DeleteFile(sha);
        }
        var sweep = result.Value;
        if (sweep.Ended > 0 || sweep.Held > 0) PreservationLog.Swept(log, sweep.Ended, sweep.EvidencePurged, sweep.Held);
        // What Takedown holds for data requests: productions past their retention and every hold.
        var produced = await productions.SweepAsync(ct);
        return sweep with { ProductionsPurged = produced.Purged, ProductionsHeld = produced.Held };
    }

    private async Task<Result<PreservationView>> WithItemAsync(Caller caller, Guid orderId, Guid itemId, bool authorityOnly,
        Func<DbConnection, DbTransaction, ItemRow, DateTimeOffset, Task<Error?>> change, CancellationToken ct) =>
        await db.WriteAsync<PreservationView>(async (c, tx) =>
        {
            var order = await OrderStore.FindVisibleAsync(c, tx, orderId, caller.OrganizationId);
            if (order is null) return Error.NotFound("order");
            if (authorityOnly && order.authority_id != caller.OrganizationId.ToString())
                return Error.Forbidden("Only the issuing authority extends preservation or sets a legal hold.");
            if (!authorityOnly && order.platform_id != caller.OrganizationId.ToString())
                return Error.Forbidden("Only the addressed platform records what it preserved.");
            var item = await FindItemAsync(c, tx, order.id, itemId);
            if (item is null) return Error.NotFound("item");
            if (item.preserve_until is null)
                return Error.Conflict($"The item is {item.status}: only removed or disabled content is preserved.", "item_id");
            if (item.preservation_ended_at is not null)
                return Error.Conflict($"The preservation of this item ended on {item.preservation_ended_at} and its data was purged.", "item_id");
            var error = await change(c, tx, item, Time.Now(clock));
            if (error is not null) return error;
            return await ToViewAsync(c, tx, (await FindItemAsync(c, tx, order.id, itemId))!);
        }, ct);

    private static Task<ItemRow?> FindItemAsync(DbConnection c, DbTransaction? tx, string orderId, Guid itemId) =>
        c.QuerySingleOrDefaultAsync<ItemRow>($"SELECT {ItemColumns} FROM order_items i WHERE i.id = @id AND i.order_id = @order",
            new { id = itemId.ToString(), order = orderId }, tx);

    private static async Task<PreservationView> ToViewAsync(DbConnection c, DbTransaction? tx, ItemRow item)
    {
        var extensions = (await c.QueryAsync<(string previous_until, string until, string reason, string created_at)>(
                "SELECT previous_until, until, reason, created_at FROM preservation_extensions WHERE item_id = @id ORDER BY id", new { item.id }, tx))
            .Select(e => new PreservationExtensionView(Time.Load(e.previous_until), Time.Load(e.until), e.reason, Time.Load(e.created_at))).ToList();
        var records = (await c.QueryAsync<(string id, string description, string hashes_json, string created_at)>(
                "SELECT id, description, hashes_json, created_at FROM preservation_records WHERE item_id = @id ORDER BY id", new { item.id }, tx))
            .Select(r => new PreservationRecordView(Guid.Parse(r.id), r.description,
                JsonSerializer.Deserialize<List<PreservedHash>>(r.hashes_json, TakedownJson.Options) ?? [], Time.Load(r.created_at))).ToList();
        var files = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM evidence WHERE item_id = @id", new { item.id }, tx);
        return new PreservationView(Guid.Parse(item.order_id), Guid.Parse(item.id), item.status, Time.LoadNullable(item.acted_at),
            Time.LoadNullable(item.preserve_until), item.legal_hold, Time.LoadNullable(item.preservation_ended_at), (int)files, extensions, records);
    }
}

internal static partial class PreservationLog
{
    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Preservation sweep: {Ended} items ended, {Purged} evidence files purged, {Held} items kept by a legal hold")]
    public static partial void Swept(ILogger logger, int ended, int purged, int held);
}
