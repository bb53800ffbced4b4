using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Signals;
using Takedown.Core.Storage;

namespace Takedown.Core.Matching;

/// <summary>
/// The service's in-memory indexes, one per signal kind that has one (pdq, text, vpdq, ...), over every bank's
/// entries keyed by the entry's seq. Loaded at start-up; after each committed change the entry's stored state
/// is copied into its kind's index, so an entry is matchable (or not) as soon as the request that changed it
/// has answered. Kinds without an index match exactly through SQL. Tenancy is not the index's job: the match
/// use case filters its hits in SQL.
/// </summary>
public sealed class MatchIndex(IDatabase db, SignalKinds kinds, ILogger<MatchIndex> log)
{
    private readonly Dictionary<string, (SignalKind Kind, ISignalIndex Index)> _indexes = kinds.All
        .Select(k => (Kind: k, Index: k.CreateIndex())).Where(x => x.Index is not null)
        .ToDictionary(x => x.Kind.Name, x => (x.Kind, x.Index!), StringComparer.Ordinal);
    private readonly SemaphoreSlim _sync = new(1, 1);
    private long _changeSeq;

    /// <summary>Entries held, matchable or not, over every kind.</summary>
    public int Count => _indexes.Values.Sum(x => x.Index.Count);

    /// <summary>Whether <paramref name="kind"/> is matched in memory (otherwise exactly, through SQL).</summary>
    public bool Indexes(SignalKind kind) => _indexes.ContainsKey(kind.Name);

    public async Task LoadAsync(CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await using var c = await db.OpenAsync(ct);
        // Read before the entries: a change committed in between is both loaded and caught up again, never missed.
        var through = await c.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(change_seq), 0) FROM bank_changes");
        var entries = 0;
        foreach (var (kind, index) in _indexes.Values)
        {
            var rows = new List<(long, Signal, bool)>();
            foreach (var (seq, signal, enabled, fp) in await c.QueryAsync<(long seq, string signal, long enabled, long owner_false_positive)>(
                         "SELECT seq, signal, enabled, owner_false_positive FROM bank_entries WHERE signal_type = @type", new { type = kind.Name }))
                if (kind.FromStored(signal) is { } parsed) rows.Add((seq, parsed, enabled == 1 && fp == 0));
            index.Load(rows);
            entries += rows.Count;
        }
        Interlocked.Exchange(ref _changeSeq, through);
        MatchingLog.IndexLoaded(log, entries, watch.ElapsedMilliseconds);
    }

    /// <summary>
    /// Copies one entry's committed state into the index. Reading and applying under one lock
    /// means the last refresh always applies the latest commit, whatever order requests finish in.
    /// </summary>
    private async Task RefreshAsync(long seq, CancellationToken ct)
    {
        await _sync.WaitAsync(CancellationToken.None);
        try
        {
            await using var c = await db.OpenAsync(CancellationToken.None);
            var row = await c.QuerySingleOrDefaultAsync<(string signal_type, string signal, long enabled, long owner_false_positive)?>(
                "SELECT signal_type, signal, enabled, owner_false_positive FROM bank_entries WHERE seq = @seq", new { seq });
            if (row is not { } r || !_indexes.TryGetValue(r.signal_type, out var held)) return;
            var matchable = r.enabled == 1 && r.owner_false_positive == 0;
            if (!held.Index.SetMatchable(seq, matchable) && held.Kind.FromStored(r.signal) is { } signal) held.Index.Add(seq, signal, matchable);
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>
    /// Applies every bank change committed since the last catch-up, whichever node made it (bank_changes
    /// is numbered in commit order). Called when another node announces a change, and periodically, so
    /// a missed announcement only delays. Returns how many changes were applied.
    /// </summary>
    public async Task<int> CatchUpAsync(CancellationToken ct)
    {
        var applied = 0;
        while (true)
        {
            var from = Interlocked.Read(ref _changeSeq);
            List<(long change_seq, long seq)> changes;
            await using (var c = await db.OpenAsync(ct))
            {
                changes = (await c.QueryAsync<(long change_seq, long seq)>(
                    "SELECT ch.change_seq, e.seq FROM bank_changes ch JOIN bank_entries e ON e.id = ch.entry_id WHERE ch.change_seq > @from ORDER BY ch.change_seq LIMIT 1000",
                    new { from })).ToList();
            }
            if (changes.Count == 0) return applied;
            foreach (var seq in changes.Select(x => x.seq).Distinct()) await RefreshAsync(seq, ct);
            applied += changes.Count;
            var last = changes[^1].change_seq;
            // Only forwards, even if two catch-ups overlap.
            long seen;
            while ((seen = Interlocked.Read(ref _changeSeq)) < last && Interlocked.CompareExchange(ref _changeSeq, last, seen) != seen) { }
            if (changes.Count < 1000) return applied;
        }
    }

    /// <summary>Adds to <paramref name="hits"/> every matchable entry of <paramref name="kind"/> (of any bank) matching one of <paramref name="queries"/>.</summary>
    public void Match(SignalKind kind, IReadOnlyList<Signal> queries, int radius, List<SignalHit> hits) =>
        _indexes[kind.Name].Index.Match(queries, radius, hits);
}

internal static partial class MatchingLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Match index loaded: {Entries} entries in {Milliseconds} ms")]
    public static partial void IndexLoaded(ILogger logger, int entries, long milliseconds);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Debug, Message = "Match request: {Queries} signal(s), {Matches} match(es)")]
    public static partial void Matched(ILogger logger, int queries, int matches);
}
