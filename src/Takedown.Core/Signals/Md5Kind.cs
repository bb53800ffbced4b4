using Takedown.Core.Common;

namespace Takedown.Core.Signals;

/// <summary>MD5 of a file's bytes, matched exactly; every uploaded file is looked up by it.</summary>
public sealed class Md5Kind() : HexDigestKind(32)
{
    public override string Name => "md5";
    public override string FormatProblem => "must be 32 hexadecimal digits (an MD5 digest)";
    public override bool FromFile => true;

    public override ValueTask<Result<SignalEntry>> EntryFromFileAsync(UploadedFile file, CancellationToken ct) =>
        ValueTask.FromResult<Result<SignalEntry>>(new SignalEntry(Of(file.Md5)));

    public override ValueTask<Result<IReadOnlyList<Signal>>> QueriesFromFileAsync(UploadedFile file, CancellationToken ct) =>
        ValueTask.FromResult<Result<IReadOnlyList<Signal>>>(new Signal[] { Of(file.Md5) });
}
