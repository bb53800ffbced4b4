namespace Takedown.Core.Hashing;

/// <summary>
/// The eight dihedral PDQ hashes of one image, computed from a single DCT and named as the
/// reference's <c>--pdqdih</c> output. Rot90 is counter-clockwise in the reference's naming.
/// </summary>
public sealed record PdqDihedralHashes(
    PdqHash Orig,
    PdqHash Rot90,
    PdqHash Rot180,
    PdqHash Rot270,
    PdqHash FlipX,
    PdqHash FlipY,
    PdqHash FlipPlus1,
    PdqHash FlipMinus1)
{
    /// <summary>Names in the reference's order, as used in dihedral.tsv.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"];

    /// <summary>The hashes in the order of <see cref="Names"/>.</summary>
    public IReadOnlyList<PdqHash> All => [Orig, Rot90, Rot180, Rot270, FlipX, FlipY, FlipPlus1, FlipMinus1];

    /// <summary>Smallest distance from any of the eight to <paramref name="other"/>.</summary>
    public int MinDistanceTo(PdqHash other)
    {
        int best = PdqHash.BitCount;
        foreach (PdqHash h in All)
        {
            best = Math.Min(best, h.DistanceTo(other));
        }

        return best;
    }
}
