using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Common;
using Takedown.Core.DataRequests;
using Takedown.Core.Storage;

namespace Takedown.Core.Audit;

/// <summary>
/// A signed statement "the chain's event <see cref="Seq"/> has hash <see cref="HeadHash"/>", made by the
/// service at <see cref="At"/> (the stored instant text, exactly as signed). Self-contained: with the
/// service's public key (/.well-known/takedown-signing-key) anyone checks it, and with it any copy of the chain.
/// </summary>
public sealed record AuditCheckpoint(long Seq, string HeadHash, string At, string KeyId, string Algorithm, string Signature)
{
    /// <summary>Names the signed payload's form, so a later form can be told apart.</summary>
    public string Format => AuditCheckpoints.Format;

    /// <summary>
    /// The exact bytes signed: UTF-8 of these lines, each ending in a newline:
    /// the format, then seq=, head_hash=, at=, key_id=, algorithm= with their values.
    /// </summary>
    public byte[] Payload() => Encoding.UTF8.GetBytes(
        $"{AuditCheckpoints.Format}\nseq={Seq.ToString(CultureInfo.InvariantCulture)}\nhead_hash={HeadHash}\nat={At}\nkey_id={KeyId}\nalgorithm={Algorithm}\n");
}

/// <summary>How often the chain's head is signed, and how late a verification lets it be.</summary>
public sealed class AuditOptions
{
    /// <summary>A checkpoint at least every this many events (default 1000).</summary>
    public int CheckpointEvery { get; set; } = 1000;

    /// <summary>A checkpoint at least this often while there are new events (default 10 minutes).</summary>
    public int CheckpointMinutes { get; set; } = 10;

    /// <summary>Slack on top of <see cref="CheckpointMinutes"/> before verification calls uncovered events overdue (default 5).</summary>
    public int GraceMinutes { get; set; } = 5;

    /// <summary>Seconds between the writer's looks at the chain's head (default 5): two indexed reads, nothing per append.</summary>
    public int PollSeconds { get; set; } = 5;

    /// <summary>How long after it is appended an event must be covered by a checkpoint.</summary>
    public TimeSpan CoverWithin => TimeSpan.FromMinutes(CheckpointMinutes + GraceMinutes);

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (CheckpointEvery is < 1 or > 1_000_000) problems.Add("Audit:CheckpointEvery must be between 1 and 1000000");
        if (CheckpointMinutes is < 1 or > 1440) problems.Add("Audit:CheckpointMinutes must be between 1 and 1440");
        if (GraceMinutes is < 0 or > 1440) problems.Add("Audit:GraceMinutes must be between 0 and 1440");
        if (PollSeconds < 1 || PollSeconds > CheckpointMinutes * 60) problems.Add("Audit:PollSeconds must be at least 1 and at most Audit:CheckpointMinutes");
        return problems;
    }
}

/// <summary>
/// Writes, reads and checks the signed checkpoints of the audit chain. A checkpoint is written after the
/// events it covers have committed, in a transaction of its own (appends stay one insert each), by the
/// service's signing key; it lives in its own table, so deleting events does not delete the proof of them.
/// </summary>
public sealed partial class AuditCheckpoints(IDatabase db, SigningKeys keys, TimeProvider clock, AuditOptions options, ILogger<AuditCheckpoints> log)
{
    public const string Format = "takedown-audit-checkpoint/1";
    public const string Algorithm = SigningKeys.Algorithm;

    internal sealed record Row(long seq, string head_hash, string at, string key_id, string algorithm, string signature);

    internal static AuditCheckpoint ToCheckpoint(Row r) => new(r.seq, r.head_hash, r.at, r.key_id, r.algorithm, r.signature);

    private bool _shortChainLogged;

