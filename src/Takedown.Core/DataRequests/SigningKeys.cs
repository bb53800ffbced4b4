using Dapper;
using NSec.Cryptography;
using Takedown.Core.Common;
using Takedown.Core.Storage;

namespace Takedown.Core.DataRequests;

/// <summary>The published half of the service's signing key.</summary>
public sealed record PublicSigningKey(string KeyId, string Algorithm, string PublicKey);

/// <summary>
/// The service's Ed25519 key for signing production manifests. Created once and kept in the database
/// (so every node signs with the same key); the public half is published at
/// /.well-known/takedown-signing-key so an authority can check a production offline, later.
/// </summary>
public sealed class SigningKeys(IDatabase db, TimeProvider clock)
{
    public const string Algorithm = "Ed25519";
    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Id, byte[] Private, byte[] Public)? _key;

    public async Task<PublicSigningKey> PublicAsync(CancellationToken ct)
    {
        var (id, _, pub) = await KeyAsync(ct);
        return new PublicSigningKey(id, Algorithm, Convert.ToBase64String(pub));
    }

    public async Task<(string KeyId, string Signature)> SignAsync(byte[] data, CancellationToken ct)
    {
        var (id, priv, _) = await KeyAsync(ct);
        using var key = Key.Import(Ed25519, priv, KeyBlobFormat.RawPrivateKey);
        return (id, Convert.ToBase64String(Ed25519.Sign(key, data)));
    }

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

    private async Task<(string Id, byte[] Private, byte[] Public)> KeyAsync(CancellationToken ct)
    {
        if (_key is { } cached) return cached;
        await _gate.WaitAsync(ct);
        try
        {
            if (_key is { } again) return again;
            var result = await db.WriteAsync<(string, string, string)>(async (c, tx) =>
            {
                var row = await c.QuerySingleOrDefaultAsync<(string id, string private_key, string public_key)?>(
                    "SELECT id, private_key, public_key FROM signing_keys WHERE algorithm = @a ORDER BY id LIMIT 1", new { a = Algorithm }, tx);
                if (row is { } r) return (r.id, r.private_key, r.public_key);
                using var key = Key.Create(Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
                var priv = Convert.ToBase64String(key.Export(KeyBlobFormat.RawPrivateKey));
                var pub = Convert.ToBase64String(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
                var id = "ed25519-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Convert.FromBase64String(pub)))[..16];
                await c.ExecuteAsync("INSERT INTO signing_keys (id, algorithm, private_key, public_key, created_at) VALUES (@id, @a, @priv, @pub, @now)",
                    new { id, a = Algorithm, priv, pub, now = Time.Store(Time.Now(clock)) }, tx);
                return (id, priv, pub);
            }, ct);
            var (kid, p, q) = result.Value;
            _key = (kid, Convert.FromBase64String(p), Convert.FromBase64String(q));
            return _key.Value;
        }
        finally
        {
            _gate.Release();
        }
    }
}
