using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;
using Takedown.Core.Hashing;

namespace Takedown.Core.Matching;

/// <summary>
/// An immutable multi-index-hashing segment: the 256 bits are cut into 16 slots of 16 bits and
/// paired (slot 2p with 2p+1). If two hashes are within r, some pair differs by at most r/8 bits
/// (pigeonhole over 8 pairs), and within that pair one slot differs by at most r/16 bits. So each
/// slot is probed at that small distance and each bucket entry carries its partner slot's 16 bits,
/// which rejects almost every random candidate before the full 256-bit check touches the hash
/// array. Only the enabled/removed bitsets change after build.
/// </summary>
internal sealed class MihSegment
{
    internal const int SlotCount = 16;

    /// <summary>Ordinals are stored in 3 bytes to stay within 128 bytes per entry.</summary>
    internal const int MaxEntries = 1 << 24;

    private const int KeyCount = 1 << 16;
    private const int OffsetStride = KeyCount + 1;

    private readonly long[] _ids;
    private readonly ulong[] _hashes;
    private readonly int[] _offsets;
    private readonly ushort[] _partners;
    private readonly byte[] _ordinals;
    private readonly ulong[] _disabled;
    private readonly ulong[] _removed;
    private readonly bool _usePartnerFilter;

    private MihSegment(long[] ids, ulong[] hashes, int[] offsets, ushort[] partners, byte[] ordinals, ulong[] disabled, bool usePartnerFilter)
    {
        _ids = ids;
        _hashes = hashes;
        _offsets = offsets;
        _partners = partners;
        _ordinals = ordinals;
        _disabled = disabled;
        _removed = new ulong[disabled.Length];
        _usePartnerFilter = usePartnerFilter;
    }

    internal int Count => _ids.Length;

    internal ReadOnlySpan<long> Ids => _ids;

    internal ReadOnlySpan<ulong> Hashes => _hashes;

    /// <summary>Bytes held by the arrays: the figure quoted as bytes per entry.</summary>
    internal long ArrayBytes =>
        (long)_ids.Length * sizeof(long) + (long)_hashes.Length * sizeof(ulong) + (long)_offsets.Length * sizeof(int)
        + (long)_partners.Length * sizeof(ushort) + _ordinals.Length + 2L * _disabled.Length * sizeof(ulong);

    /// <param name="ids">Ascending and unique; an entry's ordinal is its position, so ids double as the id lookup.</param>
    /// <param name="hashes">Four words per entry, in the same order as <paramref name="ids"/>.</param>
    /// <param name="disabled">Bitset by ordinal of entries that start disabled; taken over by the segment.</param>
    internal static MihSegment Build(long[] ids, ulong[] hashes, ulong[] disabled, bool usePartnerFilter)
    {
        var n = ids.Length;
        if (n > MaxEntries)
        {
            throw new ArgumentOutOfRangeException(nameof(ids), $"A segment holds at most {MaxEntries} entries.");
        }

        if (hashes.Length != n * 4 || disabled.Length != BitsetLength(n))
        {
            throw new ArgumentException("Hashes and flags must match the ids.");
        }

        var offsets = new int[SlotCount * OffsetStride];
        var partners = new ushort[(long)SlotCount * n];
        // One spare byte so a 4-byte read of the last 3-byte ordinal stays inside the array.
        var ordinals = new byte[(long)SlotCount * n * 3 + 1];
        var cursor = new int[KeyCount];

        for (var slot = 0; slot < SlotCount; slot++)
        {
            var offs = offsets.AsSpan(slot * OffsetStride, OffsetStride);
            var word = slot >> 2;
            var shift = 48 - 16 * (slot & 3);
            var partnerShift = 48 - 16 * ((slot ^ 1) & 3);

            for (var i = 0; i < n; i++)
            {
                offs[(int)(ushort)(hashes[i * 4 + word] >> shift) + 1]++;
            }

            for (var k = 0; k < KeyCount; k++)
            {
                offs[k + 1] += offs[k];
            }

            offs[..KeyCount].CopyTo(cursor);
            var slotBase = slot * n;
            ref var ordBase = ref MemoryMarshal.GetArrayDataReference(ordinals);
            for (var i = 0; i < n; i++)
            {
                var h = hashes[i * 4 + word];
                var pos = slotBase + cursor[(ushort)(h >> shift)]++;
                partners[pos] = (ushort)(h >> partnerShift);
                ref var o = ref Unsafe.Add(ref ordBase, (nint)pos * 3);
                o = (byte)i;
                Unsafe.Add(ref o, 1) = (byte)(i >> 8);
                Unsafe.Add(ref o, 2) = (byte)(i >> 16);
            }
        }

        return new MihSegment(ids, hashes, offsets, partners, ordinals, disabled, usePartnerFilter);
    }