    /// <summary>The newest stored checkpoint, or null before the first.</summary>
    public async Task<AuditCheckpoint?> LatestAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>("SELECT seq, head_hash, at, key_id, algorithm, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1");
        return row is null ? null : ToCheckpoint(row);
    }

    /// <summary>
    /// Writes a checkpoint when one is due: <see cref="AuditOptions.CheckpointEvery"/> events since the last,
    /// or new events and the last one <see cref="AuditOptions.CheckpointMinutes"/> old (or none yet). Returns it, or null.
    /// </summary>
    public Task<AuditCheckpoint?> WriteIfDueAsync(CancellationToken ct) => WriteAsync(force: false, ct);

    /// <summary>Writes a checkpoint of the current head unless the latest already covers it (then returns that one).</summary>
    public async Task<AuditCheckpoint?> WriteNowAsync(CancellationToken ct) => await WriteAsync(force: true, ct) ?? await LatestAsync(ct);

    private async Task<AuditCheckpoint?> WriteAsync(bool force, CancellationToken ct)
    {
        (long seq, string hash)? head;
        Row? last;
        await using (var c = await db.OpenAsync(ct))
        {
            // The head is a committed event, and events never change: a checkpoint of it may be signed at leisure.
            head = await c.QuerySingleOrDefaultAsync<(long seq, string hash)?>("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
            last = await c.QuerySingleOrDefaultAsync<Row>("SELECT seq, head_hash, at, key_id, algorithm, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1");
        }
        if (last is not null && (head?.seq ?? 0) < last.seq && !_shortChainLogged)
        {
            // Events a signed checkpoint covers are gone; say so once (verification names them).
            _shortChainLogged = true;
            ChainShorterThanCheckpoint(log, head?.seq ?? 0, last.seq);
        }
        if (head is not { } h || h.seq <= (last?.seq ?? 0)) return null;
        var now = Time.Now(clock);
        var due = force || last is null || h.seq - last.seq >= options.CheckpointEvery
                  || now - Time.Load(last.at) >= TimeSpan.FromMinutes(options.CheckpointMinutes);
        if (!due) return null;

        var checkpoint = await SignAsync(h.seq, h.hash, Time.Store(now), ct);
        var written = await db.WriteAsync<bool>(async (c, tx) =>
        {
            await Sql.LockSequencedWritesAsync(c, tx);
            // Another node may have signed a newer head meanwhile; the newest checkpoint stays the latest.
            var newest = await c.ExecuteScalarAsync<long?>("SELECT MAX(seq) FROM audit_checkpoints", transaction: tx);
            if (newest >= checkpoint.Seq) return false;
            await c.ExecuteAsync(
                "INSERT INTO audit_checkpoints (seq, head_hash, at, key_id, algorithm, signature) VALUES (@Seq, @HeadHash, @At, @KeyId, @Algorithm, @Signature)",
                checkpoint, tx);
            return true;
        }, ct);
        if (!written.Value) return null;
        CheckpointWritten(log, checkpoint.Seq, checkpoint.KeyId);
        return checkpoint;
    }

    private async Task<AuditCheckpoint> SignAsync(long seq, string headHash, string at, CancellationToken ct)
    {
        // The key id is part of what is signed: take it first, and sign again if a rotation came in between.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var key = await keys.PublicAsync(ct);
            var unsigned = new AuditCheckpoint(seq, headHash, at, key.KeyId, Algorithm, "");
            var (keyId, signature) = await keys.SignAsync(unsigned.Payload(), ct);
            if (keyId == key.KeyId) return unsigned with { Signature = signature };
        }
        throw new InvalidOperationException("The signing key kept changing while an audit checkpoint was being signed.");
    }

    /// <summary>Checks a full verification against the stored checkpoints, the time rule and, when given, a checkpoint kept outside.</summary>
    public Task<AuditVerification> VerifyAsync(AuditCheckpoint? kept, CancellationToken ct) =>
        AuditLog.VerifyAsync(db, new AuditLog.VerifyContext(Time.Now(clock), options.CoverWithin, PublicKeyOfAsync, kept), ct);

    /// <summary>The service's public key with this id: the current key, or an earlier one still on record.</summary>
    public async Task<string?> PublicKeyOfAsync(string keyId, CancellationToken ct)
    {
        var current = await keys.PublicAsync(ct);
        if (current.KeyId == keyId) return current.PublicKey;
        return await StoredPublicKeyAsync(db, keyId, ct);
    }

    /// <summary>A public key as the signing_keys table records it (read-only; for keys retired by a rotation, and for offline checks).</summary>
    public static async Task<string?> StoredPublicKeyAsync(IDatabase db, string keyId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<string?>("SELECT public_key FROM signing_keys WHERE id = @keyId", new { keyId });
    }

    /// <summary>True when the checkpoint's signature holds under this raw Ed25519 public key (base64).</summary>
    public static bool SignatureHolds(AuditCheckpoint checkpoint, string publicKeyBase64) =>
        checkpoint.Algorithm == Algorithm && SigningKeys.Verify(publicKeyBase64, checkpoint.Payload(), checkpoint.Signature);

    /// <summary>Reads a checkpoint as GET /api/v1/audit/checkpoint serves it, naming the first field at fault.</summary>
    public static Result<AuditCheckpoint> Parse(string json)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(json);
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Error.Invalid("checkpoint", "is not JSON");
        }
        if (root.ValueKind != JsonValueKind.Object) return Error.Invalid("checkpoint", "is not a JSON object");
        if (Text(root, "format") is { } format && format != Format) return Error.Invalid("format", $"must be {Format}");
        if (!root.TryGetProperty("seq", out var seqEl) || seqEl.ValueKind != JsonValueKind.Number || !seqEl.TryGetInt64(out var seq) || seq < 1)
            return Error.Invalid("seq", "must be a positive whole number");
        var hash = Text(root, "head_hash");
        if (hash is null || hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower)) return Error.Invalid("head_hash", "must be 64 lowercase hex digits");
        var at = Text(root, "at");
        try { if (at is null || Time.Store(Time.Load(at)) != at) return Error.Invalid("at", "must be an instant as the service writes it"); }
        catch (FormatException) { return Error.Invalid("at", "must be an instant as the service writes it"); }
        var keyId = Text(root, "key_id");
        if (string.IsNullOrEmpty(keyId)) return Error.Invalid("key_id", "is required");
        var algorithm = Text(root, "algorithm");
        if (algorithm != Algorithm) return Error.Invalid("algorithm", $"must be {Algorithm}");
        var signature = Text(root, "signature");
        if (string.IsNullOrEmpty(signature)) return Error.Invalid("signature", "is required");
        return new AuditCheckpoint(seq, hash, at, keyId, algorithm, signature);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var el) && el.ValueKind == JsonValueKind.String ? el.GetString() : null;

    [LoggerMessage(EventId = 10203, Level = LogLevel.Critical, Message = "The audit chain ends at seq {Head} but a signed checkpoint covers seq {Covered}: events were deleted")]
    private static partial void ChainShorterThanCheckpoint(ILogger logger, long head, long covered);

    [LoggerMessage(EventId = 10201, Level = LogLevel.Information, Message = "Audit checkpoint written at seq {Seq} ({KeyId})")]
    private static partial void CheckpointWritten(ILogger logger, long seq, string keyId);
}
