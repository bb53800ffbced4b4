using System.Numerics;
using Takedown.Core.Hashing;

namespace Takedown.Core.Matching;

/// <summary>A text entry whose estimated overlap with the query reaches the threshold; Distance = 100 - overlap in percent.</summary>
public readonly record struct TextMatch(long Id, int Distance, double Overlap);

/// <summary>
/// Locality-sensitive index over MinHash signatures: 64 bands of 2 values. Two texts sharing a third
/// of their shingles collide in some band with probability above 0.99, unrelated texts almost never;
/// every candidate is then verified by its estimated overlap (share of the smaller text's shingles
/// found in the other) and the number of shingles shared.
/// <para>
/// Layout, about 800 bytes a text: each text keeps the low 16 bits of its 128 MinHash values (two
/// texts' values agree by chance on 16 bits once in 65,536, which moves an overlap estimate by a
/// negligible amount); each band is one sorted array of (32-bit band key, slot) pairs with a prefix
/// table (about 8 pairs a bucket), so a lookup is 64 short binary searches. Texts added since the
/// arrays were last sealed sit in a small dictionary, merged into the arrays when it reaches a
/// quarter of them (at most 32,768 texts).
/// </para>
/// </summary>
public sealed class TextIndex
{
    public const int Rows = 2;
    public const int Bands = TextSignature.Size / Rows;
    private const int Size = TextSignature.Size;

    /// <summary>A match needs at least this many shared shingles (estimated), so a few common words never match.</summary>
    public const double MinSharedShingles = 8;

    private readonly Dictionary<long, int> _slotOf = [];
    private long[] _ids = new long[16];
    private int[] _shingles = new int[16];
    private bool[] _enabled = new bool[16];
    private ushort[] _values = new ushort[16 * Size];
    private int _count;

    // Slots [0, _sealed) are in the band arrays; slots [_sealed, _count) in _recent.
    private readonly ulong[][] _bands = new ulong[Bands][];
    private int[][] _prefix = new int[Bands][];
    private int _prefixBits;
    private int _sealed;
    private readonly Dictionary<ulong, List<int>> _recent = [];
    private readonly ReaderWriterLockSlim _lock = new();

    public TextIndex()
    {
        for (var b = 0; b < Bands; b++) _bands[b] = [];
        BuildPrefixes();
    }

    public int Count
    {
        get { _lock.EnterReadLock(); try { return _count; } finally { _lock.ExitReadLock(); } }
    }