    internal static int BitsetLength(int count) => (count + 63) >> 6;

    internal int FindOrdinal(long id) => Array.BinarySearch(_ids, id);

    internal bool IsRemoved(int ordinal) => (Volatile.Read(ref _removed[ordinal >> 6]) & (1UL << ordinal)) != 0;

    internal bool IsDisabled(int ordinal) => (Volatile.Read(ref _disabled[ordinal >> 6]) & (1UL << ordinal)) != 0;

    /// <remarks>Single writer (the index's write lock); readers see whole words.</remarks>
    internal void SetDisabled(int ordinal, bool disabled) => SetBit(_disabled, ordinal, disabled);

    internal void MarkRemoved(int ordinal) => SetBit(_removed, ordinal, true);

    private static void SetBit(ulong[] bits, int ordinal, bool value)
    {
        ref var word = ref bits[ordinal >> 6];
        var mask = 1UL << ordinal;
        Volatile.Write(ref word, value ? word | mask : word & ~mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsInactive(int ordinal) =>
        ((Volatile.Read(ref _disabled[ordinal >> 6]) | Volatile.Read(ref _removed[ordinal >> 6])) & (1UL << ordinal)) != 0;

    /// <summary>Appends every active entry within <paramref name="radius"/> of the query (radius 0..63).</summary>
    internal void Query(PdqHash query, int radius, List<PdqMatch> results)
    {
        if (_ids.Length == 0)
        {
            return;
        }

        if (radius > PdqIndex.MultiIndexMaxRadius)
        {
            var sink = new ActiveSink(this, results);
            HammingScan.Scan(_hashes, _ids.Length, query, radius, ref sink);
            return;
        }

        // With the filter: some pair within pairBudget, so one of its slots within probeWeight.
        // Without it: plain multi-index hashing, some slot within radius/16.
        var pairBudget = _usePartnerFilter ? radius >> 3 : 16;
        var probeWeight = _usePartnerFilter ? pairBudget >> 1 : radius >> 4;
        var probes = ProbeMasks.CountUpTo(probeWeight);
        var masks = ProbeMasks.Masks;
        var n = _ids.Length;

        // Bucket bounds for all slots first, so their scattered loads overlap instead of queueing
        // behind each bucket scan; the scan then prefetches a few buckets ahead.
        var bucketCount = SlotCount * probes;
        Span<int> starts = stackalloc int[MaxBuckets];
        Span<int> ends = stackalloc int[MaxBuckets];
        for (var slot = 0; slot < SlotCount; slot++)
        {
            var qKey = SlotKey(query, slot);
            var offs = _offsets.AsSpan(slot * OffsetStride, OffsetStride);
            var slotBase = slot * n;
            for (var m = 0; m < probes; m++)
            {
                var key = qKey ^ masks[m];
                starts[slot * probes + m] = slotBase + offs[key];
                ends[slot * probes + m] = slotBase + offs[key + 1];
            }
        }

        var candidates = new CandidateBuffer(stackalloc int[CandidateBuffer.Capacity], stackalloc byte[CandidateBuffer.Capacity]);
        ref var partnerBase = ref MemoryMarshal.GetArrayDataReference(_partners);
        var useVector = _usePartnerFilter && Avx2.IsSupported;
        for (var b = 0; b < bucketCount; b++)
        {
            if (b + PrefetchDistance < bucketCount && Sse.IsSupported)
            {
                Prefetch(ref Unsafe.Add(ref partnerBase, starts[b + PrefetchDistance]));
            }

            var slot = b / probes;
            var qPartner = SlotKey(query, slot ^ 1);
            var allowed = pairBudget - ProbeMasks.Weights[b - slot * probes];
            var k = starts[b];
            var end = ends[b];
            if (useVector)
            {
                var qPartnerVector = Vector256.Create(qPartner);
                var allowedVector = Vector256.Create((short)allowed);
                for (; k + Vector256<ushort>.Count <= end; k += Vector256<ushort>.Count)
                {
                    var x = Vector256.LoadUnsafe(ref partnerBase, (nuint)k) ^ qPartnerVector;
                    var bits = Vector256.LessThanOrEqual(PopCount16(x).AsInt16(), allowedVector).ExtractMostSignificantBits();
                    while (bits != 0)
                    {
                        if (candidates.Add(k + BitOperations.TrailingZeroCount(bits), slot))
                        {
                            VerifyAll(ref candidates, query, radius, pairBudget, probeWeight, results);
                        }

                        bits &= bits - 1;
                    }
                }
            }

            for (; k < end; k++)
            {
                if ((!_usePartnerFilter || BitOperations.PopCount((uint)(Unsafe.Add(ref partnerBase, k) ^ qPartner)) <= allowed)
                    && candidates.Add(k, slot))
                {
                    VerifyAll(ref candidates, query, radius, pairBudget, probeWeight, results);
                }
            }
        }

        VerifyAll(ref candidates, query, radius, pairBudget, probeWeight, results);
    }

    private const int MaxBuckets = SlotCount * (1 + 16);
    private const int PrefetchDistance = 6;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch<T>(ref T location) => Sse.Prefetch0(Unsafe.AsPointer(ref location));

    /// <summary>
    /// Candidates are checked in batches: first every ordinal is prefetched, then every hash, so the
    /// random reads into the ordinal and hash arrays are in flight together.
    /// </summary>
    private void VerifyAll(ref CandidateBuffer candidates, PdqHash query, int radius, int pairBudget, int probeWeight, List<PdqMatch> results)
    {
        var count = candidates.Count;
        ref var ordBase = ref MemoryMarshal.GetArrayDataReference(_ordinals);
        ref var hashBase = ref MemoryMarshal.GetArrayDataReference(_hashes);
        var prefetch = Sse.IsSupported && count > 1;
        if (prefetch)
        {
            for (var i = 0; i < count; i++)
            {
                Prefetch(ref Unsafe.Add(ref ordBase, (nint)candidates.Positions[i] * 3));
            }
        }

        for (var i = 0; i < count; i++)
        {
            var ordinal = ReadOrdinal(ref ordBase, candidates.Positions[i]);
            candidates.Positions[i] = ordinal;
            if (prefetch)
            {
                Prefetch(ref Unsafe.Add(ref hashBase, ordinal * 4));
            }
        }

        for (var i = 0; i < count; i++)
        {
            Verify(candidates.Positions[i], query, radius, candidates.Slots[i], pairBudget, probeWeight, results);
        }

        candidates.Count = 0;
    }

    private ref struct CandidateBuffer(Span<int> positions, Span<byte> slots)
    {
        internal const int Capacity = 128;

        internal readonly Span<int> Positions = positions;
        internal readonly Span<byte> Slots = slots;
        internal int Count;

        /// <returns>True when full and due for verification.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal bool Add(int position, int slot)
        {
            Positions[Count] = position;
            Slots[Count] = (byte)slot;
            return ++Count == Capacity;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadOrdinal(ref byte ordBase, int position) =>
        (int)(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref ordBase, (nint)position * 3)) & 0xFFFFFF);

    private void Verify(int ordinal, PdqHash query, int radius, int slot, int pairBudget, int probeWeight, List<PdqMatch> results)
    {
        ref var h = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_hashes), ordinal * 4);
        var x0 = h ^ query.Lane0;
        var x1 = Unsafe.Add(ref h, 1) ^ query.Lane1;
        var x2 = Unsafe.Add(ref h, 2) ^ query.Lane2;
        var x3 = Unsafe.Add(ref h, 3) ^ query.Lane3;
        var d = BitOperations.PopCount(x0) + BitOperations.PopCount(x1) + BitOperations.PopCount(x2) + BitOperations.PopCount(x3);
        if (d > radius || IsInactive(ordinal) || !IsFirstSlotToFind(new PdqHash(x0, x1, x2, x3), slot, pairBudget, probeWeight))
        {
            return;
        }

        results.Add(new PdqMatch(_ids[ordinal], d));
    }

