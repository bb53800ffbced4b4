using Takedown.Core.Common;

namespace Takedown.Core.Signals;

/// <summary>SHA-256 of a file's bytes, matched exactly; every uploaded file is looked up by it.</summary>
public sealed class Sha256Kind() : HexDigestKind(64)
{
    public override string Name => "sha256";
    public override string FormatProblem => "must be 64 hexadecimal digits (a SHA-256 digest)";
    public override bool FromFile => true;

    public override ValueTask<Result<SignalEntry>> EntryFromFileAsync(UploadedFile file, CancellationToken ct) =>
        ValueTask.FromResult<Result<SignalEntry>>(new SignalEntry(Of(file.Sha256)));

    public override ValueTask<Result<IReadOnlyList<Signal>>> QueriesFromFileAsync(UploadedFile file, CancellationToken ct) =>
        ValueTask.FromResult<Result<IReadOnlyList<Signal>>>(new Signal[] { Of(file.Sha256) });
}
