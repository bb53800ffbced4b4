using Microsoft.Extensions.Logging;
using Takedown.Core.Common;
using Takedown.Core.Hashing;
using Takedown.Core.Matching;

namespace Takedown.Core.Signals;

/// <summary>
/// vPDQ: a video's PDQ frames (one a second, near-identical neighbours dropped), matched as vPDQ decides: enough of
/// the bank video's frames (and of the query's) within the frame distance. Distance = 100 - the bank percentage.
/// </summary>
public sealed class VpdqKind(HashingOptions hashing, ILogger<VpdqKind> log) : SignalKind<IReadOnlyList<VideoFrame>>
{
    public override string Name => "vpdq";
    public override string FormatProblem => "must be vPDQ frames as this service writes them (seconds,quality,hash separated by ;); or upload the video as multipart 'file'";
    public override string ContentType => "CONTENT_TYPE_VIDEO";
    public override FileShape? SignalOf => FileShape.Video;
    public override bool FromFile => true;

    public override Signal? Parse(string? value) => VideoSignature.TryParse(value, out var frames) ? Of(frames) : null;

    public override string Format(IReadOnlyList<VideoFrame> value) => VideoSignature.Format(value);

    public override async ValueTask<Result<SignalEntry>> EntryFromFileAsync(UploadedFile file, CancellationToken ct)
    {
        if (file.Container is null) return Error.Invalid("file", VideoSniffer.Refusal(file.Bytes.Span));
        var video = await VideoHasher.HashAsync(file.Bytes, hashing.Video, log, ct);
        if (video.Error is not null) return VideoError(video.Error);
        return new SignalEntry(Of(video.Frames!));
    }

    public override async ValueTask<Result<IReadOnlyList<Signal>>> QueriesFromFileAsync(UploadedFile file, CancellationToken ct)
    {
        if (file.Shape != FileShape.Video) return Array.Empty<Signal>();
        var video = await VideoHasher.HashAsync(file.Bytes, hashing.Video, log, ct);
        if (video.Error is not null) return VideoError(video.Error);
        file.Hashes = file.Hashes with { PdqError = "not an image (a video, matched as vpdq)", VideoFrames = video.Frames!.Count, VideoFramesDecoded = video.Decoded };
        return new Signal[] { Of(video.Frames!) };
    }

    public override ISignalIndex CreateIndex() => new VideoIndex(hashing.Video);

    /// <summary>A video that could not be hashed: 503 naming ffmpeg when it is missing, otherwise a problem naming the file (in our words, never ffmpeg's).</summary>
    private static Error VideoError(VideoError error) => error.Kind switch
    {
        VideoErrorKind.FfmpegMissing => new Error(ErrorKind.Unavailable, "Video hashing unavailable", error.Reason),
        _ => Error.Invalid("file", error.Reason),
    };

    /// <summary>
    /// Bank videos by seq, and every bank frame in a <see cref="PdqIndex"/> by id (seq &lt;&lt; 16 | frame number), so a
    /// query meets only the videos sharing a frame with it (a video sharing none has 0% and cannot match); only
    /// those are compared frame set against frame set.
    /// </summary>
    private sealed class VideoIndex(VideoOptions options) : ISignalIndex
    {
        private readonly Dictionary<long, (IReadOnlyList<VideoFrame> Frames, bool Matchable)> _videos = [];
        private volatile PdqIndex _frames = new();
        private readonly Lock _lock = new();

        public int Count
        {
            get { lock (_lock) return _videos.Count; }
        }

        public void Load(IEnumerable<(long Seq, Signal Signal, bool Matchable)> entries)
        {
            var videos = entries.ToDictionary(e => e.Seq, e => (Frames(e.Signal), e.Matchable));
            var frameIndex = PdqIndex.Build(videos.SelectMany(kv => FrameEntries(kv.Key, kv.Value.Item1)));
            lock (_lock)
            {
                _videos.Clear();
                foreach (var kv in videos) _videos[kv.Key] = kv.Value;
                _frames = frameIndex;
            }
        }

        public bool SetMatchable(long seq, bool matchable)
        {
            lock (_lock)
            {
                if (!_videos.TryGetValue(seq, out var v)) return false;
                _videos[seq] = (v.Frames, matchable);
                return true;
            }
        }

        public void Add(long seq, Signal signal, bool matchable)
        {
            var frames = Frames(signal);
            lock (_lock)
            {
                _videos[seq] = (frames, matchable);
                foreach (var (id, hash) in FrameEntries(seq, frames)) _frames.Add(id, hash);
            }
        }

        public void Match(IReadOnlyList<Signal> queries, int radius, List<SignalHit> hits)
        {
            foreach (var query in queries) Match(Frames(query), hits);
        }

        private void Match(IReadOnlyList<VideoFrame> query, List<SignalHit> hits)
        {
            var candidates = new HashSet<long>();
            var found = new List<PdqMatch>();
            var frames = _frames;
            foreach (var frame in query)
            {
                if (frame.Quality < options.MinFrameQuality) continue;
                found.Clear();
                frames.Match(frame.Hash, Math.Min(options.FrameDistance, PdqIndex.MaxRadius), found);
                foreach (var hit in found) candidates.Add(hit.Id >> 16);
            }
            List<(long Seq, IReadOnlyList<VideoFrame> Frames)> videos;
            lock (_lock)
                videos = candidates.Where(seq => _videos.TryGetValue(seq, out var v) && v.Matchable).Select(seq => (seq, _videos[seq].Frames)).ToList();
            foreach (var (seq, bankFrames) in videos)
            {
                var (q, b) = VideoSignature.Compare(query, bankFrames, options.FrameDistance, options.MinFrameQuality);
                if (b > 0 && b >= options.MinBankFramesMatched && q >= options.MinQueryFramesMatched)
                    hits.Add(new SignalHit(seq, (int)Math.Round((1 - b) * 100), q, b));
            }
        }

        private static IReadOnlyList<VideoFrame> Frames(Signal signal) => ((Signal<IReadOnlyList<VideoFrame>>)signal).Value;

        /// <summary>Bank video frames as frame-index entries; a video holds at most <see cref="VideoSignature.MaxFrames"/> (&lt; 65,536) frames.</summary>
        private static IEnumerable<(long Id, PdqHash Hash)> FrameEntries(long seq, IReadOnlyList<VideoFrame> frames) =>
            frames.Select((f, i) => ((seq << 16) | (long)i, f.Hash));
    }
}
