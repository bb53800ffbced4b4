using System.Collections.Concurrent;
using System.Security.Cryptography;
using Dapper;
using NSec.Cryptography;
using Takedown.Core.Common;
using Takedown.Core.Secrets;
using Takedown.Core.Storage;
using Key = NSec.Cryptography.Key;

namespace Takedown.Core.DataRequests;

/// <summary>The published half of the service's signing key.</summary>
public sealed record PublicSigningKey(string KeyId, string Algorithm, string PublicKey);

/// <summary>One published key with its status: "current" signs new productions, "retired" only verifies older ones.</summary>
public sealed record PublishedSigningKey(string KeyId, string Algorithm, string PublicKey, string Fingerprint, string Status, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt);

/// <summary>
/// What /.well-known/takedown-signing-key answers: the current key's fields at the top (as before rotation
/// existed, so older clients keep working) and every key, current and retired, in <see cref="Keys"/>.
/// </summary>
public sealed record SigningKeySet(string KeyId, string Algorithm, string PublicKey, string Fingerprint, IReadOnlyList<PublishedSigningKey> Keys);

/// <summary>
/// The service's Ed25519 keys for signing production manifests, kept in the database (so every node signs
/// with the same key) with the private half sealed by the master key. One key is current; a rotation makes
/// a new current key and retires the old one, which stays to verify what it signed. Each signing reads the
/// current key's id, so a node signs with a rotated key from its next production on, without a restart.
/// </summary>
public sealed class SigningKeys(IDatabase db, TimeProvider clock, MasterKey master)
{
    public const string Algorithm = "Ed25519";
    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;
    private readonly ConcurrentDictionary<string, (byte[] Private, byte[] Public)> _opened = new(StringComparer.Ordinal);

    /// <summary>The purpose a private key is sealed for: bound to its id, so sealed keys cannot be swapped between rows.</summary>
    public static string Purpose(string keyId) => SealPurposes.SigningKey + "/" + keyId;

