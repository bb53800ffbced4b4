using Takedown.Core.Common;
using Takedown.Core.Hashing;
using Takedown.Core.Matching;

namespace Takedown.Core.Signals;

/// <summary>Text: a MinHash signature of the normalised text, matched by estimated overlap (distance = 100 - overlap in percent). The text itself is never kept.</summary>
public sealed class TextKind(HashingOptions hashing) : SignalKind<TextSignature>
{
    public override string Name => "text";
    public override string FormatProblem => "must be a text signature (count:1024 hex digits) as this service computes it; send the text itself as \"text\"";
    public override string ContentType => "CONTENT_TYPE_TEXT";
    public override FileShape? SignalOf => FileShape.Text;
    public override bool FromFile => true;

    public override Signal? Parse(string? value) => TextSignature.TryParse(value, out var signature) ? Of(signature) : null;

    public override string Format(TextSignature value) => value.ToString();

    /// <summary>The entry signal of a text, or why it cannot be one (too long, or too few words to match on).</summary>
    public Result<Signal> Entry(string text, string field = "text")
    {
        if (text.Length > hashing.MaxTextChars) return Error.Invalid(field, $"must be at most {hashing.MaxTextChars} characters");
        var signature = TextSignature.Compute(text);
        if (signature.Shingles < TextIndex.MinSharedShingles)
            return Error.Invalid(field, $"has {signature.Shingles} distinct word triples after normalisation: at least {TextIndex.MinSharedShingles} are needed to match on");
        return Of(signature);
    }

    /// <summary>The signatures to look up for a text (the whole, then windows of long texts), or why it cannot be matched.</summary>
    public Result<IReadOnlyList<Signal>> Queries(string text, string field)
    {
        if (text.Length > hashing.MaxTextChars) return Error.Invalid(field, $"must be at most {hashing.MaxTextChars} characters");
        var signatures = TextIndex.QuerySignatures(text);
        if (signatures[0].Shingles == 0) return Error.Invalid(field, "has no words to match on");
        return signatures.Select(Of).ToList();
    }

    public override ValueTask<Result<SignalEntry>> EntryFromFileAsync(UploadedFile file, CancellationToken ct)
    {
        var decoded = Decode(file.Bytes);
        if (!decoded.IsSuccess) return ValueTask.FromResult<Result<SignalEntry>>(decoded.Error!);
        var entry = Entry(decoded.Value, "file");
        return ValueTask.FromResult<Result<SignalEntry>>(entry.IsSuccess ? new SignalEntry(entry.Value) : entry.Error!);
    }

    public override ValueTask<Result<IReadOnlyList<Signal>>> QueriesFromFileAsync(UploadedFile file, CancellationToken ct)
    {
        if (file.Shape != FileShape.Text) return base.QueriesFromFileAsync(file, ct);
        var decoded = Decode(file.Bytes);
        if (!decoded.IsSuccess) return ValueTask.FromResult<Result<IReadOnlyList<Signal>>>(decoded.Error!);
        var queries = Queries(decoded.Value, "file");
        if (queries.IsSuccess) file.Hashes = file.Hashes with { PdqError = "not an image (a .txt file, matched as text)", Text = queries.Value[0].Text };
        return ValueTask.FromResult(queries);
    }

    public override ISignalIndex CreateIndex() => new TextSignalIndex(hashing.MinTextOverlap);

    /// <summary>An uploaded .txt file as text: UTF-8 (a byte-order mark is skipped), refused when it is not valid UTF-8.</summary>
    private static Result<string> Decode(ReadOnlyMemory<byte> file)
    {
        try
        {
            var span = file.Span;
            if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) span = span[3..];
            return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(span);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return Error.Invalid("file", "is not UTF-8 text");
        }
    }

    /// <summary>The text entries in a <see cref="TextIndex"/> (MinHash LSH), replaced whole on load.</summary>
    private sealed class TextSignalIndex(double minOverlap) : ISignalIndex
    {
        private volatile TextIndex _text = new();

        public int Count => _text.Count;

        public void Load(IEnumerable<(long Seq, Signal Signal, bool Matchable)> entries)
        {
            var text = new TextIndex();
            text.AddRange(entries.Select(e => (e.Seq, Signature(e.Signal), e.Matchable)));
            _text = text;
        }

        public bool SetMatchable(long seq, bool matchable) => _text.SetEnabled(seq, matchable);

        public void Add(long seq, Signal signal, bool matchable) => _text.Set(seq, Signature(signal), matchable);

        public void Match(IReadOnlyList<Signal> queries, int radius, List<SignalHit> hits)
        {
            foreach (var m in _text.Match(queries.Select(Signature).ToList(), minOverlap)) hits.Add(new SignalHit(m.Id, m.Distance));
        }

        private static TextSignature Signature(Signal signal) => ((Signal<TextSignature>)signal).Value;
    }
}
