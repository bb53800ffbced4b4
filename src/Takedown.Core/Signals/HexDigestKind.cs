using Takedown.Core.Common;

namespace Takedown.Core.Signals;

/// <summary>A kind whose value is a fixed-length hex digest, matched exactly (through SQL); canonical form is lowercase.</summary>
public abstract class HexDigestKind(int digits) : SignalKind<string>
{
    public override Signal? Parse(string? value)
    {
        if (value is null || value.Length != digits) return null;
        foreach (var c in value)
            if (!char.IsAsciiHexDigit(c)) return null;
        return Of(value.ToLowerInvariant());
    }

    public override string Format(string value) => value;
}

/// <summary>A digest of a file's bytes (md5, sha256): every uploaded file gives one, and is looked up by it.</summary>
public abstract class FileDigestKind(int digits) : HexDigestKind(digits)
{
    public override bool FromFile => true;

    /// <summary>The file's digest of this kind, in canonical form.</summary>
    protected abstract string Digest(UploadedFile file);

    public override ValueTask<Result<SignalEntry>> EntryFromFileAsync(UploadedFile file, CancellationToken ct) =>
        ValueTask.FromResult<Result<SignalEntry>>(new SignalEntry(Of(Digest(file))));

    public override ValueTask<Result<IReadOnlyList<Signal>>> QueriesFromFileAsync(UploadedFile file, CancellationToken ct) =>
        ValueTask.FromResult<Result<IReadOnlyList<Signal>>>(new Signal[] { Of(Digest(file)) });
}