    /// <summary>The SHA-256 of the raw public key, lowercase hex: what an authority pins with --fingerprint.</summary>
    public static string Fingerprint(string publicKeyBase64) => Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String(publicKeyBase64)));

    public async Task<PublicSigningKey> PublicAsync(CancellationToken ct)
    {
        var (id, _, pub) = await CurrentAsync(ct);
        return new PublicSigningKey(id, Algorithm, Convert.ToBase64String(pub));
    }

    /// <summary>The current key and every retired one, newest first.</summary>
    public async Task<SigningKeySet> ListAsync(CancellationToken ct)
    {
        var current = await PublicAsync(ct);
        await using var c = await db.OpenAsync(ct);
        var keys = (await c.QueryAsync<(string id, string public_key, string status, string created_at, string? retired_at)>(
                "SELECT id, public_key, status, created_at, retired_at FROM signing_keys WHERE algorithm = @a ORDER BY created_at DESC, id", new { a = Algorithm }))
            .Select(k => new PublishedSigningKey(k.id, Algorithm, k.public_key, Fingerprint(k.public_key), k.status, Time.Load(k.created_at),
                k.retired_at is null ? null : Time.Load(k.retired_at)))
            .ToList();
        return new SigningKeySet(current.KeyId, Algorithm, current.PublicKey, Fingerprint(current.PublicKey), keys);
    }

    /// <summary>The public half of one key, current or retired; null when no such key.</summary>
    public async Task<PublicSigningKey?> FindAsync(string keyId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var pub = await c.QuerySingleOrDefaultAsync<string?>("SELECT public_key FROM signing_keys WHERE id = @id", new { id = keyId });
        return pub is null ? null : new PublicSigningKey(keyId, Algorithm, pub);
    }

    public async Task<(string KeyId, string Signature)> SignAsync(byte[] data, CancellationToken ct)
    {
        var (id, priv, _) = await CurrentAsync(ct);
        return (id, Sign(priv, data));
    }

    /// <summary>Signs what <paramref name="payload"/> builds for the current key's id (a manifest that names its own key).</summary>
    public async Task<(string KeyId, byte[] Data, string Signature)> SignAsync(Func<string, byte[]> payload, CancellationToken ct)
    {
        var (id, priv, _) = await CurrentAsync(ct);
        var data = payload(id);
        return (id, data, Sign(priv, data));
    }

    /// <summary>Checks a signature against the key it names, current or retired; false for an unknown key or a bad signature.</summary>
    public async Task<bool> VerifyAsync(string keyId, byte[] data, string signatureBase64, CancellationToken ct) =>
        await FindAsync(keyId, ct) is { } key && Verify(key.PublicKey, data, signatureBase64);

    /// <summary>Checks an Ed25519 signature against a raw public key (both base64); false for any malformed input.</summary>
    public static bool Verify(string publicKeyBase64, byte[] data, string signatureBase64)
    {
        try
        {
            var pub = PublicKey.Import(Ed25519, Convert.FromBase64String(publicKeyBase64), KeyBlobFormat.RawPublicKey);
            return Ed25519.Verify(pub, data, Convert.FromBase64String(signatureBase64));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Makes a new current key and retires the one before it (kept for verification). Returns the new key and the retired key's id.</summary>
    public async Task<(PublicSigningKey Current, string? RetiredKeyId)> RotateAsync(CancellationToken ct)
    {
        var result = await db.WriteAsync<(string, string, string?)>(async (c, tx) =>
        {
            var now = Time.Store(Time.Now(clock));
            var old = await c.QuerySingleOrDefaultAsync<string?>(
                "SELECT id FROM signing_keys WHERE algorithm = @a AND status = 'current'", new { a = Algorithm }, tx);
            if (old is not null)
                await c.ExecuteAsync("UPDATE signing_keys SET status = 'retired', retired_at = @now WHERE id = @id", new { id = old, now }, tx);
            var (id, pub) = await InsertAsync(c, tx, now);
            await Audit.AuditLog.AppendAsync(c, tx, Time.Load(now), Caller.System, "signing_key.rotated", data: new { key_id = id, retired_key_id = old });
            return (id, pub, old);
        }, ct);
        var (kid, pubKey, retired) = result.Value;
        return (new PublicSigningKey(kid, Algorithm, pubKey), retired);
    }

    private static string Sign(byte[] priv, byte[] data)
    {
        using var key = Key.Import(Ed25519, priv, KeyBlobFormat.RawPrivateKey);
        return Convert.ToBase64String(Ed25519.Sign(key, data));
    }

    /// <summary>The current key: its id is read on every call, its private half opened once per id.</summary>
    private async Task<(string Id, byte[] Private, byte[] Public)> CurrentAsync(CancellationToken ct)
    {
        (string id, string private_key, string public_key)? row;
        await using (var c = await db.OpenAsync(ct))
            row = await c.QuerySingleOrDefaultAsync<(string, string, string)?>(
                "SELECT id, private_key, public_key FROM signing_keys WHERE algorithm = @a AND status = 'current'", new { a = Algorithm });
        if (row is null)
        {
            // The first signature of a new installation: several nodes may try at once; the unique current index keeps one.
            await db.WriteAsync<bool>(async (c, tx) =>
            {
                var exists = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM signing_keys WHERE algorithm = @a AND status = 'current'", new { a = Algorithm }, tx);
                if (exists == 0) await InsertAsync(c, tx, Time.Store(Time.Now(clock)));
                return true;
            }, ct);
            await using var c = await db.OpenAsync(ct);
            row = await c.QuerySingleAsync<(string, string, string)>(
                "SELECT id, private_key, public_key FROM signing_keys WHERE algorithm = @a AND status = 'current'", new { a = Algorithm });
        }
        var (id, sealedKey, pub) = row.Value;
        var opened = _opened.GetOrAdd(id, _ => (master.Open(Purpose(id), sealedKey), Convert.FromBase64String(pub)));
        return (id, opened.Private, opened.Public);
    }

    private async Task<(string Id, string Public)> InsertAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, string now)
    {
        using var key = Key.Create(Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var priv = key.Export(KeyBlobFormat.RawPrivateKey);
        var pub = Convert.ToBase64String(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        var id = "ed25519-" + Fingerprint(pub)[..16];
        await c.ExecuteAsync(
            "INSERT INTO signing_keys (id, algorithm, private_key, public_key, created_at, status) VALUES (@id, @a, @priv, @pub, @now, 'current')",
            new { id, a = Algorithm, priv = master.Seal(Purpose(id), priv), pub, now }, tx);
        return (id, pub);
    }
}
