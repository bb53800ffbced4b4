using Takedown.Core.Hashing;

namespace Takedown.Core.Matching;

/// <summary>
/// Entries added since the last merge, scanned brute force. Append-only with a published count:
/// the single writer fills a slot and then bumps the count, so a reader never sees a half-written
/// entry and needs no lock.
/// </summary>
internal sealed class DeltaSegment
{
    private const byte Disabled = 1;
    private const byte Removed = 2;

    private readonly long[] _ids;
    private readonly ulong[] _hashes;
    private readonly byte[] _flags;
    private int _count;

    internal DeltaSegment(int capacity)
    {
        _ids = new long[capacity];
        _hashes = new ulong[capacity * 4];
        _flags = new byte[capacity];
    }

    internal int Count => Volatile.Read(ref _count);

    internal int Capacity => _ids.Length;

    internal long ArrayBytes => (long)_ids.Length * sizeof(long) + (long)_hashes.Length * sizeof(ulong) + _flags.Length;

    internal long IdAt(int position) => _ids[position];

    internal PdqHash HashAt(int position) =>
        new(_hashes[position * 4], _hashes[position * 4 + 1], _hashes[position * 4 + 2], _hashes[position * 4 + 3]);

    internal bool IsRemoved(int position) => (Volatile.Read(ref _flags[position]) & Removed) != 0;

    internal bool IsDisabled(int position) => (Volatile.Read(ref _flags[position]) & Disabled) != 0;

    /// <returns>The new entry's position.</returns>
    internal int Append(long id, PdqHash hash, bool disabled)
    {
        var position = _count;
        _ids[position] = id;
        _hashes[position * 4] = hash.Lane0;
        _hashes[position * 4 + 1] = hash.Lane1;
        _hashes[position * 4 + 2] = hash.Lane2;
        _hashes[position * 4 + 3] = hash.Lane3;
        _flags[position] = disabled ? Disabled : (byte)0;
        Volatile.Write(ref _count, position + 1);
        return position;
    }

    internal void SetDisabled(int position, bool disabled)
    {
        var flags = _flags[position];
        Volatile.Write(ref _flags[position], disabled ? (byte)(flags | Disabled) : (byte)(flags & ~Disabled));
    }

    internal void MarkRemoved(int position) => Volatile.Write(ref _flags[position], (byte)(_flags[position] | Removed));

    internal void Query(PdqHash query, int radius, List<PdqMatch> results)
    {
        var sink = new ActiveSink(this, results);
        HammingScan.Scan(_hashes, Count, query, radius, ref sink);
    }

    private readonly struct ActiveSink(DeltaSegment delta, List<PdqMatch> results) : IHitSink
    {
        public void Hit(int ordinal, int distance)
        {
            if (Volatile.Read(ref delta._flags[ordinal]) == 0)
            {
                results.Add(new PdqMatch(delta._ids[ordinal], distance));
            }
        }
    }
}
