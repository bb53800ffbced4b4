using Takedown.Core.Common;

namespace Takedown.Core.Signals;

/// <summary>What an uploaded file is, as <see cref="FileSignals"/> recognises it.</summary>
public enum FileShape { Image, Video, Text }

/// <summary>
/// One kind of signal a bank holds (pdq, md5, url, ...): how a value is parsed and normalised, how it
/// comes from a file, which content type it stands for and how it is matched. A kind is registered in
/// DI with <see cref="SignalsSetup.AddSignalKind{T}"/>; nothing else in the core names a kind's string.
/// </summary>
public abstract class SignalKind
{
    /// <summary>The signal_type of the API and of bank_entries (e.g. "pdq").</summary>
    public abstract string Name { get; }

    /// <summary>What a value of this kind must look like, as the problem text for one that is not.</summary>
    public abstract string FormatProblem { get; }

    /// <summary>The DSA content type content banked with this kind is (e.g. CONTENT_TYPE_IMAGE); null when the kind does not tell.</summary>
    public virtual string? ContentType => null;

    /// <summary>The value in canonical form, or null when it is not one of this kind.</summary>
    public abstract Signal? Parse(string? value);

    /// <summary>A value as stored by this service (already canonical); null when it cannot be read.</summary>
    public virtual Signal? FromStored(string value) => Parse(value);

    /// <summary>What to look up for a value: the value itself, or more (a URL: its enclosing domains too).</summary>
    public virtual IEnumerable<Signal> LookupKeys(Signal signal) => [signal];

    /// <summary>The file shape this kind is the signal of (a bank upload without signal_type becomes this kind); null for none.</summary>
    public virtual FileShape? SignalOf => null;

    /// <summary>Whether a bank upload may ask for this kind (signal_type of a multipart upload).</summary>
    public virtual bool FromFile => false;

    /// <summary>The entry an uploaded file gives as this kind, or why it gives none. Only called when <see cref="FromFile"/>.</summary>
    public virtual ValueTask<Result<SignalEntry>> EntryFromFileAsync(UploadedFile file, CancellationToken ct) =>
        throw new NotSupportedException($"{Name} signals do not come from files");

    /// <summary>
    /// The signals of this kind to look up for an uploaded file (match, review check); none when the kind does
    /// not apply to it. A kind may add what it found to <see cref="UploadedFile.Hashes"/>.
    /// </summary>
    public virtual ValueTask<Result<IReadOnlyList<Signal>>> QueriesFromFileAsync(UploadedFile file, CancellationToken ct) =>
        ValueTask.FromResult<Result<IReadOnlyList<Signal>>>(Array.Empty<Signal>());

    /// <summary>A new, empty in-memory index for this kind; null when values match exactly, through SQL.</summary>
    public virtual ISignalIndex? CreateIndex() => null;

    /// <summary>Whether an entry of this kind carries a quality (0..100).</summary>
    public virtual bool HasQuality => false;

    /// <summary>Why an entry's quality is refused, or null.</summary>
    public virtual string? QualityProblem(int quality) => null;

    /// <summary>Why a review rule's max_distance can never apply to this kind, or null.</summary>
    public virtual string? RuleDistanceProblem(int maxDistance) => null;

    public override string ToString() => Name;
}

/// <summary>A kind whose values are a <typeparamref name="T"/> inside the core and text only at the edges (API, SQL).</summary>
public abstract class SignalKind<T> : SignalKind where T : notnull
{
    /// <summary>The canonical text of a value: stored in bank_entries.signal and shown by the API.</summary>
    public abstract string Format(T value);

    /// <summary>A value of this kind.</summary>
    public Signal<T> Of(T value) => new(this, value);
}

/// <summary>A signal inside the core: its kind and a typed value. <see cref="Text"/> is the canonical text of the edges.</summary>
public abstract class Signal
{
    public abstract SignalKind Kind { get; }

    /// <summary>The canonical text (what bank_entries.signal holds and the API shows).</summary>
    public abstract string Text { get; }

    public override string ToString() => $"{Kind.Name}:{Text}";
}

/// <summary>A signal whose value is a <typeparamref name="T"/> (a PdqHash, a TextSignature, video frames, a digest).</summary>
public sealed class Signal<T>(SignalKind<T> kind, T value) : Signal where T : notnull
{
    private string? _text;
    public override SignalKind Kind => kind;
    public T Value => value;
    public override string Text => _text ??= kind.Format(value);
}

/// <summary>A bank entry's signal and, for kinds that have one, its quality.</summary>
public sealed record SignalEntry(Signal Signal, int? Quality = null);

/// <summary>One entry found by an index: its seq, distance, and for video the shares of frames matched both ways (0..1).</summary>
public readonly record struct SignalHit(long Seq, int Distance, double? QueryShare = null, double? BankShare = null);

/// <summary>
/// The in-memory index of one signal kind over every bank's entries of that kind, keyed by the entry's seq.
/// Tenancy is not its job: matching filters hits in SQL.
/// </summary>
public interface ISignalIndex
{
    /// <summary>Entries held, matchable or not.</summary>
    int Count { get; }

    /// <summary>Replaces everything held with these entries (start-up).</summary>
    void Load(IEnumerable<(long Seq, Signal Signal, bool Matchable)> entries);

    /// <summary>Sets whether a held entry matches; false when the index does not hold <paramref name="seq"/>.</summary>
    bool SetMatchable(long seq, bool matchable);

    /// <summary>Adds an entry not held yet.</summary>
    void Add(long seq, Signal signal, bool matchable);

    /// <summary>Adds to <paramref name="hits"/> every matchable entry matching one of <paramref name="queries"/> (all of this kind).</summary>
    void Match(IReadOnlyList<Signal> queries, int radius, List<SignalHit> hits);
}
