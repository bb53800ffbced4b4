using Takedown.Core.Hashing;
using Takedown.Core.Matching;

namespace Takedown.Core.Tests.Matching;

public sealed class PdqIndexExactnessTests
{
    private const int Background = 20_000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Match_FindsPlantedNeighboursAtEveryDistanceUpToThirtyOne_AndNothingBeyondTheRadius(bool partnerFilter)
    {
        var random = new Random(1);
        var entries = Enumerable.Range(0, Background).Select(i => ((long)i, TestHashes.Random(random))).ToList();
        var queries = Enumerable.Range(0, 8).Select(_ => TestHashes.Random(random)).ToList();
        var nextId = 1_000_000L;
        foreach (var query in queries)
        {
            for (var distance = 0; distance <= 40; distance++)
            {
                // Spread flips anywhere, and also crowd them into one pair of slots, the filter's worst case.
                entries.Add((nextId++, TestHashes.Flip(query, distance, random)));
                entries.Add((nextId++, TestHashes.Flip(query, distance, random, withinBits: Math.Max(32, distance))));
            }
        }

        var index = PdqIndex.Build(entries, new PdqIndexOptions { MergeInBackground = false, UsePartnerFilter = partnerFilter });

        foreach (var query in queries)
        {
            var found = index.Match(query, 31);

            Assert.Equal(TestHashes.BruteForce(entries, query, 31), found);
            Assert.Equal(64, found.Count);
            Assert.All(found, m => Assert.InRange(m.Distance, 0, 31));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(23)]
    [InlineData(24)]
    [InlineData(30)]
    [InlineData(32)]
    [InlineData(47)]
    [InlineData(63)]
    public void Match_AtAnyRadius_ReturnsExactlyWhatBruteForceReturns(int radius)
    {
        var random = new Random(100 + radius);
        var queries = Enumerable.Range(0, 10).Select(_ => TestHashes.Random(random)).ToList();
        var entries = Enumerable.Range(0, 5_000).Select(i => ((long)i, TestHashes.Random(random))).ToList();
        for (var i = 0; i < 2_000; i++)
        {
            entries.Add((10_000 + i, TestHashes.Flip(queries[i % queries.Count], random.Next(radius + 3), random)));
        }

        var index = PdqIndex.Build(entries, TestHashes.ManualMerge);

        foreach (var query in queries)
        {
            Assert.Equal(TestHashes.BruteForce(entries, query, radius), index.Match(query, radius));
        }
    }

    [Fact]
    public void Match_FindsNeighboursWhoseThirtyOneFlipsAreSpreadAsEvenlyAsPossibleOverThePairs()
    {
        var random = new Random(6);
        var query = TestHashes.Random(random);
        var entries = new List<(long Id, PdqHash Hash)>();
        for (var lightPair = 0; lightPair < 8; lightPair++)
        {
            for (var lightSplit = 0; lightSplit <= 3; lightSplit++)
            {
                // Seven pairs carry 4 flips and one carries 3: the tightest case for the pair pigeonhole.
                Span<ulong> words = [query.Lane0, query.Lane1, query.Lane2, query.Lane3];
                for (var pair = 0; pair < 8; pair++)
                {
                    var inFirst = pair == lightPair ? lightSplit : random.Next(5);
                    var inSecond = (pair == lightPair ? 3 : 4) - inFirst;
                    FlipInSlot(words, 2 * pair, inFirst, random);
                    FlipInSlot(words, 2 * pair + 1, inSecond, random);
                }

                entries.Add((entries.Count, new PdqHash(words[0], words[1], words[2], words[3])));
            }
        }

        var index = PdqIndex.Build(entries, TestHashes.ManualMerge);

        Assert.All(entries, e => Assert.Equal(31, e.Hash.DistanceTo(query)));
        Assert.Equal(entries.Count, index.Match(query, 31).Count);
        Assert.Empty(index.Match(query, 30));
    }

    private static void FlipInSlot(Span<ulong> words, int slot, int flips, Random random)
    {
        foreach (var bit in Enumerable.Range(0, 16).OrderBy(_ => random.Next()).Take(flips))
        {
            words[slot >> 2] ^= 1UL << (16 * (slot & 3) + bit);
        }
    }

    [Fact]
    public void Match_AtRadiusZero_ReturnsOnlyIdenticalHashes()
    {
        var random = new Random(2);
        var query = TestHashes.Random(random);
        var index = PdqIndex.Build(
            [(1, query), (2, TestHashes.Flip(query, 1, random)), (3, query), (4, TestHashes.Random(random))],
            TestHashes.ManualMerge);

        Assert.Equal([new PdqMatch(1, 0), new PdqMatch(3, 0)], index.Match(query, 0));
    }

    [Fact]
    public void Match_AtRadiusSixtyThree_FindsEntriesUpToSixtyThreeBitsAway()
    {
        var random = new Random(3);
        var query = TestHashes.Random(random);
        var index = PdqIndex.Build(
            [(1, TestHashes.Flip(query, 63, random)), (2, TestHashes.Flip(query, 64, random)), (3, TestHashes.Flip(query, 32, random))],
            TestHashes.ManualMerge);

        Assert.Equal([new PdqMatch(3, 32), new PdqMatch(1, 63)], index.Match(query, 63));
    }

    [Fact]
    public void Match_WhenManyEntriesShareSlots_ReportsEachEntryOnce()
    {
        var random = new Random(4);
        var query = TestHashes.Random(random);
        var entries = Enumerable.Range(0, 3_000).Select(i => ((long)i, TestHashes.Flip(query, random.Next(6), random))).ToList();
        var index = PdqIndex.Build(entries, TestHashes.ManualMerge);

        var found = index.Match(query);

        Assert.Equal(3_000, found.Count);
        Assert.Equal(3_000, found.Select(m => m.Id).Distinct().Count());
        Assert.Equal(TestHashes.BruteForce(entries, query, 31), found);
    }

    [Fact]
    public void Match_OnAnEmptyIndex_ReturnsNothing()
    {
        var index = new PdqIndex();
        var query = TestHashes.Random(new Random(5));

        Assert.Empty(index.Match(query, 0));
        Assert.Empty(index.Match(query));
        Assert.Empty(index.Match(query, 63));
        Assert.Empty(PdqIndex.Build([], TestHashes.ManualMerge).Match(query));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(64)]
    public void Match_WithARadiusOutside0To63_Throws(int radius)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PdqIndex().Match(default, radius));
    }

    [Fact]
    public void Build_WithADuplicateId_Throws()
    {
        Assert.Throws<ArgumentException>(() => PdqIndex.Build([(7, default(PdqHash)), (7, default(PdqHash))]));
    }
}
