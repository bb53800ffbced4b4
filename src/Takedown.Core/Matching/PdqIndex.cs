using Takedown.Core.Hashing;

namespace Takedown.Core.Matching;

/// <summary>
/// Exact in-memory radius search over PDQ hashes by Hamming distance: every active entry within
/// the radius is returned, none beyond it. Queries are lock-free and safe alongside writers;
/// writes are serialised and visible to the next query. Added entries are matchable at once from
/// a small brute-force delta, which a background merge folds into the multi-index segments.
/// </summary>
public sealed class PdqIndex
{
    /// <summary>The PDQ convention for a confident match.</summary>
    public const int DefaultRadius = 31;

    public const int MaxRadius = 63;

    /// <summary>Past this the probe count grows fast, so larger radii scan instead.</summary>
    internal const int MultiIndexMaxRadius = 31;

    private readonly PdqIndexOptions _options;
    private readonly Lock _writeLock = new();
    private readonly Lock _mergeLock = new();
    private readonly Dictionary<long, int> _deltaPositions = [];
    private volatile Snapshot _snapshot;
    private List<(long Id, WriteKind Kind)>? _writesDuringMerge;
    private int _count;
    private int _removedInSegments;

    public PdqIndex(PdqIndexOptions? options = null)
        : this(options ?? new PdqIndexOptions(), [])
    {
    }

    private PdqIndex(PdqIndexOptions options, MihSegment[] segments)
    {
        if (options.DeltaMergeThreshold < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "DeltaMergeThreshold must be positive.");
        }

