using System.Security.Cryptography;
using System.Text;

namespace Takedown.Core.Secrets;

/// <summary>
/// The one 256-bit key that seals every secret the service keeps (the production signing keys, the
/// data-protection key ring, the webhook secrets) with AES-256-GCM. The purpose of each value is its
/// associated data, so a value sealed for one purpose cannot be opened as another. The key itself is
/// never stored in the database or in a backup.
/// </summary>
public sealed class MasterKey
{
    /// <summary>The prefix of every value sealed by a master key (format 1: nonce, tag, ciphertext in base64).</summary>
    public const string Prefix = "mk1.";

    private readonly byte[] _key;

    public MasterKey(byte[] key)
    {
        if (key.Length != 32) throw new ArgumentException("A master key is 32 bytes (256 bits).", nameof(key));
        _key = (byte[])key.Clone();
        Id = Convert.ToHexStringLower(HMACSHA256.HashData(_key, "takedown master key id"u8))[..16];
    }

    /// <summary>A name for the key that reveals nothing about it (the first 64 bits of an HMAC), shown in errors and logs.</summary>
    public string Id { get; }

    /// <summary>The key as base64, for writing the key file; nothing else takes it out of memory.</summary>
    internal string ExportBase64() => Convert.ToBase64String(_key);

    public static MasterKey Create() => new(RandomNumberGenerator.GetBytes(32));

    public static bool IsSealed(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    public string Seal(string purpose, byte[] plain)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(_key, 16)) aes.Encrypt(nonce, plain, cipher, tag, Aad(purpose));
        return Prefix + Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }

    public string Seal(string purpose, string plain) => Seal(purpose, Encoding.UTF8.GetBytes(plain));

    /// <summary>Opens a sealed value; throws <see cref="CryptographicException"/> when it was sealed by another key, for another purpose, or changed.</summary>
    public byte[] Open(string purpose, string sealedValue)
    {
        if (!IsSealed(sealedValue)) throw new CryptographicException("not a value sealed by a master key");
        byte[] all;
        try { all = Convert.FromBase64String(sealedValue[Prefix.Length..]); }
        catch (FormatException ex) { throw new CryptographicException("malformed sealed value", ex); }
        if (all.Length < 28) throw new CryptographicException("malformed sealed value");
        var plain = new byte[all.Length - 28];
        using (var aes = new AesGcm(_key, 16)) aes.Decrypt(all.AsSpan(0, 12), all.AsSpan(28), all.AsSpan(12, 16), plain, Aad(purpose));
        return plain;
    }

    public string OpenString(string purpose, string sealedValue) => Encoding.UTF8.GetString(Open(purpose, sealedValue));

    private static byte[] Aad(string purpose) => Encoding.UTF8.GetBytes("takedown/" + purpose);
}

/// <summary>The purposes a master key seals for (its associated data).</summary>
public static class SealPurposes
{
    public const string Check = "master-key-check";
    public const string SigningKey = "signing-key";
    public const string DataProtection = "data-protection";
    public const string WebhookSecret = "webhook-secret";
    public const string LegacyWebhookKey = "legacy-webhook-key";
}
