using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Audit;

/// <summary>One audit event as stored and as the API shows it.</summary>
public sealed record AuditEvent(
    long Seq, Guid Id, DateTimeOffset At, string Type, Guid? ActorOrgId, Guid? ActorKeyId,
    Guid? OrderId, Guid? ItemId, Guid? SubjectId, JsonElement Data, string PrevHash, string Hash);

public sealed record AuditVerification(bool Ok, long Events, long? BrokenAtSeq, string? Reason);

public sealed record AuditPage(IReadOnlyList<AuditEvent> Data, string? NextCursor);

/// <summary>
/// The append-only, hash-chained audit log. Each event stores the SHA-256 of the previous one, so
/// changing, removing or reordering any stored event breaks every link after it. Appends happen inside
/// the caller's write transaction: the event commits with the change it records, or not at all.
/// </summary>
public static class AuditLog
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    internal sealed record Row(long seq, string id, string at, string type, string? actor_org_id, string? actor_key_id,
        string? order_id, string? item_id, string? subject_id, string data_json, string prev_hash, string hash);

    public static async Task AppendAsync(DbConnection c, DbTransaction tx, DateTimeOffset at, Caller actor, string type,
        Guid? orderId = null, Guid? itemId = null, Guid? subjectId = null, object? data = null, bool platformVisible = true)
    {
        // Several nodes append to one chain: hold the chain until this transaction ends.
        await Sql.LockSequencedWritesAsync(c, tx);
        var last = await c.QuerySingleOrDefaultAsync<(long seq, string hash)?>(
            "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1", transaction: tx);
        var seq = (last?.seq ?? 0) + 1;
        var prev = last?.hash ?? Genesis;
        var row = new Row(seq, Guid.CreateVersion7().ToString(), Time.Store(at), type,
            actor.OrganizationId == Guid.Empty ? null : actor.OrganizationId.ToString(),
            actor.KeyId == Guid.Empty ? null : actor.KeyId.ToString(),
            orderId?.ToString(), itemId?.ToString(), subjectId?.ToString(),
            JsonSerializer.Serialize(data ?? new { }, TakedownJson.Options), prev, "");
        var hash = HashOf(row);
        await c.ExecuteAsync(
            """
            INSERT INTO audit_events (seq, id, at, type, actor_org_id, actor_key_id, order_id, item_id, subject_id, platform_visible, data_json, prev_hash, hash)
            VALUES (@seq, @id, @at, @type, @actor_org_id, @actor_key_id, @order_id, @item_id, @subject_id, @visible, @data_json, @prev_hash, @hash)
            """,
            new { row.seq, row.id, row.at, row.type, row.actor_org_id, row.actor_key_id, row.order_id, row.item_id, row.subject_id,
                  visible = platformVisible ? 1 : 0, row.data_json, row.prev_hash, hash }, tx);
    }

    internal static string HashOf(Row r)
    {
        var text = string.Join('\n', r.seq.ToString(System.Globalization.CultureInfo.InvariantCulture), r.id, r.at, r.type,
            r.actor_org_id ?? "", r.actor_key_id ?? "", r.order_id ?? "", r.item_id ?? "", r.subject_id ?? "", r.data_json, r.prev_hash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Walks the whole chain; names the first event whose link or content does not hold.</summary>
    public static async Task<AuditVerification> VerifyAsync(IDatabase db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var prev = Genesis;
        long expectedSeq = 1, count = 0;
        // Unbuffered: the chain can be long, and verification should not hold it all in memory.
        foreach (var r in c.Query<Row>("SELECT seq, id, at, type, actor_org_id, actor_key_id, order_id, item_id, subject_id, data_json, prev_hash, hash FROM audit_events ORDER BY seq", buffered: false))
        {
            ct.ThrowIfCancellationRequested();
            if (r.seq != expectedSeq) return new(false, count, r.seq, $"event {expectedSeq} is missing");
            if (r.prev_hash != prev) return new(false, count, r.seq, "prev_hash does not match the previous event's hash");
            if (HashOf(r) != r.hash) return new(false, count, r.seq, "event content does not match its hash");
            prev = r.hash;
            expectedSeq++;
            count++;
        }
        return new(true, count, null, null);
    }

    public static async Task<Result<AuditPage>> ListAsync(IDatabase db, Caller caller, long after, int limit, CancellationToken ct)
    {
        if (!caller.IsOperator && !caller.IsOversight) return Error.Forbidden("Only the operator and oversight read the audit log.");
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<Row>(
            "SELECT seq, id, at, type, actor_org_id, actor_key_id, order_id, item_id, subject_id, data_json, prev_hash, hash FROM audit_events WHERE seq > @after ORDER BY seq LIMIT @limit",
            new { after, limit })).Select(ToEvent).ToList();
        return new AuditPage(rows, rows.Count == limit ? rows[^1].Seq.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    /// <summary>The events of one order, oldest first; a platform sees only those marked visible to it.</summary>
    public static async Task<IReadOnlyList<AuditEvent>> ForOrderAsync(DbConnection c, Guid orderId, bool platformView)
    {
        var sql = "SELECT seq, id, at, type, actor_org_id, actor_key_id, order_id, item_id, subject_id, data_json, prev_hash, hash FROM audit_events WHERE order_id = @order"
                  + (platformView ? " AND platform_visible = 1" : "") + " ORDER BY seq";
        return (await c.QueryAsync<Row>(sql, new { order = orderId.ToString() })).Select(ToEvent).ToList();
    }

    private static AuditEvent ToEvent(Row r) => new(r.seq, Guid.Parse(r.id), Time.Load(r.at), r.type,
        ParseId(r.actor_org_id), ParseId(r.actor_key_id), ParseId(r.order_id), ParseId(r.item_id), ParseId(r.subject_id),
        JsonDocument.Parse(r.data_json).RootElement.Clone(), r.prev_hash, r.hash);

    private static Guid? ParseId(string? s) => s is null ? null : Guid.Parse(s);
}
