using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace Takedown.Core.Hashing;

/// <summary>
/// A 256-bit PDQ hash. Bit k (k = row * 16 + column of the 16x16 DCT block) is bit k of the
/// big-endian 256-bit integer that the 64-character hex form spells, as in the reference.
/// </summary>
public readonly struct PdqHash : IEquatable<PdqHash>
{
    /// <summary>Number of bits in a PDQ hash.</summary>
    public const int BitCount = 256;

    /// <summary>Length of the hex form.</summary>
    public const int HexLength = 64;

    // Lane 0 holds bits 0..63 (the last 16 hex digits), lane 3 bits 192..255 (the first 16).
    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    /// <summary>Builds a hash from its four 64-bit lanes, lane 0 holding bits 0..63.</summary>
    public PdqHash(ulong bits0To63, ulong bits64To127, ulong bits128To191, ulong bits192To255)
    {
        _w0 = bits0To63;
        _w1 = bits64To127;
        _w2 = bits128To191;
        _w3 = bits192To255;
    }

    /// <summary>Bits 0..63 (the last 16 hex digits); the index packs the four lanes in this order.</summary>
    public ulong Lane0 => _w0;

    /// <summary>Bits 64..127.</summary>
    public ulong Lane1 => _w1;

    /// <summary>Bits 128..191.</summary>
    public ulong Lane2 => _w2;

    /// <summary>Bits 192..255 (the first 16 hex digits).</summary>
    public ulong Lane3 => _w3;

    /// <summary>The all-zero hash, which the reference gives to images under 5 px on a side.</summary>
    public static PdqHash Zero => default;

    /// <summary>Lane <paramref name="index"/> (0..3) of 64 bits, lane 0 holding bits 0..63.</summary>
    public ulong GetLane(int index) => index switch
    {
        0 => _w0,
        1 => _w1,
        2 => _w2,
        3 => _w3,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>Whether bit <paramref name="k"/> (coefficient row k/16, column k%16) is set.</summary>
    public bool GetBit(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, BitCount);
        return ((GetLane(k >> 6) >> (k & 63)) & 1UL) != 0;
    }

    /// <summary>Number of set bits.</summary>
    public int PopCount =>
        BitOperations.PopCount(_w0) + BitOperations.PopCount(_w1) +
        BitOperations.PopCount(_w2) + BitOperations.PopCount(_w3);

    /// <summary>Hamming distance between two hashes (0..256). Matches are conventionally &lt;= 31.</summary>
    public int DistanceTo(PdqHash other) =>
        BitOperations.PopCount(_w0 ^ other._w0) + BitOperations.PopCount(_w1 ^ other._w1) +
        BitOperations.PopCount(_w2 ^ other._w2) + BitOperations.PopCount(_w3 ^ other._w3);

    /// <summary>Hamming distance between two hashes.</summary>
    public static int Distance(PdqHash a, PdqHash b) => a.DistanceTo(b);

    /// <summary>Parses exactly 64 hex digits (either case); anything else fails.</summary>
    public static bool TryParse([NotNullWhen(true)] string? hex, out PdqHash hash) =>
        TryParse(hex.AsSpan(), out hash) && hex is not null;

    /// <summary>Parses exactly 64 hex digits (either case); anything else fails.</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out PdqHash hash)
    {
        hash = default;
        if (hex.Length != HexLength)
        {
            return false;
        }

        Span<ulong> lanes = stackalloc ulong[4];
        for (int lane = 0; lane < 4; lane++)
        {
            // Hex digits 0..15 hold lane 3, 48..63 lane 0.
            ReadOnlySpan<char> part = hex.Slice((3 - lane) * 16, 16);
            ulong v = 0;
            foreach (char c in part)
            {
                int d = HexValue(c);
                if (d < 0)
                {
                    return false;
                }

                v = (v << 4) | (uint)d;
            }

            lanes[lane] = v;
        }

        hash = new PdqHash(lanes[0], lanes[1], lanes[2], lanes[3]);
        return true;
    }

    /// <summary>Parses exactly 64 hex digits or throws <see cref="FormatException"/>.</summary>
    public static PdqHash Parse(string hex) =>
        TryParse(hex, out PdqHash h) ? h : throw new FormatException("A PDQ hash is exactly 64 hex digits.");

    /// <summary>64 lowercase hex digits, most significant (bit 255) first, as the reference prints it.</summary>
    public override string ToString() => string.Create(HexLength, this, static (span, h) =>
    {
        h._w3.TryFormat(span[..16], out _, "x16");
        h._w2.TryFormat(span.Slice(16, 16), out _, "x16");
        h._w1.TryFormat(span.Slice(32, 16), out _, "x16");
        h._w0.TryFormat(span.Slice(48, 16), out _, "x16");
    });

    /// <inheritdoc />
    public bool Equals(PdqHash other) =>
        _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PdqHash other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);

    /// <summary>Bitwise equality.</summary>
    public static bool operator ==(PdqHash left, PdqHash right) => left.Equals(right);

    /// <summary>Bitwise inequality.</summary>
    public static bool operator !=(PdqHash left, PdqHash right) => !left.Equals(right);

    /// <summary>Builds a hash from 256 coefficients: bit k is set iff coefficient k is strictly above the threshold.</summary>
    internal static PdqHash FromThreshold(ReadOnlySpan<float> coefficients, float threshold)
    {
        Span<ulong> lanes = stackalloc ulong[4];
        lanes.Clear();
        for (int k = 0; k < BitCount; k++)
        {
            if (coefficients[k] > threshold)
            {
                lanes[k >> 6] |= 1UL << (k & 63);
            }
        }

        return new PdqHash(lanes[0], lanes[1], lanes[2], lanes[3]);
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
