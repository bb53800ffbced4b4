using System.Security.Cryptography;

namespace Takedown.Tests;

/// <summary>
/// The tests' own authenticator app: RFC 6238 written again from the RFC, independent of the product's code, so a
/// product that computed codes wrongly would fail to sign in. Also shared by the browser tests (linked file).
/// </summary>
public static class TestTotp
{
    public static byte[] FromBase32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var ch in text.Trim().TrimEnd('=').ToUpperInvariant())
        {
            var v = alphabet.IndexOf(ch);
            if (v < 0) throw new FormatException($"not base32: {ch}");
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. output];
    }

    /// <summary>The 6-digit code for the 30-second step <paramref name="step"/>.</summary>
    public static string CodeAt(byte[] key, long step)
    {
        var counter = BitConverter.GetBytes(step);
        if (BitConverter.IsLittleEndian) Array.Reverse(counter);
        var hash = new HMACSHA1(key).ComputeHash(counter);
        var offset = hash[19] & 0xf;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("000000");
    }

    private static readonly Dictionary<string, long> LastStep = [];

    /// <summary>
    /// A code the service will accept at <paramref name="now"/> for this secret: each call gives a later step than the
    /// last (the service refuses a code twice), up to one step ahead of the clock; null once those are used up.
    /// </summary>
    public static string? NextCode(string base32Secret, DateTimeOffset now)
    {
        lock (LastStep)
        {
            var current = now.ToUnixTimeSeconds() / 30;
            var step = LastStep.TryGetValue(base32Secret, out var last) ? Math.Max(current, last + 1) : current;
            if (step > current + 1) return null;
            LastStep[base32Secret] = step;
            return CodeAt(FromBase32(base32Secret), step);
        }
    }

    /// <summary>As <see cref="NextCode"/> on the real clock, waiting for it when needed.</summary>
    public static async Task<string> NextCodeAsync(string base32Secret)
    {
        while (true)
        {
            if (NextCode(base32Secret, DateTimeOffset.UtcNow) is { } code) return code;
            await Task.Delay(1000);
        }
    }
}
