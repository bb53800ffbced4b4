using System.Security.Cryptography;
using System.Text;

namespace Takedown.Core.Organizations;

/// <summary>
/// API keys are 256 random bits shown once as "tdk_…"; only their SHA-256 is stored. A fast hash is
/// enough here because the keys are high-entropy (unlike passwords, they cannot be guessed from a list).
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "tdk_";

    public static string Generate() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The first characters, kept to help an operator tell keys apart without revealing them.</summary>
    public static string DisplayPrefix(string key) => key[..Math.Min(key.Length, 10)];
}
