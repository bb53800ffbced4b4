using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Takedown.Core.Delivery;

public enum SignatureCheck
{
    Valid,
    Missing,
    Malformed,
    TooOld,
    Mismatch,
}

/// <summary>
/// Webhook signatures: <c>Takedown-Signature: v1=&lt;hex HMAC-SHA256 of "&lt;timestamp&gt;.&lt;body&gt;"&gt;</c>, keyed
/// with the endpoint secret (its UTF-8 bytes). <see cref="Verify"/> is what docs/webhooks.md tells receivers to do.
/// </summary>
public static class WebhookSignature
{
    public const string EventIdHeader = "Takedown-Event-Id";
    public const string TimestampHeader = "Takedown-Timestamp";
    public const string SignatureHeader = "Takedown-Signature";

    /// <summary>Receivers should refuse a timestamp further than this from their own clock (default tolerance).</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body) => "v1=" + Convert.ToHexStringLower(Mac(secret, timestamp, body));

    /// <summary>
    /// Checks a received delivery: the timestamp is within <paramref name="tolerance"/> of <paramref name="now"/> and one of the
    /// comma-separated <c>v1=</c> values matches (compared in constant time). Replays inside the window are caught by the event id.
    /// </summary>
    public static SignatureCheck Verify(string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body,
        DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (string.IsNullOrEmpty(timestampHeader) || string.IsNullOrEmpty(signatureHeader)) return SignatureCheck.Missing;
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)) return SignatureCheck.Malformed;
        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Min(timestamp, 253402300799));
        if (age.Duration() > (tolerance ?? DefaultTolerance)) return SignatureCheck.TooOld;
        var expected = Mac(secret, timestamp, body);
        var sawOne = false;
        foreach (var part in signatureHeader.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!part.StartsWith("v1=", StringComparison.Ordinal)) continue;
            sawOne = true;
            byte[] given;
            try { given = Convert.FromHexString(part.AsSpan(3)); }
            catch (FormatException) { continue; }
            if (CryptographicOperations.FixedTimeEquals(given, expected)) return SignatureCheck.Valid;
        }
        return sawOne ? SignatureCheck.Mismatch : SignatureCheck.Malformed;
    }

    private static byte[] Mac(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }
}
