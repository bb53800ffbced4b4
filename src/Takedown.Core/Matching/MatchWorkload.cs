using System.Diagnostics;
using System.Globalization;
using Takedown.Core.Hashing;

namespace Takedown.Core.Matching;

/// <summary>Seeded random hashes and queries, so every run of `bench match` and the benchmarks see the same data.</summary>
internal static class MatchWorkload
{
    internal static (long[] Ids, PdqHash[] Hashes) Entries(int count, int seed)
    {
        var random = new Random(seed);
        var ids = new long[count];
        var hashes = new PdqHash[count];
        for (var i = 0; i < count; i++)
        {
            // Database ids grow, so sequential ids are the realistic case.
            ids[i] = i + 1;
            hashes[i] = Random(random);
        }

        return (ids, hashes);
    }

    internal static PdqHash Random(Random random) =>
        new((ulong)random.NextInt64() ^ ((ulong)random.Next() << 63), (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63),
            (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63), (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63));

    internal static PdqHash FlipBits(PdqHash hash, int flips, Random random)
    {
        Span<ulong> words = [hash.Lane0, hash.Lane1, hash.Lane2, hash.Lane3];
        var flipped = new HashSet<int>();
        while (flipped.Count < flips)
        {
            var bit = random.Next(256);
            if (flipped.Add(bit))
            {
                words[bit >> 6] ^= 1UL << (bit & 63);
            }
        }

        return new PdqHash(words[0], words[1], words[2], words[3]);
    }

    /// <summary>Even queries are an entry with 0..30 bits flipped (its id expected), odd ones random.</summary>
    internal static (PdqHash[] Queries, long[] PlantedIds, int[] PlantedDistances) Queries(long[] ids, PdqHash[] hashes, int count, int seed)
    {
        var random = new Random(seed + 1);
        var queries = new PdqHash[count];
        var plantedIds = new long[count];
        var plantedDistances = new int[count];
        for (var q = 0; q < count; q++)
        {
            if (q % 2 == 0)
            {
                var e = random.Next(ids.Length);
                var flips = (q / 2) % 31;
                queries[q] = FlipBits(hashes[e], flips, random);
                plantedIds[q] = ids[e];
                plantedDistances[q] = flips;
            }
            else
            {
                queries[q] = Random(random);
                plantedIds[q] = -1;
                plantedDistances[q] = -1;
            }
        }

        return (queries, plantedIds, plantedDistances);
    }

    internal static ulong[] Pack(PdqHash[] hashes)
    {
        var packed = new ulong[hashes.Length * 4];
        for (var i = 0; i < hashes.Length; i++)
        {
            packed[i * 4] = hashes[i].Lane0;
            packed[i * 4 + 1] = hashes[i].Lane1;
            packed[i * 4 + 2] = hashes[i].Lane2;
            packed[i * 4 + 3] = hashes[i].Lane3;
        }

        return packed;
    }

    /// <summary>
    /// Builds an index over <paramref name="entries"/> seeded random hashes, times
    /// <paramref name="queryCount"/> single-threaded queries (half planted entries with 0..30 bits
    /// flipped, half random), checks them against a brute-force scan, and prints the figures.
    /// Returns false when a planted match was missed or the index disagreed with the scan.
    /// </summary>
    internal static bool Run(TextWriter output, int entries, int queryCount, int radius, int seed = 20240601,
        int? baselineQueries = null, bool plainMultiIndex = false)
    {
        // About 2 s of scanning at either size.
        var baselineCount = Math.Min(queryCount, baselineQueries ?? Math.Max(20, 200_000_000 / Math.Max(entries, 1)));
        var (ids, hashes) = Entries(entries, seed);
        var (queries, plantedIds, plantedDistances) = Queries(ids, hashes, queryCount, seed);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var buildWatch = Stopwatch.StartNew();
        var index = PdqIndex.Build(ids, hashes, new PdqIndexOptions { MergeInBackground = false, UsePartnerFilter = !plainMultiIndex });
        buildWatch.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);

