using Takedown.Core.Hashing;

namespace Takedown.Core.Matching;

/// <summary>A text entry whose estimated overlap with the query reaches the threshold; Distance = 100 - overlap in percent.</summary>
public readonly record struct TextMatch(long Id, int Distance, double Overlap);

/// <summary>
/// Locality-sensitive index over MinHash signatures: 64 bands of 2 values. Two texts sharing a third
/// of their shingles collide in some band with probability above 0.99, unrelated texts almost never;
/// every candidate is then verified by its estimated overlap (share of the smaller text's shingles
/// found in the other) and the number of shingles shared.
/// </summary>
public sealed class TextIndex
{
    public const int Rows = 2;
    public const int Bands = TextSignature.Size / Rows;

    /// <summary>A match needs at least this many shared shingles (estimated), so a few common words never match.</summary>
    public const double MinSharedShingles = 8;

    private readonly Dictionary<long, (TextSignature Signature, bool Enabled)> _entries = [];
    private readonly Dictionary<ulong, List<long>> _buckets = [];
    private readonly ReaderWriterLockSlim _lock = new();

    public int Count
    {
        get { _lock.EnterReadLock(); try { return _entries.Count; } finally { _lock.ExitReadLock(); } }
    }

    /// <summary>Adds an entry, or updates whether it is matchable; the signature of an id never changes.</summary>
    public void Set(long id, TextSignature signature, bool enabled)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_entries.TryGetValue(id, out var existing))
            {
                _entries[id] = (existing.Signature, enabled);
                return;
            }
            _entries[id] = (signature, enabled);
            for (var b = 0; b < Bands; b++)
            {
                var key = BandKey(signature, b);
                if (!_buckets.TryGetValue(key, out var list)) _buckets[key] = list = new List<long>(1);
                list.Add(id);
            }
        }
        finally { _lock.ExitWriteLock(); }
    }

    public bool SetEnabled(long id, bool enabled)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_entries.TryGetValue(id, out var existing)) return false;
            _entries[id] = (existing.Signature, enabled);
            return true;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Matchable entries overlapping any of the query's signatures (the whole text and its windows) by at least <paramref name="minOverlap"/>.</summary>
    public IReadOnlyList<TextMatch> Match(IReadOnlyList<TextSignature> queries, double minOverlap)
    {
        var best = new Dictionary<long, double>();
        _lock.EnterReadLock();
        try
        {
            foreach (var query in queries)
            {
                if (query.Shingles == 0) continue;
                var candidates = new HashSet<long>();
                for (var b = 0; b < Bands; b++)
                    if (_buckets.TryGetValue(BandKey(query, b), out var list))
                        foreach (var id in list) candidates.Add(id);
                foreach (var id in candidates)
                {
                    var (signature, enabled) = _entries[id];
                    if (!enabled) continue;
                    var overlap = signature.Overlap(query, out var shared);
                    if (overlap < minOverlap || shared < MinSharedShingles) continue;
                    if (!best.TryGetValue(id, out var o) || overlap > o) best[id] = overlap;
                }
            }
        }
        finally { _lock.ExitReadLock(); }
        return best.Select(kv => new TextMatch(kv.Key, (int)Math.Round((1 - kv.Value) * 100), kv.Value)).ToList();
    }

    /// <summary>The signatures a query text is looked up by: the whole text, and for long texts overlapping windows, so a known text inside a long post is found.</summary>
    public static List<TextSignature> QuerySignatures(string text)
    {
        var words = TextNormalizer.Words(text);
        var list = new List<TextSignature> { TextSignature.FromWords(words) };
        const int window = 120, stride = 60;
        if (words.Count > window + stride)
            for (var start = 0; start < words.Count - stride; start += stride)
                list.Add(TextSignature.FromWords(words.GetRange(start, Math.Min(window, words.Count - start))));
        return list;
    }

    private static ulong BandKey(TextSignature s, int band)
    {
        ulong h = (ulong)band * 0x9E3779B97F4A7C15UL;
        for (var r = 0; r < Rows; r++)
        {
            h ^= s.Values[band * Rows + r];
            h *= 0xBF58476D1CE4E5B9UL;
            h ^= h >> 29;
        }
        return h;
    }
}