    /// <summary>Bytes held by the index's arrays (not counting the id-to-slot dictionary).</summary>
    public long ArrayBytes
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                long bytes = _ids.Length * 8L + _shingles.Length * 4L + _enabled.Length + _values.Length * 2L;
                for (var b = 0; b < Bands; b++) bytes += _bands[b].Length * 8L + _prefix[b].Length * 4L;
                return bytes;
            }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Adds an entry, or updates whether it is matchable; the signature of an id never changes.</summary>
    public void Set(long id, TextSignature signature, bool enabled)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_slotOf.TryGetValue(id, out var existing))
            {
                _enabled[existing] = enabled;
                return;
            }
            var slot = Append(id, signature, enabled);
            for (var b = 0; b < Bands; b++)
            {
                var key = (ulong)(uint)b << 32 | BandKey(_values, slot * Size, b);
                if (!_recent.TryGetValue(key, out var list)) _recent[key] = list = new List<int>(1);
                list.Add(slot);
            }
            if (_count - _sealed >= Math.Clamp(_sealed / 4, 4096, 32_768)) Seal();
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Adds many entries at once (start-up), sealing once at the end; ids already held only change whether they are matchable.</summary>
    public void AddRange(IEnumerable<(long Id, TextSignature Signature, bool Enabled)> entries)
    {
        _lock.EnterWriteLock();
        try
        {
            // Fold whatever is recent into the arrays first, so the new slots are all unsealed and not in _recent.
            if (_count > _sealed) Seal();
            foreach (var (id, signature, enabled) in entries)
            {
                if (_slotOf.TryGetValue(id, out var existing)) _enabled[existing] = enabled;
                else Append(id, signature, enabled);
            }
            if (_count > _sealed) Seal();
        }
        finally { _lock.ExitWriteLock(); }
    }

    public bool SetEnabled(long id, bool enabled)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_slotOf.TryGetValue(id, out var slot)) return false;
            _enabled[slot] = enabled;
            return true;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Matchable entries overlapping any of the query's signatures (the whole text and its windows) by at least <paramref name="minOverlap"/>.</summary>
    public IReadOnlyList<TextMatch> Match(IReadOnlyList<TextSignature> queries, double minOverlap)
    {
        var best = new Dictionary<long, double>();
        var query = new ushort[Size];
        var candidates = new HashSet<int>();
        _lock.EnterReadLock();
        try
        {
            foreach (var signature in queries)
            {
                if (signature.Shingles == 0) continue;
                for (var i = 0; i < Size; i++) query[i] = (ushort)signature.Values[i];
                candidates.Clear();
                for (var b = 0; b < Bands; b++)
                {
                    var key = BandKey(query, 0, b);
                    CollectSealed(b, key, candidates);
                    if (_recent.Count > 0 && _recent.TryGetValue((ulong)(uint)b << 32 | key, out var list))
                        foreach (var slot in list) candidates.Add(slot);
                }
                foreach (var slot in candidates)
                {
                    if (!_enabled[slot]) continue;
                    var overlap = Overlap(slot, query, signature.Shingles, out var shared);
                    if (overlap < minOverlap || shared < MinSharedShingles) continue;
                    var id = _ids[slot];
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

    private int Append(long id, TextSignature signature, bool enabled)
    {
        if (_count == _ids.Length)
        {
            var capacity = _ids.Length * 2;
            Array.Resize(ref _ids, capacity);
            Array.Resize(ref _shingles, capacity);
            Array.Resize(ref _enabled, capacity);
            Array.Resize(ref _values, capacity * Size);
        }
        var slot = _count++;
        _ids[slot] = id;
        _shingles[slot] = signature.Shingles;
        _enabled[slot] = enabled;
        var values = _values.AsSpan(slot * Size, Size);
        for (var i = 0; i < Size; i++) values[i] = (ushort)signature.Values[i];
        _slotOf[id] = slot;
        return slot;
    }

    /// <summary>Merges the unsealed slots into each band's sorted array and rebuilds the prefix tables.</summary>
    private void Seal()
    {
        var added = _count - _sealed;
        var fresh = new ulong[added];
        for (var b = 0; b < Bands; b++)
        {
            for (var k = 0; k < added; k++)
            {
                var slot = _sealed + k;
                fresh[k] = (ulong)BandKey(_values, slot * Size, b) << 32 | (uint)slot;
            }
            Array.Sort(fresh);
            var old = _bands[b];
            var merged = new ulong[old.Length + added];
            int i = 0, j = 0, m = 0;
            while (i < old.Length && j < added) merged[m++] = old[i] <= fresh[j] ? old[i++] : fresh[j++];
            while (i < old.Length) merged[m++] = old[i++];
            while (j < added) merged[m++] = fresh[j++];
            _bands[b] = merged;
        }
        _sealed = _count;
        _recent.Clear();
        BuildPrefixes();
    }

    /// <summary>For each band, where each value of the key's top bits starts: a lookup then searches a few entries only.</summary>
    private void BuildPrefixes()
    {
        _prefixBits = Math.Clamp(BitOperations.Log2((uint)Math.Max(1, _sealed)) - 3, 1, 20);
        var buckets = 1 << _prefixBits;
        var prefixes = new int[Bands][];
        for (var b = 0; b < Bands; b++)
        {
            var band = _bands[b];
            var prefix = new int[buckets + 1];
            var p = 0;
            for (var bucket = 0; bucket < buckets; bucket++)
            {
                prefix[bucket] = p;
                while (p < band.Length && (int)(band[p] >> (64 - _prefixBits)) == bucket) p++;
            }
            prefix[buckets] = band.Length;
            prefixes[b] = prefix;
        }
        _prefix = prefixes;
    }

    private void CollectSealed(int b, uint key, HashSet<int> candidates)
    {
        var band = _bands[b];
        if (band.Length == 0) return;
        var bucket = (int)(key >> (32 - _prefixBits));
        var prefix = _prefix[b];
        int lo = prefix[bucket], hi = prefix[bucket + 1];
        var target = (ulong)key << 32;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (band[mid] < target) lo = mid + 1; else hi = mid;
        }
        for (var p = lo; p < band.Length && (uint)(band[p] >> 32) == key; p++) candidates.Add((int)(uint)band[p]);
    }

    /// <summary>As <see cref="TextSignature.Overlap"/>, on the stored 16-bit values.</summary>
    private double Overlap(int slot, ushort[] query, int queryShingles, out double sharedShingles)
    {
        var stored = _values.AsSpan(slot * Size, Size);
        var same = 0;
        for (var i = 0; i < Size; i++) if (stored[i] == query[i]) same++;
        return TextSignature.Overlap(same / (double)Size, _shingles[slot], queryShingles, out sharedShingles);
    }

    private static uint BandKey(ReadOnlySpan<ushort> values, int offset, int band)
    {
        var h = (ulong)(band + 1) * 0x9E3779B97F4A7C15UL;
        for (var r = 0; r < Rows; r++)
        {
            h ^= values[offset + band * Rows + r];
            h *= 0xBF58476D1CE4E5B9UL;
            h ^= h >> 29;
        }
        return (uint)(h >> 32);
    }
}