        // Warm up for a second on other queries than the measured ones: long enough for the JIT's
        // tier-1 code to replace the first tier (1,000 queries alone finish before it would), while
        // the measured queries' own cache lines stay cold.
        var results = new List<PdqMatch>();
        var warmQueries = Queries(ids, hashes, 2_000, seed + 7).Queries;
        var warmWatch = Stopwatch.StartNew();
        for (var w = 0; w < warmQueries.Length || warmWatch.ElapsedMilliseconds < 1_000; w++)
        {
            results.Clear();
            index.Match(warmQueries[w % warmQueries.Length], radius, results);
        }

        var plantedFound = 0;
        var plantedExpected = 0;
        var randomWithMatches = 0;
        var totalMatches = 0L;
        var queryWatch = Stopwatch.StartNew();
        for (var q = 0; q < queryCount; q++)
        {
            results.Clear();
            index.Match(queries[q], radius, results);
            totalMatches += results.Count;
            if (plantedIds[q] >= 0)
            {
                if (plantedDistances[q] <= radius)
                {
                    plantedExpected++;
                    plantedFound += results.Contains(new PdqMatch(plantedIds[q], plantedDistances[q])) ? 1 : 0;
                }
            }
            else if (results.Count > 0)
            {
                randomWithMatches++;
            }
        }

        queryWatch.Stop();

        // An entry added after the build is matchable at once, without a rebuild.
        var random = new Random(seed + 11);
        var added = Random(random);
        var addWatch = Stopwatch.StartNew();
        index.Add(entries + 1L, added);
        var addedFound = index.Match(FlipBits(added, 20, random), radius).Any(m => m.Id == entries + 1L);
        addWatch.Stop();

        var packed = Pack(hashes);
        var hits = new List<(int Ordinal, int Distance)>();
        var sink = new OrdinalListSink(hits);
        var disagreements = 0;
        var baselineWatch = Stopwatch.StartNew();
        for (var q = 0; q < baselineCount; q++)
        {
            hits.Clear();
            HammingScan.Scan(packed, entries, queries[q], radius, ref sink);
        }

        baselineWatch.Stop();
        for (var q = 0; q < baselineCount; q++)
        {
            hits.Clear();
            HammingScan.Scan(packed, entries, queries[q], radius, ref sink);
            var expected = hits.Select(h => new PdqMatch(ids[h.Ordinal], h.Distance)).OrderBy(m => m.Distance).ThenBy(m => m.Id);
            disagreements += expected.SequenceEqual(index.Match(queries[q], radius).Where(m => m.Id != entries + 1L)) ? 0 : 1;
        }

        var qps = queryCount / queryWatch.Elapsed.TotalSeconds;
        var baselineQps = baselineCount / baselineWatch.Elapsed.TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            structure: {(plainMultiIndex ? "plain multi-index hashing (16 slots, verify every candidate)" : "paired-slot multi-index hashing (16 slots + partner filter)")}
            entries: {entries:N0}
            radius: {radius}
            build: {buildWatch.Elapsed.TotalSeconds:F2} s
            bytes/entry (index arrays): {index.ArrayBytes / (double)entries:F1}
            bytes/entry (GC.GetTotalMemory difference): {(after - before) / (double)entries:F1}
            queries: {queryCount:N0} in {queryWatch.Elapsed.TotalSeconds:F3} s (single thread)
            queries/s: {qps:F0}
            mean latency: {queryWatch.Elapsed.TotalMicroseconds / queryCount:F1} us
            planted matches found/expected: {plantedFound}/{plantedExpected}
            random queries with any match: {randomWithMatches} (expected 0)
            matches returned: {totalMatches:N0}
            entry added after the build matchable: {(addedFound ? "yes" : "NO")} after {addWatch.Elapsed.TotalMicroseconds:F0} us
            brute-force baseline: {baselineCount} queries, {baselineQps:F1} queries/s
            speed-up over brute force: {qps / baselineQps:F0}x
            disagreements with brute force on those {baselineCount} queries: {disagreements}
            """));
        GC.KeepAlive(index);
        return plantedFound == plantedExpected && disagreements == 0 && addedFound;
    }
}
