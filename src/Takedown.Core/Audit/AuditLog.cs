using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Audit;

/// <summary>One audit event as stored and as the API shows it (every stored column, so anyone can recompute its hash).</summary>
public sealed record AuditEvent(
    long Seq, Guid Id, DateTimeOffset At, string Type, Guid? ActorOrgId, Guid? ActorKeyId, Guid? ActorPersonId,
    Guid? OrderId, Guid? ItemId, Guid? SubjectId, bool PlatformVisible, JsonElement Data, int HashVersion, string PrevHash, string Hash);

/// <summary>
/// The answer of a verification. <see cref="Problem"/> is a stable code (missing_events, edited, broken_link,
/// checkpoint_mismatch, checkpoint_signature, checkpoint_overdue); <see cref="Reason"/> says it in words.
/// </summary>
public sealed record AuditVerification(bool Ok, long Events, long? BrokenAtSeq, string? Reason,
    string? Problem = null, long? CheckpointSeq = null, string? CheckpointAt = null, long? KeptCheckpointSeq = null);

public sealed record AuditPage(IReadOnlyList<AuditEvent> Data, string? NextCursor);

/// <summary>
/// The append-only, hash-chained audit log. Each event stores the SHA-256 of the previous one, so
/// changing, removing or reordering any stored event breaks every link after it. Appends happen inside
/// the caller's write transaction: the event commits with the change it records, or not at all.
/// The end of the chain is pinned by signed checkpoints (<see cref="AuditCheckpoints"/>).
/// </summary>
public static class AuditLog
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The hash form of every new event: all columns, length-prefixed (see docs/security.md).</summary>
    public const int CurrentHashVersion = 2;

    internal const string Columns =
        "seq, id, at, type, actor_org_id, actor_key_id, actor_person_id, order_id, item_id, subject_id, platform_visible, data_json, hash_version, prev_hash, hash";

    internal sealed record Row(long seq, string id, string at, string type, string? actor_org_id, string? actor_key_id, string? actor_person_id,
        string? order_id, string? item_id, string? subject_id, long platform_visible, string data_json, long hash_version, string prev_hash, string hash);

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
            actor.PersonId is { } person && person != Guid.Empty ? person.ToString() : null,
            orderId?.ToString(), itemId?.ToString(), subjectId?.ToString(), platformVisible ? 1 : 0,
            JsonSerializer.Serialize(data ?? new { }, TakedownJson.Options), CurrentHashVersion, prev, "");
        row = row with { hash = HashOf(row) };
        await c.ExecuteAsync(
            $"INSERT INTO audit_events ({Columns}) VALUES (@seq, @id, @at, @type, @actor_org_id, @actor_key_id, @actor_person_id, @order_id, @item_id, @subject_id, @platform_visible, @data_json, @hash_version, @prev_hash, @hash)",
            row, tx);
    }

    /// <summary>
    /// The event's hash in the form it was written with. Form 1 (events before migration 0015): the fields
    /// joined by newlines, without platform_visible and actor_person_id. Form 2: every column, each written
    /// as its UTF-8 byte length, ':', the value and a newline (a null as '-' and a newline).
    /// </summary>
    internal static string HashOf(Row r)
    {
        if (r.hash_version == 1)
        {
            var text = string.Join('\n', r.seq.ToString(CultureInfo.InvariantCulture), r.id, r.at, r.type,
                r.actor_org_id ?? "", r.actor_key_id ?? "", r.order_id ?? "", r.item_id ?? "", r.subject_id ?? "", r.data_json, r.prev_hash);
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        }
        var b = new StringBuilder(256 + r.data_json.Length);
        foreach (var field in new[]
                 {
                     r.hash_version.ToString(CultureInfo.InvariantCulture), r.seq.ToString(CultureInfo.InvariantCulture), r.id, r.at, r.type,
                     r.actor_org_id, r.actor_key_id, r.actor_person_id, r.order_id, r.item_id, r.subject_id,
                     r.platform_visible.ToString(CultureInfo.InvariantCulture), r.data_json, r.prev_hash,
                 })
        {
            if (field is null) b.Append("-\n");
            else b.Append(Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(b.ToString())));
    }

    /// <summary>What a verification checks the chain against, besides the chain itself.</summary>
    public sealed record VerifyContext(
        DateTimeOffset Now,
        TimeSpan CoverWithin,
        Func<string, CancellationToken, Task<string?>> PublicKeyOf,
        AuditCheckpoint? Kept = null);

    /// <summary>
    /// Walks the whole chain and checks it against the stored checkpoints and, when given, a checkpoint kept
    /// outside the database. Names the first thing that does not hold: a missing or edited event, a checkpoint
    /// that does not match the chain or is not signed by the service, events a checkpoint covers that are gone,
    /// or events left uncovered longer than checkpoints are written (the writer stopped, or its rows deleted).
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(IDatabase db, VerifyContext context, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var checkpoints = (await c.QueryAsync<AuditCheckpoints.Row>(
            "SELECT seq, head_hash, at, key_id, algorithm, signature FROM audit_checkpoints ORDER BY seq")).Select(AuditCheckpoints.ToCheckpoint).ToList();
        var latest = checkpoints.Count == 0 ? null : checkpoints[^1];
        var kept = context.Kept;

        if (kept is not null && await SignatureProblemAsync(kept, context, ct) is { } keptBad)
            return Fail(0, kept.Seq, $"the kept checkpoint (seq {kept.Seq}, {kept.At}) {keptBad}", "checkpoint_signature", latest, kept);
        if (latest is not null && await SignatureProblemAsync(latest, context, ct) is { } bad)
            return Fail(0, latest.Seq, $"the latest stored checkpoint (seq {latest.Seq}, {latest.At}) {bad}", "checkpoint_signature", latest, kept);

        var pinned = checkpoints.ToDictionary(p => p.Seq, p => p.HeadHash);
        var prev = Genesis;
        long expectedSeq = 1, count = 0;
        var highestVersion = 0L;
        string? firstUncoveredAt = null;
        var coveredUpTo = latest?.Seq ?? 0;
        // Unbuffered: the chain can be long, and verification should not hold it all in memory.
        foreach (var r in c.Query<Row>($"SELECT {Columns} FROM audit_events ORDER BY seq", buffered: false))
        {
            ct.ThrowIfCancellationRequested();
            if (r.seq != expectedSeq)
                return Fail(count, r.seq, expectedSeq == r.seq - 1 ? $"event {expectedSeq} is missing" : $"events {expectedSeq} to {r.seq - 1} are missing",
                    "missing_events", latest, kept);
            if (r.prev_hash != prev) return Fail(count, r.seq, "prev_hash does not match the previous event's hash", "broken_link", latest, kept);
            if (r.hash_version is < 1 or > CurrentHashVersion || r.hash_version < highestVersion)
                return Fail(count, r.seq, $"hash_version {r.hash_version} is not a form this chain can hold here", "edited", latest, kept);
            if (r.hash_version == 1 && r.actor_person_id is not null)
                return Fail(count, r.seq, "actor_person_id is set on an event written before the person was recorded", "edited", latest, kept);
            if (HashOf(r) != r.hash) return Fail(count, r.seq, "event content does not match its hash", "edited", latest, kept);
            if (pinned.TryGetValue(r.seq, out var pin) && pin != r.hash)
                return Fail(count, r.seq, $"the stored checkpoint at seq {r.seq} does not match the chain", "checkpoint_mismatch", latest, kept);
            if (kept is not null && kept.Seq == r.seq && kept.HeadHash != r.hash)
                return Fail(count, r.seq, $"the chain at seq {r.seq} is not the one the kept checkpoint of {kept.At} signed: events were rewritten", "checkpoint_mismatch", latest, kept);
            if (r.seq == coveredUpTo + 1) firstUncoveredAt = r.at;
            highestVersion = r.hash_version;
            prev = r.hash;
            expectedSeq++;
            count++;
        }
        var last = expectedSeq - 1;
        if (kept is not null && kept.Seq > last)
            return Fail(count, last + 1, $"events {last + 1} to {kept.Seq} are missing: the kept checkpoint of {kept.At} covers seq {kept.Seq}, the chain ends at {last}",
                "missing_events", latest, kept);
        if (latest is not null && latest.Seq > last)
            return Fail(count, last + 1, $"events {last + 1} to {latest.Seq} are missing: the stored checkpoint of {latest.At} covers seq {latest.Seq}, the chain ends at {last}",
                "missing_events", latest, kept);
        if (firstUncoveredAt is not null && Time.Load(firstUncoveredAt) < context.Now - context.CoverWithin)
            return Fail(count, coveredUpTo + 1,
                $"events {coveredUpTo + 1} to {last} (the oldest of {firstUncoveredAt}) are covered by no checkpoint, though one is due within "
                + $"{context.CoverWithin.TotalMinutes:0} minutes: the checkpoint writer was stopped or its checkpoints were deleted",
                "checkpoint_overdue", latest, kept);
        return new(true, count, null, null, null, latest?.Seq, latest?.At, kept?.Seq);
    }

    private static AuditVerification Fail(long count, long seq, string reason, string problem, AuditCheckpoint? latest, AuditCheckpoint? kept) =>
        new(false, count, seq, reason, problem, latest?.Seq, latest?.At, kept?.Seq);

    private static async Task<string?> SignatureProblemAsync(AuditCheckpoint p, VerifyContext context, CancellationToken ct)
    {
        if (p.Algorithm != AuditCheckpoints.Algorithm) return $"uses algorithm '{p.Algorithm}', not {AuditCheckpoints.Algorithm}";
        var key = await context.PublicKeyOf(p.KeyId, ct);
        if (key is null) return $"is signed by key '{p.KeyId}', which is not one of the service's keys";
        return AuditCheckpoints.SignatureHolds(p, key) ? null : $"does not carry a valid signature by key {p.KeyId}";
    }

    public static async Task<Result<AuditPage>> ListAsync(IDatabase db, Caller caller, long after, int limit, CancellationToken ct)
    {
        if (!caller.IsOperator && !caller.IsOversight) return Error.Forbidden("Only the operator and oversight read the audit log.");
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<Row>(
            $"SELECT {Columns} FROM audit_events WHERE seq > @after ORDER BY seq LIMIT @limit",
            new { after, limit })).Select(ToEvent).ToList();
        return new AuditPage(rows, rows.Count == limit ? rows[^1].Seq.ToString(CultureInfo.InvariantCulture) : null);
    }

    /// <summary>The events of one order, oldest first; a platform sees only those marked visible to it.</summary>
    public static async Task<IReadOnlyList<AuditEvent>> ForOrderAsync(DbConnection c, Guid orderId, bool platformView)
    {
        var sql = $"SELECT {Columns} FROM audit_events WHERE order_id = @order"
                  + (platformView ? " AND platform_visible = 1" : "") + " ORDER BY seq";
        return (await c.QueryAsync<Row>(sql, new { order = orderId.ToString() })).Select(ToEvent).ToList();
    }

    private static AuditEvent ToEvent(Row r) => new(r.seq, Guid.Parse(r.id), Time.Load(r.at), r.type,
        ParseId(r.actor_org_id), ParseId(r.actor_key_id), ParseId(r.actor_person_id), ParseId(r.order_id), ParseId(r.item_id), ParseId(r.subject_id),
        r.platform_visible != 0, JsonDocument.Parse(r.data_json).RootElement.Clone(), (int)r.hash_version, r.prev_hash, r.hash);

    private static Guid? ParseId(string? s) => s is null ? null : Guid.Parse(s);
}