        _options = options;
        _snapshot = new Snapshot(segments, new DeltaSegment(options.DeltaMergeThreshold));
        _count = segments.Sum(s => s.Count);
    }

    private enum WriteKind
    {
        Disable,
        Enable,
        Remove,
    }

    /// <summary>Entries held, enabled or not.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Builds the sorted segments in one pass; ids must be unique. All entries start enabled.</summary>
    public static PdqIndex Build(ReadOnlySpan<long> ids, ReadOnlySpan<PdqHash> hashes, PdqIndexOptions? options = null)
    {
        if (ids.Length != hashes.Length)
        {
            throw new ArgumentException("Every id needs exactly one hash.", nameof(hashes));
        }

        var sortedIds = ids.ToArray();
        var order = new int[sortedIds.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        if (!IsAscending(sortedIds))
        {
            Array.Sort(sortedIds, order);
        }

        for (var i = 1; i < sortedIds.Length; i++)
        {
            if (sortedIds[i] == sortedIds[i - 1])
            {
                throw new ArgumentException($"Duplicate id {sortedIds[i]}.", nameof(ids));
            }
        }

        var packed = new ulong[hashes.Length * 4];
        for (var i = 0; i < order.Length; i++)
        {
            var h = hashes[order[i]];
            packed[i * 4] = h.Lane0;
            packed[i * 4 + 1] = h.Lane1;
            packed[i * 4 + 2] = h.Lane2;
            packed[i * 4 + 3] = h.Lane3;
        }

        options ??= new PdqIndexOptions();
        var disabled = new ulong[MihSegment.BitsetLength(sortedIds.Length)];
        return new PdqIndex(options, BuildSegments(sortedIds, packed, disabled, options.UsePartnerFilter));
    }

    public static PdqIndex Build(IEnumerable<(long Id, PdqHash Hash)> entries, PdqIndexOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries.ToList();
        return Build(list.Select(e => e.Id).ToArray(), list.Select(e => e.Hash).ToArray(), options);
    }

    /// <summary>Adds an entry, or replaces the hash of an existing id (keeping its enabled state unless given).</summary>
    public void Add(long id, PdqHash hash, bool enabled = true)
    {
        lock (_writeLock)
        {
            var snapshot = _snapshot;
            var delta = snapshot.Delta;
            if (delta.Count == delta.Capacity)
            {
                delta = Grow(delta);
                _snapshot = snapshot = snapshot with { Delta = delta };
            }

            // Append before retiring the old copy: a concurrent query may briefly see both, never neither.
            var position = delta.Append(id, hash, !enabled);
            RemoveLocked(id);
            _deltaPositions[id] = position;
            _count++;

            if (_options.MergeInBackground && _writesDuringMerge is null && delta.Count >= _options.DeltaMergeThreshold)
            {
                _ = Task.Run(MergeIfDue);
            }
        }
    }

    /// <returns>False when no entry has this id.</returns>
    public bool Remove(long id)
    {
        lock (_writeLock)
        {
            return RemoveLocked(id);
        }
    }

    /// <summary>A disabled entry stays in the index but matches nothing until enabled again.</summary>
    /// <returns>False when no entry has this id.</returns>
    public bool SetEnabled(long id, bool enabled)
    {
        lock (_writeLock)
        {
            var snapshot = _snapshot;
            if (_deltaPositions.TryGetValue(id, out var position))
            {
                snapshot.Delta.SetDisabled(position, !enabled);
                LogIfMerging(id, enabled ? WriteKind.Enable : WriteKind.Disable);
                return true;
            }

            if (!TryFindInSegments(snapshot.Segments, id, out var segment, out var ordinal))
            {
                return false;
            }

            segment.SetDisabled(ordinal, !enabled);
            LogIfMerging(id, enabled ? WriteKind.Enable : WriteKind.Disable);
            return true;
        }
    }

    /// <summary>Every enabled entry within <paramref name="radius"/> (0..63), nearest first, ties by id.</summary>
    public IReadOnlyList<PdqMatch> Match(PdqHash query, int radius = DefaultRadius)
    {
        var results = new List<PdqMatch>();
        Match(query, radius, results);
        return results;
    }

    /// <summary>Appends to <paramref name="results"/> so a hot loop can reuse one list.</summary>
    public void Match(PdqHash query, int radius, List<PdqMatch> results)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(radius, MaxRadius);
        ArgumentNullException.ThrowIfNull(results);

        var start = results.Count;
        var snapshot = _snapshot;
        foreach (var segment in snapshot.Segments)
        {
            segment.Query(query, radius, results);
        }

        snapshot.Delta.Query(query, radius, results);
        if (results.Count - start > 1)
        {
            results.Sort(start, results.Count - start, MatchOrder.Instance);
        }
    }

    /// <summary>Folds the delta into the segments and drops removed entries now, rather than in the background.</summary>
    public void Compact()
    {
        lock (_mergeLock)
        {
            Merge();
        }
    }

    /// <summary>Bytes held by the index's arrays (id lookup for the delta excluded).</summary>
    internal long ArrayBytes
    {
        get
        {
            var snapshot = _snapshot;
            return snapshot.Segments.Sum(s => s.ArrayBytes) + snapshot.Delta.ArrayBytes;
        }
    }

    internal int SegmentCount => _snapshot.Segments.Length;

    internal int DeltaCount => _snapshot.Delta.Count;

    private void MergeIfDue()
    {
        lock (_mergeLock)
        {
            if (_snapshot.Delta.Count >= _options.DeltaMergeThreshold)
            {
                Merge();
            }
        }
    }

    /// <summary>
    /// Rebuilds the segments from a captured prefix of the delta without holding the write lock,
    /// then replays the enable/disable/remove calls made meanwhile onto the new segments.
    /// </summary>
    private void Merge()
    {
        Snapshot captured;
        int capturedDelta;
        lock (_writeLock)
        {
            captured = _snapshot;
            capturedDelta = captured.Delta.Count;
            if (capturedDelta == 0 && _removedInSegments == 0)
            {
                return;
            }

            _writesDuringMerge = [];
        }

        MihSegment[] segments;
        try
        {
            segments = BuildMerged(captured, capturedDelta, _options.UsePartnerFilter);
        }
        catch
        {
            lock (_writeLock)
            {
                _writesDuringMerge = null;
            }

            throw;
        }

        lock (_writeLock)
        {
            var current = _snapshot.Delta;
            var remaining = current.Count - capturedDelta;
            var delta = new DeltaSegment(Math.Max(_options.DeltaMergeThreshold, remaining * 2));
            _deltaPositions.Clear();
            for (var p = capturedDelta; p < current.Count; p++)
            {
                if (!current.IsRemoved(p))
                {
                    _deltaPositions[current.IdAt(p)] = delta.Append(current.IdAt(p), current.HashAt(p), current.IsDisabled(p));
                }
            }

            foreach (var (id, kind) in _writesDuringMerge!)
            {
                if (!TryFindInSegments(segments, id, out var segment, out var ordinal))
                {
                    continue;
                }

                if (kind == WriteKind.Remove)
                {
                    segment.MarkRemoved(ordinal);
                }
                else
                {
                    segment.SetDisabled(ordinal, kind == WriteKind.Disable);
                }
            }

            _removedInSegments = segments.Sum(s => CountRemoved(s));
            _writesDuringMerge = null;
            _snapshot = new Snapshot(segments, delta);
        }
    }

    private static MihSegment[] BuildMerged(Snapshot captured, int capturedDelta, bool usePartnerFilter)
    {
        var live = 0;
        foreach (var segment in captured.Segments)
        {
            live += segment.Count - CountRemoved(segment);
        }

        for (var p = 0; p < capturedDelta; p++)
        {
            live += captured.Delta.IsRemoved(p) ? 0 : 1;
        }

        var ids = new long[live];
        var hashes = new ulong[live * 4];
        var disabled = new bool[live];
        var next = 0;
        foreach (var segment in captured.Segments)
        {
            var segmentHashes = segment.Hashes;
            for (var o = 0; o < segment.Count; o++)
            {
                if (segment.IsRemoved(o))
                {
                    continue;
                }

                ids[next] = segment.Ids[o];
                segmentHashes.Slice(o * 4, 4).CopyTo(hashes.AsSpan(next * 4, 4));
                disabled[next] = segment.IsDisabled(o);
                next++;
            }
        }

        for (var p = 0; p < capturedDelta && next < live; p++)
        {
            if (captured.Delta.IsRemoved(p))
            {
                continue;
            }

            ids[next] = captured.Delta.IdAt(p);
            var h = captured.Delta.HashAt(p);
            hashes[next * 4] = h.Lane0;
            hashes[next * 4 + 1] = h.Lane1;
            hashes[next * 4 + 2] = h.Lane2;
            hashes[next * 4 + 3] = h.Lane3;
            disabled[next] = captured.Delta.IsDisabled(p);
            next++;
        }

        // A removal racing the count above can leave the tail unfilled; drop it.
        if (next < live)
        {
            Array.Resize(ref ids, next);
            Array.Resize(ref hashes, next * 4);
            Array.Resize(ref disabled, next);
        }

        if (!IsAscending(ids))
        {
            // Ids usually grow, so new entries already sort after the segments and this is skipped.
            var order = new int[ids.Length];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            Array.Sort(ids, order);
            var sortedHashes = new ulong[hashes.Length];
            var sortedDisabled = new bool[disabled.Length];
            for (var i = 0; i < order.Length; i++)
            {
                hashes.AsSpan(order[i] * 4, 4).CopyTo(sortedHashes.AsSpan(i * 4, 4));
                sortedDisabled[i] = disabled[order[i]];
            }

            hashes = sortedHashes;
            disabled = sortedDisabled;
        }

        var bits = new ulong[MihSegment.BitsetLength(ids.Length)];
        for (var i = 0; i < disabled.Length; i++)
        {
            if (disabled[i])
            {
                bits[i >> 6] |= 1UL << i;
            }
        }

        return BuildSegments(ids, hashes, bits, usePartnerFilter);
    }

    private static MihSegment[] BuildSegments(long[] ids, ulong[] hashes, ulong[] disabled, bool usePartnerFilter)
    {
        if (ids.Length == 0)
        {
            return [];
        }

        if (ids.Length <= MihSegment.MaxEntries)
        {
            return [MihSegment.Build(ids, hashes, disabled, usePartnerFilter)];
        }

        var segments = new List<MihSegment>();
        for (var start = 0; start < ids.Length; start += MihSegment.MaxEntries)
        {
            var length = Math.Min(MihSegment.MaxEntries, ids.Length - start);
            var bits = new ulong[MihSegment.BitsetLength(length)];
            for (var i = 0; i < length; i++)
            {
                var source = start + i;
                if ((disabled[source >> 6] & (1UL << source)) != 0)
                {
                    bits[i >> 6] |= 1UL << i;
                }
            }

            segments.Add(MihSegment.Build(
                ids.AsSpan(start, length).ToArray(), hashes.AsSpan(start * 4, length * 4).ToArray(), bits, usePartnerFilter));
        }

        return [.. segments];
    }

    private bool RemoveLocked(long id)
    {
        var snapshot = _snapshot;
        if (_deltaPositions.TryGetValue(id, out var position))
        {
            snapshot.Delta.MarkRemoved(position);
            _deltaPositions.Remove(id);
            _count--;
            LogIfMerging(id, WriteKind.Remove);
            return true;
        }

        if (!TryFindInSegments(snapshot.Segments, id, out var segment, out var ordinal))
        {
            return false;
        }

        segment.MarkRemoved(ordinal);
        _removedInSegments++;
        _count--;
        LogIfMerging(id, WriteKind.Remove);
        return true;
    }

    private void LogIfMerging(long id, WriteKind kind) => _writesDuringMerge?.Add((id, kind));

    private static bool TryFindInSegments(MihSegment[] segments, long id, out MihSegment segment, out int ordinal)
    {
        foreach (var candidate in segments)
        {
            var found = candidate.FindOrdinal(id);
            if (found >= 0 && !candidate.IsRemoved(found))
            {
                segment = candidate;
                ordinal = found;
                return true;
            }
        }

        segment = null!;
        ordinal = -1;
        return false;
    }

    private static int CountRemoved(MihSegment segment)
    {
        var removed = 0;
        for (var o = 0; o < segment.Count; o++)
        {
            removed += segment.IsRemoved(o) ? 1 : 0;
        }

        return removed;
    }

    private static DeltaSegment Grow(DeltaSegment delta)
    {
        var grown = new DeltaSegment(delta.Capacity * 2);
        for (var p = 0; p < delta.Count; p++)
        {
            var position = grown.Append(delta.IdAt(p), delta.HashAt(p), delta.IsDisabled(p));
            if (delta.IsRemoved(p))
            {
                grown.MarkRemoved(position);
            }
        }

        return grown;
    }

    private static bool IsAscending(long[] ids)
    {
        for (var i = 1; i < ids.Length; i++)
        {
            if (ids[i] <= ids[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Snapshot(MihSegment[] Segments, DeltaSegment Delta);

    private sealed class MatchOrder : IComparer<PdqMatch>
    {
        internal static readonly MatchOrder Instance = new();

        public int Compare(PdqMatch x, PdqMatch y) =>
            x.Distance != y.Distance ? x.Distance.CompareTo(y.Distance) : x.Id.CompareTo(y.Id);
    }
}
