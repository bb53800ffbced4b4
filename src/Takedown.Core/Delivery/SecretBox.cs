using System.Security.Cryptography;
using System.Text;
using Takedown.Core.Secrets;

namespace Takedown.Core.Delivery;

/// <summary>
/// Seals endpoint secrets at rest under the master key (AES-256-GCM, purpose "webhook-secret"). The sender
/// needs the secret itself to sign, so it cannot be hashed like an API key; sealing it means a copy of the
/// database alone (a backup, a stolen file) does not reveal it.
/// </summary>
public sealed class SecretBox(MasterKey master)
{
    /// <summary>The prefix of secrets sealed by versions before the master key, with their own key file.</summary>
    public const string LegacyPrefix = "v1.";

    public static string NewSecret() =>
        "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public string Seal(string secret) => master.Seal(SealPurposes.WebhookSecret, secret);

    public string Open(string sealedSecret) => master.OpenString(SealPurposes.WebhookSecret, sealedSecret);

    /// <summary>Opens a secret sealed by an older version with the key of its webhook-secrets.key file.</summary>
    public static string OpenLegacy(byte[] legacyKey, string sealedSecret)
    {
        if (!sealedSecret.StartsWith(LegacyPrefix, StringComparison.Ordinal)) throw new CryptographicException("unknown sealed-secret format");
        var all = Convert.FromBase64String(sealedSecret[LegacyPrefix.Length..]);
        var plain = new byte[all.Length - 28];
        using (var aes = new AesGcm(legacyKey, 16)) aes.Decrypt(all.AsSpan(0, 12), all.AsSpan(28), all.AsSpan(12, 16), plain);
        return Encoding.UTF8.GetString(plain);
    }
}
