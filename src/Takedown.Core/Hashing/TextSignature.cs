using System.Globalization;
using System.Text;

namespace Takedown.Core.Hashing;

/// <summary>
/// The <c>text</c> signal: a MinHash signature of the normalised text's word 3-shingles (128
/// values) and the number of distinct shingles, so the share of one text found in another can be
/// estimated from signatures alone. Written "count:hex" (the count, then 128 x 8 hex digits); the
/// text itself is never stored.
/// </summary>
public sealed class TextSignature
{
    public const int Size = 128;
    public const int ShingleWords = 3;
    private static readonly ulong[] A = new ulong[Size];
    private static readonly ulong[] B = new ulong[Size];

    static TextSignature()
    {
        // Fixed seed: signatures must agree across processes, machines and versions.
        var rng = new Random(0x7A6B_5A01);
        for (var i = 0; i < Size; i++)
        {
            A[i] = (ulong)rng.NextInt64() << 1 | 1UL | (ulong)rng.Next(2) << 63;
            B[i] = (ulong)rng.NextInt64();
        }
    }

    public TextSignature(int shingles, uint[] values)
    {
        Shingles = shingles;
        Values = values;
    }

    /// <summary>Distinct shingles in the text (0 for a text without words).</summary>
    public int Shingles { get; }

    public uint[] Values { get; }

    public static TextSignature Compute(string text) => FromWords(TextNormalizer.Words(text));

    public static TextSignature FromWords(IReadOnlyList<string> words)
    {
        var values = new uint[Size];
        Array.Fill(values, uint.MaxValue);
        var seen = new HashSet<ulong>();
        foreach (var shingle in ShingleHashes(words))
        {
            if (!seen.Add(shingle)) continue;
            for (var i = 0; i < Size; i++)
            {
                var h = (uint)((A[i] * shingle + B[i]) >> 32);
                if (h < values[i]) values[i] = h;
            }
        }
        return new TextSignature(seen.Count, values);
    }

    /// <summary>One 64-bit hash per run of <see cref="ShingleWords"/> words (the whole text when shorter).</summary>
    public static IEnumerable<ulong> ShingleHashes(IReadOnlyList<string> words)
    {
        if (words.Count == 0) yield break;
        var hashes = words.Select(WordHash).ToArray();
        var n = Math.Min(ShingleWords, hashes.Length);
        for (var i = 0; i + n <= hashes.Length; i++)
        {
            var h = 0x9E3779B97F4A7C15UL;
            for (var k = 0; k < n; k++) h = Mix(h ^ hashes[i + k]) * 0xBF58476D1CE4E5B9UL;
            yield return Mix(h);
        }
    }

    private static ulong WordHash(string word)
    {
        var h = 14695981039346656037UL;
        foreach (var ch in word) { h ^= ch; h *= 1099511628211UL; }
        return Mix(h);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Estimated Jaccard similarity: the share of equal signature values.</summary>
    public double Jaccard(TextSignature other)
    {
        var same = 0;
        for (var i = 0; i < Size; i++) if (Values[i] == other.Values[i] && Values[i] != uint.MaxValue) same++;
        return same / (double)Size;
    }

    /// <summary>
    /// Estimated share of the smaller text's shingles found in the larger one (1 for a copy, about 1
    /// for a copy wrapped in a longer post or a truncated copy), from the Jaccard estimate and sizes.
    /// </summary>
    public double Overlap(TextSignature other, out double sharedShingles) =>
        Overlap(Jaccard(other), Shingles, other.Shingles, out sharedShingles);

    /// <summary>The overlap of two texts of <paramref name="shinglesA"/> and <paramref name="shinglesB"/> distinct shingles whose Jaccard estimate is <paramref name="jaccard"/>.</summary>
    public static double Overlap(double jaccard, int shinglesA, int shinglesB, out double sharedShingles)
    {
        sharedShingles = jaccard * (shinglesA + shinglesB) / (1 + jaccard);
        var smaller = Math.Min(shinglesA, shinglesB);
        return smaller == 0 ? 0 : Math.Min(1, sharedShingles / smaller);
    }

    public override string ToString()
    {
        var sb = new StringBuilder(12 + Size * 8);
        sb.Append(Shingles.ToString(CultureInfo.InvariantCulture)).Append(':');
        foreach (var v in Values) sb.Append(v.ToString("x8", CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    public static bool TryParse(string? value, out TextSignature signature)
    {
        signature = null!;
        if (value is null) return false;
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon is < 1 or > 9 || value.Length - colon - 1 != Size * 8) return false;
        if (!int.TryParse(value.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var shingles) || shingles < 1) return false;
        var values = new uint[Size];
        for (var i = 0; i < Size; i++)
            if (!uint.TryParse(value.AsSpan(colon + 1 + i * 8, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out values[i])) return false;
        signature = new TextSignature(shingles, values);
        return true;
    }
}
