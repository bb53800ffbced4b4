using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Hashing;
using Takedown.Core.Storage;

namespace Takedown.Core.Matching;

/// <summary>
/// The service's one in-memory PDQ index over every bank's PDQ entries, keyed by the entry's seq.
/// Loaded at start-up; after each committed change the entry's stored state is copied into it, so
/// an entry is matchable (or not) as soon as the request that changed it has answered.
/// Tenancy is not the index's job: the match use case filters its hits in SQL.
/// </summary>
public sealed class MatchIndex(IDatabase db, ILogger<MatchIndex> log)
{
    private volatile PdqIndex _index = new();
    private volatile TextIndex _text = new();
    private readonly Dictionary<long, (List<VideoFrame> Frames, bool Matchable)> _videos = [];
    // Every bank video frame by id (seq << 16 | frame number), so a query meets only the videos sharing a frame with it.
    private volatile PdqIndex _videoFrames = new();
    private readonly Lock _videoLock = new();
    private readonly SemaphoreSlim _sync = new(1, 1);
    private long _changeSeq;

    /// <summary>Entries held, enabled or not.</summary>
    public int Count => _index.Count;

    public async Task LoadAsync(CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await using var c = await db.OpenAsync(ct);
        // Read before the entries: a change committed in between is both loaded and caught up again, never missed.
        var through = await c.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(change_seq), 0) FROM bank_changes");
        var rows = (await c.QueryAsync<(long seq, string signal, long enabled, long owner_false_positive)>(
            "SELECT seq, signal, enabled, owner_false_positive FROM bank_entries WHERE signal_type = 'pdq'"))
            .Select(r => (r.seq, r.signal, matchable: r.enabled == 1 && r.owner_false_positive == 0 ? 1 : 0));
        var ids = new List<long>();
        var hashes = new List<PdqHash>();
        var disabled = new List<long>();
        foreach (var (seq, signal, matchable) in rows)
        {
            ids.Add(seq);
            hashes.Add(PdqHash.Parse(signal));
            if (matchable == 0) disabled.Add(seq);
        }
        var index = PdqIndex.Build(ids.ToArray(), hashes.ToArray());
        foreach (var seq in disabled) index.SetEnabled(seq, false);
        _index = index;
        var text = new TextIndex();
        var texts = new List<(long, TextSignature, bool)>();
        foreach (var (seq, signal, enabled, fp) in await c.QueryAsync<(long seq, string signal, long enabled, long owner_false_positive)>(
                     "SELECT seq, signal, enabled, owner_false_positive FROM bank_entries WHERE signal_type = 'text'"))
            if (TextSignature.TryParse(signal, out var signature)) texts.Add((seq, signature, enabled == 1 && fp == 0));
        text.AddRange(texts);
        _text = text;
        var videos = new Dictionary<long, (List<VideoFrame>, bool)>();
        foreach (var (seq, signal, enabled, fp) in await c.QueryAsync<(long seq, string signal, long enabled, long owner_false_positive)>(
                     "SELECT seq, signal, enabled, owner_false_positive FROM bank_entries WHERE signal_type = 'vpdq'"))
            if (VideoSignature.TryParse(signal, out var frames)) videos[seq] = (frames, enabled == 1 && fp == 0);
        var frameIndex = PdqIndex.Build(videos.SelectMany(kv => FrameEntries(kv.Key, kv.Value.Item1)));
        lock (_videoLock)
        {
            _videos.Clear();
            foreach (var kv in videos) _videos[kv.Key] = kv.Value;
            _videoFrames = frameIndex;
        }
        Interlocked.Exchange(ref _changeSeq, through);
        MatchingLog.IndexLoaded(log, ids.Count, watch.ElapsedMilliseconds);
    }

    /// <summary>
    /// Copies one entry's committed state into the index. Reading and applying under one lock
    /// means the last refresh always applies the latest commit, whatever order requests finish in.
    /// </summary>
    public async Task RefreshAsync(long seq, CancellationToken ct)
    {
        await _sync.WaitAsync(CancellationToken.None);
        try
        {
            await using var c = await db.OpenAsync(CancellationToken.None);
            var row = await c.QuerySingleOrDefaultAsync<(string signal_type, string signal, long enabled, long owner_false_positive)?>(
                "SELECT signal_type, signal, enabled, owner_false_positive FROM bank_entries WHERE seq = @seq", new { seq });
            if (row is not { } r) return;
            var matchable = r.enabled == 1 && r.owner_false_positive == 0;
            if (r.signal_type == "text")
            {
                if (!_text.SetEnabled(seq, matchable) && TextSignature.TryParse(r.signal, out var signature)) _text.Set(seq, signature, matchable);
                return;
            }
            if (r.signal_type == "vpdq")
            {
                lock (_videoLock)
                {
                    if (_videos.TryGetValue(seq, out var v)) _videos[seq] = (v.Frames, matchable);
                    else if (VideoSignature.TryParse(r.signal, out var frames))
                    {
                        _videos[seq] = (frames, matchable);
                        foreach (var (id, hash) in FrameEntries(seq, frames)) _videoFrames.Add(id, hash);
                    }
                }
                return;
            }
            if (r.signal_type != "pdq") return;
            if (!_index.SetEnabled(seq, matchable)) _index.Add(seq, PdqHash.Parse(r.signal), matchable);
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

    /// <summary>The seq and distance of every matchable PDQ entry within the radius, of any bank.</summary>
    public IReadOnlyList<PdqMatch> Match(PdqHash query, int radius) => _index.Match(query, radius);

    /// <summary>
    /// Every matchable video entry whose frames match the query's as vPDQ decides: at least
    /// MinBankFramesMatched of the bank video's frames and MinQueryFramesMatched of the query's
    /// within FrameDistance. The frame index finds the videos sharing at least one frame with the
    /// query (a video sharing none has 0% and cannot match); only those are compared frame set
    /// against frame set. Distance = 100 - the bank percentage.
    /// </summary>
    public IReadOnlyList<VideoMatch> MatchVideo(IReadOnlyList<VideoFrame> query, VideoOptions options)
    {
        var candidates = new HashSet<long>();
        var hits = new List<PdqMatch>();
        var frames = _videoFrames;
        foreach (var frame in query)
        {
            if (frame.Quality < options.MinFrameQuality) continue;
            hits.Clear();
            frames.Match(frame.Hash, Math.Min(options.FrameDistance, PdqIndex.MaxRadius), hits);
            foreach (var hit in hits) candidates.Add(hit.Id >> 16);
        }
        List<(long Seq, List<VideoFrame> Frames)> videos;
        lock (_videoLock)
            videos = candidates.Where(seq => _videos.TryGetValue(seq, out var v) && v.Matchable).Select(seq => (seq, _videos[seq].Frames)).ToList();
        var matches = new List<VideoMatch>();
        foreach (var (seq, bankFrames) in videos)
        {
            var (q, b) = VideoSignature.Compare(query, bankFrames, options.FrameDistance, options.MinFrameQuality);
            if (b > 0 && b >= options.MinBankFramesMatched && q >= options.MinQueryFramesMatched)
                matches.Add(new VideoMatch(seq, (int)Math.Round((1 - b) * 100), q, b));
        }
        return matches;
    }

    /// <summary>Bank video frames as frame-index entries; a video holds at most <see cref="VideoSignature.MaxFrames"/> (&lt; 65,536) frames.</summary>
    private static IEnumerable<(long Id, PdqHash Hash)> FrameEntries(long seq, List<VideoFrame> frames) =>
        frames.Select((f, i) => ((seq << 16) | (long)i, f.Hash));

    /// <summary>Every matchable text entry overlapping one of the query's signatures by at least <paramref name="minOverlap"/>.</summary>
    public IReadOnlyList<TextMatch> MatchText(IReadOnlyList<TextSignature> queries, double minOverlap) => _text.Match(queries, minOverlap);
}

/// <summary>A bank video matching a query video, with vPDQ's two percentages (0..1).</summary>
public readonly record struct VideoMatch(long Id, int Distance, double QueryMatched, double BankMatched);

internal static partial class MatchingLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "PDQ index loaded: {Entries} entries in {Milliseconds} ms")]
    public static partial void IndexLoaded(ILogger logger, int entries, long milliseconds);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Debug, Message = "Match request: {Queries} signal(s), {Matches} match(es)")]
    public static partial void Matched(ILogger logger, int queries, int matches);
}
