using Takedown.Core.Common;
using Takedown.Core.Hashing;
using Takedown.Core.Matching;

namespace Takedown.Core.Signals;

/// <summary>PDQ: Meta's perceptual image hash (256 bits), matched by Hamming distance. An image is looked up by all eight dihedral hashes, so rotated and mirrored copies are caught.</summary>
public sealed class PdqKind(HashingOptions hashing) : SignalKind<PdqHash>
{
    /// <summary>PDQ hashes below this quality are too weak to match on (Meta's and GIFCT's convention).</summary>
    public const int MinQuality = 50;

    public override string Name => "pdq";
    public override string FormatProblem => "must be 64 hexadecimal digits (a PDQ hash)";
    public override string ContentType => "CONTENT_TYPE_IMAGE";
    public override FileShape? SignalOf => FileShape.Image;
    public override bool FromFile => true;
    public override bool HasQuality => true;

    public override Signal? Parse(string? value) => PdqHash.TryParse(value, out var hash) ? Of(hash) : null;

    public override string Format(PdqHash value) => value.ToString();

    public override string? QualityProblem(int quality) => quality switch
    {
        < 0 or > 100 => "must be between 0 and 100",
        < MinQuality => $"is {quality}: PDQ hashes below quality {MinQuality} are too weak to match on (flat or tiny images) and are refused",
        _ => null,
    };

    public override string? RuleDistanceProblem(int maxDistance) => maxDistance > PdqIndex.DefaultRadius
        ? $"must be at most {PdqIndex.DefaultRadius} for pdq: checks match PDQ within {PdqIndex.DefaultRadius} bits, so a wider rule would never apply"
        : null;

    public override ValueTask<Result<SignalEntry>> EntryFromFileAsync(UploadedFile file, CancellationToken ct)
    {
        var pdq = PdqHasher.HashImage(file.Bytes.Span, hashing.Limits);
        Result<SignalEntry> result = !pdq.IsSuccess ? FileSignals.FileError(pdq.Error!)
            : pdq.Quality < MinQuality
                ? Error.Invalid("file", $"the image's PDQ quality is {pdq.Quality}: below {MinQuality} a hash is too weak to match on (flat or tiny images), so it is refused")
                : new SignalEntry(Of(pdq.Hash), pdq.Quality);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<Result<IReadOnlyList<Signal>>> QueriesFromFileAsync(UploadedFile file, CancellationToken ct)
    {
        if (file.Shape != FileShape.Image) return base.QueriesFromFileAsync(file, ct);
        var pdq = PdqHasher.HashImage(file.Bytes.Span, hashing.Limits, includeDihedral: true);
        file.Hashes = file.Hashes with { Pdq = pdq.IsSuccess ? pdq.Hash.ToString() : null, Quality = pdq.IsSuccess ? pdq.Quality : null, PdqError = pdq.Error?.Reason };
        Signal[] queries = pdq.IsSuccess && pdq.Quality >= MinQuality ? pdq.Dihedral!.All.Distinct().Select(Of).ToArray() : [];
        return ValueTask.FromResult<Result<IReadOnlyList<Signal>>>(queries);
    }

    public override ISignalIndex CreateIndex() => new PdqSignalIndex();

    /// <summary>The PDQ entries in a <see cref="PdqIndex"/> (multi-index hashing), replaced whole on load.</summary>
    private sealed class PdqSignalIndex : ISignalIndex
    {
        private volatile PdqIndex _index = new();

        public int Count => _index.Count;

        public void Load(IEnumerable<(long Seq, Signal Signal, bool Matchable)> entries)
        {
            var ids = new List<long>();
            var hashes = new List<PdqHash>();
            var disabled = new List<long>();
            foreach (var (seq, signal, matchable) in entries)
            {
                ids.Add(seq);
                hashes.Add(Hash(signal));
                if (!matchable) disabled.Add(seq);
            }
            var index = PdqIndex.Build(ids.ToArray(), hashes.ToArray());
            foreach (var seq in disabled) index.SetEnabled(seq, false);
            _index = index;
        }

        public bool SetMatchable(long seq, bool matchable) => _index.SetEnabled(seq, matchable);

        public void Add(long seq, Signal signal, bool matchable) => _index.Add(seq, Hash(signal), matchable);

        public void Match(IReadOnlyList<Signal> queries, int radius, List<SignalHit> hits)
        {
            var index = _index;
            var found = new List<PdqMatch>();
            foreach (var query in queries)
            {
                found.Clear();
                index.Match(Hash(query), radius, found);
                foreach (var m in found) hits.Add(new SignalHit(m.Id, m.Distance));
            }
        }

        private static PdqHash Hash(Signal signal) => ((Signal<PdqHash>)signal).Value;
    }
}
