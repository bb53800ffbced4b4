namespace Takedown.Core.Hashing;

/// <summary>
/// The eight dihedral hashes from one DCT block. Mirroring an axis multiplies frequency u (1-based)
/// by (-1)^u, i.e. negates 0-based even indices; transposition swaps row and column.
/// </summary>
internal static class PdqDihedral
{
    internal static PdqDihedralHashes FromCoefficients(ReadOnlySpan<float> b, Span<float> scratch)
    {
        Span<float> t = stackalloc float[256];
        return new PdqDihedralHashes(
            Variant(b, t, scratch, transpose: false, static (i, j) => true),
            Variant(b, t, scratch, transpose: true, static (i, j) => (j & 1) == 1),
            Variant(b, t, scratch, transpose: false, static (i, j) => ((i + j) & 1) == 0),
            Variant(b, t, scratch, transpose: true, static (i, j) => (i & 1) == 1),
            Variant(b, t, scratch, transpose: false, static (i, j) => (i & 1) == 1),
            Variant(b, t, scratch, transpose: false, static (i, j) => (j & 1) == 1),
            Variant(b, t, scratch, transpose: true, static (i, j) => true),
            Variant(b, t, scratch, transpose: true, static (i, j) => ((i + j) & 1) == 0));
    }

    // A'[i][j] (or A'[j][i] when transposed) = keepSign(i, j) ? A[i][j] : -A[i][j].
    private static PdqHash Variant(ReadOnlySpan<float> b, Span<float> t, Span<float> scratch, bool transpose, Func<int, int, bool> keepSign)
    {
        for (int i = 0; i < 16; i++)
        {
            for (int j = 0; j < 16; j++)
            {
                float v = b[(i * 16) + j];
                float signed = keepSign(i, j) ? v : -v;
                t[transpose ? (j * 16) + i : (i * 16) + j] = signed;
            }
        }

        return PdqCore.Threshold(t, scratch);
    }
}
