using Takedown.Core.Hashing;
using Takedown.Core.Matching;

namespace Takedown.Core.Tests.Matching;

internal static class TestHashes
{
    internal static PdqHash Random(Random random) =>
        new((ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63), (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63),
            (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63), (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63));

    /// <summary>Flips exactly <paramref name="flips"/> distinct bits, optionally all inside the first <paramref name="withinBits"/> bits.</summary>
    internal static PdqHash Flip(PdqHash hash, int flips, Random random, int withinBits = 256)
    {
        Span<ulong> words = [hash.Lane0, hash.Lane1, hash.Lane2, hash.Lane3];
        var flipped = new HashSet<int>();
        while (flipped.Count < flips)
        {
            var bit = random.Next(withinBits);
            if (flipped.Add(bit))
            {
                words[bit >> 6] ^= 1UL << (63 - (bit & 63));
            }
        }

        return new PdqHash(words[0], words[1], words[2], words[3]);
    }

    internal static List<PdqMatch> BruteForce(IEnumerable<(long Id, PdqHash Hash)> entries, PdqHash query, int radius) =>
        entries.Select(e => new PdqMatch(e.Id, e.Hash.DistanceTo(query)))
            .Where(m => m.Distance <= radius)
            .OrderBy(m => m.Distance).ThenBy(m => m.Id)
            .ToList();

    internal static PdqIndexOptions ManualMerge => new() { MergeInBackground = false };
}
