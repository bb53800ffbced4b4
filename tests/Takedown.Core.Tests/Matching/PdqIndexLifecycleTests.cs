using Takedown.Core.Hashing;
using Takedown.Core.Matching;

namespace Takedown.Core.Tests.Matching;

public sealed class PdqIndexLifecycleTests
{
    private static (PdqIndex Index, List<(long Id, PdqHash Hash)> Entries) BuildRandom(int count, int seed, PdqIndexOptions? options = null)
    {
        var random = new Random(seed);
        var entries = Enumerable.Range(1, count).Select(i => ((long)i, TestHashes.Random(random))).ToList();
        return (PdqIndex.Build(entries, options ?? TestHashes.ManualMerge), entries);
    }

    [Fact]
    public void Add_AfterBuild_IsMatchableImmediatelyWithoutARebuild()
    {
        var (index, _) = BuildRandom(2_000, 10);
        var random = new Random(11);
        var added = TestHashes.Random(random);

        index.Add(5_000, added);

        Assert.Contains(new PdqMatch(5_000, 7), index.Match(TestHashes.Flip(added, 7, random)));
        Assert.Equal(2_001, index.Count);
    }

    [Fact]
    public void Add_ThenCompact_KeepsEveryEntryMatchable()
    {
        var (index, entries) = BuildRandom(2_000, 12);
        var random = new Random(13);
        for (var i = 0; i < 500; i++)
        {
            var hash = TestHashes.Random(random);
            entries.Add((10_000 - i, hash));
            index.Add(10_000 - i, hash);
        }

        index.Compact();

        Assert.Equal(0, index.DeltaCount);
        Assert.All(entries, e => Assert.Contains(new PdqMatch(e.Id, 0), index.Match(e.Hash, 0)));
    }

    [Fact]
    public void Add_BeyondTheMergeThreshold_MergesInTheBackgroundAndKeepsEveryEntryMatchable()
    {
        var (index, entries) = BuildRandom(1_000, 14, new PdqIndexOptions { DeltaMergeThreshold = 64 });
        var random = new Random(15);
        for (var i = 0; i < 1_000; i++)
        {
            var hash = TestHashes.Random(random);
            entries.Add((5_000 + i, hash));
            index.Add(5_000 + i, hash);
            Assert.Contains(new PdqMatch(5_000 + i, 0), index.Match(hash, 0));
        }

        index.Compact();

        Assert.All(entries, e => Assert.Equal([new PdqMatch(e.Id, 0)], index.Match(e.Hash, 0)));
    }

    [Fact]
    public void Add_WithAnExistingId_ReplacesItsHash()
    {
        var (index, entries) = BuildRandom(100, 16);
        var replacement = TestHashes.Random(new Random(17));

        index.Add(entries[0].Id, replacement);

        Assert.Empty(index.Match(entries[0].Hash, 0));
        Assert.Equal([new PdqMatch(entries[0].Id, 0)], index.Match(replacement, 0));
        Assert.Equal(100, index.Count);
        index.Compact();
        Assert.Empty(index.Match(entries[0].Hash, 0));
        Assert.Equal([new PdqMatch(entries[0].Id, 0)], index.Match(replacement, 0));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SetEnabled_False_StopsAnEntryMatching_AndTrueMakesItMatchAgain(bool entryIsInTheDelta)
    {
        var (index, entries) = BuildRandom(1_000, 18);
        var (id, hash) = entries[500];
        if (entryIsInTheDelta)
        {
            (id, hash) = (9_999, TestHashes.Random(new Random(19)));
            index.Add(id, hash);
        }

        Assert.True(index.SetEnabled(id, false));
        Assert.Empty(index.Match(hash));
        Assert.Empty(index.Match(hash, 63));

        index.Compact();
        Assert.Empty(index.Match(hash));

        Assert.True(index.SetEnabled(id, true));
        Assert.Equal([new PdqMatch(id, 0)], index.Match(hash));
        Assert.Equal([new PdqMatch(id, 0)], index.Match(hash, 63));
    }

    [Fact]
    public void Add_Disabled_IsHeldButDoesNotMatchUntilEnabled()
    {
        var index = new PdqIndex(TestHashes.ManualMerge);
        var hash = TestHashes.Random(new Random(20));

        index.Add(1, hash, enabled: false);

        Assert.Empty(index.Match(hash));
        Assert.True(index.SetEnabled(1, true));
        Assert.Single(index.Match(hash));
    }

    [Fact]
    public void Remove_DropsTheEntry_AndAnUnknownIdReportsFalse()
    {
        var (index, entries) = BuildRandom(1_000, 21);

        Assert.True(index.Remove(entries[3].Id));
        Assert.False(index.Remove(entries[3].Id));
        Assert.False(index.Remove(123_456));
        Assert.False(index.SetEnabled(entries[3].Id, true));
        Assert.Empty(index.Match(entries[3].Hash));

        index.Compact();

        Assert.Empty(index.Match(entries[3].Hash));
        Assert.Equal(999, index.Count);
        Assert.Single(index.Match(entries[4].Hash));
    }

    [Fact]
    public async Task Match_WhileAnotherThreadAddsAndMerges_NeverMissesAnExistingEntry()
    {
        var (index, entries) = BuildRandom(5_000, 22, new PdqIndexOptions { DeltaMergeThreshold = 256 });
        var random = new Random(23);
        var probes = entries.Take(200).Select(e => (e.Id, Query: TestHashes.Flip(e.Hash, random.Next(31), random))).ToList();
        using var stop = new CancellationTokenSource();

        var writer = Task.Run(() =>
        {
            var writerRandom = new Random(24);
            for (var i = 0; i < 6_000; i++)
            {
                index.Add(100_000 + i, TestHashes.Random(writerRandom));
                if (i % 100 == 0)
                {
                    index.SetEnabled(100_000 + i, false);
                }
            }

            index.Compact();
        });

        var misses = 0;
        var queries = 0;
        var reader = Task.Run(() =>
        {
            var results = new List<PdqMatch>();
            while (!writer.IsCompleted || queries < 2_000)
            {
                foreach (var (id, query) in probes)
                {
                    results.Clear();
                    index.Match(query, 31, results);
                    misses += results.Exists(m => m.Id == id) ? 0 : 1;
                    queries++;
                }
            }
        });

        await Task.WhenAll(writer, reader);

        Assert.Equal(0, misses);
        Assert.Equal(11_000, index.Count);
        Assert.Equal(0, index.DeltaCount);
    }
}
