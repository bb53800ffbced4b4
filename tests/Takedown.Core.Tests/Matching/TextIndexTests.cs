using Takedown.Core.Hashing;
using Takedown.Core.Matching;

namespace Takedown.Core.Tests.Matching;

/// <summary>The text index's lifecycle: entries added one by one, in bulk, across a seal, disabled and enabled again.</summary>
public sealed class TextIndexTests
{
    private static readonly string[] Vocabulary = MakeVocabulary();

    private static string[] MakeVocabulary()
    {
        var random = new Random(3);
        var words = new HashSet<string>();
        while (words.Count < 5_000)
            words.Add(new string(Enumerable.Range(0, 3 + random.Next(7)).Select(_ => (char)('a' + random.Next(26))).ToArray()));
        return words.ToArray();
    }

    private static string Text(int seed)
    {
        var random = new Random(seed);
        return string.Join(' ', Enumerable.Range(0, 60).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]));
    }

    private static string Edited(string text, int seed)
    {
        var random = new Random(seed);
        var words = text.Split(' ');
        for (var i = 0; i < words.Length / 10; i++) words[random.Next(words.Length)] = Vocabulary[random.Next(Vocabulary.Length)];
        return string.Join(' ', words);
    }

    private static IReadOnlyList<long> Find(TextIndex index, string text) =>
        index.Match(TextIndex.QuerySignatures(text), 0.5).Select(m => m.Id).ToList();

    [Fact]
    public void EntriesAddedOneByOne_AcrossSeveralSeals_AreAllFound()
    {
        var index = new TextIndex();
        // 10,000 single adds cross the 4,096-text seal threshold twice; the last ones stay unsealed.
        for (var i = 0; i < 10_000; i++) index.Set(i, TextSignature.Compute(Text(i)), true);

        foreach (var i in new[] { 0, 4_095, 4_096, 8_191, 9_999 })
            Assert.Contains((long)i, Find(index, Edited(Text(i), i + 1)));
        Assert.Equal(10_000, index.Count);
    }

    [Fact]
    public void BulkAdd_ThenSingleAdds_FindsBoth_AndNotUnrelatedText()
    {
        var index = new TextIndex();
        index.AddRange(Enumerable.Range(0, 3_000).Select(i => ((long)i, TextSignature.Compute(Text(i)), true)));
        index.Set(50_000, TextSignature.Compute(Text(50_000)), true);

        Assert.Equal([1_234L], Find(index, Edited(Text(1_234), 7)));
        Assert.Equal([50_000L], Find(index, Text(50_000)));
        Assert.Empty(Find(index, Text(99_999)));
    }

    [Fact]
    public void DisabledEntry_StopsMatching_AndMatchesAgainWhenEnabled()
    {
        var index = new TextIndex();
        index.AddRange(Enumerable.Range(0, 500).Select(i => ((long)i, TextSignature.Compute(Text(i)), true)));

        Assert.True(index.SetEnabled(42, false));
        Assert.Empty(Find(index, Text(42)));
        index.Set(42, TextSignature.Compute(Text(42)), true);
        Assert.Equal([42L], Find(index, Text(42)));
        Assert.False(index.SetEnabled(777, true));
    }

    [Fact]
    public void Overlap_FromStoredValues_AgreesWithTheFullSignature()
    {
        var index = new TextIndex();
        var known = TextSignature.Compute(Text(5));
        index.Set(5, known, true);
        var query = TextSignature.Compute(Edited(Text(5), 9));

        var match = Assert.Single(index.Match([query], 0.1));
        var expected = known.Overlap(query, out _);
        Assert.InRange(match.Overlap, expected - 0.02, expected + 0.02);
        Assert.InRange(match.Overlap, 0.5, 0.95);
    }
}
