using System.Security.Cryptography;

namespace Takedown.Core.Hashing;

/// <summary>Exact-match file digests as lowercase hex, for lists that share MD5 or SHA-256.</summary>
public static class ExactHashes
{
    /// <summary>MD5 of the bytes, 32 lowercase hex digits.</summary>
    public static string Md5Hex(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(data, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>SHA-256 of the bytes, 64 lowercase hex digits.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, digest);
        return Convert.ToHexStringLower(digest);
    }
}