    /// <summary>
    /// An entry can pass the probe and partner test in several slots; only the lowest such slot
    /// reports it, which de-duplicates without a per-query visited set.
    /// </summary>
    private bool IsFirstSlotToFind(PdqHash difference, int slot, int pairBudget, int probeWeight)
    {
        for (var earlier = 0; earlier < slot; earlier++)
        {
            var d = BitOperations.PopCount((uint)SlotKey(difference, earlier));
            if (d <= probeWeight
                && (!_usePartnerFilter || d + BitOperations.PopCount((uint)SlotKey(difference, earlier ^ 1)) <= pairBudget))
            {
                return false;
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ushort SlotKey(PdqHash h, int slot)
    {
        var word = (slot >> 2) switch { 0 => h.Lane0, 1 => h.Lane1, 2 => h.Lane2, _ => h.Lane3 };
        return (ushort)(word >> (48 - 16 * (slot & 3)));
    }

    /// <summary>Per-lane popcount of 16-bit lanes via the nibble lookup (AVX2 has no popcount instruction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> PopCount16(Vector256<ushort> x)
    {
        var lookup = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var nibble = Vector256.Create((byte)0x0F);
        var bytes = x.AsByte();
        var counts = Avx2.Shuffle(lookup, bytes & nibble) + Avx2.Shuffle(lookup, Vector256.ShiftRightLogical(x, 4).AsByte() & nibble);
        var words = counts.AsUInt16();
        return (words & Vector256.Create((ushort)0xFF)) + Vector256.ShiftRightLogical(words, 8);
    }

    private readonly struct ActiveSink(MihSegment segment, List<PdqMatch> results) : IHitSink
    {
        public void Hit(int ordinal, int distance)
        {
            if (!segment.IsInactive(ordinal))
            {
                results.Add(new PdqMatch(segment._ids[ordinal], distance));
            }
        }
    }
}

/// <summary>All 16-bit masks ordered by weight, so "every key within w bits" is a prefix.</summary>
internal static class ProbeMasks
{
    internal static readonly ushort[] Masks = CreateMasks();
    internal static readonly byte[] Weights = Masks.Select(m => (byte)BitOperations.PopCount(m)).ToArray();
    private static readonly int[] CumulativeCounts = CreateCumulativeCounts();

    internal static int CountUpTo(int weight) => CumulativeCounts[Math.Min(weight, 16)];

    private static ushort[] CreateMasks()
    {
        var masks = new ushort[1 << 16];
        for (var i = 0; i < masks.Length; i++)
        {
            masks[i] = (ushort)i;
        }

        return masks.OrderBy(m => BitOperations.PopCount(m)).ThenBy(m => m).ToArray();
    }

    private static int[] CreateCumulativeCounts()
    {
        var counts = new int[17];
        foreach (var m in Masks)
        {
            for (var w = BitOperations.PopCount(m); w <= 16; w++)
            {
                counts[w]++;
            }
        }

        return counts;
    }
}
